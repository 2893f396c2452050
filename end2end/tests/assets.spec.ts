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

// What `pathname` is among the bundle's wasm files.
function wasmKind(pathname: string): 'main' | 'pack' | 'lazy' | null {
  if (!pathname.endsWith('.wasm')) return null;
  if (/^\/pkg\/photo-spots\.[\w-]+\.wasm$/.test(pathname)) return 'main';
  return /^\/pkg\/pack_/.test(pathname) ? 'pack' : 'lazy';
}

test('a lazy page opened first fetches its code as one content-named pack', async ({ page }) => {
  const wasm: Response[] = [];
  page.on('response', (response) => {
    if (wasmKind(new URL(response.url()).pathname)) wasm.push(response);
  });
  await page.goto(`${server().baseURL}/admin`);
  // Drawn by the lazy route's code: the pack's files were taken out and run.
  await expect(page.getByTestId('admins-only')).toBeVisible();

  const kinds = wasm.map((response) => wasmKind(new URL(response.url()).pathname));
  // scripts/pack-routes.mjs: the admin page's split point and every chunk it
  // shares with other pages, in one file instead of one request each.
  expect(kinds.sort()).toEqual(['main', 'pack']);
  const pack = wasm.find((response) => wasmKind(new URL(response.url()).pathname) === 'pack')!;
  expect(new URL(pack.url()).pathname).toMatch(/^\/pkg\/pack___admin_page_view_\d+\.[\w-]+\.wasm$/);
  expect(pack.status()).toBe(200);
  expect(pack.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('a page opened from another fetches only the files it lacks, one by one', async ({ page }) => {
  const lazy: string[] = [];
  page.on('response', (response) => {
    const kind = wasmKind(new URL(response.url()).pathname);
    if (kind === 'pack' || kind === 'lazy') lazy.push(new URL(response.url()).pathname);
  });
  await page.goto(`${server().baseURL}/admin`);
  await expect(page.getByTestId('admins-only')).toBeVisible();
  const first = lazy.splice(0);
  expect(first).toHaveLength(1);

  await page.getByRole('navigation').getByRole('link', { name: 'How it works' }).click();
  await expect(page.getByTestId('how-threats')).toBeVisible();
  // No second pack: it would bring again the chunks the admin page loaded.
  expect(lazy.length).toBeGreaterThan(0);
  for (const name of lazy) expect(name).toMatch(/^\/pkg\/(chunk|split)_/);
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

  // Opened in the page, so its files are fetched now (the page's first lazy
  // code: as one pack), with the main module held as a dictionary. (A cold
  // visit's preloads race the main module and may come as brotli:
  // BENCHMARKS.md.)
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
