#!/usr/bin/env bash
# Mutation testing of the token and proof verification path (`make mutants`;
# not part of `make test`: each mutant is a build and a test run). Installs
# cargo-mutants if it is missing. The mutants of each crate are tested
# against that crate's own tests; the results go to target/mutants/, and the
# last lines say how many were caught and which survived.
# The book: docs/src/development/mutation-testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
scripts/setup.sh --mutants

auth=server/identity/src/auth
status=0
say "identity: token verification, the guard, DPoP proofs, refresh rotation"
cargo mutants --package identity --timeout 120 -o target/mutants/identity \
  -f "$auth/token.rs" -f "$auth/guard.rs" -f "$auth/dpop/proof.rs" -f "$auth/refresh/*.rs" \
  || status=$?
say "photo-spots-core: a token's claims"
cargo mutants --package photo-spots-core --timeout 120 -o target/mutants/core \
  -f app/core/src/token/claims.rs || status=$?
# cargo mutants exits 2 when a mutant survived, 3 on a timeout.
exit "$status"
