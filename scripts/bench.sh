#!/usr/bin/env bash
# Runs the whole benchmark suite and prints the numbers BENCHMARKS.md quotes:
#   1. criterion micro-benchmarks: HS256 and EdDSA sign/verify (remembered or not), the raw
#      HMAC and parsing floors, argon2id verify, one DPoP proof check and its P-256 floor; the
#      resident memory after a million distinct tokens
#   2. the release build (wasm-opt'd, precompressed) and its page weight, raw / gzip / brotli
#   3. wrk load tests against the release server: health, me (bearer and DPoP), update_name,
#      refused tokens, a static file in the shared-secret mode; then ratios measured in turns
#      (A, B, A, B…): me and update_name in the default (EdDSA) mode, with and without remembered
#      tokens, against HS256 (and HS256 against itself: the noise floor); the favourites
#      service's list against its health
#   4. what a cold first visit to each page downloads (wasm + JS, brotli), and the time to an
#      interactive /login in headless Chromium, median of 10 (cold and returning)
# Usage: scripts/bench.sh [seconds per load test, default 30]
#   BENCH_SKIP_MICRO=1 scripts/bench.sh   skips step 1 (when only the server or the pages changed)
#   BENCH_ROUNDS=9 scripts/bench.sh 54    more rounds in turns (each round 54/9 = 6 s a side)
#   BENCH_AGAINST=COMMIT scripts/bench.sh  also builds COMMIT's server (a git worktree, the same
#                                          target directory) and measures me and update_name
#                                          in turns against it: "this commit / COMMIT"
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

if [[ -z "${BENCH_SKIP_MICRO:-}" ]]; then
  say "micro-benchmarks (criterion)"
  cargo bench -p identity --bench auth 2>&1 | grep -E '^[a-z0-9_/]+ +time:|^[a-z0-9_/]+$|^ +time:' || true
  say "memory under a flood of distinct tokens"
  cargo bench -p identity --bench token_flood
fi

work=$(mktemp -d)
if [[ -n "${BENCH_AGAINST:-}" ]]; then
  say "the server of $BENCH_AGAINST, release (to compare with)"
  git worktree add --detach "$work/against" "$BENCH_AGAINST" >/dev/null
  # The same flags cargo-leptos gives the server, in this target directory:
  # only the two crates that differ are built again.
  (cd "$work/against" && RUSTFLAGS="--cfg erase_components" CARGO_TARGET_DIR="$OLDPWD/target" \
    cargo build --release -p server --bin server --no-default-features 2>&1 | tail -1)
  cp target/release/server "$work/server-against"
  git worktree remove --force "$work/against"
fi

say "release build"
cargo leptos build --release --precompress --split 2>&1 | tail -1
node scripts/pack-routes.mjs target/site/pkg
scripts/dictionary-compress.sh target/site/pkg
say "page weight as served (bytes: raw, .gz, .br written by the build)"
for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  printf '%-45s %9d %9d %9d\n' "$(basename "$file")" "$(wc -c <"$file")" \
    "$(wc -c <"$file.gz")" "$(wc -c <"$file.br")"
done

say "the favourites service, release"
# The same flags cargo-leptos gave the server, so that no dependency is rebuilt.
RUSTFLAGS="--cfg erase_components" cargo build --release -p favorites 2>&1 | tail -1

say "load tests: wrk -t2 -c32 -d${DURATION}s against the release server"
favorites_port=3078
servers=()
favorites=""
stop() { # pid...
  for pid in "$@"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
}
trap 'stop "${servers[@]}" $favorites; rm -rf "$work"' EXIT

# start_app NAME URL [VAR=value...]: a release server at URL on a fresh SQLite
# file and 50 signed-up users, one token each, in $work/NAME.tokens. Servers wait
# idle while another is measured, so modes can be measured in turns; their
# tokens live two hours, longer than the whole run.
start_app() {
  local name=$1 base=$2
  shift 2
  env LEPTOS_SITE_ADDR="${base#http://}" PUBLIC_ORIGIN="$base" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    DATABASE_URL="sqlite://$work/$name.db?mode=rwc" PHOTO_SPOTS_DEMO=1 \
    LOGIN_MAX_FAILURES_PER_ADDRESS=1000 JWT_TTL_SECONDS=7200 "$@" "${SERVER:-target/release/server}" &
  servers+=($!)
  until curl -s -o /dev/null "$base/"; do sleep 0.2; done
  for i in $(seq 1 50); do
    curl -s "$base/api/signup" -H 'content-type: application/json' \
      -d "{\"username\":\"bench-$i\",\"password\":\"lantern-meadow-quarry-$i\",\"name\":\"Bench $i\"}" |
      grep -o '"token":"[^"]*"' | cut -d'"' -f4
  done >"$work/$name.tokens"
  if [[ $(grep -c . "$work/$name.tokens") != 50 ]]; then
    echo "could not sign up the benchmark users" >&2
    exit 1
  fi
}

