import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { TestSmtpServer } from '../test/mail/smtp-test-server.js';
import { createStaffWithCli, expectAccessible, launchBrowser, screenshot } from './browser.js';
import { type Mail, parseMail } from './mail.js';

/**
 * Privacy rights in Chromium, on the real shop with its mail delivered to a real SMTP server on
 * loopback (the people's mailboxes): a customer downloads their data and finds every value they
 * entered, on the page and in the zip; a guest buyer asks for erasure on the public form, confirms
 * from the e-mail, a member of customer service completes it, the residue scan is clean, and the
 * buyer's e-mail says what was kept.
 */
const SECRET_KEY = 'e2e-privacy-e2e-privacy-e2e-privacy-e2e-000';
const STAFF = { email: 'care@e2e.example', role: 'customer_service', name: 'Cara Service', password: 'a jeweller keeps good passwords' };
const run = Date.now().toString(36);
const CUSTOMER = {
  firstName: 'Rosalind',
  surname: 'Franklin',
  email: `rosalind.${run}@example.com`,
  phone: '07700 900321',
  line1: '3 Kings Parade',
  city: 'Cambridge',
  postcode: 'CB2 1SJ',
  password: 'velvet compass harbour lantern',
};
const GUEST = {
  firstName: 'Dorothy',
  surname: 'Hodgkin',
  email: `dorothy.${run}@example.com`,
  phone: '07700 900654',
  line1: '9 Parks Road',
  city: 'Oxford',
  postcode: 'OX1 3QR',
};
const VISA = '4929000000006';
const EXPIRY = `12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;

let shop: RunningShop;
let browser: Browser;
let smtp: TestSmtpServer;
let dataDir: string;
let setupPath: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'assay-e2e-privacy-'));
  setupPath = createStaffWithCli({ DATA_DIR: dataDir, SECRET_KEY }, STAFF);
  smtp = await TestSmtpServer.start();
  [shop, browser] = await Promise.all([
    startShop({
      DATA_DIR: dataDir,
      SECRET_KEY,
      NODE_ENV: 'development',
      SMTP_URL: smtp.url,
      // The log goes to a file the residue scan reads too: one line per request at info.
      LOG_FILE: join(dataDir, 'shop.log'),
      LOG_LEVEL: 'info',
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
  await smtp?.close();
});

/** The mails the SMTP server accepted for an address, whose subject starts with `subject`. */
const mailsTo = (address: string, subject: string): Mail[] =>
  smtp.received
    .filter((m) => m.accepted && m.to.includes(address))
    .map((m) => parseMail(m.raw))
    .filter((m) => (m.headers.get('subject') ?? '').startsWith(subject));

async function awaitMail(address: string, subject: string): Promise<Mail> {
  let mail: Mail | undefined;
  await expect.poll(() => (mail = mailsTo(address, subject)[0]), { timeout: 30_000, interval: 250 }).toBeDefined();
  return mail!;
}

/** Clicks a button that posts a form and expects the shop to accept it (a redirect, or a page of its own). */
async function submit(page: Page, button: Locator, path: string, ok: number[] = [303]): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    button.click(),
  ]);
  if (!ok.includes(response.status())) {
    const html = await response.text();
    const main = (html.match(/<main[^>]*>([\s\S]*?)<\/main>/)?.[1] ?? html).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    expect.fail(`POST ${path} answered ${response.status()}: ${main.trim().slice(0, 400)}`);
  }
  await page.waitForLoadState();
}

async function addRingToBag(page: Page): Promise<void> {
  await page.goto(`${shop.url}/rings`);
  const links = await page.locator('.product-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const product = links.find((h) => h.startsWith('/products/'));
  expect(product).toBeDefined();
  await page.goto(`${shop.url}${product}`);
  if ((await page.locator('#size').count()) > 0) {
    const sizes = await page
      .locator('#size option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
    const inStock = sizes.find((s) => s.value !== '' && !/sold out/i.test(s.text));
    expect(inStock).toBeDefined();
    await page.selectOption('#size', inStock!.value);
  }
  await submit(page, page.getByRole('button', { name: 'Add to bag', exact: true }), '/bag/items');
  await page.waitForURL(/\/bag\?/);
}

/** From the bag through checkout (already filled in, or filled with `who`) and the sandbox's card page; the order's number. */
async function buy(page: Page, who?: typeof GUEST): Promise<string> {
  await addRingToBag(page);
  await page.getByRole('link', { name: 'Checkout securely' }).click();
  await page.waitForURL(/\/checkout(\?|$)/);
  if (who) {
    await page.getByLabel('First name', { exact: true }).fill(who.firstName);
    await page.getByLabel('Surname', { exact: true }).fill(who.surname);
    await page.getByLabel('E-mail address').fill(who.email);
    await page.getByLabel('Phone number').fill(who.phone);
    await page.getByLabel('Address line 1', { exact: true }).fill(who.line1);
    await page.getByLabel('Town or city', { exact: true }).fill(who.city);
    await page.getByLabel('Postcode', { exact: true }).fill(who.postcode);
  }
  await page.getByLabel(/Royal Mail Tracked 48/).check();
  await submit(page, page.getByRole('button', { name: 'Continue to payment' }), '/checkout');
  await page.waitForURL(/\/orders\/AS-[0-9A-Z]+\?key=/);
  const number = new URL(page.url()).pathname.split('/').pop() ?? '';
  const pay = page.getByRole('button', { name: /^Pay £[\d,]+\.\d\d securely$/ });
  const amount = ((await pay.textContent()) ?? '').match(/£[\d,]+\.\d\d/)?.[0] ?? '';
  await pay.click();
  await page.waitForURL((u) => u.origin === shop.sandboxUrl);
  await page.getByLabel('Card number').fill(VISA);
  await page.getByLabel('Expiry date').fill(EXPIRY);
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: `Pay now ${amount}` }).click();
  await page.waitForURL((u) => u.origin === shop.url && u.pathname.startsWith('/orders/'));
  expect(await page.locator('h1').textContent()).toBe('Thank you — your order is confirmed');
  return number;
}

describe('privacy rights in Chromium', () => {
  it('a customer downloads their data and finds every value they entered, on the page and in the zip', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${shop.url}/account/register`);
    await page.getByLabel('First name', { exact: true }).fill(CUSTOMER.firstName);
    await page.getByLabel('Surname', { exact: true }).fill(CUSTOMER.surname);
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByLabel('Phone number').fill(CUSTOMER.phone);
    await page.getByLabel('Address line 1', { exact: true }).fill(CUSTOMER.line1);
    await page.getByLabel('Town or city').fill(CUSTOMER.city);
    await page.getByLabel('Postcode').fill(CUSTOMER.postcode);
    await page.getByLabel('Password', { exact: true }).fill(CUSTOMER.password);
    await page.getByLabel(/^General Subscription/).check();
    await submit(page, page.getByRole('button', { name: 'Open my account' }), '/account/register');
    const confirmation = await awaitMail(CUSTOMER.email, 'Please confirm your e-mail address');
    const link = confirmation.text.match(/https?:\/\/\S+\/account\/verify\?token=[A-Za-z0-9_-]+/)?.[0];
    expect(link).toBeDefined();
    await page.goto(link!);
    await submit(page, page.getByRole('button', { name: 'Confirm' }), '/account/verify');
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByLabel('Password').fill(CUSTOMER.password);
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }), '/account/sign-in');
    await page.waitForURL((u) => u.pathname === '/account');
    const number = await buy(page);
    const entered = [
      CUSTOMER.firstName,
      CUSTOMER.surname,
      CUSTOMER.email,
      CUSTOMER.phone,
      CUSTOMER.line1,
      CUSTOMER.city,
      CUSTOMER.postcode,
      number,
    ];

    await page.goto(`${shop.url}/account/privacy`);
    await page.getByRole('link', { name: 'See and download my data' }).click();
    await page.waitForURL((u) => u.pathname === '/account/privacy/copy');
    await expectAccessible(page, '80-my-data');
    const text = (await page.locator('main').textContent()) ?? '';
    for (const value of entered) expect(text, value).toContain(value);
    expect(text).toContain('General Subscription');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download as a file/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^assay-my-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['README.txt', 'copy.html', 'data.json', 'orders.csv', 'order-lines.csv']));
    const data = strFromU8(files['data.json']!);
    for (const value of entered) expect(data, value).toContain(value);
    expect(strFromU8(files['orders.csv']!)).toContain(number);
    expect(JSON.parse(data)).toHaveProperty('orders');
    await screenshot(page, '81-my-data-downloaded');
    await context.close();
  });

  it('a guest buyer asks for erasure on the public form, confirms it from the e-mail, staff complete it, nothing is left, and the e-mail says what was kept', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const number = await buy(page, GUEST);
    // The order was delivered two months ago, so its returns window is over and erasure need not wait for it.
    const db = new Database(join(dataDir, 'assay.db'));
    const long = new Date(Date.now() - 60 * 86_400_000).toISOString();
    db.prepare(
      `update orders set status = 'delivered', created_at = ?, paid_at = ?, dispatched_at = ?, delivered_at = ?, updated_at = ? where number = ?`,
    ).run(long, long, long, long, long, number);
    db.close();

    // The public form, with no account.
    await page.goto(`${shop.url}/privacy`);
    await page.locator('section[aria-labelledby="rights"]').getByRole('link', { name: 'privacy rights form' }).click();
    await page.waitForURL((u) => u.pathname === '/privacy/rights');
    await expectAccessible(page, '82-rights-form');
    await page.getByLabel('Erase my data').check();
    await page.getByLabel('Your e-mail address').fill(GUEST.email);
    await page.getByLabel('Your name').fill(`${GUEST.firstName} ${GUEST.surname}`);
    await submit(page, page.getByRole('button', { name: 'Send my request' }), '/privacy/rights', [200, 303]);
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

    const confirm = await awaitMail(GUEST.email, 'Please confirm your privacy request');
    const link = confirm.text.match(/https?:\/\/\S+\/privacy\/rights\/confirm\?token=[A-Za-z0-9_-]+/)?.[0];
    expect(link, confirm.text).toBeDefined();
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Confirm your privacy request' }).waitFor();
    const reference = ((await page.locator('.lead').textContent()) ?? '').match(/PR-[0-9A-Z]{6}/)?.[0];
    expect(reference).toBeDefined();
    await submit(page, page.getByRole('button', { name: 'Confirm' }), '/privacy/rights/confirm', [200, 303]);
    await page.getByRole('heading', { name: 'Thank you — your request is confirmed' }).waitFor();
    await screenshot(page, '83-request-confirmed');

    // Customer service sets a password, then handles the request.
    const staff = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const admin = await staff.newPage();
    admin.on('dialog', (d) => void d.accept());
    await admin.goto(shop.url + setupPath);
    await admin.getByLabel('New password').fill(STAFF.password);
    await admin.getByLabel('The same password again').fill(STAFF.password);
    await admin.getByRole('button', { name: 'Set password' }).click();
    await admin.waitForURL(/\/admin/);
    await admin.goto(`${shop.url}/admin/undertaking`);
    await admin.getByLabel('I have read and accept').check();
    await admin.getByRole('button', { name: 'Accept and continue' }).click();
    await admin.waitForURL((u) => u.pathname === '/admin');
    await admin.goto(`${shop.url}/admin/privacy-requests`);
    await expectAccessible(admin, '84-admin-requests');
    await admin.getByRole('link', { name: reference! }).click();
    await admin.waitForURL((u) => u.pathname === `/admin/privacy-requests/${reference}`);
    await admin.getByRole('button', { name: 'Erase now' }).click();
    await admin.waitForURL((u) => u.pathname === `/admin/privacy-requests/${reference}`);
    await admin.locator('section[aria-labelledby="residue"]').waitFor();
    await screenshot(admin, '85-admin-erased');

    // The e-mail saying what was kept reaches the buyer; then the scan finds nothing of them anywhere.
    const erased = await awaitMail(GUEST.email, 'Your data at');
    expect(erased.text).toContain(number);
    expect(erased.text).toMatch(/tax/i);
    expect(erased.text).toMatch(/31 March 20\d\d/);
    expect(erased.text).toContain('Opayo');
    await expect
      .poll(
        async () => {
          await admin.getByRole('button', { name: 'Run the residue scan' }).click();
          await admin.waitForLoadState();
          return (await admin.locator('section[aria-labelledby="residue"]').textContent()) ?? '';
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toMatch(/clean — nothing of the person found in \d+ tables, \d+ outbox files and [1-9]\d* log lines/);
    await screenshot(admin, '86-residue-clean');
    // Staff see that an erasure happened, never what was erased.
    const detail = (await admin.locator('main').textContent()) ?? '';
    for (const value of [GUEST.email, GUEST.surname, GUEST.line1, GUEST.postcode, GUEST.phone]) expect(detail, value).not.toContain(value);
    await staff.close();
    await context.close();
  }, 180_000);
});
