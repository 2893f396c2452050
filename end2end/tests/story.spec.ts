// The Photo Spots story, in a real browser against the real server:
// log in, keep the JWT in localStorage, see it taken apart, change your name,
// and watch the server refuse a token that was edited, expired or is missing.
import { expect, Page, test } from '@playwright/test';
import {
  expectSessionEnded as expectSessionEndedAt,
  logIn as logInPage,
  logInAs as logInAsPage,
  storeToken,
  storedToken,
  useServer,
} from './helpers';
import { editPayload } from './server';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;
const logIn = (page: Page, username: string, password: string) => logInPage(page, server().baseURL, username, password);
const logInAs = (page: Page, username: string) => logInAsPage(page, server().baseURL, username);
const expectSessionEnded = (page: Page) => expectSessionEndedAt(page, server().baseURL);

test('home page shows photo spots and a way to log in', async ({ page }) => {
  await page.goto(url('/'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The best photo spots in the world');
  expect(await page.locator('.spot').count()).toBeGreaterThanOrEqual(5);
  await page.getByRole('main').getByRole('link', { name: 'Log in' }).click();
  await expect(page).toHaveURL(url('/login'));
});

test('wrong password and unknown user get the same clear message and no token', async ({ page }) => {
  await logIn(page, 'john', 'not-his-password');
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await logIn(page, 'nobody', 'john-password');
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  expect(await storedToken(page)).toBeNull();
  await expect(page).toHaveURL(url('/login'));
});

test('logging in shows a pending state while the server checks the password', async ({ page }) => {
  await page.route('**/api/login', async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  await logIn(page, 'john', 'john-password');
  const pending = page.getByRole('button', { name: 'Logging in…' });
  await expect(pending).toBeVisible();
  await expect(pending).toBeDisabled();
  await expect(page).toHaveURL(url('/profile'));
});

test('john logs in: token in localStorage, profile with the token taken apart', async ({ page }) => {
  const token = await logInAs(page, 'john');
  expect(token.split('.')).toHaveLength(3);
  await expect(page.getByTestId('profile-name')).toHaveText('John');
  await expect(page.getByTestId('profile-id')).toHaveText('120');
  await expect(page.getByTestId('nav-user')).toHaveText('John');

  const payload = JSON.parse(await page.getByTestId('token-payload').innerText());
  expect(payload).toMatchObject({ sub: '120', name: 'John', admin: false, iss: 'photo-spots', aud: ['photo-spots', 'favorites'] });
  expect(payload.exp - payload.iat).toBe(600);
  expect(JSON.parse(await page.getByTestId('token-header').innerText())).toMatchObject({ alg: 'EdDSA', kid: server().kid() });
  await expect(page.getByTestId('token-signature')).toHaveText(token.split('.')[2]);
  await expect(page.getByText('not encrypted', { exact: false })).toBeVisible();
});

test('a reload keeps the session; a new name shows at once and survives reload and restart', async ({ page }) => {
  await logInAs(page, 'john');
  await page.reload();
  await expect(page.getByTestId('profile-name')).toHaveText('John');
  await expect(page.getByTestId('nav-user')).toHaveText('John');

  await page.getByLabel('Name', { exact: true }).fill('Johnny Photo');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByTestId('profile-name')).toHaveText('Johnny Photo');
  await expect(page.getByTestId('nav-user')).toHaveText('Johnny Photo');
  await expect(page.getByRole('status')).toHaveText('Name saved.');

  await page.reload();
  await expect(page.getByTestId('profile-name')).toHaveText('Johnny Photo');
  await server().restart();
  await page.goto(url('/profile'));
  await expect(page.getByTestId('profile-name')).toHaveText('Johnny Photo');
});

test('an invalid name gets instant feedback and is never sent', async ({ page }) => {
  await logInAs(page, 'john');
  let updates = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/api/update_name')) updates += 1;
  });
  await page.getByLabel('Name', { exact: true }).fill('   ');
  await expect(page.getByRole('alert')).toHaveText("Name can't be empty.");
  await page.getByLabel('Name', { exact: true }).fill('x'.repeat(51));
  await expect(page.getByRole('alert')).toHaveText('Name must be at most 50 characters.');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByTestId('profile-name')).toHaveText('John');
  expect(updates).toBe(0);
});

