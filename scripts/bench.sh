#!/usr/bin/env bash
# Runs the whole benchmark suite and prints the numbers BENCHMARKS.md quotes:
#   1. criterion micro-benchmarks: HS256 and EdDSA sign/verify (remembered or not), the raw
#      HMAC and parsing floors, argon2id verify, one DPoP proof check and its P-256 floor; the
#      resident memory after a million distinct tokens
#   2. the release build (wasm-opt'd, precompressed) and its page weight, raw / gzip / brotli
#   3. wrk load tests against the release server: health, me (bearer and DPoP), update_name,
#      refused tokens, a static file in the shared-secret mode; me and update_name in the default
#      (EdDSA) mode with and without remembered tokens; the favourites service's list and health
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
say "memory under a flood of distinct tokens"
cargo bench -p app --features ssr --bench token_flood

say "release build"
cargo leptos build --release --precompress --split 2>&1 | tail -1
say "page weight as served (bytes: raw, .gz, .br written by the build)"
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  printf '%-45s %9d %9d %9d\n' "$(basename "$file")" "$(wc -c <"$file")" \
    "$(wc -c <"$file.gz")" "$(wc -c <"$file.br")"
done

say "the favourites service, release"
# The same flags cargo-leptos gave the server, so that no dependency is rebuilt.
RUSTFLAGS="--cfg erase_components" cargo build --release -p server --bin favorites 2>&1 | tail -1

say "load tests: wrk -t2 -c32 -d${DURATION}s against the release server"
work=$(mktemp -d)
port=3077
favorites_port=3078
base="http://127.0.0.1:$port"
server=""
favorites=""
stop() { # pid...
  for pid in "$@"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
}
trap 'stop $server $favorites; rm -rf "$work"' EXIT

# start_app NAME [VAR=value...]: a release server on a fresh SQLite file and
# 50 signed-up users, one token each, in $work/NAME.tokens.
start_app() {
  local name=$1
  shift
  stop $server
  env LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    DATABASE_URL="sqlite://$work/$name.db?mode=rwc" PHOTO_SPOTS_DEMO=1 \
    LOGIN_MAX_FAILURES_PER_ADDRESS=1000 "$@" target/release/server &
  server=$!
  until curl -s -o /dev/null "$base/"; do sleep 0.2; done
  for i in $(seq 1 50); do
    curl -s "$base/api/signup" -H 'content-type: application/json' \
      -d "{\"username\":\"bench-$i\",\"password\":\"bench-password-$i\",\"name\":\"Bench $i\"}" |
      grep -o '"token":"[^"]*"' | cut -d'"' -f4
  done >"$work/$name.tokens"
  if [[ $(grep -c . "$work/$name.tokens") != 50 ]]; then
    echo "could not sign up the benchmark users" >&2
    exit 1
  fi
}

# start_favorites [VAR=value...]: the favourites service trusting the running app's JWKS.
start_favorites() {
  stop $favorites
  env FAVORITES_ADDR=127.0.0.1:$favorites_port RUST_LOG=warn \
    FAVORITES_DATABASE_URL="sqlite://$work/favorites-$RANDOM.db?mode=rwc" \
    JWT_JWKS_URL="$base/.well-known/jwks.json" "$@" target/release/favorites &
  favorites=$!
  until curl -s -o /dev/null "http://127.0.0.1:$favorites_port/api/health"; do sleep 0.2; done
}

run() { # name, URL path or full URL, tokens file, body, method
  local url=$2
  [[ "$url" == http* ]] || url="$base$url"
  printf '%-40s ' "$1"
  METHOD="${5:-POST}" TOKENS_FILE="$3" BODY="$4" wrk -t2 -c32 -d"${DURATION}s" -s scripts/bench/post.lua "$url" | grep RESULT
}

say "shared secret (HS256)"
start_app hs256 JWT_SECRET="benchmark-secret-0123456789abcdef0123"
sed 's/\.[^.]*$/.AAAA/' "$work/hs256.tokens" >"$work/bad-tokens"
run "health (floor)" /api/health "" '{}'
run "me, HS256" /api/me "$work/hs256.tokens" '{}'
# The same call with a DPoP-bound token and a fresh proof each time (made
# ahead, enough for the whole run at the bearer rate; the replay cache keeps
# at most 500 000).
proofs=$(( DURATION * 15000 ))
(cd end2end && node bench/dpop-proofs.mjs "$base" "$proofs" "$work/proofs")
printf '%-40s ' "me, HS256, DPoP"
PROOFS_FILE="$work/proofs" THREADS=2 wrk -t2 -c32 -d"${DURATION}s" -s scripts/bench/dpop.lua "$base/api/me" | grep RESULT
run "update_name, HS256" /api/update_name "$work/hs256.tokens" '{"name":"Bench {n}"}'
run "me, refused (bad signature)" /api/me "$work/bad-tokens" '{}'
css=$(cd target/site/pkg && ls photo-spots.*.css)
run "static css (hashed name)" "/pkg/$css" "" '' GET

say "public keys (EdDSA, the default)"
start_app eddsa
run "me, EdDSA" /api/me "$work/eddsa.tokens" '{}'
run "update_name, EdDSA" /api/update_name "$work/eddsa.tokens" '{"name":"Bench {n}"}'
favorites_base="http://127.0.0.1:$favorites_port"
start_favorites
run "favourites health (floor)" "$favorites_base/api/health" "" '' GET
run "favourites list, EdDSA" "$favorites_base/api/favorites" "$work/eddsa.tokens" '' GET
start_favorites VERIFIED_TOKENS=0
run "favourites list, every signature checked" "$favorites_base/api/favorites" "$work/eddsa.tokens" '' GET
stop $favorites
favorites=""

say "public keys, every signature checked (VERIFIED_TOKENS=0)"
start_app eddsa-unremembered VERIFIED_TOKENS=0
run "me, EdDSA, every signature checked" /api/me "$work/eddsa-unremembered.tokens" '{}'
run "update_name, EdDSA, every signature checked" /api/update_name "$work/eddsa-unremembered.tokens" '{"name":"Bench {n}"}'

say "time to an interactive /login (headless Chromium)"
(cd end2end && node bench/interactive.mjs "$base" 10)
