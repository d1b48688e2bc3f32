import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { createStaffWithCli, expectAccessible, launchBrowser, screenshot } from './browser.js';
import { type Mail, mailsIn } from './mail.js';

/**
 * Consent and marketing e-mail in Chromium, on the real shop with its real job timers: a customer
 * with an account signs up on the footer's newsletter form → confirms from the e-mail → the
 * marketing member sends a campaign from the back office → it arrives with the Unsubscribe link
 * and the one-click headers → the mail program's one-click unsubscribe (a POST with no cookie) →
 * the next campaign does not reach them → Account Home shows the history in words.
 */
const SECRET = 'e2e-consent-e2e-consent-e2e-consent-e2e-00';
let shop: RunningShop;
let browser: Browser;
let setupPath: string;

const CUSTOMER = {
  email: `grace.consent.${Date.now().toString(36)}@example.com`,
  password: 'amber lantern harbour compass',
};

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-e2e-consent-'));
  setupPath = createStaffWithCli(
    { DATA_DIR: dataDir, SECRET_KEY: SECRET },
    { email: 'mark@e2e.example', role: 'marketing', name: 'Mark Eting' },
  );
  [shop, browser] = await Promise.all([startShop({ DATA_DIR: dataDir, SECRET_KEY: SECRET, NODE_ENV: 'development' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

const mailsTo = (address: string, subject: string): Mail[] => mailsIn(shop.dataDir, address, subject);
const heading = (page: Page) => page.locator('h1').textContent();

/** Waits for an e-mail to arrive (the outbox worker runs every 10 s; the campaign job every minute). */
async function awaitMail(address: string, subject: string, timeout = 20_000): Promise<Mail> {
  let mail: Mail | undefined;
  await expect.poll(() => (mail = mailsTo(address, subject)[0]), { timeout, interval: 500 }).toBeDefined();
  return mail!;
}

/** Composes a campaign as the marketing member and sends it now; returns its page. */
async function sendCampaign(page: Page, subject: string): Promise<string> {
  await page.goto(`${shop.url}/admin/campaigns/new`);
  await page.getByLabel('Title').fill(subject);
  await page.getByLabel('Subject line').fill(subject);
  await page.getByLabel('The e-mail, in Markdown').fill(`# ${subject}\n\nOur **winter** pieces are in.\n\n- Rings\n- Pendants`);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.waitForURL((u) => /^\/admin\/campaigns\/\d+$/.test(u.pathname));
  const url = page.url().split('?')[0]!;
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Send now' }).click();
  await page.waitForLoadState();
  return url;
}

describe('consent and marketing e-mail in Chromium', () => {
  it(
    'footer sign-up → confirm → campaign with the link and headers → one-click unsubscribe → no next campaign → history on Account Home',
    { timeout: 240_000 },
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();

      // An account first, without the General Subscription tick.
      await page.goto(`${shop.url}/account/register`);
      await page.getByLabel('First name', { exact: true }).fill('Grace');
      await page.getByLabel('Surname', { exact: true }).fill('Hopper');
      await page.getByLabel('E-mail address', { exact: true }).fill(CUSTOMER.email);
      await page.getByLabel('Phone number').fill('07700 900123');
      await page.getByLabel('Address line 1', { exact: true }).fill('88 Vyse Street');
      await page.getByLabel('Town or city').fill('Birmingham');
      await page.getByLabel('Postcode').fill('B18 6NF');
      await page.getByLabel('Password', { exact: true }).fill(CUSTOMER.password);
      await page.getByRole('button', { name: 'Open my account' }).click();
      await page.waitForURL((u) => u.pathname === '/account/register/sent');
      const verify = await awaitMail(CUSTOMER.email, 'Please confirm your e-mail address');
      await page.goto(verify.text.match(/https?:\/\/\S+\/account\/verify\?token=[\w-]+/)![0]);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.waitForURL((u) => u.pathname === '/account/sign-in');

      // 1. The footer's newsletter form, on the home page.
      await page.goto(shop.url);
      const footerField = page.getByLabel('E-mail for our newsletter');
      await footerField.fill(CUSTOMER.email);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.waitForURL((u) => u.pathname === '/newsletter/check-your-inbox');
      expect(await heading(page)).toBe('Check your inbox');
      await expectAccessible(page, '60-newsletter-check-inbox');

      // 2. The confirmation e-mail's link opens a page with a button; only the button confirms.
      const confirmation = await awaitMail(CUSTOMER.email, 'Please confirm your newsletter sign-up');
      const confirmLink = confirmation.text.match(/https?:\/\/\S+\/newsletter\/confirm\?token=[\w-]+/)?.[0];
      expect(confirmLink, confirmation.text).toBeDefined();
      await page.goto(confirmLink!);
      expect(await heading(page)).toBe('Confirm your newsletter sign-up');
      await expectAccessible(page, '61-newsletter-confirm');
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.waitForURL((u) => u.pathname === '/newsletter/subscribed');

      // 3. The marketing member sets a password and sends a campaign.
      const staff = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const admin = await staff.newPage();
      await admin.goto(shop.url + setupPath);
      await admin.getByLabel('New password').fill('a jeweller keeps good passwords');
      await admin.getByLabel('The same password again').fill('a jeweller keeps good passwords');
      await admin.getByRole('button', { name: 'Set password' }).click();
      await admin.waitForURL(/\/admin/);
      await admin.goto(`${shop.url}/admin/undertaking`);
      await admin.getByLabel('I have read and accept').check();
      await admin.getByRole('button', { name: 'Accept and continue' }).click();
      await admin.waitForURL((u) => u.pathname === '/admin');
      const first = await sendCampaign(admin, 'Winter pieces');
      await screenshot(admin, '62-campaign-sent');

      // 4. It arrives: the Unsubscribe link at the bottom, and the RFC 8058 headers.
      const news = await awaitMail(CUSTOMER.email, 'Winter pieces', 120_000);
      const listUnsubscribe = news.headers.get('list-unsubscribe') ?? '';
      const oneClick = listUnsubscribe.match(/<(https?:\/\/[^>]+\/unsubscribe\/[^>]+)>/)?.[1];
      expect(oneClick, listUnsubscribe).toBeDefined();
      expect(listUnsubscribe).toMatch(/<mailto:[^>]+\?subject=unsubscribe>/);
      expect(news.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(news.text).toContain(oneClick!.split('?')[0]!);
      expect(news.text.indexOf('Unsubscribe')).toBeGreaterThan(news.text.indexOf('winter'));

      // A link scanner that opens the link unsubscribes nobody: the page asks for a click.
      const scanner = await browser.newContext();
      const scanned = await scanner.newPage();
      await scanned.goto(oneClick!);
      expect(await heading(scanned)).toBe('Unsubscribe from General Subscription');
      await scanner.close();

      // 5. One-click, as the mail program does it: a POST with no cookie, no token, no sign-in.
      const res = await fetch(oneClick!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);

      // 6. The next campaign reaches no one: it finishes with nobody to send to, and nothing arrives.
      await sendCampaign(admin, 'Spring pieces');
      const status = (p: Page) => p.locator('dt:text-is("Status") + dd').textContent();
      await expect
        .poll(
          async () => {
            await admin.reload();
            return status(admin);
          },
          { timeout: 120_000, interval: 2000 },
        )
        .toBe('Sent');
      expect(await admin.locator('th:text-is("Audience (consenting when it was sent)") + td').textContent()).toBe('0');
      await screenshot(admin, '63-second-campaign');
      await new Promise((r) => setTimeout(r, 12_000));
      expect(mailsTo(CUSTOMER.email, 'Spring pieces')).toEqual([]);
      await admin.goto(first);
      expect(await admin.locator(`th:text-is("Unsubscribed with this campaign's link") + td`).textContent()).toBe('1');

      // 7. Account Home shows the history in words.
      await page.goto(`${shop.url}/account/sign-in`);
      await page.getByLabel('E-mail address', { exact: true }).fill(CUSTOMER.email);
      await page.getByLabel('Password').fill(CUSTOMER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/account');
      await page.goto(`${shop.url}/account/newsletter`);
      expect(await page.getByLabel(/^General Subscription/).isChecked()).toBe(false);
      const history = (await page.locator('main').textContent()) ?? '';
      expect(history).toMatch(/signed up on our newsletter form/);
      expect(history).toMatch(/unsubscribe button/);
      await expectAccessible(page, '64-newsletter-history');
      await context.close();
      await staff.close();
    },
  );
});
