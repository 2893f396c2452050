// One login, two services: the browser stars spots on the favourites
// service with the token Photo Spots issued, and the pages keep working
// when that service is down.
import { expect, test } from '@playwright/test';
import { logInAs as logInAsPage, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

test('star a spot on the home page, see it on the favourites page, reload, still there', async ({ page }) => {
  const token = await logInAsPage(page, server().baseURL, 'john');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Favourites' }).click();
  await expect(page).toHaveURL(url('/favorites'));
  await expect(page.getByTestId('favorites-empty')).toBeVisible();

  await page.goto(url('/'));
  const star = page.getByRole('button', { name: 'Add Kirkjufell to your favourites' });
  // The browser calls the favourites service itself, with the token from localStorage.
  const saved = page.waitForRequest(
    (request) => request.url() === `${server().favoritesURL}/api/favorites/kirkjufell` && request.method() === 'PUT',
  );
  await star.click();
  // Bound to this browser's key: presented as DPoP, with a proof for this call.
  const sent = (await saved).headers();
  expect(sent['authorization']).toBe(`DPoP ${token}`);
  const proof = JSON.parse(Buffer.from(sent['dpop'].split('.')[1], 'base64url').toString());
  expect(proof).toMatchObject({ htm: 'PUT', htu: `${server().favoritesURL}/api/favorites/kirkjufell` });
  const starred = page.getByRole('button', { name: 'Remove Kirkjufell from your favourites' });
  await expect(starred).toHaveAttribute('aria-pressed', 'true');
  await expect(starred).toBeEnabled();

  await page.goto(url('/favorites'));
  await expect(page.getByTestId('favorites-list')).toContainText('Kirkjufell');
  await page.reload();
  await expect(page.getByTestId('favorites-list')).toContainText('Kirkjufell');
  await expect(page.getByTestId('favorites-list').getByRole('listitem')).toHaveCount(1);

  // Jack, in the same browser after John logs out, sees none of John's.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await logInAsPage(page, server().baseURL, 'jack');
  await page.goto(url('/favorites'));
  await expect(page.getByTestId('favorites-empty')).toBeVisible();
});

test('an old link to the favourites on the profile opens the favourites page', async ({ page }) => {
  await logInAsPage(page, server().baseURL, 'john');
  await page.goto(url('/profile#favorites-title'));
  await expect(page).toHaveURL(url('/favorites'));
  await expect(page.getByRole('heading', { name: 'Your favourite spots' })).toBeVisible();
});

test('with the favourites service down, every page still works and says so', async ({ page }) => {
  await logInAsPage(page, server().baseURL, 'john');
  await server().stopFavorites();

  await page.goto(url('/'));
  await expect(page.getByTestId('favorites-status')).toHaveText(/Favourites are unavailable right now/);
  expect(await page.locator('.spot').count()).toBeGreaterThanOrEqual(5);
  await expect(page.locator('.star')).toHaveCount(0);

  await page.goto(url('/favorites'));
  await expect(page.getByTestId('favorites-status')).toHaveText(/Favourites are unavailable right now/);

  await page.goto(url('/profile'));
  await expect(page.getByTestId('profile-name')).toHaveText('John');
  await page.getByLabel('Name', { exact: true }).fill('Johnny');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByTestId('profile-name')).toHaveText('Johnny');

  // Back up: the same token works again, no new login.
  await server().startFavorites();
  await page.goto(url('/'));
  await expect(page.getByRole('button', { name: 'Add Trolltunga to your favourites' })).toBeVisible();
  await expect(page.getByTestId('favorites-status')).toHaveCount(0);
});

test('logged out, the home page shows no stars', async ({ page }) => {
  await page.goto(url('/'));
  await expect(page.locator('.spot').first()).toBeVisible();
  await expect(page.locator('.star')).toHaveCount(0);
  await expect(page.getByTestId('favorites-status')).toHaveCount(0);
});
