#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster on 127.0.0.1:54329 and
# SDKSCOPE_TEST_PG pointing at it (the server storage tests use it; they skip without it).
# The cluster lives in a temp dir and is stopped and removed when the command ends, whatever
# way it ends. Without PostgreSQL 15 installed, or when it cannot start, the command runs
# without SDKSCOPE_TEST_PG (those tests then skip) and a note goes to stderr.
#
#   scripts/with-postgres.sh ctest --output-on-failure
#
# Runs as root (CI) or as any user: the cluster is owned by `postgres` when we are root, since
# initdb refuses to run as root.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
port="${SDKSCOPE_PG_PORT:-54329}"
if [ "$#" -eq 0 ]; then echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; fi
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "with-postgres.sh: PostgreSQL 15 not installed ($bin); running without SDKSCOPE_TEST_PG" >&2
  exec "$@"
fi
tmp="$(mktemp -d /tmp/sdkscope-pg.XXXXXX)"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$tmp"; fi
cleanup() {
  as_owner "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
started=0
if as_owner "$bin/initdb" -D "$tmp/data" -U postgres -A trust --no-sync >"$tmp/initdb.log" 2>&1 &&
   as_owner "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
     -o "-k $tmp -p $port -h 127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null 2>&1; then
  started=1
fi
if [ "$started" -eq 1 ]; then
  export SDKSCOPE_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "with-postgres.sh: PostgreSQL 15 on 127.0.0.1:$port (SDKSCOPE_TEST_PG=$SDKSCOPE_TEST_PG)" >&2
else
  echo "with-postgres.sh: PostgreSQL did not start; running without SDKSCOPE_TEST_PG" >&2
  tail -5 "$tmp/initdb.log" "$tmp/server.log" 2>/dev/null >&2 || true
fi
set +e
"$@"
rc=$?
set -e
exit "$rc"
