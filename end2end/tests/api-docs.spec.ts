// The API viewer at /api/docs: self-hosted, running under its own strict
// CSP, it renders the OpenAPI document and sends real calls with a token.
import { expect, test } from '@playwright/test';
import { useServer } from './helpers';

const server = useServer();

test('the API viewer logs in and calls an operation, under its own CSP', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as an error; the refused 401 is expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const answer = await page.goto(`${server().baseURL}/api/docs`);
  const csp = answer!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Photo Spots API 1');
  const me = page.locator('details.operation', { has: page.locator('code.path', { hasText: /^\/api\/me$/ }) });
  await me.locator('summary').click();
  await me.getByRole('button', { name: 'Send' }).click();
  await expect(me.locator('pre.answer')).toContainText('401 Unauthorized');

  await page.getByPlaceholder('username').fill('john');
  await page.getByPlaceholder('password').fill('john-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('.auth .status')).toContainText('logged in as john');
  await me.getByRole('button', { name: 'Send' }).click();
  await expect(me.locator('pre.answer')).toContainText('200 OK');
  await expect(me.locator('pre.answer')).toContainText('"username": "john"');
  await expect(me.locator('pre.answer')).toContainText('x-request-id');
  expect(problems).toEqual([]);
});
