// What a cold first visit to each page downloads in Chromium: the bytes of
// wasm and JavaScript over the wire (brotli, as the release server sends
// them), the main module plus every lazy file the page fetches. For the
// signed-in pages the browser context logs in through the API first (the
// refresh cookie in its jar, the token in localStorage as the app keeps it),
// so the page's very first load is the measured one: a page that had loaded
// before would find files in the renderer's memory cache, whatever the HTTP
// cache holds.
// Usage: node bench/page-weight.mjs http://localhost:3077 http://127.0.0.1:3077
// (a name, not an IP address: there the login page's passkey autofill runs,
// as for a person; then the server's own origin, for the login form);
// PAGES='[["/admin",["ada","ada-password"]]]' weighs only those pages.
// A benchmark, not a test: scripts/bench.sh runs it against the release server.
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://localhost:3000';
// The origin the server was started with (PUBLIC_ORIGIN): a login through the
// form binds the token to a key, and each DPoP proof names the URL it is for.
const origin = process.argv[3] ?? base;
const pages = process.env.PAGES ? JSON.parse(process.env.PAGES) : [
  ['/login', null],
  ['/', null],
  ['/spots/kirkjufell', null],
  ['/how-it-works', null],
  ['/recover', null],
  ['/profile', ['john', 'john-password']],
  ['/profile/security', ['john', 'john-password']],
  ['/profile/passkeys', ['john', 'john-password']],
  ['/profile/sessions', ['john', 'john-password']],
  ['/profile/data', ['john', 'john-password']],
  ['/lab', ['john', 'john-password']],
  ['/lab/steal', ['john', 'john-password']],
  ['/favorites', ['john', 'john-password']],
  ['/admin', ['ada', 'ada-password']],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function logIn(context, [username, password]) {
  const response = await context.request.post(`${base}/api/login`, { data: { username, password } });
  if (!response.ok()) throw new Error(`logging in as ${username}: ${response.status()}`);
  const { token } = await response.json();
  await context.addInitScript(([key, value]) => localStorage.setItem(key, JSON.stringify(value)),
    ['photo-spots.token', token]);
}

// Counts the wasm and JS bytes `page` receives over the wire, from now on;
// `settled()` waits for the sizes of the requests finished so far.
function countBytes(page) {
  const bytes = { wasm: 0, js: 0, files: [] };
  const sized = [];
  page.on('requestfinished', (request) => {
    const name = new URL(request.url()).pathname;
    const kind = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.js') ? 'js' : null;
    if (!kind) return;
    sized.push(request.sizes().then(({ responseBodySize }) => {
      bytes[kind] += responseBodySize;
      bytes.files.push(`${name.replace('/pkg/', '')} ${responseBodySize}`);
    }));
  });
  return { bytes, settled: () => Promise.all(sized) };
}

async function weigh(path, account) {
  const context = await browser.newContext();
  if (account) await logIn(context, account);
  const page = await context.newPage();
  const { bytes, settled } = countBytes(page);
  await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
  if (new URL(page.url()).pathname !== path) throw new Error(`${path} went to ${page.url()}`);
  await settled();
  await context.close();
  return bytes;
}

// The way a person usually reaches the profile: a cold /login, the form
// sent, and the profile opened by the login itself. What the profile adds
// after the login page is what a signed-in page costs someone who came
// through the login, whose files the browser then holds.
async function weighJourney([username, password]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { bytes, settled } = countBytes(page);
  await page.goto(`${origin}/login`, { waitUntil: 'networkidle' });
  await settled();
  const atLogin = bytes.wasm + bytes.js;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${origin}/profile`);
  await page.getByTestId('profile-id').waitFor();
  await page.waitForLoadState('networkidle');
  await settled();
  await context.close();
  return { atLogin, total: bytes.wasm + bytes.js };
}

console.log('page                 wasm (br)    js (br)   wasm + js');
for (const [path, account] of pages) {
  const { wasm, js, files } = await weigh(path, account);
  console.log(`${path.padEnd(18)}${String(wasm).padStart(11)}${String(js).padStart(11)}${String(wasm + js).padStart(12)}`);
  if (process.env.VERBOSE) for (const file of files.sort()) console.log(`    ${file}`);
}
const journey = await weighJourney(['john', 'john-password']);
console.log(`/login, logged in, then /profile: ${journey.atLogin} at /login, ` +
  `${journey.total - journey.atLogin} more to log in and open the profile (wasm + js, br)`);
await browser.close();
