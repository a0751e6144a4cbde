#!/usr/bin/env bash
# Mutation sweep of the CLI over ../shared/corpus (docs/fuzzing.md "Mutation sweep"): every bundle
# with byte flips, truncations and entry-level mutations (drop / duplicate / rename / recompress /
# corrupt one entry), 2,000 cases from a fixed seed, each scanned twice with a timeout and
# RLIMIT_AS. Fails when any case crashes, times out or gives different output on the two runs.
# Usage: bench/mutation-sweep.sh [--cases N] [--seed S] [--timeout SEC] [--failures DIR] [--summary FILE] ...
#   SDKSCOPE_BIN     scanner binary (default build/sdkscope)
#   SDKSCOPE_CORPUS  corpus directory (default ../shared/corpus)
# Runs at the lowest CPU priority (nice 19), one scan at a time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${SDKSCOPE_BIN:-$root/build/sdkscope}"
corpus="${SDKSCOPE_CORPUS:-$root/../shared/corpus}"
[ -x "$bin" ] || { echo "mutation-sweep: no scanner at $bin (build it, or set SDKSCOPE_BIN)" >&2; exit 2; }
[ -f "$corpus/labels.json" ] || { echo "mutation-sweep: no corpus at $corpus (set SDKSCOPE_CORPUS)" >&2; exit 2; }
exec nice -n 19 python3 "$root/bench/mutation_sweep.py" --corpus "$corpus" --bin "$bin" "$@"
