// Page-level helpers shared by the end-to-end specs.
import { expect, Page, test } from '@playwright/test';
import { PhotoSpotsServer, TOKEN_KEY } from './server';

/** A fresh server and database for each test of the calling spec file (`env`: extra settings). */
export function useServer(env: Record<string, string> = {}): () => PhotoSpotsServer {
  let server: PhotoSpotsServer;
  test.beforeEach(async () => {
    server = new PhotoSpotsServer(env);
    await server.start();
  });
  test.afterEach(async ({}, testInfo) => {
    await server.stop();
    if (testInfo.status !== testInfo.expectedStatus) console.log(server.log);
  });
  return () => server;
}

export async function storedToken(page: Page): Promise<string | null> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);
  return raw === null ? null : JSON.parse(raw);
}

export async function storeToken(page: Page, token: string): Promise<void> {
  await page.evaluate(([key, value]) => localStorage.setItem(key, JSON.stringify(value)), [TOKEN_KEY, token]);
}

export async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Logs in and waits for the profile; returns the stored token. */
export async function logInAs(page: Page, base: string, username: string, password = `${username}-password`): Promise<string> {
  await logIn(page, base, username, password);
  await expect(page).toHaveURL(`${base}/profile`);
  await expect(page.getByTestId('profile-id')).toBeVisible();
  const token = await storedToken(page);
  expect(token).not.toBeNull();
  return token!;
}

/** On the login page with the "session is no longer valid" message (and `next`, if given, to come back to). */
export async function expectSessionEnded(page: Page, base: string, next?: string): Promise<void> {
  await expect(page).toHaveURL(
    (url) =>
      url.origin === base &&
      url.pathname === '/login' &&
      url.searchParams.get('session') === 'ended' &&
      (next === undefined || url.searchParams.get('next') === next),
  );
  await expect(page.getByRole('alert')).toContainText('session is no longer valid');
  expect(await storedToken(page)).toBeNull();
}
