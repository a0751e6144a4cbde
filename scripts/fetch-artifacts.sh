#!/usr/bin/env bash
# Fetches the vendor SDK artifacts listed in ../shared/corpus/sdk-artifacts (npm packages; the
# corpus's own fetch script checks every sha256) into build/sdk-artifacts for the artifact test.
# Best effort: without npm or the corpus it says so and exits 0, and the test skips.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fetch="$root/../shared/corpus/sdk-artifacts/fetch"
dest="${SDKSCOPE_ARTIFACTS:-$root/build/sdk-artifacts}"
if [ ! -x "$fetch" ] || ! command -v npm >/dev/null; then
  echo "fetch-artifacts: corpus fetch script or npm not available; artifact test will skip"
  exit 0
fi
timeout 900 "$fetch" "$dest" || { echo "fetch-artifacts: fetch failed; artifact test will skip"; rm -rf "$dest"; }
exit 0
