// Appended to the lazy-file loader (`__wasm_split.<hash>.js`) by
// scripts/pack-routes.mjs, which replaced each of its `fetch(new URL(…))`
// with `__packedFetch(new URL(…))`.
//
// The first lazy code a page loads is a split point (its route, most often)
// and the chunks it shares with others, all asked for in one turn of the
// event loop: they come as that split point's pack, one file compressed as
// one stream, which the server has preloaded when it could. Every later load
// fetches only the files it lacks, one by one, as before.
//
// A pack is named after the split point and this loader's own content hash
// (which names every lazy file and so changes with any of them).
const __packHash = /__wasm_split\.([^/]+)\.js$/.exec(new URL(import.meta.url).pathname)?.[1];
let __batch;
let __packTried = false;
function __packedFetch(url) {
  if (__batch === undefined) {
    __batch = new Map();
    queueMicrotask(__sendBatch);
  }
  return new Promise((answer) => {
    __batch.set(url.pathname.slice(url.pathname.lastIndexOf('/') + 1), { url, answer });
  });
}
async function __sendBatch() {
  const batch = __batch;
  __batch = undefined;
  const own = [...batch.keys()].find((file) => file.startsWith('split_'));
  if (!__packTried && own !== undefined && __packHash !== undefined) {
    __packTried = true;
    const split = own.slice('split_'.length, own.indexOf('.'));
    try {
      const pack = await WebAssembly.compileStreaming(
        fetch(new URL(`./pack_${split}.${__packHash}.wasm`, import.meta.url)),
      );
      for (const [file, { answer }] of batch) {
        const [bytes] = WebAssembly.Module.customSections(pack, file);
        if (bytes !== undefined) {
          answer(new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } }));
          batch.delete(file);
        }
      }
    } catch {
      // No pack (or it failed to arrive): the files come one by one.
    }
  }
  for (const { url, answer } of batch.values()) answer(fetch(url));
}