# start_favorites [VAR=value...]: the favourites service trusting the EdDSA app's JWKS.
start_favorites() {
  stop $favorites
  env FAVORITES_ADDR=127.0.0.1:$favorites_port RUST_LOG=warn \
    FAVORITES_DATABASE_URL="sqlite://$work/favorites-$RANDOM.db?mode=rwc" \
    JWT_JWKS_URL="$eddsa/.well-known/jwks.json" "$@" target/release/favorites &
  favorites=$!
  until curl -s -o /dev/null "http://127.0.0.1:$favorites_port/api/health"; do sleep 0.2; done
}

# run NAME URL TOKENS BODY [METHOD [SECONDS]]: prints wrk's RESULT line, and
# the requests/s alone on stdout.
run() {
  local result
  result=$(METHOD="${5:-POST}" TOKENS_FILE="$3" BODY="$4" wrk -t2 -c32 -d"${6:-$DURATION}s" \
    -s scripts/bench/post.lua "$2" | grep RESULT)
  printf '%-44s %s\n' "$1" "$result" >&2
  # Refusals measure something else: a run meant to succeed that got them
  # (an expired token, a server fault) has no figure to give.
  if [[ "$1" != *refused* && "$result" != *non2xx=0* ]]; then
    echo "  ^ answers other than 2xx: this figure is not valid" >&2
    exit 1
  fi
  sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$result"
}

# in_turns LABEL A B: the ratio of two measurements (functions taking the
# seconds per run), run in turns, ROUNDS times each (A, B, A, B…), so the
# VM's drift over minutes falls on both alike; prints the median ratio.
ROUNDS=${BENCH_ROUNDS:-5}
in_turns() {
  local label=$1 a=$2 b=$3 seconds=$(( (DURATION + ROUNDS - 1) / ROUNDS )) ratios=()
  for _ in $(seq "$ROUNDS"); do
    local ra rb
    ra=$("$a" "$seconds")
    rb=$("$b" "$seconds")
    ratios+=("$(awk -v a="$ra" -v b="$rb" 'BEGIN { printf "%.3f", a / b }')")
  done
  printf '%s: median ratio %s (rounds: %s)\n' "$label" \
    "$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")" "${ratios[*]}"
}

hs256=http://127.0.0.1:3077
eddsa=http://127.0.0.1:3079
unremembered=http://127.0.0.1:3080
start_app hs256 "$hs256" JWT_SECRET="benchmark-secret-0123456789abcdef0123"
start_app eddsa "$eddsa"
start_app unremembered "$unremembered" VERIFIED_TOKENS=0

say "shared secret (HS256)"
sed 's/\.[^.]*$/.AAAA/' "$work/hs256.tokens" >"$work/bad-tokens"
run "health (floor)" "$hs256/api/health" "" '{}' >/dev/null
run "me, HS256" "$hs256/api/me" "$work/hs256.tokens" '{}' >/dev/null
# The same call with a DPoP-bound token and a fresh proof each time (made
# ahead, enough for the whole run at the bearer rate). At most 30 s: proofs
# made ahead stay within their five-minute window for the whole run, and the
# replay cache remembers at most 500 000 before it refuses (503), which is
# its bound under a flood, not the cost of a proof.
dpop_seconds=$(( DURATION < 30 ? DURATION : 30 ))
proofs=$(( dpop_seconds * 15000 ))
(cd end2end && node bench/dpop-proofs.mjs "$hs256" "$proofs" "$work/proofs")
printf '%-44s ' "me, HS256, DPoP (${dpop_seconds} s)"
PROOFS_FILE="$work/proofs" THREADS=2 wrk -t2 -c32 -d"${dpop_seconds}s" -s scripts/bench/dpop.lua "$hs256/api/me" | grep RESULT
run "update_name, HS256" "$hs256/api/update_name" "$work/hs256.tokens" '{"name":"Bench {n}"}' >/dev/null
run "me, refused (bad signature)" "$hs256/api/me" "$work/bad-tokens" '{}' >/dev/null
css=$(cd target/site/pkg && ls photo-spots.*.css)
run "static css (hashed name)" "$hs256/pkg/$css" "" '' GET >/dev/null

