// The session as a careful user expects it: every tab in step, a short-lived
// token renewed before it ends (in every tab, without tripping reuse
// detection), and a login that returns to where it started (on this site only).
import { expect, Page, test } from '@playwright/test';
import { apiFromPage, expectSessionEnded, logInAs, storedToken, useServer } from './helpers';

/** Logs in as John on the login page already open. */
async function submitLogin(page: Page): Promise<void> {
  await page.getByLabel('Username').fill('john');
  await page.getByLabel('Password').fill('john-password');
  await page.getByRole('button', { name: 'Log in' }).click();
}

test.describe('tabs', () => {
  const server = useServer();
  const url = (path: string) => `${server().baseURL}${path}`;

  test('logging out in one tab logs out every other tab at once', async ({ context }) => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    await logInAs(first, url(''), 'john');
    await second.goto(url('/profile'));
    await expect(second.getByTestId('profile-name')).toHaveText('John');

    const started = Date.now();
    await first.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(second).toHaveURL(url('/login'), { timeout: 2_000 });
    console.log(`the other tab logged out after ${Date.now() - started} ms`);
    await expect(second.getByRole('link', { name: 'Log in' })).toBeVisible();
    expect(await storedToken(second)).toBeNull();
  });

  test('logging in in one tab shows in the others without a reload', async ({ context }) => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    await second.goto(url('/'));
    await expect(second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' })).toBeVisible();
    await logInAs(first, url(''), 'jack');
    await expect(second.getByTestId('nav-user')).toHaveText('Jack', { timeout: 2_000 });
  });

  test('a token refused in one tab ends the session in the others, with the reason', async ({ context }) => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    const token = await logInAs(first, url(''), 'john');
    await second.goto(url('/profile'));
    await expect(second.getByTestId('profile-name')).toHaveText('John');
    // Revoked elsewhere (another device logged out everywhere): the next
    // call in the first tab is refused.
    expect((await apiFromPage(first, '/api/logout_all', {}, token)).status).toBe(200);
    await first.reload();
    await expectSessionEnded(first, url(''), '/profile');
    await expectSessionEnded(second, url(''), '/profile');
  });
});

