#!/usr/bin/env bash
# The scale-out benchmark BENCHMARKS.md quotes ("Scale out"): `/api/me`,
# `update_name` and login on
#   sqlite      one instance on SQLite, called directly (today's default),
#   postgres-1  one instance on PostgreSQL, called directly,
#   postgres-3  three instances on PostgreSQL behind HAProxy (scripts/cluster.sh's set-up),
# each with the user table seeded to 1,000 and to 1,000,000 users (SQL, not
# argon2: every seeded user shares one real hash). All in Ed25519 mode (the
# default). Besides wrk's figures it prints the CPU each kind of process spent
# per request, read from /proc before and after each run.
#
# Usage: scripts/bench/scale.sh [seconds per run, default 30] [user counts, default "1000 1000000"]
#   SETUPS="sqlite postgres-3" scripts/bench/scale.sh 10      (a subset)
#   SERVER_BIN=/tmp/server-a scripts/bench/scale.sh           (another build, for an A/B)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
DURATION=${1:-30}
COUNTS=${2:-1000 1000000}
SETUPS=${SETUPS:-sqlite postgres-1 postgres-3}
TOKENS=50
PASSWORD=lantern-meadow-quarry  # a passphrase: sign-up refuses guessable passwords

source scripts/common.sh

scripts/setup.sh --postgres --haproxy
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
if [[ -z "${SERVER_BIN:-}" ]]; then
  cargo leptos build --release --precompress --split 2>&1 | tail -1
fi
server_bin=${SERVER_BIN:-$PWD/target/release/server}
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)

work=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  scripts/postgres.sh stop "$work/postgres" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

export LEPTOS_OUTPUT_NAME=photo-spots LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_SITE_PKG_DIR=pkg
export RUST_LOG=warn JWT_PRIVATE_KEY_FILE="$work/keys/signing.pem"
export TRUSTED_PROXY_ADDRESSES=127.0.0.1
# Logins that succeed are never throttled; this only keeps a typo in the
# script from locking the benchmark out.
export LOGIN_MAX_FAILURES_PER_ADDRESS=1000000 LOGIN_MAX_FAILURES_PER_USERNAME=1000000
mkdir -p "$work/keys"
"$server_bin" keys rotate >/dev/null

if [[ "$SETUPS" == *postgres* ]]; then
  admin_url=$(scripts/postgres.sh start "$work/postgres")
fi

