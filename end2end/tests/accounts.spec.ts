// Sign-up, password change, log out everywhere, and hostile names — in the browser,
// with the Content-Security-Policy on.
import { expect, test } from '@playwright/test';
import { expectSessionEnded, logInAs, openAccountPage, storeToken, storedToken, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

test('sign up creates the account and logs you in', async ({ page }) => {
  await page.goto(url('/login'));
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(url('/signup'));
  await page.getByLabel('Username').fill('ansel');
  await page.getByLabel('Name', { exact: true }).fill('Ansel Adams');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toHaveText('Password must be at least 10 characters.');

  await page.getByLabel('Password').fill('moonrise-hernandez');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(url('/profile'));
  await expect(page.getByTestId('profile-name')).toHaveText('Ansel Adams');
  await expect(page.getByTestId('profile-username')).toHaveText('ansel');
  expect(await storedToken(page)).not.toBeNull();
});

test('signing up with a taken username says so', async ({ page }) => {
  await page.goto(url('/signup'));
  await page.getByLabel('Username').fill('john');
  await page.getByLabel('Name', { exact: true }).fill('Another John');
  await page.getByLabel('Password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toHaveText('That username is taken. Please choose another.');
  await expect(page).toHaveURL(url('/signup'));
});

test('changing the password logs out every other device but not this one', async ({ browser, page }) => {
  const otherDevice = await browser.newPage();
  await logInAs(otherDevice, server().baseURL, 'john');
  await logInAs(page, server().baseURL, 'john');
  await openAccountPage(page, server().baseURL, 'Password');

  await page.getByLabel('Current password').fill('wrong-password');
  await page.getByLabel('New password').fill('a-brand-new-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('Your current password is not right.');

  await page.getByLabel('Current password').fill('john-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed');
  await page.reload();
  await expect(page.getByTestId('nav-user')).toHaveText('John');
  await expect(page.getByRole('button', { name: 'Change password' })).toBeVisible();

  await otherDevice.reload();
  await expectSessionEnded(otherDevice, server().baseURL);
  await otherDevice.close();
});

test('log out of all devices ends every session', async ({ browser, page }) => {
  const otherDevice = await browser.newPage();
  await logInAs(otherDevice, server().baseURL, 'jack');
  const token = await logInAs(page, server().baseURL, 'jack');
  await openAccountPage(page, server().baseURL, 'Password');
  await page.getByRole('button', { name: 'Log out of all devices' }).click();
  await expect(page).toHaveURL(url('/login'));
  expect(await storedToken(page)).toBeNull();

  await otherDevice.reload();
  await expectSessionEnded(otherDevice, server().baseURL);
  await storeToken(page, token);
  await page.goto(url('/profile'));
  await expectSessionEnded(page, server().baseURL);
  await otherDevice.close();
});

test('a name full of markup is stored as typed and never runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>'.slice(0, 50);
  await logInAs(page, server().baseURL, 'john');
  await page.getByLabel('Name', { exact: true }).fill(hostile);
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByTestId('profile-name')).toHaveText(hostile);
  await expect(page.getByTestId('nav-user')).toHaveText(hostile);
  await page.reload();
  await expect(page.getByTestId('profile-name')).toHaveText(hostile);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(dialogs).toEqual([]);
});

test('the Content-Security-Policy blocks inline script without the nonce, and the page still works', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  const response = await page.goto(url('/login'));
  expect(response?.headers()['content-security-policy']).toContain("'nonce-");
  const ran = await page.evaluate(() => {
    (window as any).injected = false;
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.appendChild(script);
    return (window as any).injected;
  });
  expect(ran).toBe(false);
  expect(violations.length).toBeGreaterThan(0);
  // Hydration ran under the same policy: the form works.
  await logInAs(page, server().baseURL, 'john');
});
