#!/usr/bin/env bash
# Installs what Photo Spots needs to build and run, skipping what is already
# there (so a second run takes seconds):
#   - the Rust toolchain pinned in rust-toolchain.toml, with the wasm target
#   - cargo-leptos (built without downloads) and the matching wasm-bindgen CLI
#   - the end-to-end npm packages (Playwright, and binaryen for wasm-opt)
# With `--browser`, also Debian's Chromium for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_browser=false
[[ "${1:-}" == "--browser" ]] && need_browser=true

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v rustup >/dev/null; then
  say "installing rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
fi

toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$toolchain" rustc --print target-list >/dev/null 2>&1 \
  || ! rustup target list --installed --toolchain "$toolchain" | grep -q wasm32-unknown-unknown; then
  say "installing Rust $toolchain with the wasm32 target"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rustfmt,clippy --target wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~15 minutes once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a webpki-roots version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [[ ! -x end2end/node_modules/.bin/playwright || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if $need_browser && [[ ! -x /usr/bin/chromium ]]; then
  say "installing Debian's Chromium"
  sudo_cmd=""
  [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