me_hs256() { run "me, HS256" "$hs256/api/me" "$work/hs256.tokens" '{}' POST "$1"; }
me_eddsa() { run "me, EdDSA" "$eddsa/api/me" "$work/eddsa.tokens" '{}' POST "$1"; }
me_unremembered() { run "me, EdDSA, every signature checked" "$unremembered/api/me" "$work/unremembered.tokens" '{}' POST "$1"; }
rename_hs256() { run "update_name, HS256" "$hs256/api/update_name" "$work/hs256.tokens" '{"name":"Bench {n}"}' POST "$1"; }
rename_eddsa() { run "update_name, EdDSA" "$eddsa/api/update_name" "$work/eddsa.tokens" '{"name":"Bench {n}"}' POST "$1"; }
rename_unremembered() { run "update_name, EdDSA, every signature checked" "$unremembered/api/update_name" "$work/unremembered.tokens" '{"name":"Bench {n}"}' POST "$1"; }
say "the noise floor: HS256 against itself, in turns"
# Two measurements of the same server and call: how far a ratio of equals
# strays here. A ratio below is told from 1 only by more than this.
in_turns "me, HS256 / HS256 (the same)" me_hs256 me_hs256

say "public keys (EdDSA, the default) against HS256, in turns"
in_turns "me, EdDSA / HS256" me_eddsa me_hs256
in_turns "update_name, EdDSA / HS256" rename_eddsa rename_hs256
say "public keys, every signature checked (VERIFIED_TOKENS=0) against HS256, in turns"
in_turns "me, EdDSA unremembered / HS256" me_unremembered me_hs256
in_turns "update_name, EdDSA unremembered / HS256" rename_unremembered rename_hs256

if [[ -n "${BENCH_AGAINST:-}" ]]; then
  say "this commit against $BENCH_AGAINST (both EdDSA, the default), in turns"
  against=http://127.0.0.1:3081
  SERVER="$work/server-against" start_app against "$against"
  me_against() { run "me, $BENCH_AGAINST" "$against/api/me" "$work/against.tokens" '{}' POST "$1"; }
  rename_against() { run "update_name, $BENCH_AGAINST" "$against/api/update_name" "$work/against.tokens" '{"name":"Bench {n}"}' POST "$1"; }
  in_turns "me, this commit / $BENCH_AGAINST" me_eddsa me_against
  in_turns "update_name, this commit / $BENCH_AGAINST" rename_eddsa rename_against
fi

say "the favourites service (trusting the EdDSA app's JWKS) against its own health, in turns"
favorites_base="http://127.0.0.1:$favorites_port"
favorites_health() { run "favourites health (floor)" "$favorites_base/api/health" "" '' GET "$1"; }
favorites_list() { run "favourites list, EdDSA" "$favorites_base/api/favorites" "$work/eddsa.tokens" '' GET "$1"; }
start_favorites
in_turns "favourites list / health" favorites_list favorites_health
start_favorites VERIFIED_TOKENS=0
in_turns "favourites list, every signature checked / health" favorites_list favorites_health
stop $favorites
favorites=""

say "page weight of a cold first visit (headless Chromium, brotli over the wire)"
# At localhost, not the IP address: there the login page offers passkeys in
# its autofill (WebAuthn refuses an IP address), as a person's browser does,
# and what that downloads is weighed too.
# The way through the login form is weighed at the address the server knows
# as its origin: a DPoP proof names the URL it was made for.
(cd end2end && node bench/page-weight.mjs "${hs256/127.0.0.1/localhost}" "$hs256")

say "time to an interactive /login (headless Chromium)"
# At the IP address: the server listens on IPv4 only, and a browser that
# tries localhost's IPv6 address first loses ~60 ms a connection to that.
(cd end2end && node bench/interactive.mjs "$hs256" 10)
