#!/usr/bin/env bash
# Installs what Photo Spots needs to build and run, skipping what is already
# there (so a second run takes seconds):
#   - the Rust toolchain pinned in rust-toolchain.toml, with the wasm target
#   - cargo-leptos (built without downloads) and the matching wasm-bindgen CLI
#   - the end-to-end npm packages (Playwright, binaryen for wasm-opt, and terser,
#     which minifies the split loader: scripts/pack-routes.mjs)
# Debian packages, only when asked for (each flag may be given):
#   --browser    Chromium, for the end-to-end tests
#   --postgres   PostgreSQL, for the PostgreSQL tests and the local cluster
#   --haproxy    HAProxy, the load balancer of the local cluster
#   --prometheus Prometheus, which scrapes the local cluster's /metrics
#   --containers podman, buildah and runc, which build and run the images (`make image`),
#                and podman-compose (PyPI, pinned in scripts/requirements-podman-compose.txt) in
#                target/podman-compose, which runs deploy/compose.yaml (`make deploy`)
#   --schemathesis  schemathesis (PyPI, pinned in scripts/requirements-schemathesis.txt)
#                in target/schemathesis, for the API contract step of the tests
#   --kubernetes kubernetes-validate (PyPI, pinned in scripts/requirements-kubernetes-validate.txt)
#                in target/kubernetes-validate: the manifests' schemas, in the lint step
# and for the fuzz targets (server/fuzz), only when asked for:
#   --fuzz       the pinned nightly Rust that libFuzzer needs, and cargo-fuzz
#   --docs       mdbook, which builds the book in docs/ (`make docs`)
#   --mutants    cargo-mutants, for `make mutants`
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# The crate's sha256, as the crates.io index gives it (`cksum`).
CARGO_LEPTOS_SHA256=2d8cab2c1d4397b3275fd234757d6467c3db7b2fde13377ef9d543a5e80b0be0
# Fuzzing only (the product stays on stable): a dated nightly the rustup
# mirror here has, so every run builds the fuzz targets with the same compiler.
FUZZ_TOOLCHAIN=nightly-2026-10-15
CARGO_FUZZ_VERSION=0.13.2
MDBOOK_VERSION=0.5.4
CARGO_MUTANTS_VERSION=27.0.0
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

source scripts/common.sh

debian_packages=()
fuzz=false
docs=false
mutants=false
schemathesis=false
kubernetes=false
containers=false
for flag in "$@"; do
  case "$flag" in
    --fuzz) fuzz=true ;;
    --docs) docs=true ;;
    --mutants) mutants=true ;;
    --schemathesis) schemathesis=true ;;
    --kubernetes) kubernetes=true ;;
    --browser) [[ -x /usr/bin/chromium ]] || debian_packages+=(chromium) ;;
    --postgres) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || debian_packages+=(postgresql) ;;
    --haproxy) command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || debian_packages+=(haproxy) ;;
    --prometheus) [[ -x /usr/bin/prometheus ]] || debian_packages+=(prometheus) ;;
    --containers)
      containers=true
      for tool in podman buildah runc; do
        command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || debian_packages+=("$tool")
      done ;;
    *) echo "unknown flag: $flag (use --browser, --postgres, --haproxy, --prometheus, --containers, --schemathesis, --kubernetes, --fuzz, --docs, --mutants)" >&2; exit 2 ;;
  esac
done

# Compresses the lazy wasm files against the main module (scripts/dictionary-compress.sh).
command -v zstd >/dev/null || debian_packages+=(zstd)

