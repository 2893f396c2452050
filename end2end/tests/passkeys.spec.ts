// Passkeys in Chromium with a virtual authenticator (CDP WebAuthn domain:
// CTAP2, internal, resident keys, user verification): add one on the
// profile, sign in with it, rename and remove it; what the token says.
// WebAuthn needs a name, not an IP address: this server is at localhost.
import { CDPSession, expect, Page, test } from '@playwright/test';
import { expectSessionEnded, logIn, logInAs, openAccountPage, storedToken, useServer } from './helpers';

const server = useServer({}, 'localhost');
const url = (path: string) => `${server().baseURL}${path}`;

/** A platform authenticator that verifies the user, as a phone or laptop does. */
async function authenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

/** The `amr` claim of the stored token, as the page explains it. */
async function expectSignedInWith(page: Page, how: string): Promise<void> {
  await expect(page).toHaveURL(url('/profile'));
  await expect(page.getByTestId('token-amr')).toContainText(how);
}

/** On the account's "Passkeys" page, through its tab. */
async function openPasskeys(page: Page): Promise<void> {
  if (!page.url().endsWith('/profile/passkeys')) await openAccountPage(page, server().baseURL, 'Passkeys');
}

async function addPasskey(page: Page, name: string): Promise<void> {
  await openPasskeys(page);
  await page.getByLabel('Name for a new passkey').fill(name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('status')).toHaveText(`Passkey "${name}" added.`);
}

/** As a browser that doesn't offer passkeys in autofill: the button is the way in. */
async function withoutAutofill(page: Page): Promise<void> {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(url('/login'));
  expect(await storedToken(page)).toBeNull();
}

test('a passkey added on the profile signs in from the button, and amr says how', async ({ page }) => {
  await withoutAutofill(page);
  await authenticator(page);
  await logInAs(page, server().baseURL, 'john');
  await expectSignedInWith(page, 'a password (pwd)');
  await openPasskeys(page);
  await expect(page.getByTestId('no-passkeys')).toBeVisible();
  await addPasskey(page, 'Laptop');
  await expect(page.getByTestId('passkey')).toHaveCount(1);
  await expect(page.getByTestId('passkey')).toContainText('on this device only');
  await expect(page.getByTestId('passkey')).toContainText('never used yet');

  await logOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expectSignedInWith(page, 'a device-bound passkey (hwk, mfa)');
  await expect(page.getByTestId('profile-username')).toHaveText('john');
  await expect(page.getByTestId('token-payload')).toContainText('"amr"');
  await openPasskeys(page);
  await expect(page.getByTestId('passkey')).toContainText('last used');
  // The same session as after a password: a reload keeps it.
  await openAccountPage(page, server().baseURL, 'Profile');
  await page.reload();
  await expectSignedInWith(page, 'a device-bound passkey (hwk, mfa)');
});

test('the login page offers the passkey in the username field: picking it signs in', async ({ page }) => {
  await authenticator(page);
  await logInAs(page, server().baseURL, 'jack');
  await addPasskey(page, 'Phone');
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  // The virtual authenticator answers the username field's pending
  // (conditional) request as a person picking the suggestion does.
  await expectSignedInWith(page, 'a device-bound passkey (hwk, mfa)');
  await expect(page.getByTestId('profile-username')).toHaveText('jack');
});

test('adding the same authenticator twice is refused, and a passkey is renamed and removed', async ({ page }) => {
  await withoutAutofill(page);
  await authenticator(page);
  await logInAs(page, server().baseURL, 'jack');
  await addPasskey(page, 'Phone');
  await page.getByLabel('Name for a new passkey').fill('Phone again');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('alert')).toHaveText('This passkey is registered here already.');

  const row = page.getByTestId('passkey');
  await row.getByLabel('Name of passkey Phone').fill('Blue phone');
  await row.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status')).toHaveText('Renamed to "Blue phone".');
  await expect(page.getByLabel('Name of passkey Blue phone')).toBeVisible();

  await page.getByTestId('passkey').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status')).toHaveText('Passkey removed: it signs nobody in from now on.');
  await expect(page.getByTestId('no-passkeys')).toBeVisible();

  // The authenticator still holds it; the server no longer knows it.
  await logOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'This passkey is not registered here. Log in with your password, then add it on your profile.',
  );
  expect(await storedToken(page)).toBeNull();
});

