import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { createStaffWithCli, launchBrowser, outputDir, screenshot, expectAccessible } from './browser.js';

let shop: RunningShop;
let browser: Browser;
let page: Page;
let setupPath: string;
let totp: TOTP;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-e2e-bo-'));
  // The first owner comes from the command line, as on a real shop.
  setupPath = createStaffWithCli(
    { DATA_DIR: dataDir, SECRET_KEY: 'e2e-secret-e2e-secret-e2e-secret-e2e-0000' },
    { email: 'owner@e2e.example', role: 'owner', name: 'Eve Owner' },
  );
  shop = await startShop({
    DATA_DIR: dataDir,
    SECRET_KEY: 'e2e-secret-e2e-secret-e2e-secret-e2e-0000',
    NODE_ENV: 'production',
    OPAYO_VENDOR: 'assaye2e',
    OPAYO_ENCRYPTION_PASSWORD: 'E2e16BytesPasswd',
    SANDBOX_ENABLED: 'true',
  });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

/** A variant's id, from its row in the product page's variants table. */
async function variantId(p: Page, sku: string): Promise<string> {
  const id = await p.locator('tr[id^="variant-"]', { has: p.locator(`th:text-is("${sku}")`) }).getAttribute('id');
  return (id ?? '').replace('variant-', '');
}

