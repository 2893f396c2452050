#!/usr/bin/env bash
# The JSON API against its OpenAPI document: schemathesis (PyPI) drives the
# live server (the debug build cargo-leptos makes, which the end-to-end tests use after) with a demo
# admin's token. Checks: no 5xx, only status codes the document lists, and
# bodies, content types and headers as documented. Stateful links (login →
# me → update_name) come from the document. Bounded: a few minutes.
#
# Not checked: whether every schema-valid body is accepted or every invalid
# one refused. Some rules are not JSON Schema (a new password must not be the
# username; an edit's slug must repeat the path's; text is trimmed), so those
# two checks would report the rules, not faults.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
scripts/setup.sh --schemathesis

# Always: a server binary left by `cargo test` lacks the site, and a stale one
# would test old code. Up to date, this is a few seconds.
say "building the site with cargo-leptos"
cargo leptos build --split

work=$(mktemp -d)
port=$(free_port)
base="http://127.0.0.1:$port"
LEPTOS_OUTPUT_NAME=photo-spots LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  DATABASE_URL="sqlite://$work/photo-spots.db?mode=rwc" PHOTOS_DIR="$work/photos" \
  PUBLIC_ORIGIN="http://localhost:$port" \
  PHOTO_SPOTS_DEMO=1 RUST_LOG=warn target/debug/server >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
wait_for "$base/api/ready"

token() { # USERNAME: a fresh access token for a demo user
  curl -fsS -X POST -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$1-password\"}" "$base/api/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

schemathesis() {
  (cd "$work" && bounded 5m "$OLDPWD/target/schemathesis/bin/st" run "$base/api/openapi.json" \
    --url "$base" --max-examples 25 --seed 1 --no-color \
    --exclude-checks positive_data_acceptance,negative_data_rejection "$@")
}

# Every token first: fuzzing /api/login soon trips its throttle for this address.
ada=$(token ada)
jack=$(token jack)
john=$(token john)
say "the API against its OpenAPI document (schemathesis), as ada (an admin)"
schemathesis -H "Authorization: Bearer $ada" \
  --exclude-path /api/logout_all --exclude-path /api/change_password --exclude-path /api/account
say "the two calls that refuse the caller's earlier tokens, as jack"
schemathesis -H "Authorization: Bearer $jack" \
  --include-path /api/logout_all --include-path /api/change_password
say "deleting the caller's account, last, as john"
schemathesis -H "Authorization: Bearer $john" --include-path /api/account
