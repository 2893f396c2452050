#!/bin/bash
# PostgreSQL from Debian's packages (scripts/base-images.sh): initialises
# $PGDATA on first start from POSTGRES_USER, POSTGRES_PASSWORD and
# POSTGRES_DB (as the official image does), then runs the server in the
# foreground, where SIGTERM is its "smart" shutdown.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD for the first start}"
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 \
    --auth-host=scram-sha-256 --auth-local=trust >/dev/null
  rm -f "$pwfile"
  # From other containers too, always with the password.
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -k /tmp" -w start >/dev/null
  if [[ "$database" != postgres ]]; then
    /usr/lib/postgresql/15/bin/psql -h /tmp -U "$user" -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE \"$database\"" >/dev/null
  fi
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec "$bin/postgres" -D "$PGDATA" -k /tmp \
  -c listen_addresses="${LISTEN_ADDRESSES:-*}" -p "${PGPORT:-5432}"
