#!/usr/bin/env bash
# Builds the plist fixtures in testdata/plist/ from the text in testdata/plist/src/.
# Usage: scripts/gen-plist-fixtures.sh   (needs plistutil from libplist-utils, and openssl)
#
#   src/*.plist, src/privacy_complete.xcprivacy -> *.bplist (binary plists, via plistutil)
#   src/profile.plist -> profile.mobileprovision (CMS SignedData, content attached, DER)
#                     -> profile_detached.mobileprovision (same, content detached: unreadable)
#   a line of text     -> profile_not_plist.mobileprovision (sound envelope, content not a plist)
# The signing key is made fresh in a temporary directory on every run and never kept, so the
# profiles' signatures differ from run to run; their content does not.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/testdata/plist/src"
out="$root/testdata/plist"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# (1) XML -> binary. plistutil 2.2 converts XML to binary by default; -f bin says so explicitly.
for name in app_info framework_info keyboard_extension_info; do
  plistutil -i "$src/$name.plist" -o "$out/$name.bplist" -f bin
done
plistutil -i "$src/privacy_complete.xcprivacy" -o "$out/privacy_complete.bplist" -f bin

# (2) A provisioning profile: a self-signed test certificate signs the plist as Apple's profile
# service does (CMS SignedData, DER, content inside).
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=sdkscope-test -days 3650 \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
openssl cms -sign -nodetach -binary -outform DER -in "$src/profile.plist" \
  -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" -out "$out/profile.mobileprovision"
openssl cms -sign -binary -outform DER -in "$src/profile.plist" \
  -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" -out "$out/profile_detached.mobileprovision"
# (3) A well-formed envelope whose content is not a plist.
printf 'This is not a property list.\n' > "$tmp/not_plist.txt"
openssl cms -sign -nodetach -binary -outform DER -in "$tmp/not_plist.txt" \
  -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" -out "$out/profile_not_plist.mobileprovision"

# Check what was written: the binary plists read back to the same XML, the profile unwraps.
for name in app_info framework_info keyboard_extension_info; do
  plistutil -i "$out/$name.bplist" -o "$tmp/$name.xml"
  plistutil -i "$src/$name.plist" -o "$tmp/$name.bin" -f bin
  plistutil -i "$tmp/$name.bin" -o "$tmp/$name.ref.xml"
  cmp -s "$tmp/$name.xml" "$tmp/$name.ref.xml"
done
openssl cms -verify -noverify -inform DER -in "$out/profile.mobileprovision" -out "$tmp/profile.plist" 2>/dev/null
cmp -s "$tmp/profile.plist" "$src/profile.plist"

ls -l "$out"/*.bplist "$out"/*.mobileprovision
