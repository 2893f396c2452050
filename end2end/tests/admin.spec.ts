// The admin area, decided on the server: Ada (an admin) adds a spot with a
// photo and it appears on the home page and its own page, and deletes one
// once she confirms; John sees no Admin link, and /admin tells him it is
// for admins.
import { expect, test } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { logInAs, useServer } from './helpers';

const server = useServer();
const url = (path: string) => `${server().baseURL}${path}`;

/** A width × height PNG (a colour gradient), made here: no image files in the repository. */
function png(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = (x * 255) / width;
      rows[row + 2 + x * 3] = (y * 255) / height;
      rows[row + 3 + x * 3] = 120;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

test('Ada adds a spot with a photo; it is on the home page and on its own page', async ({ page }) => {
  await logInAs(page, server().baseURL, 'ada');
  await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(url('/admin'));

  const form = page.getByTestId('spot-form');
  await form.getByLabel('Name').fill('Lake Bled');
  await expect(form.getByLabel(/^Slug/)).toHaveValue('lake-bled');
  await form.getByLabel('Place').fill('Bled, Slovenia');
  await form.getByLabel('Latitude').fill('46.3636');
  await form.getByLabel('Longitude').fill('14.0938');
  await form.getByLabel('Best light').fill('Autumn mornings, when the mist lifts');
  await form.getByLabel('Note').fill('Climb Ojstrica for the view over the island.');
  await form.getByLabel(/^Photo/).setInputFiles({ name: 'bled.png', mimeType: 'image/png', buffer: png(2000, 1000) });
  await form.getByRole('button', { name: 'Add the spot' }).click();
  await expect(page.getByTestId('admin-status')).toHaveText('Saved Lake Bled.');
  await expect(page.locator('.admin-spot[data-slug="lake-bled"] img')).toBeVisible();

  await page.goto(url('/'));
  const card = page.locator('.spot').first();
  await expect(card).toHaveAttribute('data-slug', 'lake-bled');
  const small = card.locator('img');
  await expect(small).toHaveAttribute('loading', 'lazy');
  await expect(small).toHaveAttribute('width', '400');
  await expect(small).toHaveAttribute('height', '200');
  await expect.poll(() => small.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);

  await card.getByRole('link', { name: 'Lake Bled' }).click();
  await expect(page).toHaveURL(url('/spots/lake-bled'));
  await expect(page).toHaveTitle('Lake Bled · Photo Spots');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lake Bled');
  const large = page.getByRole('img', { name: 'Lake Bled, Bled, Slovenia' });
  await expect.poll(() => large.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1600);
  await expect(page.getByText('Added by Ada on')).toBeVisible();
});

test('Ada deletes a spot only once she says yes; it is then gone from the home page', async ({ page }) => {
  await logInAs(page, server().baseURL, 'ada');
  await page.goto(url('/admin'));
  const form = page.getByTestId('spot-form');
  await form.getByLabel('Name').fill('Old Harbour');
  await form.getByLabel('Place').fill('Piran, Slovenia');
  await form.getByLabel('Latitude').fill('45.5283');
  await form.getByLabel('Longitude').fill('13.5683');
  await form.getByLabel('Best light').fill('Sunset');
  await form.getByRole('button', { name: 'Add the spot' }).click();
  await expect(page.getByTestId('admin-status')).toHaveText('Saved Old Harbour.');
  const row = page.locator('.admin-spot[data-slug="old-harbour"]');

  page.once('dialog', (dialog) => dialog.dismiss());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toBeVisible();

  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('admin-status')).toHaveText('Old Harbour was deleted.');
  await expect(row).toHaveCount(0);
  await page.goto(url('/'));
  await expect(page.locator('.spot').first()).toBeVisible();
  await expect(page.locator('.spot[data-slug="old-harbour"]')).toHaveCount(0);
});

test('John sees no Admin link, and /admin tells him it is for admins', async ({ page }) => {
  await logInAs(page, server().baseURL, 'john');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Profile' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);

  await page.goto(url('/admin'));
  const notice = page.getByTestId('admins-only');
  await expect(notice).toContainText('Admins only');
  await expect(notice).toContainText('your account is not one');
  await expect(notice).toContainText('the server refuses it');
  await expect(page.getByTestId('spot-form')).toHaveCount(0);
});
