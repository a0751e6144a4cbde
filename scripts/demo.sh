#!/usr/bin/env bash
# README command 1: install dependencies, build, and scan the demo app (prints the report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/build/sdkscope" scan "$root/testdata/apps/demo.apk" --format text
