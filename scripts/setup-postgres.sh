#!/usr/bin/env bash
# Install (if needed) and start a throw-away PostgreSQL server on 127.0.0.1 for the store tests.
# Prints the SQLAlchemy URL on stdout on success; prints nothing and exits 0 when it cannot,
# so the suite runs on SQLite and the PostgreSQL tests skip with a visible message.
set -u
PORT="${GENGUARD_PG_PORT:-55432}"
DATA="${GENGUARD_PG_DATA:-/tmp/genguard-pg}"
log() { echo "[setup-postgres] $*" >&2; }

find_bin() {
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  return 1
}
BIN=$(find_bin) || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing postgresql from Debian packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2 2>&1 || true
  fi
  BIN=$(find_bin) || { log "PostgreSQL is not available; PostgreSQL tests will skip"; exit 0; }
}
URL="postgresql+psycopg://genguard@127.0.0.1:${PORT}/genguard_test"
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi

if "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then echo "$URL"; exit 0; fi
rm -rf "$DATA"; mkdir -p "$DATA"
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
"${RUN[@]}" "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 >/dev/null 2>&1 || { log "initdb failed; PostgreSQL tests will skip"; exit 0; }
"${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 30 \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1 \
  || { log "server did not start (see $DATA/server.log); PostgreSQL tests will skip"; exit 0; }
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE ROLE genguard LOGIN SUPERUSER" >/dev/null 2>&1 || true
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE genguard_test OWNER genguard" >/dev/null 2>&1 || true
echo "$URL"
