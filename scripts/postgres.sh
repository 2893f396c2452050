#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and the local cluster: its own
# data directory, a random local port, no password (trust on loopback only).
#
#   scripts/postgres.sh start DIR   initdb (if DIR is new) and start; prints the admin URL
#   scripts/postgres.sh stop DIR    stop it (fast: open transactions are rolled back)
#   scripts/postgres.sh url DIR     print the admin URL of a started server
#
# PostgreSQL refuses to run as root, so as root it runs as the `postgres`
# user that Debian's package creates.
set -euo pipefail

command=${1:?usage: postgres.sh start|stop|url DIR}
dir=${2:?usage: postgres.sh start|stop|url DIR}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "PostgreSQL is not installed: run scripts/setup.sh --postgres" >&2
  exit 1
fi

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

source "$(dirname "$0")/common.sh"

case "$command" in
  start)
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then
      chown postgres: "$dir"
      # The postgres user must be able to reach DIR (mktemp makes 0700 dirs).
      parent=$(dirname "$(realpath "$dir")")
      until runuser -u postgres -- test -x "$parent"; do
        chmod o+x "$parent"
        parent=$(dirname "$parent")
      done
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      free_port >"$dir/port"
    fi
    port=$(cat "$dir/port")
    # fsync off: a test database need not survive a power cut, and tests run
    # several times faster without it.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start || { tail -n 20 "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --silent stop
    fi
    ;;
  url)
    echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
    ;;
  *)
    echo "usage: postgres.sh start|stop|url DIR" >&2
    exit 2
    ;;
esac