test.describe('renewal', () => {
  // Access tokens that live 6 seconds (renewed from 2 seconds before their
  // end): several lifetimes fit in one test. The refresh cookie lasts as usual.
  const TTL_MS = 6_000;
  const server = useServer({ JWT_TTL_SECONDS: String(TTL_MS / 1000) });
  const url = (path: string) => `${server().baseURL}${path}`;
  const isRefresh = (u: string) => new URL(u).pathname === '/api/refresh';

  test('the profile keeps working across several token lifetimes without a log-in', async ({ page }) => {
    const first = await logInAs(page, url(''), 'john');
    const renewals: number[] = [];
    page.on('response', (response) => isRefresh(response.url()) && renewals.push(response.status()));
    const started = Date.now();
    for (let round = 1; round <= 4; round++) {
      await page.waitForTimeout(TTL_MS - 1_000);
      // A real call, with whatever token the page holds by now.
      await page.getByLabel('Name', { exact: true }).fill(`John ${round}`);
      await page.getByRole('button', { name: 'Save name' }).click();
      await expect(page.getByTestId('profile-name')).toHaveText(`John ${round}`);
    }
    console.log(`${renewals.length} renewals in ${Date.now() - started} ms`);
    expect(page.url()).toBe(url('/profile'));
    expect(renewals.length).toBeGreaterThanOrEqual(3);
    expect(renewals.every((status) => status === 200)).toBe(true);
    expect(await storedToken(page)).not.toBe(first);
  });

  test('a reload after the token expired keeps you logged in', async ({ browser }) => {
    // The static file below answers with `default-src 'none'`, which would
    // also stop this test's own call from that page; the site's policy is
    // not what this test is about.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const token = await logInAs(page, url(''), 'john');
    // Away from the app (a static file runs no page to renew the token)
    // past its end and the server's 5-second leeway.
    await page.goto(url('/favicon.svg'));
    await page.waitForTimeout(TTL_MS + 6_000);
    const expired = await apiFromPage(page, '/api/me', {}, token);
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('expired_token');
    expect(await storedToken(page)).toBe(token);
    await page.goto(url('/profile'));
    await expect(page.getByTestId('profile-name')).toHaveText('John');
    await expect.poll(() => storedToken(page)).not.toBe(token);
    expect((await apiFromPage(page, '/api/me', {})).status).toBe(200);
    await context.close();
  });

  test('a call refused as expired is renewed and sent once more, once', async ({ page }) => {
    // The device's clock is a minute slow: the page believes its token is
    // fresh long after the server has let it expire.
    await page.clock.install({ time: new Date(Date.now() - 60_000) });
    await logInAs(page, url(''), 'john');
    const seen: string[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path === '/api/update_name' || path === '/api/refresh') seen.push(`${path} ${response.status()}`);
    });
    // Past the token's end and the server's 5-second leeway.
    await page.waitForTimeout(TTL_MS + 6_000);
    await page.getByLabel('Name', { exact: true }).fill('Johnny');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect(page.getByTestId('profile-name')).toHaveText('Johnny');
    expect(seen).toEqual(['/api/update_name 401', '/api/refresh 200', '/api/update_name 200']);
    expect(page.url()).toBe(url('/profile'));
  });

  test('two tabs renewing at the same time both stay logged in', async ({ context }) => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    await logInAs(first, url(''), 'john');
    await second.goto(url('/profile'));
    await expect(second.getByTestId('profile-name')).toHaveText('John');
    // Both tabs hold the same token, so both fall due at once. Each renewal
    // is held back 1.5 s in the browser, longer than the tabs' 1-second
    // clocks are apart: the other tab always asks while one is renewing.
    // Without coordination it would send the same refresh token, the
    // server would see reuse and end the login in both tabs.
    const sent: string[] = [];
    for (const [name, page] of [['first', first], ['second', second]] as const) {
      await page.route('**/api/refresh', async (route) => {
        sent.push(name);
        await new Promise((done) => setTimeout(done, 1_500));
        await route.continue();
      });
    }
    await first.waitForTimeout(3 * TTL_MS);
    console.log(`renewals over three lifetimes, by tab: ${sent.join(', ')}`);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    // One renewal per lifetime between the two tabs, not one per tab. A
    // token falls due two thirds into its 6 s life, up to a second sooner
    // for whole-second iat/exp: one renewal every 3 to 4.5 s, so at most 5 in
    // these 18 s; two tabs renewing on their own would send about twice that.
    expect(sent.length).toBeLessThanOrEqual(5);
    for (const page of [first, second]) {
      await page.reload();
      await expect(page.getByTestId('profile-name')).toHaveText('John');
    }
    expect(server().log).not.toContain('spent refresh token');
  });

  test('without its refresh cookie, the session ends when the token does, with the message', async ({ page, context }) => {
    const token = await logInAs(page, url(''), 'john');
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;
    // The cookie is gone (cleared by hand, or expired after 30 idle days).
    await context.clearCookies();
    await page.waitForURL((u) => u.pathname === '/login', { timeout: TTL_MS + 5_000 });
    await expectSessionEnded(page, url(''), '/profile');
    // It ended at renewal time, before the token ran out.
    expect(Date.now()).toBeLessThan(exp + 1_000);
    // Logging in again goes back to the profile.
    await submitLogin(page);
    await expect(page).toHaveURL(url('/profile'));
  });
});

test.describe('returning after login', () => {
  const server = useServer();
  const url = (path: string) => `${server().baseURL}${path}`;

  test('a login from ?next= returns to that page of the site', async ({ page }) => {
    await page.goto(url('/login?next=/how-it-works'));
    await submitLogin(page);
    await expect(page).toHaveURL(url('/how-it-works'));
  });

  test('a next that would leave the site is ignored (no open redirect)', async ({ page }) => {
    for (const next of ['//evil.example/', 'https://evil.example/', 'javascript:alert(1)', '/\\evil.example', '/\t/evil.example']) {
      await page.goto(url(`/login?next=${encodeURIComponent(next)}`));
      await submitLogin(page);
      await expect(page, next).toHaveURL(url('/profile'));
    }
  });
});
