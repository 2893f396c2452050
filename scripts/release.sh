#!/usr/bin/env bash
# `make release`: the optimized build, served. wasm-opt comes from end2end's
# npm packages; the static files get brotli and gzip copies (`--precompress`),
# each lazy route's files a pack for a first visit (scripts/pack-routes.mjs)
# and copies compressed against the main module (scripts/dictionary-compress.sh).
# Set JWT_PRIVATE_KEY_FILE (or PHOTO_SPOTS_DEMO=1) and PUBLIC_ORIGIN first: a
# release build refuses to start without a key or without knowing the origin
# browsers reach it at. LEPTOS_SITE_ADDR sets the address (default 127.0.0.1:3000).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
scripts/setup.sh
source scripts/common.sh

cargo leptos build --release --precompress --split
node scripts/pack-routes.mjs target/site/pkg
scripts/dictionary-compress.sh target/site/pkg
say "Photo Spots (release) on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
LEPTOS_OUTPUT_NAME=photo-spots LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}" exec target/release/server
