#!/usr/bin/env bash
# `make image`: the OCI images of the app (`photo-spots`) and the favourites
# service (`photo-spots-favorites`), built with Debian's buildah from the
# release binaries, FROM scratch: each holds its binary (stripped), the few
# C library files it links (read from ldd), a non-root user and, for the
# app, its site. Labelled with the OCI annotations (source, revision,
# version); the file times and the image's creation time are the commit's.
# Both are reproducible (one commit, the same digests in three builds): the
# app's gzip copies and split manifest are made the same below, and the wasm
# split is (scripts/setup.sh builds cargo-leptos with wasm_split_cli_support
# 0.2.4).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
scripts/setup.sh --containers
source scripts/common.sh
export CONTAINERS_CONF="$PWD/deploy/containers.conf"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
revision=$(git rev-parse HEAD)
epoch=$(git log -1 --format=%ct)
source_url=${IMAGE_SOURCE:-https://github.com/photo-spots/photo-spots}

say "the release build"
cargo leptos build --release --precompress --split
node scripts/pack-routes.mjs target/site/pkg
scripts/dictionary-compress.sh target/site/pkg
cargo build --release -p favorites

# stage NAME BINARY: target/image/NAME/rootfs with /app/BINARY, the shared
# libraries it loads, and the user 65532.
stage() {
  local name=$1 binary=$2 root="target/image/$1/rootfs"
  rm -rf "target/image/$name"
  mkdir -p "$root/app" "$root/etc" "$root/tmp" "target/image/$name/data"
  strip -o "$root/app/$binary" "target/release/$binary"
  local library
  for library in $(ldd "target/release/$binary" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
  done
  printf 'nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'nonroot:x:65532:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
}

# build NAME: the image from deploy/images/NAME.Containerfile and its rootfs.
build() {
  local name=$1 tag=$2
  find "target/image/$name" -exec touch -h -d "@$epoch" {} +
  cp "deploy/images/$name.Containerfile" "target/image/$name/Containerfile"
  buildah build --quiet --timestamp "$epoch" --layers=false \
    --annotation "org.opencontainers.image.source=$source_url" \
    --annotation "org.opencontainers.image.revision=$revision" \
    --annotation "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.source=$source_url" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.title=$tag" \
    -t "$tag:$version" -t "$tag:latest" -f "target/image/$name/Containerfile" "target/image/$name" >/dev/null
  say "$tag:$version: $(podman image inspect "$tag:$version" --format '{{.Size}}' | numfmt --to=si) bytes"
}

say "staging the images' files"
stage app server
cp target/release/hash.txt "target/image/app/rootfs/app/hash.txt"
cp -r target/site "target/image/app/rootfs/app/site"
# Two things cargo-leptos does not make the same twice, made so here:
# gzip copies carry their build time (made again without it), and the split
# manifest, which only the server reads, is named by a hash that changes
# from build to build (renamed after its content, hash.txt to match).
site="target/image/app/rootfs/app/site"
find "$site" -name '*.gz' -print0 | while IFS= read -r -d '' copy; do
  [[ -e "${copy%.gz}" ]] && gzip -n -9 -c "${copy%.gz}" >"$copy"
done
manifest=$(find "$site/pkg" -name '__wasm_split_manifest.*.json')
if [[ -n "$manifest" ]]; then
  old=$(basename "$manifest" .json)
  old=${old#__wasm_split_manifest.}
  new=$(python3 -c 'import base64, hashlib, sys
digest = hashlib.sha256(open(sys.argv[1], "rb").read()).digest()[:16]
print(base64.urlsafe_b64encode(digest).decode().rstrip("="))' "$manifest")
  for copy in "$site/pkg/__wasm_split_manifest.$old".json*; do
    mv "$copy" "${copy/$old/$new}"
  done
  sed -i "s/^manifest: .*/manifest: $new/" target/image/app/rootfs/app/hash.txt
fi
stage favorites favorites

build app photo-spots
build favorites photo-spots-favorites
