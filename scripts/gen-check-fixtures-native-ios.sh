#!/usr/bin/env bash
# Builds the native (ELF) and iOS (Mach-O, IPA) fixtures of the privacy / security checks:
#   testdata/checks/src/native/*.c -> testdata/checks/native/lib*.so   (Android arm64)
#   testdata/checks/src/ios/*      -> testdata/checks/ios/*.ipa, *.dylib (iOS arm64)
# Which checks each must trigger or not is in testdata/checks/expectations.json; what each holds is
# in testdata/checks/README.md. The Android DEX / manifest fixtures are built elsewhere.
# Usage: scripts/gen-check-fixtures-native-ios.sh
# Needs clang-14, lld-14 (ld.lld, ld64.lld-14), plistutil (libplist-utils), zip, python3.
# The outputs depend only on the sources and the tools: regenerating leaves `git status` clean.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/testdata/checks/src"
out="$root/testdata/checks"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

CLANG="${CLANG:-clang-14}"
LD64="${LD64:-ld64.lld-14}"
PLISTUTIL="${PLISTUTIL:-plistutil}"
export TZ=UTC LC_ALL=C
umask 022

# ---- native: Android arm64 shared libraries -----------------------------------------------------
# clang + lld without an NDK, -nostdlib and nothing linked: every libc / libcrypto function stays
# an undefined dynamic symbol called through the PLT, as in a library linked against the real
# ones. -O2 like a release build; no build id, no debug info, no build paths.
mkdir -p "$out/native"
native_cc=("$CLANG" --target=aarch64-linux-android21 -O2 -fPIC -fno-builtin -fno-asynchronous-unwind-tables
           -ffile-prefix-map="$root"=. -nostdlib -fuse-ld=lld -shared -Wl,--build-id=none)
for name in positive negative strings_only antidebug_ptrace antidebug_svc; do
  lib="lib${name//_/-}.so"
  "${native_cc[@]}" -Wl,-soname,"$lib" -o "$out/native/$lib" "$src/native/$name.c"
done

# ---- iOS: arm64 Mach-O images ------------------------------------------------------------------
ios="$src/ios"
stubs="$ios/stubs"
build="$tmp/ios"
mkdir -p "$build" "$out/ios"
ios_cc=("$CLANG" -target arm64-apple-ios14.0 -O2 -fno-asynchronous-unwind-tables -fno-exceptions
        -ffile-prefix-map="$root"=. -I"$ios")
ld_common=(-arch arm64 -platform_version ios 14.0 14.0)
cc() { "${ios_cc[@]}" -c "$ios/$1.c" -o "$build/$1.o"; }

# Embedded frameworks (dylibs with @rpath install names), linked by the apps.
framework() {  # framework NAME SOURCE
  cc "$2"
  "$LD64" "${ld_common[@]}" -dylib -adhoc_codesign -install_name "@rpath/$1.framework/$1" \
    -o "$build/$1" "$build/$2.o" "$stubs/libSystem.tbd"
}
framework OpenSSL openssl_fw
framework AppsFlyerLib appsflyer_fw

# Main executables: the system frameworks come from the .tbd stubs, the embedded ones from the
# dylibs above. ld64.lld writes an ad-hoc signature; macho_sign.py replaces it with one that
# carries the entitlements (and, with --encrypt, imitates a FairPlay-encrypted App Store binary).
app_libs=("$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/Foundation.tbd" "$stubs/UIKit.tbd"
          "$stubs/AdSupport.tbd" "$stubs/JavaScriptCore.tbd" "$stubs/WebKit.tbd" "$build/OpenSSL" "$build/AppsFlyerLib")
executable() {  # executable OUT SOURCE RPATH LIBS...
  local exe="$1" source="$2" rpath="$3"
  shift 3
  cc "$source"
  "$LD64" "${ld_common[@]}" -adhoc_codesign -rpath "$rpath" -o "$build/$exe" "$build/$source.o" "$@"
}
executable positive.bin positive_app @executable_path/Frameworks "${app_libs[@]}"
executable negative.bin negative_app @executable_path/Frameworks "${app_libs[@]}"
executable Keyboard keyboard_ext @executable_path/../../Frameworks "$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/UIKit.tbd"
executable Share share_ext @executable_path/../../Frameworks "$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/Foundation.tbd"

