#!/usr/bin/env bash
# Runs the fuzz targets (server/fuzz, cargo fuzz with libFuzzer on the pinned
# nightly) for SECONDS each, starting from the committed seeds
# (server/fuzz/seeds/<target>/). First it replays every input that once
# broke a target (server/fuzz/regressions/<target>/), so a fixed crash stays
# fixed. What the fuzzer discovers goes to a throw-away corpus; a crash stops
# the run with its input saved in server/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh                  every target, 30 s each (what `make test` runs)
#   scripts/fuzz.sh 3600 photo       one target for an hour (`make fuzz` runs 10 minutes each)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

source scripts/common.sh
scripts/setup.sh --fuzz
toolchain=$(sed -n 's/^FUZZ_TOOLCHAIN=//p' scripts/setup.sh)

seconds=${1:-30}
(($# > 0)) && shift
fuzz_dir=server/fuzz
fuzz=(cargo "+$toolchain" fuzz)
if (($# > 0)); then
  targets=("$@")
else
  mapfile -t targets < <("${fuzz[@]}" list --fuzz-dir "$fuzz_dir")
fi

say "building the fuzz targets (${targets[*]}) with $toolchain"
"${fuzz[@]}" build --fuzz-dir "$fuzz_dir"

corpora=$(mktemp -d)
trap 'rm -rf "$corpora"' EXIT
for target in "${targets[@]}"; do
  # libFuzzer's options: a slow input (a hang) fails like a crash does.
  options=(-timeout=60 -rss_limit_mb=4096 -print_final_stats=1)
  regressions=("$fuzz_dir/regressions/$target"/*)
  if [[ -e "${regressions[0]}" ]]; then
    say "$target: replaying ${#regressions[@]} input(s) that once broke it"
    "${fuzz[@]}" run --fuzz-dir "$fuzz_dir" "$target" "${regressions[@]}" -- "${options[@]}"
  fi
  say "$target: fuzzing for $seconds s"
  mkdir -p "$corpora/$target" "$fuzz_dir/artifacts/$target"
  "${fuzz[@]}" run --fuzz-dir "$fuzz_dir" "$target" "$corpora/$target" "$fuzz_dir/seeds/$target" -- \
    "${options[@]}" -max_total_time="$seconds" -artifact_prefix="$fuzz_dir/artifacts/$target/"
done
say "fuzzing found nothing in ${seconds} s per target"
