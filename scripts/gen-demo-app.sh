#!/usr/bin/env bash
# Builds sdkscope's demo app, testdata/apps/demo.apk, from the text in testdata/apps/demo/:
# aapt compiles the manifest and resources, smali assembles the DEX, clang builds an arm64
# native library, and a nested plugin APK goes into assets/. Everything in it was written for
# this project; the Bugly-named classes are empty shells in Bugly's documented namespace.
# Needs: aapt, smali (libsmali-java), clang-14, lld-14, zip (scripts/install-deps.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/testdata/apps/demo"
out="$root/testdata/apps/demo.apk"
# shellcheck source=gen-android-fixtures.sh
source "$root/scripts/gen-android-fixtures.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Code: one DEX from smali (single-threaded, so the bytes do not depend on scheduling).
java -jar "${SMALI_JAR:-/usr/share/java/smali.jar}" assemble --api 21 -j 1 -o "$src/classes.dex" "$src"/smali/*.smali

# Native: an arm64 Android library without libc, like the fixtures in testdata/native.
mkdir -p "$work/lib/arm64-v8a"
clang-14 --target=aarch64-linux-android21 -O1 -fPIC -nostdlib -fuse-ld=lld -shared -Wl,--build-id=none \
  -Wl,-soname,libdemo.so -o "$work/lib/arm64-v8a/libdemo.so" "$src/native/demo.c"

# A nested plugin APK and a config file in assets/.
mkdir -p "$work/assets/plugins"
cp "$src/assets/config.json" "$work/assets/config.json"
aapt_apk "$src/nested/AndroidManifest.xml" "$work/assets/plugins/plugin.apk"

# The app: manifest + resources from aapt, then code, native library and assets added with zip.
aapt_apk "$src/AndroidManifest.xml" "$out" "$src/res"
cp "$src/classes.dex" "$work/classes.dex"
(cd "$work" && TZ=UTC touch -t 202601010000 classes.dex lib/arm64-v8a/libdemo.so assets/plugins/plugin.apk assets/config.json &&
  zip -q -X "$out" classes.dex lib/arm64-v8a/libdemo.so assets/plugins/plugin.apk assets/config.json)
echo "wrote $out ($(wc -c <"$out") bytes)"
