import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { expectAccessible, launchBrowser, launchCookielessContext, screenshot } from './browser.js';

/**
 * Buying in Chromium: bag → checkout → the built-in payment sandbox (Opayo's hosted page, on its
 * own origin) → back to the order page, as a guest; after a decline; with cookies blocked; and
 * without JavaScript. One shop in development mode (sandbox on, e-mails written to the outbox).
 */

let shop: RunningShop;
let browser: Browser;
/** Orders that reached "paid", whose confirmation e-mails are looked for at the end. */
const confirmed: string[] = [];

const GUEST = {
  firstName: 'Ada',
  surname: 'Lovelace',
  email: 'ada.e2e@example.com',
  phone: '07700 900123',
  line1: '88 Vyse Street',
  city: 'Birmingham',
  postcode: 'B18 6NF',
};
const VISA = '4929000000006';
const MASTERCARD = '5404000000000001';
const DECLINED_VISA = '4929602110085639';
const TEST_CV2 = '123';
/** A card expiry two years ahead, MM/YY. */
const EXPIRY = `12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;

beforeAll(async () => {
  [shop, browser] = await Promise.all([
    startShop({ SECRET_KEY: 'e2e-checkout-e2e-checkout-e2e-checkout-0000', NODE_ENV: 'development' }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

/** The first page of a context, with the CSP refusals it reports. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; cspErrors: string[] }> {
  const cspErrors: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) cspErrors.push(m.text());
  });
  return { page, cspErrors };
}

/** A new context under the shop's real CSP unless told otherwise (bypassCSP only where axe-core is injected). */
async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ page: Page; cspErrors: string[] }> {
  return watchedPage(await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options }));
}

/** Clicks a button that posts a form to the shop and expects the 303 of a form accepted. */
async function submit(page: Page, button: Locator, path: string): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    button.click(),
  ]);
  if (response.status() !== 303) {
    const html = await response.text();
    const main = (html.match(/<main[^>]*>([\s\S]*?)<\/main>/)?.[1] ?? html).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    expect.fail(`POST ${path} answered ${response.status()}: ${main.trim().slice(0, 400)}`);
  }
}

/** Opens the nth ring from /rings and adds it to the bag. */
async function addRingToBag(page: Page, nth: number): Promise<string> {
  await page.goto(`${shop.url}/rings`);
  const links = await page.locator('.product-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const products = [...new Set(links.filter((h) => h.startsWith('/products/')))];
  expect(products.length).toBeGreaterThan(nth);
  await page.goto(`${shop.url}${products[nth]}`);
  return addToBag(page);
}

/** On a product page: chooses a size that is in stock (skipping the first `skip` of them) and adds it to the bag. */
async function addToBag(page: Page, skip = 0): Promise<string> {
  const name = (await page.locator('#product-title').textContent()) ?? '';
  if ((await page.locator('#size').count()) > 0) {
    const sizes = await page
      .locator('#size option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
    const inStock = sizes.filter((s) => s.value !== '' && !/sold out/i.test(s.text));
    expect(inStock.length, `sizes in stock for ${name}`).toBeGreaterThan(skip);
    await page.selectOption('#size', inStock[skip]!.value);
  }
  await submit(page, page.getByRole('button', { name: 'Add to bag', exact: true }), '/bag/items');
  await page.waitForURL(/\/bag\?/);
  expect(await page.locator('.bag-line-name').allTextContents()).toContain(name);
  return name;
}

/** From the bag, through the checkout form, to the new order's page; returns the order number. */
async function checkOut(page: Page, onForm?: () => Promise<void>): Promise<string> {
  await page.getByRole('link', { name: 'Checkout securely' }).click();
  await page.waitForURL(/\/checkout(\?|$)/);
  expect(await page.locator('h1').textContent()).toBe('Checkout');
  await page.getByLabel('First name', { exact: true }).fill(GUEST.firstName);
  await page.getByLabel('Surname', { exact: true }).fill(GUEST.surname);
  await page.getByLabel('E-mail address').fill(GUEST.email);
  await page.getByLabel('Phone number').fill(GUEST.phone);
  await page.getByLabel('Address line 1', { exact: true }).fill(GUEST.line1);
  await page.getByLabel('Town or city', { exact: true }).fill(GUEST.city);
  await page.getByLabel('Postcode', { exact: true }).fill(GUEST.postcode);
  expect(await page.getByLabel('Deliver to my billing address').isChecked()).toBe(true);
  await page.getByLabel(/Royal Mail Tracked 48/).check();
  await onForm?.();
  await submit(page, page.getByRole('button', { name: 'Continue to payment' }), '/checkout');
  await page.waitForURL(/\/orders\/AS-[0-9A-Z]+\?key=/);
  const number = new URL(page.url()).pathname.split('/').pop() ?? '';
  expect(await page.locator('h1').textContent()).toBe('Almost there — payment');
  return number;
}

const payButton = (page: Page) => page.getByRole('button', { name: /^Pay £[\d,]+\.\d\d securely$/ });

/**
 * On the order page: Pay → the sandbox's card page (on its own origin, showing the amount) →
 * card details → Pay now → back on the shop's order page. Returns the sandbox's reference.
 */
async function pay(page: Page, card: string, opts: { axe?: string } = {}): Promise<string> {
  const label = (await payButton(page).textContent()) ?? '';
  const amount = label.match(/£[\d,]+\.\d\d/)?.[0] ?? '';
  expect(amount).not.toBe('');
  await payButton(page).click();
  await page.waitForURL((u) => u.origin === shop.sandboxUrl);
  expect(new URL(page.url()).origin).toBe(shop.sandboxUrl);
  expect(await page.locator('.amount strong').textContent()).toBe(amount);
  if (opts.axe) await expectAccessible(page, opts.axe);
  const reference = (await page.locator('.reference').textContent()) ?? '';
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry date').fill(EXPIRY);
  await page.getByLabel('Security code').fill(TEST_CV2);
  await page.getByRole('button', { name: `Pay now ${amount}` }).click();
  await page.waitForURL((u) => u.origin === shop.url && u.pathname.startsWith('/orders/'));
  return reference;
}

async function expectConfirmed(page: Page, number: string): Promise<void> {
  expect(await page.locator('h1').textContent()).toBe('Thank you — your order is confirmed');
  expect(await page.locator('.eyebrow').textContent()).toContain(number);
  expect(await payButton(page).count()).toBe(0);
  confirmed.push(number);
}

describe('a guest buys a ring in Chromium', () => {
  it('bag → checkout → the sandbox with a test Visa → confirmed', async () => {
    // bypassCSP only lets the test inject axe-core; the other journeys run under the real CSP.
    const { page } = await newContext({ bypassCSP: true });
    await addRingToBag(page, 0);
    expect(await page.locator('.notice').first().textContent()).toContain('Added to your bag.');
    expect(await page.locator('.bag-totals').textContent()).toContain('Includes VAT');
    // With cookies, the token leaves the address bar after the first redirect.
    expect(page.url()).not.toContain('bag=');
    await expectAccessible(page, '20-bag');

    const number = await checkOut(page, async () => {
      // The enhancement script hides the delivery address while "same as billing" is ticked.
      expect(await page.locator('#delivery-fields').isHidden()).toBe(true);
      await expectAccessible(page, '21-checkout');
    });
    expect(await page.locator('.order-addresses').textContent()).toContain(GUEST.line1);
    await expectAccessible(page, '22-order-payment');

    await pay(page, VISA, { axe: '23-sandbox-card' });
    expect(new URL(page.url()).searchParams.get('result')).toBeNull();
    await expectConfirmed(page, number);
    expect(await page.locator('.lead').textContent()).toContain(GUEST.email);
    await expectAccessible(page, '24-confirmed');
  });
});

describe('a declined card, then another', () => {
  it('shows the decline, offers "Try again", and takes the second card', async () => {
    const { page, cspErrors } = await newContext();
    await addRingToBag(page, 1);
    const number = await checkOut(page);

    const first = await pay(page, DECLINED_VISA);
    expect(new URL(page.url()).searchParams.get('result')).toBe('NOTAUTHED');
    expect(await page.locator('h1').textContent()).toBe('Almost there — payment');
    expect(await page.locator('.notice').first().textContent()).toContain('Your bank declined the payment');
    expect(await payButton(page).count()).toBe(0);
    await screenshot(page, '25-declined');

    await submit(page, page.getByRole('button', { name: 'Try again' }), `/orders/${number}/retry`);
    await page.waitForURL((u) => u.pathname === `/orders/${number}` && !u.searchParams.has('result'));
    await payButton(page).waitFor();

    const second = await pay(page, MASTERCARD);
    // Every attempt is a new transaction at Opayo.
    expect(second).not.toBe(first);
    await expectConfirmed(page, number);
    expect(cspErrors).toEqual([]);
  });
});

describe('a shopper whose browser blocks cookies', () => {
  it('buys through links and forms that carry the bag, and is never given a cookie', async () => {
    const { context, close } = await launchCookielessContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, cspErrors } = await watchedPage(context);
      await addRingToBag(page, 2);
      // No cookie came back, so the token stays in the address and the links.
      const token = new URL(page.url()).searchParams.get('bag');
      expect(token).toMatch(/^[\w-]{20,}$/);
      expect(await page.getByRole('link', { name: 'Checkout securely' }).getAttribute('href')).toBe(`/checkout?bag=${token}`);

      // A second size from the product page the bag links to: the link and its form keep the same bag.
      await page.locator('a.bag-line-name').click();
      await page.waitForURL((u) => u.pathname.startsWith('/products/') && u.searchParams.get('bag') === token);
      await addToBag(page, 1);
      expect(new URL(page.url()).searchParams.get('bag')).toBe(token);
      expect(await page.locator('.bag-line').count()).toBe(2);
      await screenshot(page, '26-no-cookies-bag');

      const number = await checkOut(page);
      await pay(page, VISA);
      await expectConfirmed(page, number);
      await screenshot(page, '27-no-cookies-confirmed');

      expect(await context.cookies()).toEqual([]);
      expect(cspErrors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('without JavaScript', () => {
  it('checks out (the delivery address stays visible) and pays', async () => {
    const { page, cspErrors } = await newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    await addRingToBag(page, 3);
    const number = await checkOut(page, async () => {
      // No script to hide them: the optional delivery fields show, left empty.
      expect(await page.locator('#delivery-fields').isVisible()).toBe(true);
    });
    await payButton(page).waitFor();
    await screenshot(page, '28-no-js-order-payment');
    await pay(page, VISA);
    await expectConfirmed(page, number);
    expect(cspErrors).toEqual([]);
  });
});

describe('order e-mails', () => {
  it('writes a confirmation for every paid order to the outbox', async () => {
    expect(confirmed.length).toBeGreaterThan(0);
    const outbox = join(shop.dataDir, 'outbox');
    const missing = () => {
      let mails: string[] = [];
      try {
        mails = readdirSync(outbox)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => readFileSync(join(outbox, f), 'utf8'));
      } catch {} // no outbox folder yet
      return confirmed.filter(
        (n) => !mails.some((m) => m.includes(`Subject: Thank you for your order ${n}`) && m.includes(`To: ${GUEST.email}`)),
      );
    };
    // The outbox worker runs every 10 seconds.
    await expect.poll(missing, { timeout: 25_000, interval: 500 }).toEqual([]);
  });
});
