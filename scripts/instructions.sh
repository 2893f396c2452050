#!/usr/bin/env bash
# Instructions per authenticated call, counted by callgrind: repeatable where
# requests per second on a shared two-core machine drift by ±15 %.
#   scripts/instructions.sh [SERVER_BINARY] [CALLS]
# Starts the server (default: target/release/server, built by `make release`
# or scripts/bench.sh) under `valgrind --tool=callgrind` with instrumentation
# off, logs in as the demo user john, makes 300 warm-up `POST /api/me` calls,
# then counts the instructions of the next CALLS (default 1000), made one at
# a time on one connection, and prints them per call.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/server}
calls=${2:-1000}
command -v valgrind >/dev/null || { echo "needs valgrind (apt install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
env LEPTOS_SITE_ADDR=127.0.0.1:$port PUBLIC_ORIGIN=$base LEPTOS_SITE_ROOT=target/site RUST_LOG=error \
  DATABASE_URL="sqlite://$work/db?mode=rwc" PHOTO_SPOTS_DEMO=1 JWT_TTL_SECONDS=7200 \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
  "$bin" >/dev/null 2>"$work/valgrind.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -s -o /dev/null "$base/api/health"; do sleep 1; done
token=$(curl -s "$base/api/login" -H 'content-type: application/json' \
  -d '{"username":"john","password":"john-password"}' | grep -o '"token":"[^"]*"' | cut -d'"' -f4)
calls_me() { # COUNT
  python3 - "$base" "$token" "$1" <<'PY'
import http.client, sys, urllib.parse
base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
url = urllib.parse.urlparse(base)
connection = http.client.HTTPConnection(url.hostname, url.port)
headers = {"authorization": "Bearer " + token, "content-type": "application/json"}
for _ in range(count):
    connection.request("POST", "/api/me", body="{}", headers=headers)
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200, answer.status
PY
}
calls_me 300
callgrind_control -i on $pid >/dev/null
calls_me "$calls"
callgrind_control -i off $pid >/dev/null
callgrind_control -d $pid >/dev/null
# The dump holds the counted calls (the file at exit, what came after).
counted=$(ls -S "$work"/callgrind.out* | head -1)
total=$(awk '/^totals:/ { print $2 }' "$counted")
echo "$bin: $total instructions for $calls calls of POST /api/me: $((total / calls)) per call"
cp "$counted" target/callgrind.out
echo "where they go: callgrind_annotate target/callgrind.out"
