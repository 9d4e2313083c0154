#!/usr/bin/env bash
# Start or stop a private PostgreSQL server for the test suite: its own data directory under
# var/, its own port, run as an unprivileged user (PostgreSQL refuses to run as root).
# Installs Debian's postgresql package first when no server binaries are on the machine.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${WELCOMING_PG_PORT:-54329}"
DATA="${WELCOMING_PG_DATA:-$PWD/var/pg/data}"
RUN="$(dirname "$DATA")/run"
LOG="$(dirname "$DATA")/server.log"

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "postgres.sh: installing PostgreSQL from Debian's packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

PG_USER=$(id -un)
if [ "$(id -u)" = 0 ]; then
  PG_USER=welcoming-pg
  id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
fi

case "${1:-}" in
  start)
    BIN=$(find_bin)
    mkdir -p "$DATA" "$RUN"
    [ "$(id -u)" = 0 ] && chown -R "$PG_USER" "$(dirname "$DATA")" && chmod 700 "$DATA"
    # every directory above the data must be passable for the unprivileged owner
    if [ "$(id -u)" = 0 ]; then
      d=$(dirname "$DATA"); while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$DATA" -U welcoming --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_owner "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null
    fi
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
      -o "-p $PORT -k $RUN -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" >/dev/null
    as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U welcoming -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='welcoming'" | grep -q 1 ||
      as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U welcoming welcoming
    echo "postgres://welcoming@127.0.0.1:$PORT/welcoming"
    ;;
  stop)
    BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ]; then
      as_owner "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
