#!/usr/bin/env bash
# Builds the app-icon fixtures in testdata/icons/ (tests/engine/app_icon_test.cpp):
#   png/      PNGs written by scripts/gen-icon-pngs.py (standard launcher icons, Apple CgBI icons
#             and the pixels they encode)
#   apks/     small APKs compiled by aapt from apps/<name>/ (text sources) plus the launcher PNGs
#             from png/android/ copied into res/ per density:
#     legacy         @mipmap/ic_launcher as PNGs in mdpi and xxhdpi
#     adaptive       @mipmap/ic_launcher as adaptive-icon XML (anydpi-v26) plus legacy PNGs in
#                    hdpi and xhdpi, and an xxhdpi ic_launcher_background.png that is no icon
#     adaptive_only  the XML alone; the legacy PNG is named ic_launcher_round (xhdpi), beside an
#                    xxhdpi ic_launcher_background.png
#
# Usage:  scripts/gen-icon-fixtures.sh       (needs aapt and python3; reproducible byte for byte)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ICONS="$ROOT/testdata/icons"
# shellcheck source=gen-android-fixtures.sh
source "$ROOT/scripts/gen-android-fixtures.sh"

python3 "$ROOT/scripts/gen-icon-pngs.py" "$ICONS/png"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$ICONS/apks"

# stage NAME DIR=PNG...: the app's text sources plus PNGs copied as res/<DIR>.png.
stage() {
  local name="$1"
  shift
  rm -rf "${work:?}/$name"
  cp -r "$ICONS/apps/$name" "$work/$name"
  mkdir -p "$work/$name/res"
  local spec
  for spec in "$@"; do
    mkdir -p "$work/$name/res/$(dirname "${spec%%=*}")"
    cp "$ICONS/png/android/${spec#*=}.png" "$work/$name/res/${spec%%=*}.png"
  done
  aapt_apk "$work/$name/AndroidManifest.xml" "$ICONS/apks/$name.apk" "$work/$name/res"
}

stage legacy mipmap-mdpi/ic_launcher=mdpi mipmap-xxhdpi/ic_launcher=xxhdpi
stage adaptive mipmap-hdpi/ic_launcher=hdpi mipmap-xhdpi/ic_launcher=xhdpi \
  mipmap-xxhdpi/ic_launcher_background=xxhdpi
stage adaptive_only mipmap-xhdpi/ic_launcher_round=xhdpi mipmap-xxhdpi/ic_launcher_background=xxhdpi

ls -l "$ICONS/apks" "$ICONS/png"
for apk in "$ICONS"/apks/*.apk; do
  echo "== $(basename "$apk")"
  unzip -Z1 "$apk" | sort
done
