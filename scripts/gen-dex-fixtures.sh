#!/bin/sh
# Assembles the DEX test fixtures from smali text: testdata/dex/src/<fixture>/*.smali becomes
# testdata/dex/<fixture>.dex. An optional src/<fixture>/api file holds the API level to assemble
# for (smali's default is 15, which writes dex 035; 24 -> 037, 26 -> 038, 28 -> 039).
#
# Needs java and smali (Debian: default-jre-headless libsmali-java). Output is deterministic, so
# CI can regenerate and `git diff --exit-code testdata/dex` to check the committed .dex files.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/testdata/dex/src"
out="$root/testdata/dex"
jar=${SMALI_JAR:-/usr/share/java/smali.jar}

if [ ! -f "$jar" ]; then
  echo "gen-dex-fixtures: $jar not found (apt-get install libsmali-java)" >&2
  exit 2
fi

for dir in "$src"/*/; do
  name=$(basename "$dir")
  set -- "$dir"*.smali
  if [ ! -f "$1" ]; then
    echo "gen-dex-fixtures: no .smali files in $dir" >&2
    exit 2
  fi
  api=15
  if [ -f "$dir/api" ]; then
    api=$(tr -d ' \n' < "$dir/api")
  fi
  # -j 1: one thread, so the output never depends on scheduling.
  java -jar "$jar" assemble --api "$api" -j 1 -o "$out/$name.dex" "$@"
  echo "wrote testdata/dex/$name.dex (api $api, $(wc -c < "$out/$name.dex") bytes)"
done
