// A copied token is worth nothing: the page's tokens are bound (DPoP) to a
// key pair the browser made and will not export. A copy sent from another
// browser is refused; the page itself, across reloads and renewals, goes on.
import { Browser, expect, Page, test } from '@playwright/test';
import { apiFromPage, logInAs, openAccountPage, storedToken, useServer } from './helpers';

/** What IndexedDB holds for this origin's DPoP key (in the page). */
async function storedKey(page: Page): Promise<{ present: boolean; extractable?: boolean; exported?: string; jkt?: string }> {
  return page.evaluate(async () => {
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
    if (!pair) return { present: false };
    let exported = 'exported!';
    try {
      await crypto.subtle.exportKey('jwk', pair.privateKey);
    } catch (error) {
      exported = (error as Error).name;
    }
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
    const jkt = btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return { present: true, extractable: pair.privateKey.extractable, exported, jkt };
  });
}

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

/** A page in a fresh browser context (no localStorage, no IndexedDB, no cookie): "another device". */
async function anotherDevice(browser: Browser, base: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  return page;
}

test.describe('bound tokens', () => {
  const server = useServer();
  const url = (path: string) => `${server().baseURL}${path}`;

  test('after login the key cannot be exported and the token names it', async ({ page }) => {
    const token = await logInAs(page, url(''), 'john');
    const key = await storedKey(page);
    expect(key.present).toBe(true);
    expect(key.extractable).toBe(false);
    expect(key.exported).toBe('InvalidAccessError');
    expect(claims(token).cnf.jkt).toBe(key.jkt);
  });

  test('a token copied from localStorage is refused from another browser', async ({ page, browser }) => {
    const token = await logInAs(page, url(''), 'john');
    const thief = await anotherDevice(browser, url(''));
    // As a bearer token, as any stolen token would be sent...
    const asBearer = await thief.evaluate(async ([token]) => {
      const response = await fetch('/api/me', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
      return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') };
    }, [token]);
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.dpop).toBe('bound_token_as_bearer');
    expect(asBearer.challenge).toContain('DPoP error="invalid_token"');
    // ...and with a proof by a key of the thief's own, made in that browser.
    const ownKey = await thief.evaluate(async ([token]) => {
      const b64 = (bytes: ArrayBuffer | Uint8Array) =>
        btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } };
      const claims = {
        jti: crypto.randomUUID(), htm: 'POST', htu: `${location.origin}/api/me`,
        iat: Math.floor(Date.now() / 1000), ath: b64(await crypto.subtle.digest('SHA-256', text(token))),
      };
      const input = `${b64(text(header))}.${b64(text(claims))}`;
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, text(input));
      const response = await fetch('/api/me', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: `${input}.${b64(signature)}` },
        body: '{}',
      });
      return { status: response.status, body: await response.json() };
    }, [token]);
    expect(ownKey.status).toBe(401);
    expect(ownKey.body.dpop).toBe('wrong_key');
    // The owner's page is untouched.
    expect((await apiFromPage(page, '/api/me', {})).status).toBe(200);
  });

  test('log-out deletes the key; the next login makes a new one', async ({ page }) => {
    const first = await logInAs(page, url(''), 'john');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page).toHaveURL(url('/login'));
    await expect.poll(async () => (await storedKey(page)).present).toBe(false);
    const second = await logInAs(page, url(''), 'john');
    expect(claims(second).cnf.jkt).not.toBe(claims(first).cnf.jkt);
    expect((await storedKey(page)).jkt).toBe(claims(second).cnf.jkt);
  });

  test('"Steal my token" shows each of its three tries refused, with the reason', async ({ page }) => {
    await logInAs(page, url(''), 'john');
    await openAccountPage(page, url(''), 'Steal my token');
    await expect(page.getByTestId('steal-kind')).toContainText('bound to a key');
    await page.getByTestId('steal-send').click();
    const answers = page.getByTestId('steal-answer');
    await expect(answers).toHaveCount(3);
    const expected: [string, RegExp][] = [
      ['invalid_dpop_proof', /send it as 'Authorization: DPoP' with a DPoP proof/],
      ['invalid_dpop_proof', /signed by another key/],
      ['invalid_dpop_proof', /used before/],
    ];
    for (const [n, [code, reason]] of expected.entries()) {
      await expect(answers.nth(n).getByTestId('steal-status')).toHaveText('401');
      await expect(answers.nth(n).getByTestId('steal-code')).toHaveText(code);
      await expect(answers.nth(n).getByTestId('steal-reason')).toHaveText(reason);
    }
    await expect(page.getByTestId('steal-curl')).toContainText(`curl -i -X POST ${url('/api/me')} -H 'Authorization: DPoP `);
    // The session goes on.
    await page.reload();
    await expect(page.getByTestId('nav-user')).toHaveText('John');
    await expect(page.getByTestId('steal-send')).toBeVisible();
  });
});

test.describe('bound tokens, renewed', () => {
  const server = useServer({ JWT_TTL_SECONDS: '6' });
  const url = (path: string) => `${server().baseURL}${path}`;

  test('reloads and renewals keep the session, bound to the same key', async ({ page }) => {
    const first = await logInAs(page, url(''), 'john');
    await expect.poll(() => storedToken(page), { timeout: 15_000 }).not.toBe(first);
    const renewed = (await storedToken(page))!;
    expect(claims(renewed).cnf.jkt).toBe(claims(first).cnf.jkt);
    await page.reload();
    await expect(page.getByTestId('profile-name')).toHaveText('John');
    expect((await apiFromPage(page, '/api/me', {})).status).toBe(200);
  });
});