# Bare dylibs, one anti-debugging technique each (a scanned SDK binary, no app around it).
for name in antidebug_ptrace antidebug_svc antidebug_dlsym antidebug_sysctl; do
  cc "$name"
  dylib="lib${name//_/-}.dylib"
  "$LD64" "${ld_common[@]}" -dylib -adhoc_codesign -install_name "@rpath/$dylib" \
    -o "$out/ios/$dylib" "$build/$name.o" "$stubs/libSystem.tbd"
done
# The ptrace one again, "FairPlay-encrypted" as in an App Store download (see macho_sign.py).
python3 "$ios/macho_sign.py" "$out/ios/libantidebug-ptrace.dylib" "$out/ios/libantidebug-encrypted.dylib" \
  --identifier libantidebug-encrypted --encrypt
chmod 755 "$out/ios/libantidebug-encrypted.dylib"

# ---- iOS: app bundles and IPAs -----------------------------------------------------------------
bplist() { "$PLISTUTIL" -i "$1" -o "$2" -f bin; }

# bundle DIR VARIANT ENTITLEMENTS [--encrypt]: Payload/Fixture.app with the main executable of
# VARIANT_app.c signed with ENTITLEMENTS, and the two frameworks.
bundle() {
  local dir="$1" variant="$2" entitlements="$3" app="$1/Payload/Fixture.app"
  shift 3
  mkdir -p "$app/Frameworks"
  bplist "$ios/$variant-Info.plist" "$app/Info.plist"
  python3 "$ios/macho_sign.py" "$build/$variant.bin" "$app/Fixture" --identifier "net.sdkscope.checks.$variant" \
    --entitlements "$ios/$entitlements.entitlements" --info-plist "$app/Info.plist" "$@"
  for fw in OpenSSL AppsFlyerLib; do
    mkdir -p "$app/Frameworks/$fw.framework"
    bplist "$ios/$fw-Info.plist" "$app/Frameworks/$fw.framework/Info.plist"
    cp "$build/$fw" "$app/Frameworks/$fw.framework/$fw"
  done
}

# zip_tree DIR OUT: a deterministic zip of DIR's Payload/ (sorted entries, fixed times and modes,
# no extra fields).
zip_tree() {
  local dir="$1" ipa="$2"
  find "$dir" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
  find "$dir" -type f \( -name Fixture -o -name Keyboard -o -name Share -o -name OpenSSL -o -name AppsFlyerLib \) \
    -exec chmod 755 {} +
  find "$dir" -exec touch -h -d @0 {} +
  rm -f "$ipa"
  (cd "$dir" && find Payload | sort | zip -X -q -@ "$ipa")
}

# positive.ipa: ATS off (globally, for web content and media), an insecure-HTTP and a TLS 1.0
# exception, a keyboard extension, frameworks without privacy manifests (OpenSSL is on Apple's
# list; AppsFlyer's host is a tracking domain), no app privacy manifest.
pos="$tmp/positive"
bundle "$pos" positive positive
kb="$pos/Payload/Fixture.app/PlugIns/Keyboard.appex"
mkdir -p "$kb"
bplist "$ios/keyboard-Info.plist" "$kb/Info.plist"
cp "$build/Keyboard" "$kb/Keyboard"
zip_tree "$pos" "$out/ios/positive.ipa"

# negative.ipa: ATS on with harmless exceptions, a share extension, every framework with its
# privacy manifest, an app manifest declaring the required-reason APIs the app uses.
# encrypted.ipa: the same app after "FairPlay" (cryptid 1, its __TEXT range scrambled).
# entitled.ipa: the same app signed with the user-assigned-device-name entitlement, its only
# difference from negative.ipa.
for variant in negative encrypted entitled; do
  dir="$tmp/$variant"
  case $variant in
    negative) bundle "$dir" negative negative ;;
    encrypted) bundle "$dir" negative negative --encrypt ;;
    entitled) bundle "$dir" negative device-name ;;
  esac
  app="$dir/Payload/Fixture.app"
  cp "$ios/app-PrivacyInfo.xcprivacy" "$app/PrivacyInfo.xcprivacy"
  for fw in OpenSSL AppsFlyerLib; do
    cp "$ios/$fw-PrivacyInfo.xcprivacy" "$app/Frameworks/$fw.framework/PrivacyInfo.xcprivacy"
  done
  share="$app/PlugIns/Share.appex"
  mkdir -p "$share"
  bplist "$ios/share-Info.plist" "$share/Info.plist"
  cp "$build/Share" "$share/Share"
  zip_tree "$dir" "$out/ios/$variant.ipa"
done

ls -l "$out/native" "$out/ios"
