#!/usr/bin/env bash
# `make run`: Photo Spots on http://localhost:3000 (demo users, development
# signing key; a name, not an IP address, so that passkeys work) and the
# favourites service on http://127.0.0.1:3002, which trusts the main app's
# published keys. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

scripts/setup.sh

cargo build -p favorites
target/debug/favorites &
favorites=$!
# Background jobs of a script ignore Ctrl-C; stop it (gracefully) on the way out.
trap 'kill -TERM "$favorites" 2>/dev/null || true; wait "$favorites" 2>/dev/null || true' EXIT

echo "Photo Spots: open http://localhost:3000 (demo users john, jack, ada; their password is the name + -password)"
PHOTO_SPOTS_DEMO=1 cargo leptos serve --split
