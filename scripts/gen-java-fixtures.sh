#!/bin/sh
# Builds the Java fixtures from text: testdata/java/src/java8 and src/java17 (.java) become .class
# files under testdata/java/classes/, and the java8 classes are packed into testdata/java/demo-sdk.jar
# and, with the text files in testdata/java/aar/, into testdata/java/demo-sdk.aar.
#
# Needs javac and zip/unzip (Debian: default-jdk-headless, which is openjdk-17-jdk-headless on
# Debian 12; zip unzip). The committed files were made with javac 17.0.15 (Debian
# 17.0.15+6-1~deb12u1) and Debian zip 3.0. javac writes no timestamps or paths into class files,
# and -g:none leaves out the debug attributes, so the .class files depend only on the sources and
# the javac version; the archives get fixed entry times (1980-01-01 UTC), a sorted entry order and
# no extra fields, so they depend on those plus zip's deflate. CI can regenerate and run
# `git diff --exit-code testdata/java`.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/testdata/java/src"
out="$root/testdata/java"
expected_javac="javac 17."

for tool in javac zip unzip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "gen-java-fixtures: $tool not found (apt-get install default-jdk-headless zip unzip)" >&2
    exit 2
  fi
done
javac_version=$(javac -version 2>&1)
case "$javac_version" in
  "$expected_javac"*) ;;
  *) echo "gen-java-fixtures: warning: $javac_version, the committed files come from javac 17.0.15;" \
          "class files may differ" >&2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
umask 022  # zip stores each entry's mode

# Sorted source lists, so the command line (and so javac's input order) is stable.
sources() { find "$1" -name '*.java' | sort; }

# 1. Compile-only stand-ins for the Android classes the fixtures call; never committed.
# shellcheck disable=SC2046
javac --release 8 -g:none -encoding UTF-8 -implicit:none -d "$tmp/stubs" $(sources "$src/stubs")

# 2. The fixtures. -implicit:none: only the listed sources produce class files (never a stub).
rm -rf "$out/classes"
# shellcheck disable=SC2046
javac --release 8 -g:none -encoding UTF-8 -implicit:none -cp "$tmp/stubs" \
  -d "$out/classes/java8" $(sources "$src/java8")
# shellcheck disable=SC2046
javac --release 17 -g:none -encoding UTF-8 -implicit:none \
  -d "$out/classes/java17" $(sources "$src/java17")

# zip_dir DIR ARCHIVE: every file and directory under DIR, sorted, with fixed times.
zip_dir() {
  find "$1" -exec touch -h -t 198001010000 {} +
  rm -f "$2"
  (cd "$1" && find . -mindepth 1 | sed 's|^\./||' | sort | while read -r p; do
    if [ -d "$p" ]; then echo "$p/"; else echo "$p"; fi
  done | zip -X -q -@ "$2")
}

# 3. demo-sdk.jar: a manifest first, as jar(1) writes it, then the java8 classes.
jar_dir="$tmp/jar"
mkdir -p "$jar_dir/META-INF"
printf 'Manifest-Version: 1.0\r\nCreated-By: sdkscope scripts/gen-java-fixtures.sh\r\n\r\n' \
  > "$jar_dir/META-INF/MANIFEST.MF"
cp -R "$out/classes/java8/." "$jar_dir/"
zip_dir "$jar_dir" "$out/demo-sdk.jar"

# 4. demo-sdk.aar: the layout Android Gradle Plugin writes for a library, with a text manifest.
#    The native library is the arm64 libdemo.so of the demo app (scripts/gen-demo-app.sh), so the
#    AAR holds a real ELF; without it, a few placeholder bytes stand in.
aar_dir="$tmp/aar"
mkdir -p "$aar_dir/jni/arm64-v8a"
cp "$out/aar/AndroidManifest.xml" "$out/aar/R.txt" "$out/aar/proguard.txt" "$aar_dir/"
cp "$out/demo-sdk.jar" "$aar_dir/classes.jar"
if unzip -p "$root/testdata/apps/demo.apk" lib/arm64-v8a/libdemo.so > "$aar_dir/jni/arm64-v8a/libdemo.so" 2>/dev/null &&
   [ -s "$aar_dir/jni/arm64-v8a/libdemo.so" ]; then
  :
else
  echo "gen-java-fixtures: warning: testdata/apps/demo.apk has no lib/arm64-v8a/libdemo.so; using placeholder bytes" >&2
  printf 'not an ELF: placeholder for libdemo.so\n' > "$aar_dir/jni/arm64-v8a/libdemo.so"
fi
zip_dir "$aar_dir" "$out/demo-sdk.aar"

echo "$javac_version"
find "$out/classes" -name '*.class' | sort | sed "s|^$root/||"
for f in demo-sdk.jar demo-sdk.aar; do
  echo "$(wc -c < "$out/$f") testdata/java/$f"
done
