// Page-level helpers shared by the end-to-end specs.
import { expect, Page, test } from '@playwright/test';
import { PhotoSpotsServer, TOKEN_KEY } from './server';

/** A fresh server and database for each test of the calling spec file (`env`: extra settings). */
export function useServer(env: Record<string, string> = {}, host?: string): () => PhotoSpotsServer {
  let server: PhotoSpotsServer;
  test.beforeEach(async () => {
    server = new PhotoSpotsServer(env, host);
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

/**
 * POSTs JSON from inside the page, presenting `token` (by default the stored
 * one) the way the page does: a token bound to a key goes as
 * `Authorization: DPoP` with a fresh proof signed by the browser's key from
 * IndexedDB (made here in plain WebCrypto, independently of the app's code).
 */
export async function apiFromPage(
  page: Page,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any; challenge: string | null }> {
  return page.evaluate(
    async ([path, body, token, tokenKey]) => {
      const stored: string | null = token ?? JSON.parse(localStorage.getItem(tokenKey) ?? 'null');
      const b64 = (bytes: ArrayBuffer | Uint8Array) =>
        btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const bound = stored !== null && 'cnf' in JSON.parse(atob(stored.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      if (stored !== null && bound) {
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const opening = indexedDB.open('photo-spots', 1);
          opening.onupgradeneeded = () => opening.result.createObjectStore('dpop');
          opening.onsuccess = () => ok(opening.result);
          opening.onerror = () => fail(opening.error);
        });
        const pair = await new Promise<CryptoKeyPair | undefined>((ok, fail) => {
          const get = db.transaction('dpop').objectStore('dpop').get('key-pair');
          get.onsuccess = () => ok(get.result);
          get.onerror = () => fail(get.error);
        });
        headers.authorization = `DPoP ${stored}`;
        if (pair) {
          const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
          const url = new URL(path, location.href);
          const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } };
          const claims = {
            jti: crypto.randomUUID(),
            htm: 'POST',
            htu: url.origin + url.pathname,
            iat: Math.floor(Date.now() / 1000),
            ath: b64(await crypto.subtle.digest('SHA-256', text(stored))),
          };
          const input = `${b64(text(header))}.${b64(text(claims))}`;
          const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, text(input));
          headers.dpop = `${input}.${b64(signature)}`;
        }
      } else if (stored !== null) {
        headers.authorization = `Bearer ${stored}`;
      }
      const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') };
    },
    [path, body, token ?? null, TOKEN_KEY] as const,
  ) as Promise<{ status: number; body: any; challenge: string | null }>;
}

/** Opens one of the account's pages the way a person does: its tab under the profile's heading. */
export async function openAccountPage(
  page: Page,
  base: string,
  name: 'Profile' | 'Password' | 'Passkeys' | 'Sessions & activity' | 'Your data' | 'Token lab' | 'Steal my token',
): Promise<void> {
  const paths = {
    Profile: '/profile',
    Password: '/profile/security',
    Passkeys: '/profile/passkeys',
    'Sessions & activity': '/profile/sessions',
    'Your data': '/profile/data',
    'Token lab': '/lab',
    'Steal my token': '/lab/steal',
  };
  await page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(`${base}${paths[name]}`);
}
