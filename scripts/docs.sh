#!/usr/bin/env bash
# Builds the book (docs/ → docs/book/) and checks every link in it and in the
# top-level Markdown files (scripts/check-links.py).
#   scripts/docs.sh --write   first writes the configuration reference again from
#                             the binaries' command lines (`config reference`);
#                             `make docs` does. Without it the committed pages are
#                             built as they are: a unit test fails when they differ
#                             from the command lines (server/src/config/reference.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --docs
source scripts/common.sh

if [[ "${1:-}" == --write ]]; then
  say "the configuration reference, from the command lines"
  cargo build -q -p server -p favorites
  target/debug/server config reference >docs/src/operating/settings-server.md
  target/debug/favorites config reference >docs/src/operating/settings-favorites.md
fi

say "the book"
rm -rf docs/book
mdbook build docs
say "links"
python3 scripts/check-links.py docs/book README.md ARCHITECTURE.md BENCHMARKS.md
echo "the book: docs/book/index.html"
