#!/usr/bin/env bash
# Builds the Android check fixtures in testdata/checks/android/ from the text under
# testdata/checks/src/android/: each <name>/ holds an AndroidManifest.xml (+ res/) compiled by aapt
# and smali/ sources assembled by smali into classes.dex. "obfuscated" and "named" get 260
# generated classes each (one- or two-letter names vs. descriptive names), "packed" an
# encrypted-looking assets/payload.dex. Which checks each fixture must and must not trigger is in
# testdata/checks/expectations.json. iOS and native fixtures: scripts/gen-check-fixtures-native-ios.sh.
#
# Needs aapt, java + smali, zip (scripts/install-deps.sh). Output is deterministic (fixed zip
# timestamps, -X), so regenerating and `git diff testdata/checks` shows real changes only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=gen-android-fixtures.sh
source "$root/scripts/gen-android-fixtures.sh"
src="$root/testdata/checks/src/android"
out="$root/testdata/checks/android"
jar=${SMALI_JAR:-/usr/share/java/smali.jar}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
build_framework

# gen_classes DIR PACKAGE STYLE: 260 small classes; STYLE short -> a, b, ..., aa, ab ...; long -> descriptive.
gen_classes() {
  local dir="$1" pkg="$2" style="$3" i name letters=abcdefghijklmnopqrstuvwxyz
  mkdir -p "$dir"
  for ((i = 0; i < 260; i++)); do
    if [[ $style == short ]]; then
      if ((i < 26)); then name=${letters:i:1}; else name=${letters:i/26-1:1}${letters:i%26:1}; fi
    else
      name="GeneratedComponentNumber$i"
    fi
    printf '.class public L%s/%s;\n.super Ljava/lang/Object;\n' "$pkg" "$name" > "$dir/$name.smali"
  done
}

for dir in "$src"/*/; do
  name="$(basename "$dir")"
  stage="$work/$name"
  mkdir -p "$stage/smali"
  [[ -d "$dir/smali" ]] && cp -r "$dir/smali/." "$stage/smali/"
  case "$name" in
    obfuscated) gen_classes "$stage/smali/a" a short ;;
    named) gen_classes "$stage/smali/com/fixture/named" com/fixture/named long ;;
  esac
  aapt_apk "$dir/AndroidManifest.xml" "$stage/app.apk" "$dir/res"
  if compgen -G "$stage/smali/**" >/dev/null; then
    mapfile -t files < <(cd "$stage/smali" && find . -name '*.smali' | LC_ALL=C sort)
    (cd "$stage/smali" && java -jar "$jar" assemble --api 21 -j 1 -o "$stage/classes.dex" "${files[@]}")
  fi
  if [[ $name == packed ]]; then
    mkdir -p "$stage/assets"
    # Not DEX: what a packer's encrypted payload looks like (bytes of a fixed pseudo-random stream).
    python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(4096)))" > "$stage/assets/payload.dex"
  fi
  # Fixed timestamps so the zip is byte-identical on every run.
  (cd "$stage" && mkdir -p x && cd x && unzip -q ../app.apk && rm ../app.apk &&
    { [[ -f ../classes.dex ]] && cp ../classes.dex . || true; } &&
    { [[ -d ../assets ]] && cp -r ../assets . || true; } &&
    find . -exec touch -h -d '1980-01-01 00:00:00' {} + &&
    find . -type f | LC_ALL=C sort | zip -q -X -D "$out/$name.apk" -@)
  echo "wrote testdata/checks/android/$name.apk ($(wc -c < "$out/$name.apk") bytes)"
done
