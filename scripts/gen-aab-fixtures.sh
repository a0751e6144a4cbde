#!/usr/bin/env bash
# Builds the Android App Bundle fixtures in testdata/aab/: aapt2's protobuf XML and resource
# tables, which an .aab module stores as manifest/AndroidManifest.xml and resources.pb.
#
# Usage:  scripts/gen-aab-fixtures.sh     (needs protoc and aapt2: Debian packages
#                                          "protobuf-compiler" and "aapt")
#
# (1) testdata/aab/src/*.txtpb -> testdata/aab/*.pb: protobuf text format encoded by protoc
#     against testdata/aab/proto/Resources.proto, our subset of aapt2's schema with its real
#     field numbers. These cover what aapt2 rarely writes (every value type, alias chains,
#     several configurations, a feature package) and are easy to edit.
# (2) testdata/aab/aapt2-app -> testdata/aab/aapt2/*.pb: a tiny app linked by the real aapt2 with
#     --proto-format (what bundletool packs into a module), against the framework stub that
#     scripts/gen-android-fixtures.sh builds, so the decoders are also checked on genuine output.
#     Each output gets a .txtpb beside it (protoc --decode) for reading and diffing. The same
#     aapt2 also links testdata/android/apps/full (the AXML fixture app) into full_manifest.pb.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
aab="$root/testdata/aab"
framework="$root/testdata/android/framework/android-min.jar"
PROTOC="${PROTOC:-protoc}"
AAPT2="${AAPT2:-aapt2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# pb TYPE ARGS...: protoc with our schema for message aapt.pb.TYPE.
pb() {
  local type="$1"
  shift
  "$PROTOC" --proto_path="$aab/proto" "$@" "--$(echo "$type" | cut -d: -f1)=aapt.pb.${type#*:}" Resources.proto
}

# (1) text fixtures.
pb encode:XmlNode <"$aab/src/manifest.txtpb" >"$aab/manifest.pb"
pb encode:ResourceTable <"$aab/src/resources.txtpb" >"$aab/resources.pb"

# (2) real aapt2 output. Relative paths only: aapt2 records source paths in resources.pb.
if [[ ! -f "$framework" ]]; then
  echo "gen-aab-fixtures.sh: $framework is missing; run scripts/gen-android-fixtures.sh first" >&2
  exit 2
fi
mkdir -p "$aab/aapt2"
(
  cd "$aab/aapt2-app"
  "$AAPT2" compile --dir res -o "$tmp/res.zip"
  "$AAPT2" link --proto-format -I "$framework" --manifest AndroidManifest.xml -o "$tmp/base.apk" "$tmp/res.zip"
)
unzip -p "$tmp/base.apk" AndroidManifest.xml >"$aab/aapt2/manifest.pb"
unzip -p "$tmp/base.apk" resources.pb >"$aab/aapt2/resources.pb"
unzip -p "$tmp/base.apk" res/xml/network_security_config.xml >"$aab/aapt2/network_security_config.pb"
# The AXML fixture app of scripts/gen-android-fixtures.sh, linked by aapt2 instead of aapt, so a
# test can check that both encodings of one manifest decode to the same tree. This aapt2 (Android
# 10) predates <queries>, hence --warn-manifest-validation; the element is kept as written.
(
  cd "$root/testdata/android/apps/full"
  "$AAPT2" compile --dir res -o "$tmp/full-res.zip"
  "$AAPT2" link --proto-format --warn-manifest-validation -I "$framework" --manifest AndroidManifest.xml \
    -o "$tmp/full.apk" "$tmp/full-res.zip"
)
unzip -p "$tmp/full.apk" AndroidManifest.xml >"$aab/aapt2/full_manifest.pb"
pb decode:XmlNode <"$aab/aapt2/manifest.pb" >"$aab/aapt2/manifest.txtpb"
pb decode:ResourceTable <"$aab/aapt2/resources.pb" >"$aab/aapt2/resources.txtpb"
pb decode:XmlNode <"$aab/aapt2/network_security_config.pb" >"$aab/aapt2/network_security_config.txtpb"

ls -l "$aab"/*.pb "$aab"/aapt2/*.pb
