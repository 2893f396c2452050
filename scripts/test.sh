#!/usr/bin/env bash
# Every check Photo Spots has, in the order that fails fastest:
#   lint  formatting and clippy (server and wasm builds), warnings are errors;
#         the Kubernetes manifests against their schemas
#   docs  the book (docs/) builds and no link in it, README.md, ARCHITECTURE.md
#         or BENCHMARKS.md leads nowhere
#   unit  unit and integration tests (a real server on a random port, real
#         SQLite), the store and API tests again on a throw-away PostgreSQL,
#         and the cluster tests (three instances, HAProxy, rolling restart)
#   fuzz  every fuzz target (server/fuzz) for FUZZ_SECONDS (30) each, from the
#         committed seeds, after replaying the inputs that once broke them
#   contract  the app built by cargo-leptos, and schemathesis against it and
#         its OpenAPI document (scripts/contract.sh): no 5xx, only documented
#         statuses and shapes
#   e2e   the same build and the favourites service, driven by Playwright in
#         Debian's Chromium; also Node's `jose` against the live JWKS. Last, so
#         the run ends on the test runner's own count of what passed.
#   deploy  (not in the six) the images, the stack in a podman pod, the login,
#         rename and favourites path against it, an app container killed
#         under load, the stack down and up with its data (scripts/deploy-test.sh)
# `scripts/test.sh` runs all six; `scripts/test.sh e2e` runs one. The last
# line is the tally of every step's tests, `N passed, M failed`, which CI reads
# (scripts/tally.sh); it is printed also when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

steps=("${@:-lint docs unit fuzz contract e2e}")
steps=(${steps[*]})

scripts/setup.sh --browser --postgres --haproxy

source scripts/common.sh
source scripts/tally.sh
trap tally_print EXIT

# Every crate that builds for the server (the browser crate builds for wasm32).
native_crates=(-p photo-spots-core -p identity -p passkeys -p service-kit -p favorites -p app -p server)

for step in "${steps[@]}"; do
  case "$step" in
    lint)
      say "cargo fmt --check"
      tally_check cargo fmt --all -- --check
      tally_check cargo fmt --manifest-path server/fuzz/Cargo.toml -- --check
      say "clippy (server)"
      tally_check cargo clippy "${native_crates[@]}" --features app/ssr --all-targets -- -D warnings
      say "clippy (browser, wasm32)"
      tally_check cargo clippy -p photo-spots -p app -p photo-spots-core --features app/hydrate --target wasm32-unknown-unknown -- -D warnings
      say "the Kubernetes manifests and the compose file (schemas, and the promises they keep)"
      tally_check scripts/check-manifests.sh
      ;;
    docs)
      tally_check scripts/docs.sh
      ;;
    unit)
      say "starting a throw-away PostgreSQL"
      pg_dir=$(mktemp -d)
      trap 'scripts/postgres.sh stop "$pg_dir/pg" || true; rm -rf "$pg_dir"; tally_print' EXIT
      PHOTO_SPOTS_TEST_POSTGRES=$(scripts/postgres.sh start "$pg_dir/pg")
      export PHOTO_SPOTS_TEST_POSTGRES
      # Here a missing PostgreSQL is a failure, not a skipped test.
      export PHOTO_SPOTS_REQUIRE_POSTGRES=1
      say "unit and integration tests (store tests on SQLite and PostgreSQL)"
      # --all-targets also builds the criterion benches and runs each one once
      # (criterion's test mode), so they never rot; scripts/bench.sh measures.
      tally_logged cargo_tests bounded 45m cargo test "${native_crates[@]}" --features app/ssr --all-targets
      say "the API tests again, every server on PostgreSQL"
      # The same selection as above, so the same binary runs again (nothing
      # rebuilt), filtered to the modules that talk to the API's database.
      PHOTO_SPOTS_TEST_DATABASE=postgres tally_logged cargo_tests bounded 20m \
        cargo test "${native_crates[@]}" --features app/ssr --test integration -- \
        api:: accounts:: durability:: throttle:: token_attacks:: admins:: spots:: \
        sso:: key_rotation:: favorites:: refresh:: dpop:: passkeys:: sessions:: recovery_link:: \
        account_deletion:: security_events::
      ;;
    fuzz)
      tally_logged fuzz_targets bounded 30m scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
      ;;
    e2e)
      say "building the favourites service"
      cargo build -p favorites
      say "building the site with cargo-leptos"
      cargo leptos build --split
      node scripts/pack-routes.mjs target/site/pkg
      # Quick, not small: the tests check that Chromium decodes the copies.
      scripts/dictionary-compress.sh target/site/pkg 3
      say "end-to-end tests in Chromium"
      tally_logged playwright_tests bash -c 'cd end2end && npx playwright test'
      ;;
    contract)
      tally_logged schemathesis_cases scripts/contract.sh
      ;;
    deploy)
      tally_check scripts/deploy-test.sh
      ;;
    *)
      echo "unknown step: $step (use lint, docs, unit, fuzz, contract, e2e or deploy)" >&2
      exit 2
      ;;
  esac
done
say "all checks passed"