describe('the owner sets up the back office in Chromium', () => {
  it('chooses a password from the one-time link', async () => {
    await page.goto(shop.url + setupPath);
    await page.getByLabel('New password').fill('a jeweller keeps good passwords');
    await page.getByLabel('The same password again').fill('a jeweller keeps good passwords');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.waitForURL(/\/admin\/account\/two-factor$/);
  });

  it('enrols two-factor sign-in (mandatory in production) and gets recovery codes', async () => {
    await expectAccessible(page, '10-admin-enrol');
    const secret = (await page.locator('.totp-secret').textContent())?.replace(/\s/g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
    await page.getByLabel('6-digit code').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);
    await page.getByRole('link', { name: /saved them/ }).click();
    // Before anything else, the confidentiality undertaking.
    await page.waitForURL(/\/admin\/undertaking\?next=%2Fadmin$/);
    await expectAccessible(page, '11-admin-undertaking');
    await page.getByLabel('I have read and accept').check();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(/\/admin$/);
    await expectAccessible(page, '11-admin-dashboard');
  });

  it('signs out, and back in with password and code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/sign-in/);
    await page.getByLabel('E-mail address').fill('owner@e2e.example');
    await page.getByLabel('Password').fill('a jeweller keeps good passwords');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/sign-in\/code/);
    // A code is accepted once: wait for the next time step rather than reuse the enrolment code.
    const used = totp.generate();
    await expect.poll(() => totp.generate(), { timeout: 35_000, interval: 1000 }).not.toBe(used);
    await page.getByLabel('Code').fill(totp.generate());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/admin$/);
  });

  it('adds a product with an uploaded photo, and sees it on the storefront at once', async () => {
    const photo = join(outputDir, 'upload-test.jpg');
    await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#d9c08a' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1400" height="1400"><circle cx="700" cy="700" r="380" fill="none" stroke="#8a6516" stroke-width="90"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toFile(photo);
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('link', { name: 'Add a product' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Eve Test Signet Ring');
    await page.getByLabel('Category').selectOption({ label: 'Rings' });
    await page.getByLabel('Description').fill('A heavy signet ring with a polished oval face, made for the browser journey.');
    await page.getByLabel('Hallmark').fill('Hallmarked 375 at the Birmingham Assay Office.');
    await page.getByLabel('Metal').selectOption({ label: '9ct yellow gold' });
    await page.getByLabel('Ring size (UK)').selectOption('N');
    await page.getByLabel('SKU').fill('E2E-SIGNET-N');
    await page.getByLabel('Price in pounds, including VAT').fill('425');
    await page.getByLabel('Number in stock').fill('3');
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.waitForURL(/\/admin\/products\/\d+/);
    await page.getByLabel('Photo', { exact: true }).setInputFiles(photo);
    await page.getByLabel('Description for people who cannot see the photo').fill('Eve Test Signet Ring seen from above');
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await expect.poll(() => page.getByText('Photo added.').count()).toBe(1);
    expect(await page.getByText('Eve Test Signet Ring seen from above').count()).toBeGreaterThan(0);
    await expectAccessible(page, '12-admin-product');

    await page.goto(`${shop.url}/search?q=eve+signet`);
    await page
      .getByRole('link', { name: /Eve Test Signet Ring/ })
      .first()
      .click();
    await page.waitForURL(/\/products\/eve-test-signet-ring/);
    const img = page.locator('img[alt="Eve Test Signet Ring seen from above"]').first();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('.price').textContent()).toContain('£425.00');
    await screenshot(page, '13-storefront-new-product');
  });

  it('adds a variant, then changes prices and stock of several variants in one save', async () => {
    await page.goto(`${shop.url}/admin/products?q=E2E-SIGNET`);
    await page.getByRole('link', { name: 'Eve Test Signet Ring' }).click();
    await page.waitForURL(/\/admin\/products\/\d+$/);
    await page.getByText('Add a variant').click();
    await page.getByLabel('Metal', { exact: true }).selectOption({ label: '9ct yellow gold' });
    await page.getByLabel('Ring size (UK)').selectOption('P');
    await page.getByLabel('SKU', { exact: true }).fill('E2E-SIGNET-P');
    await page.getByLabel('Price in pounds, including VAT').fill('425');
    await page.getByLabel('Number in stock').fill('1');
    await page.getByRole('button', { name: 'Add variant' }).click();
    await expect.poll(() => page.getByText('Variant added.').count()).toBe(1);
    // Every variant is a row of one form.
    expect(await page.locator('form.variants-form').count()).toBe(1);
    expect(await page.locator('form.variants-form tbody tr[id^="variant-"]').count()).toBe(2);

    await page.getByLabel('Price of E2E-SIGNET-N in pounds').fill('450');
    await page.getByLabel('Price of E2E-SIGNET-P in pounds').fill('465.50');
    await page.getByLabel('Stock change for E2E-SIGNET-N').fill('+2');
    await page.getByLabel('Reason for the stock change to E2E-SIGNET-N').selectOption({ label: 'Delivery received' });
    await page.getByRole('button', { name: 'Save variants' }).click();
    await expect.poll(() => page.getByText('Variants saved.').count()).toBe(1);
    const prices = page.locator('section[aria-labelledby="prices-heading"] tbody tr');
    expect(await prices.count()).toBe(2);
    expect(await page.locator('section[aria-labelledby="stock-heading"]').textContent()).toContain('Delivery received');
    // 3 in stock, plus the 2 delivered.
    const inStock = page.locator(`#variant-${await variantId(page, 'E2E-SIGNET-N')} td.num`).nth(1);
    expect(await inStock.textContent()).toBe('5');

    // One wrong row refuses the whole save, says which row, and keeps what was typed.
    await page.getByLabel('Price of E2E-SIGNET-P in pounds').fill('4.999');
    await page.getByLabel('Stock change for E2E-SIGNET-N').fill('-1');
    await page.getByLabel('Reason for the stock change to E2E-SIGNET-N').selectOption({ label: 'Damaged' });
    await page.getByRole('button', { name: 'Save variants' }).click();
    await expect.poll(() => page.getByText('Nothing was saved.').count()).toBe(1);
    expect(await page.getByText('Prices go to the penny').count()).toBe(1);
    expect(await page.getByLabel('Stock change for E2E-SIGNET-N').inputValue()).toBe('-1');
    await expectAccessible(page, '14-admin-variants-refused');
    expect(await prices.count()).toBe(2);

    // A variant that never held stock can be removed, after saying which.
    await page.getByText('Add a variant').click();
    await page.getByLabel('Metal', { exact: true }).selectOption({ label: '9ct yellow gold' });
    await page.getByLabel('Ring size (UK)').selectOption('R');
    await page.getByLabel('SKU', { exact: true }).fill('E2E-SIGNET-R');
    await page.getByLabel('Price in pounds, including VAT').fill('425');
    await page.getByLabel('Number in stock').fill('0');
    await page.getByRole('button', { name: 'Add variant' }).click();
    await expect.poll(() => page.getByText('Variant added.').count()).toBe(1);
    await page.getByLabel('Remove E2E-SIGNET-R').check();
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await page.getByRole('button', { name: 'Save variants' }).click();
    expect(await asked).toBe('Remove E2E-SIGNET-R?');
    await expect.poll(() => page.getByText('Variants saved.').count()).toBe(1);
    expect(await page.locator('form.variants-form tbody tr[id^="variant-"]').count()).toBe(2);
  });
});
