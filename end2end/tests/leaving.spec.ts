// Leaving: a person downloads their data (favourites included, one file) and
// deletes their account from /profile/data; the app refuses the account at
// once and the favourites service hears of it by itself.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { openAccountPage, storedToken, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

test('download my data, then delete my account: signed out, favourites gone, the login refused', async ({ page, request }) => {
  await page.goto(url('/signup'));
  await page.getByLabel('Username').fill('ansel');
  await page.getByLabel('Name', { exact: true }).fill('Ansel Adams');
  await page.getByLabel('Password').fill('moonrise-hernandez');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(url('/profile'));

  await page.goto(url('/'));
  const star = page.getByRole('button', { name: 'Add Kirkjufell to your favourites' });
  await star.click();
  await expect(page.getByRole('button', { name: 'Remove Kirkjufell from your favourites' })).toHaveAttribute('aria-pressed', 'true');

  // A second client of the same account (a phone app's bearer token) to
  // watch the favourites service from outside the page.
  const login = await request.post(url('/api/login'), { data: { username: 'ansel', password: 'moonrise-hernandez' } });
  expect(login.status()).toBe(200);
  const bearer = (await login.json()).token as string;
  const favorites = () =>
    request.get(`${server().favoritesURL}/api/favorites`, { headers: { authorization: `Bearer ${bearer}` } });
  expect(await (await favorites()).json()).toEqual({ spots: ['kirkjufell'] });

  await page.goto(url('/profile'));
  // The sessions page and the data page share one lazy route: each tab
  // still shows its own page.
  await openAccountPage(page, server().baseURL, 'Sessions & activity');
  await expect(page.getByTestId('this-session')).toBeVisible();
  await openAccountPage(page, server().baseURL, 'Your data');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your data');
  await expect(page.getByTestId('this-session')).toHaveCount(0);
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download my data' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^photo-spots-ansel-\d{4}-\d{2}-\d{2}\.json$/);
  await expect(page.getByRole('status')).toContainText(download.suggestedFilename());
  const text = await readFile((await download.path())!, 'utf8');
  const exported = JSON.parse(text);
  expect(exported.profile).toMatchObject({ username: 'ansel', name: 'Ansel Adams' });
  expect(exported.favorites).toEqual(['kirkjufell']);
  expect(exported.sign_in.password).toBe(true);
  const token = (await storedToken(page))!;
  expect(text).not.toContain(token);
  expect(text).not.toContain(bearer);
  expect(text).not.toContain('argon2');

  const deleteButton = page.getByRole('button', { name: 'Delete my account' });
  await expect(deleteButton).toBeDisabled();
  await page.getByLabel('Type your username to confirm').fill('john');
  await deleteButton.click();
  await expect(page.getByRole('alert')).toContainText('That is not your username');
  expect(await (await favorites()).json()).toEqual({ spots: ['kirkjufell'] });
  await page.getByLabel('Type your username to confirm').fill('ansel');
  await deleteButton.click();

  await expect(page).toHaveURL(url('/goodbye'));
  await expect(page.getByRole('heading', { name: 'Your account is deleted' })).toBeVisible();
  expect(await storedToken(page)).toBeNull();

  // The app refuses the account at once, the favourites service within seconds.
  const me = await request.post(url('/api/me'), { headers: { authorization: `Bearer ${bearer}` }, data: {} });
  expect(me.status()).toBe(401);
  await expect.poll(async () => (await favorites()).status(), { timeout: 30_000 }).toBe(401);

  await page.goto(url('/login'));
  await page.getByLabel('Username').fill('ansel');
  await page.getByLabel('Password').fill('moonrise-hernandez');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
