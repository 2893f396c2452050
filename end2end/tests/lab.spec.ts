// The tamper lab on /lab: each classic forgery of your own token, sent
// to the real server, is refused with the status and the reason shown, and
// the real session goes on untouched.
import { expect, Page, test } from '@playwright/test';
import { apiFromPage, logInAs, openAccountPage, storedToken, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

/** John, logged in, on the token lab (through the profile's tabs). */
async function logInToLab(page: Page): Promise<string> {
  const token = await logInAs(page, url(''), 'john');
  await openAccountPage(page, url(''), 'Token lab');
  return token;
}

async function send(page: Page): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/me'));
  await page.getByTestId('lab-send').click();
  await answered;
}

async function expectRealSessionStillWorks(page: Page, token: string, name: string): Promise<void> {
  expect(await storedToken(page)).toBe(token);
  await expect(page).toHaveURL(url('/lab'));
  expect((await apiFromPage(page, '/api/me', {}, token)).status).toBe(200);
  await page.reload();
  await expect(page.getByTestId('nav-user')).toHaveText(name);
  await expect(page.getByTestId('lab-send')).toBeVisible();
}

test('each classic forgery is refused by the real server, with the reason, and the session goes on', async ({ page }) => {
  const token = await logInToLab(page);
  const presets: [string, RegExp][] = [
    ['Become Jack', /signature no longer matches the header and payload/],
    ['Make me admin', /signature no longer matches the header and payload/],
    ['Live forever', /signature no longer matches the header and payload/],
    ['Remove the signature', /There is no signature/],
    ['alg: none', /says the token is not signed/],
  ];
  for (const [preset, reason] of presets) {
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByRole('button', { name: preset, exact: true }).click();
    const forged = await page.getByTestId('lab-forged').innerText();
    expect(forged, preset).not.toBe(token);
    await expect(page.locator('mark.changed').first(), preset).toBeVisible();
    await send(page);
    const me = page.getByTestId('lab-answer').first();
    await expect(me.getByTestId('lab-status'), preset).toHaveText('401');
    await expect(me.getByTestId('lab-code'), preset).toHaveText('invalid_token');
    await expect(me, preset).toContainText('Your session is no longer valid');
    await expect(me.getByTestId('lab-reason'), preset).toHaveText(reason);
    // The lab sent the forgery; the stored token is still the real one.
    expect(await storedToken(page), preset).toBe(token);
  }
  await expectRealSessionStillWorks(page, token, 'John');
});

test('"become Jack" shows the forged token and exactly what changed', async ({ page }) => {
  const token = await logInToLab(page);
  await page.getByRole('button', { name: 'Become Jack' }).click();
  const changes = page.getByTestId('lab-changes');
  await expect(changes).toContainText('payload.sub: "120" → "121"');
  await expect(changes).toContainText('payload.name: "John" → "Jack"');
  const forged = (await page.getByTestId('lab-forged').innerText()).split('.');
  const [header, , signature] = token.split('.');
  expect(forged[0]).toBe(header);
  expect(forged[2]).toBe(signature);
  expect(JSON.parse(Buffer.from(forged[1], 'base64url').toString())).toMatchObject({ sub: '121', name: 'Jack' });
  // Jack's name is untouched by John's attempt.
  await send(page);
  const jack = await server().api('/api/login', { username: 'jack', password: 'jack-password' });
  expect(jack.body.user.name).toBe('Jack');
});

test('"make me admin" is also refused by an admin-only call', async ({ page }) => {
  const token = await logInToLab(page);
  await page.getByRole('button', { name: 'Make me admin' }).click();
  const admin = page.waitForResponse((r) => r.url().endsWith('/api/admin/spots'));
  await send(page);
  expect((await admin).status()).toBe(401);
  const answers = page.getByTestId('lab-answer');
  await expect(answers).toHaveCount(2);
  await expect(answers.nth(1)).toContainText('GET /api/admin/spots');
  await expect(answers.nth(1).getByTestId('lab-status')).toHaveText('401');
  await expectRealSessionStillWorks(page, token, 'John');
});

test('a hand-edited payload that is not JSON is caught before anything is sent', async ({ page }) => {
  await logInToLab(page);
  await page.getByLabel('Payload (JSON)').fill('{"sub": "121",');
  await expect(page.getByRole('alert')).toHaveText('The payload is not valid JSON. Check the quotes, commas and braces.');
  await expect(page.getByTestId('lab-send')).toBeDisabled();
  await page.getByLabel('Payload (JSON)').fill('{"sub": "121"}');
  await expect(page.getByTestId('lab-send')).toBeEnabled();
});

test('the untouched token is accepted: the lab sends exactly what it shows', async ({ page }) => {
  await logInToLab(page);
  await send(page);
  const me = page.getByTestId('lab-answer');
  await expect(me.getByTestId('lab-status')).toHaveText('200');
  await expect(me.getByTestId('lab-reason')).toContainText('Accepted');
});

test('signing with a guessed secret is refused, and the page says why guessing fails', async ({ page }) => {
  const token = await logInToLab(page);
  await expect(page.getByTestId('lab-guessing')).toContainText('There is no secret to guess');
  await page.getByRole('button', { name: 'Make me admin' }).click();
  await page.getByLabel('Your guess at the secret').fill('secret');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/me'));
  await page.getByTestId('lab-sign').click();
  const sent = (await answered).request().headers().authorization.replace(/^(Bearer|DPoP) /, '');
  const [header, , signature] = sent.split('.');
  expect(JSON.parse(Buffer.from(header, 'base64url').toString()).alg).toBe('HS256');
  // A real HMAC-SHA256 (32 bytes), made by the browser's Web Crypto.
  expect(Buffer.from(signature, 'base64url')).toHaveLength(32);
  const me = page.getByTestId('lab-answer').first();
  await expect(me.getByTestId('lab-status')).toHaveText('401');
  await expect(me.getByTestId('lab-reason')).toContainText('the server only accepts EdDSA');
  await expectRealSessionStillWorks(page, token, 'John');
});