# CPU time (utime + stime, in clock ticks) of every process, by name.
snapshot() {
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    local pid=${line%% *} comm=${line#*(}; comm=${comm%%)*}
    local rest=${line##*) }
    read -r -a f <<<"$rest"
    echo "$pid $comm $((f[11] + f[12]))"
  done
}
# Per kind of process: CPU microseconds per request between two snapshots.
cpu_per_request() { # before-file after-file requests
  awk -v requests="$3" -v hz="$(getconf CLK_TCK)" '
    NR == FNR { before[$1] = $3; next }
    {
      kind = $2 ~ /^server/ ? "server" : $2   # also an A/B copy named server-…
      used[kind] += $3 - ($1 in before ? before[$1] : 0)
    }
    END {
      out = ""
      split("server postgres haproxy wrk", kinds, " ")
      for (i = 1; i <= 4; i++) {
        k = kinds[i]
        if (used[k] > 0) out = out sprintf(" %s_us=%.0f", k, used[k] * 1e6 / hz / requests)
      }
      print out
    }' "$1" "$2"
}

run() { # name, url, tokens file, body, users
  local before="$work/cpu.before" after="$work/cpu.after" result requests
  snapshot >"$before"
  result=$(TOKENS_FILE="$3" BODY="$4" USERS="${5:-1}" \
    wrk -t2 -c32 -d"${DURATION}s" -s scripts/bench/post.lua "$2" | grep RESULT)
  snapshot >"$after"
  requests=${result##*requests=}
  printf '%-12s %-9s %-12s %s%s\n' "$setup" "$users" "$1" "${result#RESULT }" \
    "$(cpu_per_request "$before" "$after" "$requests")"
}

seed_sqlite() { # database file, users
  python3 - "$1" "$2" "$PASSWORD" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
count = int(sys.argv[2])
(hash,) = db.execute("SELECT password_hash FROM users WHERE username = 'bench-0'").fetchone()
db.execute("""
  INSERT INTO users (username, name, password_hash)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
  SELECT 'bench-' || i, 'Bench ' || i, ? FROM n""", (count, hash))
db.commit()
db.execute("ANALYZE")
PY
}
seed_postgres() { # database url, users
  psql -q "$1" -v count="$2" <<'SQL'
INSERT INTO users (username, name, password_hash)
SELECT 'bench-' || i, 'Bench ' || i, (SELECT password_hash FROM users WHERE username = 'bench-0')
FROM generate_series(1, :count) AS i;
VACUUM ANALYZE users;
SQL
}

start_instances() { # how many, database url; sets `ports`
  local port
  ports=()
  for _ in $(seq "$1"); do
    port=$(free_port)
    ports+=("$port")
    DATABASE_URL="$2" LEPTOS_SITE_ADDR="127.0.0.1:$port" "$server_bin" >/dev/null &
    pids+=($!)
  done
  for port in "${ports[@]}"; do wait_for "http://127.0.0.1:$port/api/health"; done
}

say "wrk -t2 -c32 -d${DURATION}s; CPU is microseconds per request by process (server, postgres, haproxy, wrk)"
for setup in $SETUPS; do
  for users in $COUNTS; do
    case "$setup" in
      sqlite)
        database_url="sqlite://$work/bench-$users.db?mode=rwc"
        start_instances 1 "$database_url"
        base="http://127.0.0.1:${ports[0]}" ;;
      postgres-1 | postgres-3)
        psql -q "$admin_url" -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
        database_url="${admin_url%/*}/bench"
        start_instances "${setup#postgres-}" "$database_url"
        base="http://127.0.0.1:${ports[0]}"
        if [[ "$setup" == postgres-3 ]]; then
          front_port=$(free_port)
          FRONT_PORT=$front_port APP1_PORT=${ports[0]} APP2_PORT=${ports[1]} APP3_PORT=${ports[2]} \
            "$haproxy_bin" -db -f scripts/haproxy.cfg >/dev/null 2>&1 &
          pids+=($!)
          base="http://127.0.0.1:$front_port"
          wait_for "$base/api/health"
        fi ;;
      *) echo "unknown setup $setup" >&2; exit 1 ;;
    esac

    # One user through the API gives the real argon2id hash every seeded user shares.
    curl -fsS -o /dev/null "$base/api/signup" -H 'content-type: application/json' \
      -d "{\"username\":\"bench-0\",\"password\":\"$PASSWORD\",\"name\":\"Bench\"}"
    if [[ "$setup" == sqlite ]]; then
      seed_sqlite "$work/bench-$users.db" "$users"
    else
      seed_postgres "$database_url" "$users"
    fi
    # Tokens for users spread over the whole id range.
    for i in $(seq 1 $TOKENS); do
      curl -fsS "$base/api/login" -H 'content-type: application/json' \
        -d "{\"username\":\"bench-$(( (i * users) / TOKENS ))\",\"password\":\"$PASSWORD\"}" |
        grep -o '"token":"[^"]*"' | cut -d'"' -f4
    done >"$work/tokens"
    if [[ $(grep -c . "$work/tokens") != "$TOKENS" ]]; then
      echo "could not log in the benchmark users" >&2
      exit 1
    fi

    run me "$base/api/me" "$work/tokens" '{}'
    run update_name "$base/api/update_name" "$work/tokens" '{"name":"Bench {n}"}'
    run login "$base/api/login" "" "{\"username\":\"bench-{u}\",\"password\":\"$PASSWORD\"}" "$users"
    stop_all
  done
done
