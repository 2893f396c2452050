// How long until /login is usable: from navigation start to the moment the
// "Log in" button is enabled, which happens when the wasm has hydrated the
// page. Each run loads the page twice in a new browser context: first with
// a cold cache, then again as a returning visitor (the content-named bundle
// comes from the HTTP cache). Prints the medians.
// Usage: node bench/interactive.mjs http://127.0.0.1:3077 [runs=10]
// A benchmark, not a test: scripts/bench.sh runs it against the release server.
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 10);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

function recordInteractive() {
  new MutationObserver((_, observer) => {
    const button = document.querySelector('form button[type=submit]');
    if (button && !button.disabled) {
      window.__interactiveAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function measure(page) {
  await page.goto(`${base}/login`);
  await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
    return {
      interactive: window.__interactiveAt,
      domContentLoaded: navigation.domContentLoadedEventEnd,
      wasmTransferred: wasm?.transferSize ?? 0,
    };
  });
}

const cold = [];
const warm = [];
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(recordInteractive);
  cold.push(await measure(page));
  warm.push(await measure(page));
  await context.close();
}
await browser.close();

const median = (samples, key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`runs: ${runs}, medians          cold cache   returning visitor`);
for (const [label, key, format] of [
  ['DOMContentLoaded            ', 'domContentLoaded', ms],
  ['interactive (hydrated)      ', 'interactive', ms],
  ['wasm bytes over the network ', 'wasmTransferred', String],
]) {
  console.log(`${label}${format(median(cold, key)).padStart(12)}${format(median(warm, key)).padStart(20)}`);
}
