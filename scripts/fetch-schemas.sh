#!/usr/bin/env bash
# Fetches the official CycloneDX 1.5 JSON schemas for the CycloneDX validation tests: bom-1.5 and
# the two schemas it references (spdx, jsf-0.82), from the npm package
# @cyclonedx/cyclonedx-library (pinned version, tarball sha256 checked) into build/schemas
# (or $SDKSCOPE_SCHEMAS). Best effort: without npm or the registry it says so and exits 0, and
# the tests skip. Nothing else in the package is used or kept.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${SDKSCOPE_SCHEMAS:-$root/build/schemas}"
pkg="@cyclonedx/cyclonedx-library"
version="10.3.0"
sha256="9833bd949052eb18218dd64b13ad62d9246f7395eef01c66dad08fcbacf74f01"
files=(bom-1.5.SNAPSHOT.schema.json spdx.SNAPSHOT.schema.json jsf-0.82.SNAPSHOT.schema.json)

have_all=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || have_all=0; done
if [ "$have_all" = 1 ]; then
  echo "fetch-schemas: CycloneDX schemas already in $dest"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-schemas: npm not available; CycloneDX schema tests will skip"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && timeout 300 npm pack --silent --cache "$tmp/npm-cache" "$pkg@$version" >/dev/null 2>"$tmp/npm.err"); then
  echo "fetch-schemas: npm pack $pkg@$version failed ($(tail -n1 "$tmp/npm.err")); CycloneDX schema tests will skip"
  exit 0
fi
tgz="$tmp/cyclonedx-cyclonedx-library-$version.tgz"
if ! echo "$sha256  $tgz" | sha256sum -c --quiet >/dev/null 2>&1; then
  echo "fetch-schemas: $pkg@$version tarball sha256 mismatch; not using it"
  exit 0
fi
members=()
for f in "${files[@]}"; do members+=("package/res/schema/$f"); done
if ! tar -xzf "$tgz" -C "$tmp" "${members[@]}"; then
  echo "fetch-schemas: schemas missing from $pkg@$version; CycloneDX schema tests will skip"
  exit 0
fi
mkdir -p "$dest"
for f in "${files[@]}"; do cp "$tmp/package/res/schema/$f" "$dest/$f"; done
echo "fetch-schemas: ${files[*]} ($pkg@$version) -> $dest"
exit 0
