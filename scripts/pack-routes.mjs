// Packs each lazy route's wasm files into one file for a first visit, and
// names every lazy file after the build (below, where it happens).
//
// Why: `cargo leptos build --split` gives a lazy page its code in many small
// files (wasm-split puts the code shared by each set of split points in a
// file of its own: `/profile/security` takes about a hundred), and brotli,
// compressing each file alone, finds little to reuse in a small one. A first
// visit fetches them all at once, through the preloads the server renders
// from `__wasm_split_manifest.json`. Packed, the page downloads them as one
// file, compressed as one stream: a third fewer bytes (BENCHMARKS.md), and
// one request instead of a hundred.
//
// What it writes, in the site's `pkg` directory:
// - `pack_<split>.<hash>.wasm` for each split point: a WebAssembly module
//   with no code, holding each of the split point's files in a custom
//   section named after the file (`WebAssembly.Module.customSections` reads
//   them back), plus `.br` and `.gz` copies in a precompressed build;
// - the manifest, each such split point naming its pack instead of its
//   files, so the server preloads the pack;
// - the loader (`__wasm_split.*.js`), which fetches a page's first lazy
//   load as its pack (scripts/pack-routes.js); a later navigation fetches
//   only the files it lacks, one by one, as before. Minified.
//
// Run after `cargo leptos build --split` (and before
// scripts/dictionary-compress.sh). Running it again on the same build
// changes nothing. A build without packs works as it did before.
//
// Usage: node scripts/pack-routes.mjs [PKG_DIR]   (default target/site/pkg)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

// terser is one of the end-to-end npm packages (scripts/setup.sh installs them).
const { minify } = createRequire(path.join(import.meta.dirname, '../end2end/package.json'))('terser');

const dir = process.argv[2] ?? 'target/site/pkg';
const MARKER = '/* photo-spots: packed lazy files */';

function only(pattern, what) {
  const found = fs.readdirSync(dir).filter((name) => pattern.test(name));
  if (found.length !== 1) {
    throw new Error(`expected one ${what} in ${dir}, found ${found.length}: is it a --split build?`);
  }
  return path.join(dir, found[0]);
}

// LEB128, as the WebAssembly binary format writes sizes.
function leb128(value) {
  const bytes = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return Buffer.from(bytes);
}

// A module with no code: the header, then one custom section (id 0) per file.
function pack(files) {
  const parts = [Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])];
  for (const file of files) {
    const name = Buffer.from(file, 'utf8');
    const body = Buffer.concat([leb128(name.length), name, fs.readFileSync(path.join(dir, file))]);
    parts.push(Buffer.from([0x00]), leb128(body.length), body);
  }
  return Buffer.concat(parts);
}

// The `.br` and `.gz` copies cargo-leptos' `--precompress` writes, written
// again for a file this script changed or made (only if the build wrote
// them: a debug build's files are large, and served as they are).
function writeWithCopies(file, bytes) {
  fs.writeFileSync(file, bytes);
  if (!precompressed) return;
  const brotli = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  fs.writeFileSync(`${file}.br`, brotli);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
}

const manifestFile = only(/^__wasm_split_manifest(\.[^.]+)?\.json$/, 'split manifest');
const loaderFile = only(/^__wasm_split\.[^.]+\.js$/, 'split loader');
const precompressed = fs.existsSync(`${loaderFile}.br`);
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
const loader = fs.readFileSync(loaderFile, 'utf8');
if (loader.includes(MARKER)) {
  console.log(`${path.basename(loaderFile)} is packed already`);
  process.exit(0);
}

// The loader's content hash, which cargo-leptos computed over every lazy
// file's content-hashed name: any new lazy file gives a new one.
const loaderHash = /^__wasm_split\.([^.]+)\.js$/.exec(path.basename(loaderFile))[1];

// Every lazy file takes the build's name (the loader's hash) instead of its
// own content hash. Every page downloads the loader, and its 215 names'
// hashes were more than half of it compressed (3.8 KB a page): one hash
// repeated compresses to nothing. The price: a new build renames every lazy
// file, so a returning visitor fetches again the ones that did not change.
// Only the files the loader names are renamed (an older build's may be there).
const renamed = new Map();
for (const [, file, stem] of loader.matchAll(/"\.\/(((?:chunk|split)_[^."]+)\.[\w-]+)\.wasm"/g)) {
  renamed.set(file, `${stem}.${loaderHash}`);
}
for (const [from, to] of renamed) {
  for (const suffix of ['.wasm', '.wasm.br', '.wasm.gz', '.wasm.dcz']) {
    const source = path.join(dir, `${from}${suffix}`);
    if (from !== to && fs.existsSync(source)) fs.renameSync(source, path.join(dir, `${to}${suffix}`));
  }
}
const rename = (module) => renamed.get(module) ?? module;

// Named after the split point and the build.
for (const [split, modules] of Object.entries(manifest)) {
  const name = `pack_${split}.${loaderHash}`;
  writeWithCopies(path.join(dir, `${name}.wasm`), pack(modules.map((module) => `${rename(module)}.wasm`)));
  manifest[split] = [name];
}

// Every lazy file is fetched by one expression, `fetch(new URL("./<file>",
// import.meta.url))`; the packed fetch answers it from a pack when it can.
const fetches = loader.split('fetch(new URL(').length - 1;
if (fetches === 0) throw new Error(`${loaderFile} fetches no lazy file: has wasm-split changed?`);
const packedFetch = fs.readFileSync(path.join(import.meta.dirname, 'pack-routes.js'), 'utf8');
// The loader last: it carries the mark of a packed build.
writeWithCopies(manifestFile, JSON.stringify(manifest));
// Every page downloads the loader, and cargo-leptos minifies only the main
// JS, before the split writes this one: terser minifies it (no comments, short
// local names; the exports keep theirs), about 405 bytes less a page with
// brotli. The mark goes after it, as terser drops comments.
const packed = loader
  .replaceAll('fetch(new URL(', '__packedFetch(new URL(')
  .replace(/"\.\/([^"]+)\.wasm"/g, (whole, file) => `"./${rename(file)}.wasm"`);
const minified = await minify(`${packed}\n${packedFetch}`, { module: true });
writeWithCopies(loaderFile, `${minified.code}\n${MARKER}\n`);
console.log(`packed the lazy files of ${Object.keys(manifest).length} split points; ${fetches} fetches in ${path.basename(loaderFile)} go through the packs`);