test('removing a lost passkey offers to sign out the sessions it signed in', async ({ browser, page }) => {
  const laptop = await authenticator(page);
  await logInAs(page, server().baseURL, 'john');
  await addPasskey(page, 'Phone');
  // The same passkey on a second device (a synced passkey, or the phone that holds it).
  const phone = await (await browser.newContext()).newPage();
  await withoutAutofill(phone);
  const phoneKeys = await authenticator(phone);
  const { credentials } = await laptop.cdp.send('WebAuthn.getCredentials', { authenticatorId: laptop.id });
  for (const credential of credentials) {
    await phoneKeys.cdp.send('WebAuthn.addCredential', { authenticatorId: phoneKeys.id, credential });
  }
  await phone.goto(url('/login'));
  await phone.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expectSignedInWith(phone, 'a device-bound passkey (hwk, mfa)');

  // The phone is lost: its passkey goes, and so can its session.
  await page.getByTestId('passkey').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status')).toContainText('It had signed in 1 session that is still open');
  const offer = page.getByTestId('passkey-sessions');
  await expect(offer).toContainText('signed in a session that is still open');
  await offer.getByRole('button', { name: 'Sign it out' }).click();
  await expect(page.getByRole('status')).toHaveText('Signed out the session that passkey had signed in.');
  await expect(offer).toHaveCount(0);
  await phone.reload();
  await expectSessionEnded(phone, server().baseURL);
  await phone.context().close();
});

test('a device that cannot verify the person is refused with a message', async ({ page }) => {
  await withoutAutofill(page);
  const { cdp, id } = await authenticator(page);
  await logInAs(page, server().baseURL, 'john');
  await addPasskey(page, 'Laptop');
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId: id, isUserVerified: false });
  await logOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('could not verify you');
  await expect(page).toHaveURL(url('/login'));
  expect(await storedToken(page)).toBeNull();
});

test('with a passkey the password can go; the last passkey then stays, and a password can come back', async ({ page }) => {
  await withoutAutofill(page);
  await authenticator(page);
  await page.goto(url('/signup'));
  await page.getByLabel('Username').fill('dorothea');
  await page.getByLabel('Name', { exact: true }).fill('Dorothea Lange');
  await page.getByLabel('Password').fill('migrant-mother-1936');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(url('/profile'));
  await openPasskeys(page);
  await expect(page.getByTestId('no-passkeys')).toBeVisible();
  // Without a passkey the password is the only way in: nothing offers to remove it.
  await expect(page.getByTestId('remove-password')).toHaveCount(0);

  await addPasskey(page, 'Laptop');
  await page.getByLabel('Your password').fill('migrant-mother-1936');
  await page.getByRole('button', { name: 'Remove my password' }).click();
  await expect(page.getByRole('status')).toContainText('Password removed: you sign in with your passkeys from now on.');
  await expect(page.getByTestId('set-password')).toBeVisible();

  await page.getByTestId('passkey').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'That is your only way to sign in. Add another passkey or set a password first, then remove it.',
  );
  await expect(page.getByTestId('passkey')).toHaveCount(1);

  await logOut(page);
  await logIn(page, server().baseURL, 'dorothea', 'migrant-mother-1936');
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expectSignedInWith(page, 'a device-bound passkey (hwk, mfa)');

  await openPasskeys(page);
  await page.getByLabel('Password to set').fill('white-angel-breadline');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('status')).toHaveText('Password set: you can sign in with it as well as your passkeys.');
  await expect(page.getByTestId('remove-password')).toBeVisible();
  await logOut(page);
  await logInAs(page, server().baseURL, 'dorothea', 'white-angel-breadline');
});

test.describe('confirm it is you with a passkey', () => {
  // A sign-in counts as recent for 3 seconds here (600 by default).
  const stepUpServer = useServer({ STEP_UP_MAX_AGE_SECONDS: '3' }, 'localhost');

  test('a passkey-only account confirms with its passkey, and the change goes through', async ({ page }) => {
    const base = stepUpServer().baseURL;
    await withoutAutofill(page);
    await authenticator(page);
    await page.goto(`${base}/signup`);
    await page.getByLabel('Username').fill('imogen');
    await page.getByLabel('Name', { exact: true }).fill('Imogen Cunningham');
    await page.getByLabel('Password').fill('magnolia-blossom-1925');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(`${base}/profile`);
    await openAccountPage(page, base, 'Passkeys');
    await page.getByLabel('Name for a new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(page.getByRole('status')).toHaveText('Passkey "Laptop" added.');
    await page.getByLabel('Your password').fill('magnolia-blossom-1925');
    await page.getByRole('button', { name: 'Remove my password' }).click();
    await expect(page.getByTestId('set-password')).toBeVisible();

    // The sign-in grows older than the step-up window: no password to
    // confirm with, the passkey does it.
    await openAccountPage(page, base, 'Password');
    await page.waitForTimeout(4_000);
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
  });
});
