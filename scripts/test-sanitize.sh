#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer):
# builds build-asan/ with -DSDKSCOPE_SANITIZE=ON (gcc) and runs CTest with every sanitizer set to
# stop at the first report. scripts/test.sh runs this after the normal tests; CI fails on any report.
# Usage: scripts/test-sanitize.sh [extra ctest arguments...]
#   SDKSCOPE_ASAN_BUILD_DIR  build directory (default build-asan/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SDKSCOPE_ASAN_BUILD_DIR:-$root/build-asan}"
supp="$root/scripts/sanitizers"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDKSCOPE_SANITIZE=ON -DSDKSCOPE_TESTS=ON -DSDKSCOPE_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"

# halt_on_error: the first report fails the test; detect_leaks: LeakSanitizer at exit;
# print_stacktrace: UBSan reports with a stack. Suppressions cover third-party code only
# (each line of scripts/sanitizers/*.supp says why).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1:abort_on_error=0:detect_odr_violation=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# The vendor SDK binaries fetched for the normal run (scripts/fetch-artifacts.sh) are scanned
# under the sanitizers too; without them the artifact test skips, as it does there.
if [ -z "${SDKSCOPE_ARTIFACTS:-}" ] && [ -d "$root/build/sdk-artifacts" ]; then
  export SDKSCOPE_ARTIFACTS="$root/build/sdk-artifacts"
fi

cd "$build"
# Label asan_slow: tests too slow under ASan for CI (none today; docs/fuzzing.md "Sanitizers").
# The PostgreSQL storage cases of the server tests run here too (libpq under the sanitizers).
"$root/scripts/with-postgres.sh" ctest --output-on-failure -j "$(nproc)" --timeout 1200 -LE asan_slow "$@"
