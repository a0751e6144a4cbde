#!/usr/bin/env bash
# Builds the Android fixtures in testdata/android/ from the text in testdata/android/: a tiny
# framework jar with the real android:* attribute ids, small APKs compiled by aapt, and aapt's own
# dumps of them, which the tests compare sdkscope's AXML and resources.arsc decoders against.
#
# Usage:  scripts/gen-android-fixtures.sh            (needs aapt, Debian package "aapt")
#
# Reuse:  source the file to get the functions without running anything, e.g. for a demo app:
#   source scripts/gen-android-fixtures.sh
#   aapt_apk path/to/AndroidManifest.xml out.apk path/to/res   # res dir optional
#   zip -j out.apk classes.dex                                 # add code with plain zip
# which is exactly:
#   aapt package -f -M AndroidManifest.xml -S res -I testdata/android/framework/android-min.jar -F out.apk
# The framework only declares the attributes listed in framework/src/res/values/public.xml; add
# any attribute a new manifest needs there (with its real AOSP id) and rerun this script.
set -euo pipefail

ANDROID_FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/testdata/android"
FRAMEWORK_JAR="$ANDROID_FIXTURES/framework/android-min.jar"
AAPT="${AAPT:-aapt}"

# build_framework: framework/src (attrs.xml + public.xml) -> framework/android-min.jar.
# -x gives the package id 0x01, so the ids in public.xml are the ones apps link against.
build_framework() {
  local src="$ANDROID_FIXTURES/framework/src"
  "$AAPT" package -x -f -M "$src/AndroidManifest.xml" -S "$src/res" -F "$FRAMEWORK_JAR"
}

# aapt_apk MANIFEST OUT_APK [RES_DIR]: compiles a text manifest (and resources) into an APK
# holding the binary AndroidManifest.xml, resources.arsc and compiled res/ files.
aapt_apk() {
  local manifest="$1" out="$2" res="${3:-}"
  local args=(package -f -M "$manifest" -I "$FRAMEWORK_JAR" -F "$out")
  if [[ -n "$res" && -d "$res" ]]; then args+=(-S "$res"); fi
  rm -f "$out"
  "$AAPT" "${args[@]}"
}

# dump_to OUT aapt-dump-args...: aapt's stdout only (its warnings go to stderr).
dump_to() {
  local out="$1"
  shift
  "$AAPT" dump "$@" >"$out"
}

main() {
  local apps="$ANDROID_FIXTURES/apps" apks="$ANDROID_FIXTURES/apks" expected="$ANDROID_FIXTURES/expected"
  mkdir -p "$apks" "$expected"
  build_framework
  for dir in "$apps"/*/; do
    local name
    name="$(basename "$dir")"
    aapt_apk "$dir/AndroidManifest.xml" "$apks/$name.apk" "$dir/res"
    dump_to "$expected/$name.manifest.xmltree" xmltree "$apks/$name.apk" AndroidManifest.xml
    dump_to "$expected/$name.permissions" permissions "$apks/$name.apk"
    dump_to "$expected/$name.badging" badging "$apks/$name.apk"
    if [[ -d "$dir/res" ]]; then
      dump_to "$expected/$name.resources" --values resources "$apks/$name.apk"
    fi
    # Every compiled XML resource gets its xmltree too: res/a/b.xml -> NAME.res_a_b.xmltree.
    local entry
    while read -r entry; do
      dump_to "$expected/$name.$(echo "${entry%.xml}" | tr '/' '_').xmltree" xmltree "$apks/$name.apk" "$entry"
    done < <(unzip -Z1 "$apks/$name.apk" | grep -E '^res/.*\.xml$' | sort)
  done
  ls -l "$FRAMEWORK_JAR" "$apks"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
