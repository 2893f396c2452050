// The "How it works" page, and an accessibility check (axe-core, run in the
// page under its real CSP) of it, /login and /profile, with no console errors.
import { expect, Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { logInAs, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Console errors and uncaught exceptions (CSP violations show up as console errors). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** axe-core's serious and critical violations on the page once it has settled. */
async function seriousViolations(page: Page): Promise<string[]> {
  // A lazy page's <title> is registered again when its code has loaded and
  // hydrated; scanned in between, the page has none for a moment. The scan
  // is of the page a person reads, so it waits for the title to be back.
  await page.waitForFunction(() => document.title !== '');
  // Evaluated through the DevTools protocol, as a test tool: the page's CSP
  // still applies to everything the page itself loads.
  await page.evaluate(axeSource);
  const violations: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('how it works explains the flow with a sample token when logged out', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(url('/'));
  await page.getByRole('main').getByRole('link', { name: /How it works/ }).click();
  await expect(page).toHaveURL(url('/how-it-works'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How it works');
  for (const heading of ['Authentication, then authorization', 'Signed, not encrypted', 'What happens when you change it',
    'No session on the server', 'Why localStorage, and what about XSS?', 'Expiry and revocation: the trade-off']) {
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
  }
  await expect(page.getByText('here is a sample token')).toBeVisible();
  expect(JSON.parse(await page.getByTestId('how-payload').innerText())).toMatchObject({ sub: '120', name: 'John' });
  // The sequence diagram, in words a screen reader reads out in order.
  const steps = page.getByRole('figure', { name: 'From login to a changed name, step by step' }).getByRole('listitem');
  await expect(steps).toHaveCount(10);
  await expect(steps.first()).toContainText('Browser to Server: POST /api/login');
  await expect(steps.nth(6)).toContainText('Authorization: Bearer');
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('how it works shows your own token when you are logged in', async ({ page }) => {
  const token = await logInAs(page, url(''), 'jack');
  const errors = watchErrors(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'How it works' }).click();
  await expect(page.getByText('This is your own token')).toBeVisible();
  await expect(page.getByTestId('how-token')).toHaveText(token);
  expect(JSON.parse(await page.getByTestId('how-payload').innerText())).toMatchObject({ sub: '121', name: 'Jack' });
  await expect(page.getByRole('link', { name: 'Try it in the token lab' })).toHaveAttribute('href', '/lab');
  expect(errors).toEqual([]);
});

test('the page is readable on a phone: nothing wider than the screen', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await phone.goto(url('/how-it-works'));
  await expect(phone.getByRole('heading', { level: 1 })).toBeVisible();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();
});

/** The signed-in pages, each with something that shows it has loaded. */
const accountPages: [string, string][] = [
  ['/profile', 'profile-name'],
  ['/profile/security', 'recovery-left'],
  ['/profile/passkeys', 'no-passkeys'],
  ['/profile/sessions', 'this-session'],
  ['/profile/data', 'download-data'],
  ['/lab', 'lab-send'],
  ['/lab/steal', 'steal-send'],
  ['/favorites', 'favorites-empty'],
];

test('/login, /recover, /recover/link and every account page pass the accessibility scan with no console errors', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(url('/login'));
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(url('/recover'));
  await expect(page.getByRole('button', { name: 'Sign in with the code' })).toBeVisible();
  expect(await seriousViolations(page), '/recover').toEqual([]);
  await page.goto(url('/recover/link'));
  await expect(page.getByRole('button', { name: 'Set new password' })).toBeVisible();
  expect(await seriousViolations(page), '/recover/link').toEqual([]);
  await logInAs(page, url(''), 'john');
  for (const [path, loaded] of accountPages) {
    await page.goto(url(path));
    await expect(page.getByTestId(loaded).first()).toBeVisible();
    expect(await seriousViolations(page), path).toEqual([]);
  }
  expect(errors).toEqual([]);
});

test('no page scrolls sideways, on a phone or a laptop', async ({ browser }) => {
  for (const width of [390, 1280]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.goto(url('/'));
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow(), `/ at ${width} px`).toBeLessThanOrEqual(0);
    for (const path of ['/how-it-works', '/login', '/signup', '/recover', '/recover/link']) {
      await page.goto(url(path));
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await overflow(), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
    await logInAs(page, url(''), 'jack');
    for (const [path, loaded] of accountPages) {
      await page.goto(url(path));
      await expect(page.getByTestId(loaded).first()).toBeVisible();
      expect(await overflow(), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
    await page.close();
  }
});
