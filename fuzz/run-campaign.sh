#!/usr/bin/env bash
# One libFuzzer campaign for one target (docs/fuzzing.md), at the lowest CPU priority.
# Usage: fuzz/run-campaign.sh TARGET [SECONDS=600]
#   Needs build-fuzz/ (CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DSDKSCOPE_FUZZ=ON
#   -DSDKSCOPE_TESTS=OFF; cmake --build build-fuzz --target fuzz_TARGET). Works in
#   build-fuzz/campaign/TARGET/ (seeded from fuzz/corpus/TARGET), writes crash/timeout/OOM inputs to
#   build-fuzz/campaign/TARGET-artifacts/ and the log to build-fuzz/campaign/TARGET.log. Then, with
#   MERGE=1, minimises the work corpus back into fuzz/corpus/TARGET (-merge=1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$1"
seconds="${2:-600}"
build="${SDKSCOPE_FUZZ_BUILD:-$root/build-fuzz}"
bin="$build/fuzz/fuzz_$target"
work="$build/campaign/$target"
mkdir -p "$work" "$work-artifacts"
[ -n "$(ls -A "$work")" ] || cp -r "$root/fuzz/corpus/$target/." "$work/"
cd "$build/campaign"
# SECONDS=0 only merges (libFuzzer's -max_total_time=0 would mean "no limit").
[ "$seconds" = 0 ] || nice -n 19 "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$work-artifacts/" "$work" >>"$target.log" 2>&1 || echo "fuzz_$target exited $? (see $target.log)"
if [ "${MERGE:-0}" = 1 ]; then
  fresh="$(mktemp -d)"
  nice -n 19 "$bin" -merge=1 -rss_limit_mb=2048 -timeout=10 "$fresh" "$root/fuzz/corpus/$target" "$work" >>"$target.merge.log" 2>&1
  rm -rf "$root/fuzz/corpus/$target" && mv "$fresh" "$root/fuzz/corpus/$target"
  chmod 755 "$root/fuzz/corpus/$target"
fi
