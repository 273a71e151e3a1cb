#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: `start` prints its URL, `stop DIR` removes it.
#
#   url=$(scripts/pg_server.sh start /tmp/tutor-pg)   # initdb, listen on 127.0.0.1, a free port
#   TUTOR_TEST_PG_URL=$url .venv/bin/python -m pytest
#   scripts/pg_server.sh stop /tmp/tutor-pg           # stop the server, delete its folder
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
command=${1:?usage: pg_server.sh start|stop DIR}
dir=${2:?usage: pg_server.sh start|stop DIR}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    [ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries in $bin (set PG_BIN)" >&2; exit 1; }
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -s stop || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg_server.sh start|stop DIR" >&2
    exit 2
    ;;
esac
