// The session as a careful user expects it: every tab in step, an expiring
// token announced and then ended by the page itself, and a login that
// returns to where it started (on this site only).
import { expect, Page, test } from '@playwright/test';
import { expectSessionEnded, logInAs, storedToken, useServer } from './helpers';

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
    expect((await server().api('/api/logout_all', {}, token)).status).toBe(200);
    await first.reload();
    await expectSessionEnded(first, url(''), '/profile');
    await expectSessionEnded(second, url(''), '/profile');
  });
});

test.describe('expiry', () => {
  // Tokens that live 12 seconds: long enough to log in, short enough to wait out.
  const server = useServer({ JWT_TTL_SECONDS: '12' });
  const url = (path: string) => `${server().baseURL}${path}`;

  test('the profile says when the session ends, and the page ends it by itself', async ({ page }) => {
    const token = await logInAs(page, url(''), 'john');
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;
    await expect(page.getByTestId('session-clock')).toContainText(/Your session ends in \d+ seconds?\./);
    // No call is made: the page itself notices the end.
    const calls: string[] = [];
    page.on('request', (request) => request.url().startsWith(url('/api/')) && calls.push(request.url()));
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 20_000 });
    await expectSessionEnded(page, url(''), '/profile');
    const ended = Date.now();
    expect(ended).toBeGreaterThanOrEqual(exp - 1_000);
    expect(ended).toBeLessThan(exp + 5_000);
    expect(calls).toEqual([]);
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
