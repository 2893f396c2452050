#!/usr/bin/env bash
# Compresses each lazy wasm file of a built site against the main module
# (Compression Dictionary Transport, RFC 9842, the `dcz` coding), beside the
# `.br`/`.gz` copies `--precompress` writes.
#
# Why: a lazy page fetches its code in many small files (wasm-split puts code
# shared by each set of split points in a file of its own), and brotli,
# compressing each file alone, finds little to reuse in a small file. Every
# lazy file is fetched after the main module, which shares much of its code's
# patterns; a browser that supports dictionaries (Chromium since 130) says it
# holds the main module (`Available-Dictionary`), and the server sends the
# file compressed against it (server/src/assets/memory_bundle.rs). Other
# browsers get brotli as before. BENCHMARKS.md has the measurements.
#
# Usage: scripts/dictionary-compress.sh [PKG_DIR] [ZSTD_LEVEL]
#   PKG_DIR defaults to target/site/pkg; level 19 for release builds, a low
#   level keeps debug builds (the end-to-end tests') quick.
set -euo pipefail
source "$(dirname "$0")/common.sh"

dir=${1:-target/site/pkg}
level=${2:-19}
command -v zstd >/dev/null || { echo "zstd is missing: run scripts/setup.sh" >&2; exit 1; }

# The main module is the one wasm file wasm-split did not name (chunk_N,
# split_NAME) nor scripts/pack-routes.mjs (pack_NAME); cargo-leptos names it
# after the crate's output name.
mains=()
for file in "$dir"/*.wasm; do
  case "$(basename "$file")" in chunk_* | split_* | pack_*) ;; *) mains+=("$file") ;; esac
done
if ((${#mains[@]} != 1)); then
  echo "expected one main wasm module in $dir, found ${#mains[@]}" >&2
  exit 1
fi
main=${mains[0]}

# dcz: an 8-byte magic number, the dictionary's SHA-256, then a zstd frame
# made with the dictionary as raw content (RFC 9842 section 4).
hash=$(sha256sum "$main" | cut -d' ' -f1)
header=$(printf '\\x5e\\x2a\\x4d\\x18\\x20\\x00\\x00\\x00%s' "$(sed 's/../\\x&/g' <<<"$hash")")
count=0
for file in "$dir"/*.wasm; do
  [[ "$file" == "$main" ]] && continue
  {
    printf '%b' "$header"
    zstd -q -"$level" -D "$main" -c "$file"
  } >"$file.dcz.tmp"
  mv "$file.dcz.tmp" "$file.dcz"
  count=$((count + 1))
done
say "compressed $count lazy wasm files against $(basename "$main") (zstd -$level, dcz)"
