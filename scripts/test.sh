#!/usr/bin/env bash
# README command 2: install dependencies, build with warnings as errors, run the test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" -DSDKSCOPE_WERROR=ON -DSDKSCOPE_TESTS=ON
# Vendor SDK binaries for the artifact test (npm registry; skipped cleanly when unreachable).
[ -d "$root/build/sdk-artifacts" ] || "$root/scripts/fetch-artifacts.sh"
# Validators the report tests use (npm registry, pinned and hash-checked; tests skip without them).
"$root/scripts/fetch-schemas.sh"
"$root/scripts/fetch-sarif-validator.sh"
cd "$root/build"
# A throwaway PostgreSQL 15 on 127.0.0.1:54329 for the server storage tests (SDKSCOPE_TEST_PG).
"$root/scripts/with-postgres.sh" ctest --output-on-failure -j "$(nproc)" --timeout 600
# The whole suite again under ASan + UBSan + LeakSanitizer (build-asan/); any report fails CI.
"$root/scripts/test-sanitize.sh"
