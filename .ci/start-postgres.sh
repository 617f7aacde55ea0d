#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 and prints its URL, for tests:
#   export FLEETOPS_TEST_PG_URL=$(.ci/start-postgres.sh 55432)
# The data directory and the stop command are printed on stderr.
set -euo pipefail

PORT="${1:-55432}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
  echo "start-postgres: no /usr/lib/postgresql/*/bin/initdb; install it: apt-get install -y --no-install-recommends postgresql" >&2
  exit 1
fi

DIR="$(mktemp -d)"
as_pg() {
  # PostgreSQL refuses to run as root.
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ "$(id -u)" == 0 ]]; then chown postgres "$DIR"; fi

as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
  || { cat "$DIR/log" >&2; exit 1; }

echo "start-postgres: data in $DIR (stop: $BIN/pg_ctl -D $DIR/data stop -m fast)" >&2
echo "postgres://postgres@127.0.0.1:${PORT}/postgres"
