# The tally of a test run: every step adds what its runner counted, and the
# run ends on one line CI reads, `N passed, M failed` (also when a step fails
# and `set -e` stops the run). `source scripts/tally.sh`, then
# `trap tally_print EXIT`.
#
#   tally_check CMD…            one check (a format or lint pass): 1 passed or 1 failed
#   tally_logged COUNTER CMD…   runs CMD with its output shown and kept; COUNTER
#                               reads the kept output and prints "PASSED FAILED"

tally_passed=0
tally_failed=0

tally_add() { # PASSED FAILED
  tally_passed=$((tally_passed + $1))
  tally_failed=$((tally_failed + $2))
}

tally_check() {
  if "$@"; then tally_add 1 0; else tally_add 0 1; return 1; fi
}

tally_logged() {
  local counter=$1 log status=0 counted
  shift
  log=$(mktemp)
  # The command's own status, whatever pipefail and set -e say about tee.
  { "$@" 2>&1 || echo "$?" >"$log.status"; } | tee "$log"
  [[ -s $log.status ]] && status=$(<"$log.status")
  counted=$("$counter" <"$log")
  rm -f "$log" "$log.status"
  read -r passed failed <<<"$counted"
  # A runner that stopped before counting (a build error, a crash) still
  # failed something.
  if ((status != 0 && failed == 0)); then failed=1; fi
  tally_add "$passed" "$failed"
  return "$status"
}

# `test result: ok. 12 passed; 0 failed; …`, one line per test binary.
cargo_tests() {
  sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' |
    awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }'
}

# Playwright's summary: `  59 passed (3.1m)`, `  2 failed`, `  1 flaky` (flaky
# tests passed on a retry: counted as passed).
playwright_tests() {
  awk '/^ +[0-9]+ (passed|flaky)/ { p += $1 } /^ +[0-9]+ failed/ { f += $1 }
       END { print p + 0, f + 0 }'
}

# Schemathesis' `108 generated, 108 passed, 3 skipped` (and `N failed`).
schemathesis_cases() {
  awk '/[0-9]+ generated,/ {
         for (i = 1; i < NF; i++) {
           if ($(i + 1) ~ /^passed/) p += $i
           if ($(i + 1) ~ /^failed/) f += $i
         }
       }
       END { print p + 0, f + 0 }'
}

# scripts/fuzz.sh says `==> TARGET: fuzzing for 30 s` as each target starts
# and stops at the first crash: every target started but the last one run
# passed; the last passed if the run ended on its closing line.
fuzz_targets() {
  awk '/: fuzzing for [0-9]+ s/ { started++ } /fuzzing found nothing/ { done = 1 }
       END { if (done) print started + 0, 0; else print (started > 0 ? started - 1 : 0), 1 }'
}

tally_print() {
  echo "$tally_passed passed, $tally_failed failed"
}
