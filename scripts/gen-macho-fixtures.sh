#!/usr/bin/env bash
# Builds the Mach-O fixtures in testdata/macho/ from the ObjC and C text and .tbd stubs in
# testdata/macho/src/. Usage: scripts/gen-macho-fixtures.sh  (needs clang-14, lld-14, llvm-14)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/testdata/macho/src"
stubs="$src/stubs"
out="$root/testdata/macho"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

CLANG="${CLANG:-clang-14}"
LD="${LD:-ld64.lld-14}"
LIPO="${LIPO:-llvm-lipo-14}"
AR="${AR:-llvm-ar-14}"
# No debug info, no build paths, no unwind tables: the outputs depend only on the text and tools.
common=(-O1 -fno-asynchronous-unwind-tables -fno-exceptions -ffile-prefix-map="$root"=. -I"$src"
        -fmodules -fmodules-cache-path="$tmp/modules" -I"$src/modules")

cc() {  # cc TARGET RUNTIME OUT SRC
  "$CLANG" -target "$1" -fobjc-runtime="$2" "${common[@]}" -c "$4" -o "$3"
}

mkdir -p "$out/app" "$out/kit" "$out/lib"

# (1) The demo app, arm64 iOS 14: LC_BUILD_VERSION, LC_ENCRYPTION_INFO_64 (cryptid 0), an rpath,
# strong and weak dylibs, an ad-hoc code signature (LC_CODE_SIGNATURE; the tests splice an
# entitlements blob into a copy).
cc arm64-apple-ios14.0 ios-14.0 "$tmp/app-arm64.o" "$src/demo_app.m"
"$LD" -arch arm64 -platform_version ios 14.0 14.0 -adhoc_codesign -o "$out/app/DemoApp-arm64" \
  "$tmp/app-arm64.o" "$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/Foundation.tbd" \
  "$stubs/DemoAnalytics.tbd" -weak_library "$stubs/DemoAds.tbd" -rpath @executable_path/Frameworks

# The same app for the x86_64 simulator (no signature, 4 KiB pages).
cc x86_64-apple-ios14.0-simulator ios-14.0 "$tmp/app-x86_64.o" "$src/demo_app.m"
"$LD" -arch x86_64 -platform_version ios-simulator 14.0 14.0 -o "$tmp/DemoApp-x86_64" \
  "$tmp/app-x86_64.o" "$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/Foundation.tbd" \
  "$stubs/DemoAnalytics.tbd" -weak_library "$stubs/DemoAds.tbd" -rpath @executable_path/Frameworks

# (3) Universal app: arm64 + x86_64. lld-14 cannot link armv7 (its ARM relocations are
# unsupported), so 32-bit ARM is covered by the object and archive fixtures below.
"$LIPO" -create "$out/app/DemoApp-arm64" "$tmp/DemoApp-x86_64" -output "$out/app/DemoApp-universal"

# (2) A framework binary: arm64 dylib, iOS 10 (LC_VERSION_MIN_IPHONEOS), install name, a
# re-exported library and an rpath.
cc arm64-apple-ios10.0 ios-10.0 "$tmp/kit.o" "$src/demo_kit.m"
"$LD" -arch arm64 -platform_version ios 10.0 10.0 -dylib -no_adhoc_codesign \
  -install_name @rpath/DemoKit.framework/DemoKit -o "$out/kit/DemoKit" "$tmp/kit.o" \
  "$stubs/libSystem.tbd" "$stubs/libobjc.tbd" "$stubs/Foundation.tbd" \
  -reexport_library "$stubs/DemoShared.tbd" -rpath @loader_path/Frameworks

# (4) Static libraries: two objects per architecture. arm64 and armv7 in BSD (darwin) format
# with __.SYMDEF and "#1/NN" long names, x86_64 (simulator) in GNU format; then a fat archive.
for spec in arm64:arm64-apple-ios14.0:ios-14.0:darwin armv7:armv7-apple-ios9.0:ios-9.0:darwin \
            x86_64:x86_64-apple-ios14.0-simulator:ios-14.0:gnu; do
  IFS=: read -r arch target runtime format <<<"$spec"
  mkdir -p "$tmp/$arch"
  cc "$target" "$runtime" "$tmp/$arch/track_core.o" "$src/track_core.m"
  cc "$target" "$runtime" "$tmp/$arch/track_configuration.o" "$src/track_configuration.m"
  rm -f "$out/lib/libDemoTrack-$arch.a"
  (cd "$tmp/$arch" && "$AR" --format="$format" crsD "$out/lib/libDemoTrack-$arch.a" track_core.o track_configuration.o)
done
cp "$tmp/armv7/track_core.o" "$out/lib/track_core-armv7.o"
"$LIPO" -create "$out/lib/libDemoTrack-arm64.a" "$out/lib/libDemoTrack-armv7.a" \
  "$out/lib/libDemoTrack-x86_64.a" -output "$out/lib/libDemoTrack.a"

# (5) Call sites with constant arguments (scanner/apple/macho_calls.hpp), -O2 like a release
# build: a dylib with an arm64 and an x86_64 simulator slice (only arm64 code is scanned), and
# the arm64 object, whose calls are ARM64_RELOC_BRANCH26 relocations instead of stub calls.
# _ptrace comes from the libSystem stub; CommonCrypto, dlopen, dlsym and sysctl are left for
# dyld to look up (-undefined dynamic_lookup), which still gives each one a __stubs entry.
mkdir -p "$out/calls"
calls_cc=(-O2 -fno-asynchronous-unwind-tables -fno-exceptions -ffile-prefix-map="$root"=.)
"$CLANG" -target arm64-apple-ios14.0 "${calls_cc[@]}" -c "$src/calls.c" -o "$out/calls/calls-arm64.o"
"$CLANG" -target x86_64-apple-ios14.0-simulator "${calls_cc[@]}" -c "$src/calls.c" -o "$tmp/calls-x86_64.o"
calls_ld=(-dylib -no_adhoc_codesign -install_name @rpath/libcalls.dylib "$stubs/libSystem.tbd" -undefined dynamic_lookup)
"$LD" -arch arm64 -platform_version ios 14.0 14.0 "${calls_ld[@]}" -o "$tmp/libcalls-arm64.dylib" "$out/calls/calls-arm64.o"
"$LD" -arch x86_64 -platform_version ios-simulator 14.0 14.0 "${calls_ld[@]}" -o "$tmp/libcalls-x86_64.dylib" \
  "$tmp/calls-x86_64.o"
"$LIPO" -create "$tmp/libcalls-arm64.dylib" "$tmp/libcalls-x86_64.dylib" -output "$out/calls/libcalls.dylib"

# Not built here, because nothing in Debian makes them: Swift type descriptors (no swiftc),
# chained fixups and 32-bit or big-endian linked images (lld-14 emits neither), FairPlay
# encryption and entitlements. The tests build those from bytes (tests/apple/macho_builder.hpp)
# or patch copies of the fixtures above (tests/apple/macho_patched_test.cpp). Note that lld-14
# merges __objc_methname/__objc_classname into __cstring, so the linked fixtures' strings hold
# selectors; ld64 keeps them apart (the objects here do too).

ls -l "$out"/app "$out"/kit "$out"/lib "$out"/calls
