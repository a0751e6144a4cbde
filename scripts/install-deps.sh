#!/usr/bin/env bash
# Installs every Debian 12 package sdkscope needs to build, test and generate its fixtures.
# Usage (as root): scripts/install-deps.sh            build + test dependencies
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then echo "install-deps.sh: run as root (apt-get)" >&2; exit 2; fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # libraries
  liblief-dev libzip-dev zlib1g-dev libpugixml-dev libfmt-dev nlohmann-json3-dev doctest-dev
  libre2-dev libpsl-dev libplist-dev libssl-dev libcli11-dev libvalijson-dev publicsuffix libmaxminddb-dev
  # sdkscope serve: HTTP server, SQLite and PostgreSQL client; a PostgreSQL 15 server for its tests
  libcpp-httplib-dev libsqlite3-dev libpq-dev postgresql-15
  # fixture generators and reference decoders used by tests
  aapt dexdump libsmali-java default-jdk-headless zip unzip libplist-utils protobuf-compiler python3 mmdb-bin hyperfine
  clang-14 lld-14 llvm-14
  # report writers: ISO 3166 names (scripts/gen-country-table.py), headless HTML report test, GFM renderer test
  iso-codes chromium cmark-gfm
)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