install_debian_packages() {
  say "installing Debian's ${debian_packages[*]}"
  sudo_cmd=""
  [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # The postgresql package would start a system-wide server; the scripts run
  # their own throw-away ones, so keep services from starting at install.
  own_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    own_policy=true
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${debian_packages[@]}" >/dev/null
  if $own_policy; then $sudo_cmd rm -f /usr/sbin/policy-rc.d; fi
}

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

# cargo-leptos with its own lock file but for one change
# (scripts/cargo-leptos/Cargo.lock.patch): wasm_split_cli_support 0.2.4,
# whose split JS names its exports in a fixed order; 0.2.3's order changes
# from build to build, and with it the hashed file names, so the app image
# was not reproducible. The source comes from crates.io, checked against the
# index's checksum, and is built from a directory named after the change,
# which `cargo install --list` shows.
leptos_build="cargo-leptos-$CARGO_LEPTOS_VERSION+wasm-split-0.2.4"
if ! cargo install --list | grep -q "^cargo-leptos v$CARGO_LEPTOS_VERSION (.*/$leptos_build)"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~15 minutes once)"
  leptos_src=$(mktemp -d)
  curl -sSfL -o "$leptos_src/crate.tar.gz" \
    "https://static.crates.io/crates/cargo-leptos/cargo-leptos-$CARGO_LEPTOS_VERSION.crate"
  echo "$CARGO_LEPTOS_SHA256  $leptos_src/crate.tar.gz" | sha256sum --check --quiet
  tar -xzf "$leptos_src/crate.tar.gz" -C "$leptos_src"
  mv "$leptos_src/cargo-leptos-$CARGO_LEPTOS_VERSION" "$leptos_src/$leptos_build"
  # git apply, as Debian's `patch` is not always there.
  (cd "$leptos_src/$leptos_build" && git apply -p0 "$OLDPWD/scripts/cargo-leptos/Cargo.lock.patch")
  cargo install --path "$leptos_src/$leptos_build" --locked --features no_downloads --force
  rm -rf "$leptos_src"
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a webpki-roots version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if $fuzz; then
  if ! rustup run "$FUZZ_TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    say "installing Rust $FUZZ_TOOLCHAIN (for the fuzz targets only)"
    rustup toolchain install "$FUZZ_TOOLCHAIN" --profile minimal
  fi
  if [[ "$(cargo fuzz --version 2>/dev/null)" != *"$CARGO_FUZZ_VERSION"* ]]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
fi

if $docs && [[ "$(mdbook --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]]; then
  say "installing mdbook $MDBOOK_VERSION"
  # Without its live-reload server and search index: a static book is all we build.
  cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features
fi

if $mutants && [[ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $CARGO_MUTANTS_VERSION" ]]; then
  say "installing cargo-mutants $CARGO_MUTANTS_VERSION"
  cargo install cargo-mutants --version "$CARGO_MUTANTS_VERSION" --locked
fi

# pip_venv NAME: the Python tool NAME from PyPI, at the version pinned in
# scripts/requirements-NAME.txt, in its own virtual environment target/NAME
# (skipped when that version is there).
pip_venv() {
  local name=$1 requirements="scripts/requirements-$1.txt" pinned installed
  pinned=$(sed -n "s/^$name==//p" "$requirements")
  installed=$("target/$name/bin/python" -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
  [[ "$installed" == "$pinned" ]] && return 0
  say "installing $name $pinned (PyPI) in target/$name"
  # Debian's python3 makes virtual environments only with python3-venv.
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then debian_packages+=(python3-venv); fi
  if ((${#debian_packages[@]})); then install_debian_packages; debian_packages=(); fi
  rm -rf "target/$name"
  python3 -m venv "target/$name"
  "target/$name/bin/pip" install -q -r "$requirements"
}

$kubernetes && pip_venv kubernetes-validate
# Debian's podman-compose (1.0.3) puts every container on its project
# network as well, so podman refuses `network_mode: service:net`, which the
# compose file needs (see deploy/compose.yaml).
$containers && pip_venv podman-compose
$schemathesis && pip_venv schemathesis

if [[ ! -x end2end/node_modules/.bin/playwright || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if ((${#debian_packages[@]})); then install_debian_packages; fi
