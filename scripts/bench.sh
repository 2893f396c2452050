#!/usr/bin/env bash
# Runs the whole benchmark suite and prints the numbers BENCHMARKS.md quotes:
#   1. criterion micro-benchmarks: HS256 sign/verify, the raw HMAC and parsing floors,
#      argon2id verify, one DPoP proof check and its P-256 floor
#   2. the release build (wasm-opt'd, precompressed) and its page weight, raw / gzip / brotli
#   3. wrk load tests against the release server: health, me (bearer and DPoP), update_name,
#      refused tokens, a static file
#   4. time to an interactive /login in headless Chromium, median of 10 (cold and returning)
# Usage: scripts/bench.sh [seconds per load test, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
DURATION=${1:-30}
scripts/setup.sh --browser
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
source scripts/common.sh

say "micro-benchmarks (criterion)"
cargo bench -p app --features ssr --bench auth 2>&1 | grep -E '^[a-z0-9_/]+ +time:|^[a-z0-9_/]+$|^ +time:' || true

say "release build"
cargo leptos build --release --precompress --split 2>&1 | tail -1
say "page weight as served (bytes: raw, .gz, .br written by the build)"
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  printf '%-45s %9d %9d %9d\n' "$(basename "$file")" "$(wc -c <"$file")" \
    "$(wc -c <"$file.gz")" "$(wc -c <"$file.br")"
done

say "load tests: wrk -t2 -c32 -d${DURATION}s against the release server"
work=$(mktemp -d)
port=3077
base="http://127.0.0.1:$port"
LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  DATABASE_URL="sqlite://$work/bench.db?mode=rwc" JWT_SECRET="benchmark-secret-0123456789abcdef0123" \
  PHOTO_SPOTS_DEMO=1 LOGIN_MAX_FAILURES_PER_ADDRESS=1000 target/release/server &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -s -o /dev/null "$base/"; do sleep 0.2; done

# 50 users, one token each.
for i in $(seq 1 50); do
  curl -s "$base/api/signup" -H 'content-type: application/json' \
    -d "{\"username\":\"bench-$i\",\"password\":\"bench-password-$i\",\"name\":\"Bench $i\"}" |
    grep -o '"token":"[^"]*"' | cut -d'"' -f4
done >"$work/tokens"
if [[ $(grep -c . "$work/tokens") != 50 ]]; then
  echo "could not sign up the benchmark users" >&2
  exit 1
fi
sed 's/\.[^.]*$/.AAAA/' "$work/tokens" >"$work/bad-tokens"

run() { # name, path, tokens file, body, method
  printf '%-28s ' "$1"
  METHOD="${5:-POST}" TOKENS_FILE="$3" BODY="$4" wrk -t2 -c32 -d"${DURATION}s" -s scripts/bench/post.lua "$base$2" | grep RESULT
}
run "health (floor)" /api/health "" '{}'
run "me" /api/me "$work/tokens" '{}'
# The same call with a DPoP-bound token and a fresh proof each time (made
# ahead, enough for the whole run at the bearer rate; the replay cache keeps
# at most 500 000).
proofs=$(( DURATION * 15000 ))
(cd end2end && node bench/dpop-proofs.mjs "$base" "$proofs" "$work/proofs")
printf '%-28s ' "me, DPoP"
PROOFS_FILE="$work/proofs" THREADS=2 wrk -t2 -c32 -d"${DURATION}s" -s scripts/bench/dpop.lua "$base/api/me" | grep RESULT
run "update_name" /api/update_name "$work/tokens" '{"name":"Bench {n}"}'
run "me, refused (bad signature)" /api/me "$work/bad-tokens" '{}'
css=$(cd target/site/pkg && ls photo-spots.*.css)
run "static css (hashed name)" "/pkg/$css" "" '' GET

say "time to an interactive /login (headless Chromium)"
(cd end2end && node bench/interactive.mjs "$base" 10)
