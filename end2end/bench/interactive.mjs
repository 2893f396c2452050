// How long until /login is usable: from navigation start to the moment the
// "Log in" button is enabled, which happens when the wasm has hydrated the
// page. Each run uses a new browser context (cold cache). Prints the median.
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

const samples = [];
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(recordInteractive);
  await page.goto(`${base}/login`);
  await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 30_000 });
  samples.push(await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
    return {
      interactive: window.__interactiveAt,
      domContentLoaded: navigation.domContentLoadedEventEnd,
      wasmTransferred: wasm?.transferSize ?? 0,
    };
  }));
  await context.close();
}
await browser.close();

const median = (key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`runs: ${runs} (cold cache each)`);
console.log(`median DOMContentLoaded:       ${ms(median('domContentLoaded'))}`);
console.log(`median interactive (hydrated): ${ms(median('interactive'))}`);
console.log(`min/max interactive:           ${ms(Math.min(...samples.map((s) => s.interactive)))} / ${ms(Math.max(...samples.map((s) => s.interactive)))}`);
console.log(`wasm bytes transferred:        ${median('wasmTransferred')}`);
