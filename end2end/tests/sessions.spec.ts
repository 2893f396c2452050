// Sessions and "confirm it's you" in the browser: a session ended from the
// sessions page is refused on its next call; a change that needs a recent
// sign-in asks for the password in a dialog, then goes through with what
// was typed.
import { expect, test } from '@playwright/test';
import { expectSessionEnded, logInAs, openAccountPage, useServer } from './helpers';

test.describe('sessions', () => {
  const server = useServer();

  test("another browser's session is ended from the sessions page", async ({ browser, page }) => {
    const base = server().baseURL;
    const other = await browser.newContext();
    const phone = await other.newPage();
    await logInAs(phone, base, 'john');
    await logInAs(page, base, 'john');
    await openAccountPage(page, base, 'Sessions & activity');

    const sessions = page.getByTestId('session');
    await expect(sessions).toHaveCount(2);
    await expect(page.getByTestId('this-session')).toHaveCount(1);
    const elsewhere = sessions.filter({ hasNot: page.getByTestId('this-session') });
    await elsewhere.getByRole('button', { name: /^Sign out/ }).click();
    await expect(page.getByRole('status')).toHaveText('Session ended: that device is signed out.');
    await expect(sessions).toHaveCount(1);

    // The other browser's very next call is refused.
    await phone.reload();
    await expectSessionEnded(phone, base);
    // This one carries on, and its activity says what happened.
    await page.reload();
    await expect(page.getByTestId('this-session')).toBeVisible();
    const events = page.getByTestId('activity-event');
    await expect(events.first()).toContainText('Session signed out');
    await expect(events.filter({ hasText: 'Signed in' })).toHaveCount(2);
    await other.close();
  });

  test('"sign out all other sessions" keeps this one', async ({ browser, page }) => {
    const base = server().baseURL;
    const other = await browser.newContext();
    const tablet = await other.newPage();
    await logInAs(tablet, base, 'jack');
    await logInAs(page, base, 'jack');
    await openAccountPage(page, base, 'Sessions & activity');
    await expect(page.getByTestId('session')).toHaveCount(2);
    await page.getByTestId('end-others').click();
    await expect(page.getByRole('status')).toHaveText('Signed out 1 other session.');
    await expect(page.getByTestId('session')).toHaveCount(1);
    await tablet.reload();
    await expectSessionEnded(tablet, base);
    await other.close();
  });

  test('recovery codes are shown once, and one signs in from the login page to set a new password', async ({ page }) => {
    const base = server().baseURL;
    await logInAs(page, base, 'ada');
    await openAccountPage(page, base, 'Password');
    await expect(page.getByTestId('recovery-left')).toHaveText('You have no recovery codes.');
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await expect(codes).toHaveCount(10);
    const code = (await codes.first().innerText()).trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    await expect(page.getByTestId('recovery-left')).toHaveText('You have 10 recovery codes left.');
    // Shown once: a reload shows only how many are left.
    await page.reload();
    await expect(page.getByTestId('recovery-left')).toHaveText('You have 10 recovery codes left.');
    await expect(page.getByTestId('recovery-codes')).toHaveCount(0);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page).toHaveURL(`${base}/login`);
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Recovery code').fill(code.toLowerCase().replaceAll('-', ''));
    await page.getByRole('button', { name: 'Sign in with the code' }).click();
    await expect(page).toHaveURL(`${base}/profile/security`);
    await expect(page.getByTestId('recovery-left')).toHaveText('You have 9 recovery codes left.');
    const reset = page.getByTestId('reset-password');
    await reset.getByLabel('New password').fill('lighthouse-at-dawn');
    await reset.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('status')).toHaveText('New password set. Every other device has been signed out.');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await logInAs(page, base, 'ada', 'lighthouse-at-dawn');
  });
});

test.describe('recovery link', () => {
  const server = useServer();

  test("support's recovery link sets a new password and signs out every device", async ({ browser, page }) => {
    const base = server().baseURL;
    const laptop = await (await browser.newContext()).newPage();
    await logInAs(laptop, base, 'jack');

    const printed = server().operator('users', 'recovery-link', 'jack');
    const link = printed.match(/http\S+\/recover\/link#\S+/)?.[0];
    expect(link, printed).toBeTruthy();
    await page.goto(link!);
    await expect(page.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
    // The secret leaves the address bar (and the history) once read.
    await expect(page).toHaveURL(`${base}/recover/link`);
    await page.getByLabel('New password').fill('qwertyuiop');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('alert')).toContainText('easy to guess');
    await page.getByLabel('New password').fill('harbour-lights-at-midnight');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('status')).toContainText('Your new password is set');
    await expect(page.getByText('Log in as jack with your new password.')).toBeVisible();

    await laptop.reload();
    await expectSessionEnded(laptop, base);
    await expect(page.getByRole('main').getByRole('link', { name: 'Log in', exact: true })).toHaveAttribute('href', '/login');
    await logInAs(page, base, 'jack', 'harbour-lights-at-midnight');
    // A link cut short at its '#' is told as such.
    await page.goto(`${base}/recover/link`);
    // Nothing on this page shows it has hydrated; a click before that is a
    // plain form submission, so the step is tried again until the page answers.
    await expect(async () => {
      await page.getByLabel('New password').fill('another-harbour-at-dawn');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect(page.getByRole('alert')).toContainText('missing the end of your link', { timeout: 1_000 });
    }).toPass();
    // A link works once.
    await page.goto(link!);
    await page.getByLabel('New password').fill('another-harbour-at-dawn');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('alert')).toContainText('ask support for a new one');
  });
});

test.describe('confirm it is you', () => {
  // A sign-in counts as recent for 3 seconds here (600 by default).
  const server = useServer({ STEP_UP_MAX_AGE_SECONDS: '3' });

  test('an old sign-in is asked to confirm, and the change then goes through as typed', async ({ page }) => {
    const base = server().baseURL;
    await logInAs(page, base, 'john');
    await openAccountPage(page, base, 'Password');
    await page.getByLabel('Current password').fill('john-password');
    await page.getByLabel('New password').fill('a-brand-new-password');
    // The sign-in grows older than the step-up window.
    await page.waitForTimeout(4_000);
    await page.getByRole('button', { name: 'Change password' }).click();

    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Your password').fill('wrong-password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('Your current password is not right.');
    await dialog.getByLabel('Your password').fill('john-password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status')).toContainText('Password changed');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await logInAs(page, base, 'john', 'a-brand-new-password');
  });

  test('cancelling the dialog changes nothing and says why', async ({ page }) => {
    const base = server().baseURL;
    await logInAs(page, base, 'jack');
    await openAccountPage(page, base, 'Password');
    await page.getByLabel('Current password').fill('jack-password');
    await page.getByLabel('New password').fill('a-brand-new-password');
    await page.waitForTimeout(4_000);
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('alert')).toContainText("Please confirm it's you");
    // Still signed in, and the old password still works.
    await expect(page.getByTestId('nav-user')).toHaveText('Jack');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await logInAs(page, base, 'jack');
  });
});
