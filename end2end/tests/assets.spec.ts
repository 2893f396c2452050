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
    .sort((a, b) => extension(a).localeCompare(extension(b)));
  expect(names).toEqual([
    expect.stringMatching(/^\/pkg\/photo-spots\.[\w-]+\.css$/),
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
