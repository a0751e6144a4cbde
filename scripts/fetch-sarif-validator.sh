#!/usr/bin/env bash
# Fetches Microsoft's SARIF Multitool (the OASIS SARIF TC's reference validator: JSON schema plus
# the SARIF1xxx/2xxx rules) from the npm package @microsoft/sarif-multitool-linux (pinned
# version, tarball sha256 checked) into build/tools/sarif (or $SDKSCOPE_SARIF_TOOL_DIR). The SARIF
# tests run `Sarif.Multitool validate` on sdkscope's output and fail on any error-level result.
# Best effort: without npm or the registry it says so and exits 0, and those tests skip.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${SDKSCOPE_SARIF_TOOL_DIR:-$root/build/tools/sarif}"
pkg="@microsoft/sarif-multitool-linux"
version="5.7.0"
sha256="27d8e3e96dde578a23b7c45035b8d741fece5731e2700aa068015b8c44d1514e"

if [ -x "$dest/Sarif.Multitool" ] && [ -s "$dest/sarif-2.1.0.json" ]; then
  echo "fetch-sarif-validator: already in $dest"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-sarif-validator: npm not available; SARIF validator tests will skip"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && timeout 600 npm pack --silent --cache "$tmp/npm-cache" "$pkg@$version" >/dev/null 2>"$tmp/npm.err"); then
  echo "fetch-sarif-validator: npm pack $pkg@$version failed ($(tail -n1 "$tmp/npm.err")); SARIF validator tests will skip"
  exit 0
fi
tgz="$tmp/microsoft-sarif-multitool-linux-$version.tgz"
if ! echo "$sha256  $tgz" | sha256sum -c --quiet >/dev/null 2>&1; then
  echo "fetch-sarif-validator: $pkg@$version tarball sha256 mismatch; not using it"
  exit 0
fi
if ! tar -xzf "$tgz" -C "$tmp" package/Sarif.Multitool package/sarif-2.1.0.json; then
  echo "fetch-sarif-validator: Sarif.Multitool missing from $pkg@$version; SARIF validator tests will skip"
  exit 0
fi
mkdir -p "$dest"
cp "$tmp/package/Sarif.Multitool" "$tmp/package/sarif-2.1.0.json" "$dest/"
chmod +x "$dest/Sarif.Multitool"
echo "fetch-sarif-validator: Sarif.Multitool ($pkg@$version) -> $dest"
exit 0
