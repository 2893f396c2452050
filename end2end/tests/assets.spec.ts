// The bundle as a browser gets it: content-named files, cacheable for a
// year, styles applied and the page hydrated.
import { expect, Response, test } from '@playwright/test';
import { useServer } from './helpers';

const server = useServer();

test('the page loads its content-named bundle, cacheable for a year, and hydrates', async ({ page }) => {
  const bundle: Response[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/pkg/')) bundle.push(response);
  });

  await page.goto(`${server().baseURL}/login`);
  // Enabled only once the wasm has hydrated the page.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();

  const extension = (name: string) => name.slice(name.lastIndexOf('.'));
  const names = bundle
    .map((response) => new URL(response.url()).pathname)
    .sort((a, b) => extension(a).localeCompare(extension(b)) || (a < b ? -1 : 1));
  // The pages that are lazy routes (home, spots, admin) are separate wasm
  // files (`cargo leptos --split`): /login downloads none of them, only the
  // main bundle and the loader that would fetch them.
  expect(names).toEqual([
    expect.stringMatching(/^\/pkg\/photo-spots\.[\w-]+\.css$/),
    expect.stringMatching(/^\/pkg\/__wasm_split\.[\w-]+\.js$/),
    expect.stringMatching(/^\/pkg\/photo-spots\.[\w-]+\.js$/),
    expect.stringMatching(/^\/pkg\/photo-spots\.[\w-]+\.wasm$/),
  ]);
  for (const response of bundle) {
    expect(response.status(), response.url()).toBe(200);
    expect(response.headers()['cache-control'], response.url()).toBe('public, max-age=31536000, immutable');
  }
  // style/main.css's paper colour: the hashed stylesheet was found and applied.
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(247, 245, 240)');
});

test('a lazy page fetches its own content-named wasm file when opened', async ({ page }) => {
  const loaded: Response[] = [];
  page.on('response', (response) => {
    if (/\/pkg\/split_.*admin_page.*\.wasm$/.test(new URL(response.url()).pathname)) loaded.push(response);
  });
  await page.goto(`${server().baseURL}/login`);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  expect(loaded).toHaveLength(0);

  await page.goto(`${server().baseURL}/admin`);
  await expect(page.getByTestId('admins-only')).toBeVisible();
  expect(loaded).toHaveLength(1);
  expect(loaded[0].status()).toBe(200);
  expect(loaded[0].headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('a page opened from another gets its wasm compressed against the main module, which Chromium decodes', async ({ page }) => {
  const wasm: Response[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.endsWith('.wasm')) wasm.push(response);
  });
  await page.goto(`${server().baseURL}/login`);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  const main = wasm.filter((response) => /\/pkg\/photo-spots\.[\w-]+\.wasm$/.test(response.url()));
  expect(main).toHaveLength(1);
  expect(main[0].headers()['use-as-dictionary']).toBe('match="/pkg/*.wasm"');

  // Opened in the page, so its files are fetched now, with the main module
  // held as a dictionary. (A cold visit's preloads race the main module and
  // may come as brotli: BENCHMARKS.md.)
  await page.getByRole('navigation').getByRole('link', { name: 'How it works' }).click();
  // Drawn by the lazy route's code: its files were decoded and run.
  await expect(page.getByTestId('how-threats')).toBeVisible();
  const lazy = wasm.filter((response) => response !== main[0]);
  expect(lazy.length).toBeGreaterThan(0);
  for (const response of lazy) {
    expect(response.status(), response.url()).toBe(200);
    expect(response.headers()['content-encoding'], response.url()).toBe('dcz');
    expect(response.headers()['vary'], response.url()).toBe('accept-encoding, available-dictionary');
  }
});
