import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { launchBrowser, outputDir, screenshot, seriousViolations } from './browser.js';

let shop: RunningShop;
let browser: Browser;
let page: Page;
let setupPath: string;
let totp: TOTP;
const root = join(import.meta.dirname, '..');

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-e2e-bo-'));
  // The first owner comes from the command line, as on a real shop.
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/features/staff/staff.cli.ts', 'create', '--email', 'owner@e2e.example', '--role', 'owner', '--name', 'Eve Owner'],
    { cwd: root, env: { ...process.env, DATA_DIR: dataDir, SECRET_KEY: 'e2e-secret-e2e-secret-e2e-secret-e2e-0000' }, encoding: 'utf8' },
  );
  const path = out.match(/(\/admin\/setup\/[\w-]+)/)?.[1];
  if (!path) throw new Error(`no set-up link in: ${out}`);
  setupPath = path;
  shop = await startShop({ DATA_DIR: dataDir, SECRET_KEY: 'e2e-secret-e2e-secret-e2e-secret-e2e-0000', NODE_ENV: 'production' });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

async function expectAccessible(name: string) {
  await screenshot(page, name);
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
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
    await expectAccessible('10-admin-enrol');
    const secret = (await page.locator('.totp-secret').textContent())?.replace(/\s/g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
    await page.getByLabel('6-digit code').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);
    await page.getByRole('link', { name: /saved them/ }).click();
    await page.waitForURL(/\/admin$/);
    await expectAccessible('11-admin-dashboard');
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
});

export { outputDir, sharp };