test('log out removes the token and the refresh cookie, and returns to the login page', async ({ page, context }) => {
  await logInAs(page, 'jack');
  const refreshCookie = async () => (await context.cookies()).filter((c) => c.name === 'photo_spots_refresh');
  const [cookie] = await refreshCookie();
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/refresh' });
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(url('/login'));
  expect(await storedToken(page)).toBeNull();
  await expect.poll(refreshCookie).toEqual([]);
  // The server ended that login too: the old refresh token renews nothing.
  const renewed = await fetch(url('/api/refresh'), {
    method: 'POST',
    headers: { cookie: `photo_spots_refresh=${cookie.value}`, 'x-photo-spots-csrf': '1' },
  });
  expect(renewed.status).toBe(401);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.goto(url('/profile'));
  await expect(page).toHaveURL(url('/login?next=/profile'));
});

test("john's token edited to say 121 is refused, and Jack's name stays Jack", async ({ page }) => {
  const token = await logInAs(page, 'john');
  const forged = editPayload(token, (claims) => {
    claims.sub = '121';
    claims.name = 'Jack';
  });
  // The edited token still reads as Jack to anyone: the payload is just base64url.
  expect(JSON.parse(Buffer.from(forged.split('.')[1], 'base64url').toString()).sub).toBe('121');
  await storeToken(page, forged);

  const refusal = page.waitForResponse((r) => r.url().endsWith('/api/update_name'));
  await page.getByLabel('Name', { exact: true }).fill('Hacked by John');
  await page.getByRole('button', { name: 'Save name' }).click();
  expect((await refusal).status()).toBe(401);
  await expectSessionEnded(page);

  const jack = await server().api('/api/login', { username: 'jack', password: 'jack-password' });
  expect(jack.body.user.name).toBe('Jack');
  await logInAs(page, 'jack');
  await expect(page.getByTestId('profile-name')).toHaveText('Jack');
  await expect(page.getByTestId('profile-id')).toHaveText('121');
});

test('an edited token found on reload ends the session', async ({ page }) => {
  const token = await logInAs(page, 'john');
  await storeToken(page, editPayload(token, (claims) => (claims.admin = true)));
  await page.reload();
  await expectSessionEnded(page);
});

test('an expired token ends the session', async ({ page }) => {
  // A file of the site, not a page: no app runs yet to read the token we
  // plant (a live page would end the session the moment it saw it).
  await page.goto(url('/favicon.svg'));
  const now = Math.floor(Date.now() / 1000);
  // A real sign-in's session, which Photo Spots checks is still going.
  const signedIn = await server().api('/api/login', { username: 'john', password: 'john-password' });
  const sid = JSON.parse(Buffer.from(signedIn.body.token.split('.')[1], 'base64url').toString()).sid;
  const claims = {
    sub: '120', name: 'John', admin: false, iat: now - 7200, exp: now - 3600,
    iss: 'photo-spots', aud: ['photo-spots', 'favorites'], jti: 'expired-in-test', ver: 0,
    sid, auth_time: now - 7200,
  };
  const expired = server().signToken(claims);
  // Signed with the server's own key: only the expiry is wrong.
  expect((await server().api('/api/me', {}, server().signToken({ ...claims, exp: now + 600 }))).status).toBe(200);
  const check = await server().api('/api/me', {}, expired);
  expect(check.status).toBe(401);
  await storeToken(page, expired);
  // The page ends an expired session as soon as it reads the token, which
  // can be before /profile has finished loading: wait only for the request.
  await page.goto(url('/profile'), { waitUntil: 'commit' });
  await expectSessionEnded(page);
});

test('the profile without a token sends you to log in, and back after it', async ({ page }) => {
  await page.goto(url('/profile'));
  await expect(page).toHaveURL(url('/login?next=/profile'));
  expect(await storedToken(page)).toBeNull();
});
