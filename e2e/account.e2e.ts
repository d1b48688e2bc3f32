import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { expectAccessible, launchBrowser, screenshot } from './browser.js';
import { type Mail, mailsIn } from './mail.js';

/**
 * A customer account in Chromium, from the first visit to signing out: register, confirm the
 * address by the e-mailed link, sign in, correct the details, add an address and make it the
 * default, buy a ring with the checkout filled in from the account, follow the order, subscribe,
 * look at Privacy and Security, sign out. One shop in development mode (sandbox on, e-mails
 * written to the outbox as .eml files).
 */

let shop: RunningShop;
let browser: Browser;

const CUSTOMER = {
  firstName: 'Ada',
  surname: 'Lovelace',
  /** Unique per run, whatever the database. */
  email: `ada.account.${Date.now().toString(36)}@example.com`,
  phone: '07700 900123',
  line1: '88 Vyse Street',
  city: 'Birmingham',
  postcode: 'B18 6NF',
  password: 'velvet compass harbour lantern',
};
const NEW_SURNAME = 'King';
/** Entered the international way; the shop keeps the tidy UK form. */
const NEW_PHONE = { typed: '+44 7700 900456', tidy: '07700 900456' };
const SECOND = { line1: '1 Hockley Street', city: 'Birmingham', typedPostcode: 'b18 6bh', postcode: 'B18 6BH' };
const VISA = '4929000000006';
const TEST_CV2 = '123';
/** A card expiry two years ahead, MM/YY. */
const EXPIRY = `12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;
const SECTIONS = ['Account Home', 'My details', 'Address book', 'Orders', 'Newsletter Subscription', 'Privacy', 'Security'];

beforeAll(async () => {
  [shop, browser] = await Promise.all([
    startShop({ SECRET_KEY: 'e2e-account-e2e-account-e2e-account-e2e-0000', NODE_ENV: 'development' }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

/** The outbox's e-mails to an address whose subject starts with `subject`. */
const mailsTo = (address: string, subject: string): Mail[] => mailsIn(shop.dataDir, address, subject);

// ——— Pages ———

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
  await page.waitForLoadState();
}

const heading = (page: Page) => page.locator('h1').textContent();
const accountNav = (page: Page) => page.getByRole('navigation', { name: 'Your account' });

/** Follows a link of the account's section navigation and checks the page it opens. */
async function openSection(page: Page, label: string, path: string): Promise<void> {
  await accountNav(page).getByRole('link', { name: label, exact: true }).click();
  await page.waitForURL((u) => u.pathname === path);
  expect(await heading(page)).toBe(label);
  expect(await accountNav(page).getByRole('link', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
}

/** Opens the first ring on /rings and adds a size that is in stock to the bag. */
async function addRingToBag(page: Page): Promise<string> {
  await page.goto(`${shop.url}/rings`);
  const links = await page.locator('.product-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const product = links.find((h) => h.startsWith('/products/'));
  expect(product).toBeDefined();
  await page.goto(`${shop.url}${product}`);
  const name = ((await page.locator('#product-title').textContent()) ?? '').trim();
  if ((await page.locator('#size').count()) > 0) {
    const sizes = await page
      .locator('#size option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
    const inStock = sizes.find((s) => s.value !== '' && !/sold out/i.test(s.text));
    expect(inStock, `a size in stock for ${name}`).toBeDefined();
    await page.selectOption('#size', inStock!.value);
  }
  await submit(page, page.getByRole('button', { name: 'Add to bag', exact: true }), '/bag/items');
  await page.waitForURL(/\/bag\?/);
  expect(await page.locator('.bag-line-name').allTextContents()).toContain(name);
  return name;
}

const payButton = (page: Page) => page.getByRole('button', { name: /^Pay £[\d,]+\.\d\d securely$/ });

/** On the order page: Pay → the sandbox's card page → a test Visa → back on the shop's order page. */
async function pay(page: Page): Promise<void> {
  const amount = ((await payButton(page).textContent()) ?? '').match(/£[\d,]+\.\d\d/)?.[0] ?? '';
  expect(amount).not.toBe('');
  await payButton(page).click();
  await page.waitForURL((u) => u.origin === shop.sandboxUrl);
  await page.getByLabel('Card number').fill(VISA);
  await page.getByLabel('Expiry date').fill(EXPIRY);
  await page.getByLabel('Security code').fill(TEST_CV2);
  await page.getByRole('button', { name: `Pay now ${amount}` }).click();
  await page.waitForURL((u) => u.origin === shop.url && u.pathname.startsWith('/orders/'));
}

describe('a customer account in Chromium', () => {
  it('register → confirm by e-mail → sign in → details, addresses, an order, newsletter, privacy, security → sign out', async () => {
    // bypassCSP only lets the test inject axe-core.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();

    // 1. Register.
    await page.goto(`${shop.url}/account/register`);
    expect(await heading(page)).toBe('Open an account');
    await expectAccessible(page, '30-register');
    await page.getByLabel('First name', { exact: true }).fill(CUSTOMER.firstName);
    await page.getByLabel('Surname', { exact: true }).fill(CUSTOMER.surname);
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByLabel('Phone number').fill(CUSTOMER.phone);
    await page.getByLabel('Address line 1', { exact: true }).fill(CUSTOMER.line1);
    await page.getByLabel('Town or city').fill(CUSTOMER.city);
    await page.getByLabel('Postcode').fill(CUSTOMER.postcode);
    await page.getByLabel('Password', { exact: true }).fill(CUSTOMER.password);
    expect(await page.getByLabel(/^General Subscription/).isChecked()).toBe(false);
    await submit(page, page.getByRole('button', { name: 'Open my account' }), '/account/register');
    await page.waitForURL((u) => u.pathname === '/account/register/sent');
    expect(await heading(page)).toBe('Check your inbox');
    await screenshot(page, '31-register-sent');

    // 2. The confirmation e-mail, from the outbox; its link opens a page that asks for a click.
    let confirmation: Mail | undefined;
    await expect
      .poll(() => (confirmation = mailsTo(CUSTOMER.email, 'Please confirm your e-mail address')[0]), { timeout: 20_000, interval: 250 })
      .toBeDefined();
    const link = confirmation!.text.match(/https?:\/\/\S+\/account\/verify\?token=[A-Za-z0-9_-]+/)?.[0];
    expect(link, confirmation!.text).toBeDefined();
    const verifyUrl = new URL(link!);
    expect(verifyUrl.origin).toBe(shop.url);
    expect(verifyUrl.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(confirmation!.text).toContain(`Dear ${CUSTOMER.firstName},`);

    await page.goto(link!);
    expect(await heading(page)).toBe('Confirm your e-mail address');
    await screenshot(page, '32-confirm');
    await submit(page, page.getByRole('button', { name: 'Confirm' }), '/account/verify');
    await page.waitForURL((u) => u.pathname === '/account/sign-in' && u.searchParams.get('confirmed') === '1');
    expect(await page.locator('.notice-success').textContent()).toContain('your e-mail address is confirmed');
    await expectAccessible(page, '33-sign-in');

    // The link works once.
    const again = await context.newPage();
    await again.goto(link!);
    await again.getByRole('button', { name: 'Confirm' }).click();
    await again.getByRole('heading', { name: 'That link has expired or was already used' }).waitFor();
    await again.close();

    // 3. Sign in, kept signed in → Account Home.
    await page.getByLabel('E-mail address').fill(CUSTOMER.email);
    await page.getByLabel('Password').fill(CUSTOMER.password);
    await page.getByLabel(/^Keep me signed in/).check();
    await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }), '/account/sign-in');
    await page.waitForURL((u) => u.pathname === '/account');
    expect(await heading(page)).toBe('Account Home');
    expect((await accountNav(page).getByRole('link').allTextContents()).map((t) => t.trim())).toEqual(SECTIONS);
    expect(await page.locator('.lead').first().textContent()).toContain(`Hello, ${CUSTOMER.firstName}.`);
    const session = (await context.cookies()).find((c) => c.name === 'assay_session');
    expect(session?.httpOnly).toBe(true);
    // "Keep me signed in": a lasting cookie of about 30 days, not one that ends with the browser.
    expect(session!.expires * 1000).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    await expectAccessible(page, '34-account-home');

    // 4. My details: a new surname and phone number, shown at once.
    await openSection(page, 'My details', '/account/details');
    expect(await page.getByLabel('Phone number').inputValue()).toBe(CUSTOMER.phone);
    await expectAccessible(page, '35-details');
    await page.getByLabel('Surname').fill(NEW_SURNAME);
    await page.getByLabel('Phone number').fill(NEW_PHONE.typed);
    await submit(page, page.getByRole('button', { name: 'Save my details' }), '/account/details');
    await page.waitForURL((u) => u.pathname === '/account/details' && u.searchParams.get('saved') === '1');
    expect(await page.locator('.notice-success').textContent()).toBe('Your details are saved.');
    expect(await page.getByLabel('Surname').inputValue()).toBe(NEW_SURNAME);
    expect(await page.getByLabel('Phone number').inputValue()).toBe(NEW_PHONE.tidy);
    await screenshot(page, '35a-details-saved');
    await accountNav(page).getByRole('link', { name: 'Account Home' }).click();
    await page.waitForURL((u) => u.pathname === '/account');
    const detailsCard = page.locator('.account-cards > li').filter({ has: page.getByRole('heading', { name: 'My details' }) });
    expect(await detailsCard.textContent()).toContain(`${CUSTOMER.firstName} ${NEW_SURNAME}`);
    // A long e-mail address wraps inside its card instead of running into the next one.
    expect(await detailsCard.evaluate((li) => li.scrollWidth <= li.clientWidth)).toBe(true);
    expect(await detailsCard.textContent()).toContain(NEW_PHONE.tidy);

    // 5. Address book: the registration address is the default; add a second and make it the default.
    await openSection(page, 'Address book', '/account/addresses');
    const cards = page.locator('.address-list > li');
    expect(await cards.count()).toBe(1);
    expect(await page.locator('.address-list > li.is-default').textContent()).toContain(CUSTOMER.line1);
    // The new address's name starts from the account's, as just corrected.
    expect(await page.getByLabel('Surname').inputValue()).toBe(NEW_SURNAME);
    await page.getByLabel('Address line 1', { exact: true }).fill(SECOND.line1);
    await page.getByLabel('Town or city').fill(SECOND.city);
    await page.getByLabel('Postcode').fill(SECOND.typedPostcode);
    await submit(page, page.getByRole('button', { name: 'Add the address' }), '/account/addresses');
    await page.waitForURL((u) => u.searchParams.get('done') === 'added');
    expect(await cards.count()).toBe(2);
    expect(await page.locator('.address-list > li.is-default').textContent()).toContain(CUSTOMER.line1);
    const secondId = ((await page.getByRole('link', { name: `Change the address at ${SECOND.line1}` }).getAttribute('href')) ?? '')
      .split('/')
      .pop();
    await submit(
      page,
      page.getByRole('button', { name: `Make default the address at ${SECOND.line1}` }),
      `/account/addresses/${secondId}/default`,
    );
    await page.waitForURL((u) => u.searchParams.get('done') === 'default');
    expect(await page.locator('.notice-success').textContent()).toBe('Your default delivery address is changed.');
    const byDefault = page.locator('.address-list > li.is-default');
    expect(await byDefault.count()).toBe(1);
    expect(await byDefault.textContent()).toContain(SECOND.line1);
    expect(await byDefault.textContent()).toContain(SECOND.postcode);
    expect(await page.getByRole('button', { name: `Make default the address at ${CUSTOMER.line1}` }).count()).toBe(1);
    await expectAccessible(page, '36-addresses');

    // 6. Buy a ring: the checkout is filled in from the account and its default address.
    const ring = await addRingToBag(page);
    await page.getByRole('link', { name: 'Checkout securely' }).click();
    await page.waitForURL((u) => u.pathname === '/checkout');
    expect(await heading(page)).toBe('Checkout');
    expect(await page.getByLabel('First name', { exact: true }).inputValue()).toBe(CUSTOMER.firstName);
    expect(await page.getByLabel('Surname', { exact: true }).inputValue()).toBe(NEW_SURNAME);
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(CUSTOMER.email);
    expect(await page.getByLabel('Phone number').inputValue()).toBe(NEW_PHONE.tidy);
    expect(await page.locator('#billing_line1').inputValue()).toBe(SECOND.line1);
    expect(await page.locator('#billing_postcode').inputValue()).toBe(SECOND.postcode);
    expect(await page.getByLabel('Deliver to my billing address').isChecked()).toBe(true);
    // Two saved addresses: delivery may go to either, chosen from the address book.
    expect(await page.getByLabel('Deliver to a saved address').locator('option').count()).toBe(3);
    await expectAccessible(page, '37-checkout-signed-in');
    await page.getByLabel(/Royal Mail Tracked 48/).check();
    await submit(page, page.getByRole('button', { name: 'Continue to payment' }), '/checkout');
    await page.waitForURL(/\/orders\/AS-[0-9A-Z]+\?key=/);
    const number = new URL(page.url()).pathname.split('/').pop() ?? '';
    await pay(page);
    expect(await heading(page)).toBe('Thank you — your order is confirmed');
    expect(await page.locator('.eyebrow').textContent()).toContain(number);
    await screenshot(page, '38-confirmed');

    // 7. Orders: listed with its number and "Paid"; its page shows the lines and the delivery address.
    await page.goto(`${shop.url}/account`);
    expect(await page.getByRole('link', { name: number }).count()).toBe(1);
    await openSection(page, 'Orders', '/account/orders');
    const row = page.locator('.data-table tbody tr').filter({ has: page.getByRole('link', { name: number }) });
    expect(await row.count()).toBe(1);
    expect((await row.locator('.status').textContent())?.trim()).toBe('Paid');
    await expectAccessible(page, '39-orders');
    await row.getByRole('link', { name: number }).click();
    await page.waitForURL((u) => u.pathname === `/account/orders/${number}`);
    expect(await heading(page)).toBe(`Order ${number}`);
    expect(await page.locator('.eyebrow .status').textContent()).toBe('Paid');
    expect(await page.locator('main').textContent()).toContain(ring);
    const deliveringTo = (await page.locator('section[aria-labelledby="deliver-heading"] address').innerText()).split('\n');
    expect(deliveringTo).toEqual([`${CUSTOMER.firstName} ${NEW_SURNAME}`, SECOND.line1, SECOND.city, SECOND.postcode]);
    await expectAccessible(page, '40-order-detail');

    // 8. Newsletter Subscription: tick the General Subscription, and it stays ticked.
    await openSection(page, 'Newsletter Subscription', '/account/newsletter');
    const general = page.getByLabel(/^General Subscription/);
    expect(await general.isChecked()).toBe(false);
    await expectAccessible(page, '41-newsletter');
    await general.check();
    await submit(page, page.getByRole('button', { name: 'Save', exact: true }), '/account/newsletter');
    await page.waitForURL((u) => u.pathname === '/account/newsletter' && u.searchParams.get('saved') === '1');
    expect(await page.locator('.notice-success').textContent()).toBe('Saved: you are subscribed to the General Subscription.');
    await page.reload();
    expect(await general.isChecked()).toBe(true);

    // 9. Privacy: nobody from the shop has looked at this account.
    await openSection(page, 'Privacy', '/account/privacy');
    expect(await page.locator('main').textContent()).toContain('Nobody has looked at your data.');
    await expectAccessible(page, '42-privacy');

    // 10. Security: this session, with a browser label; then sign out.
    await openSection(page, 'Security', '/account/security');
    const sessions = page.locator('.session-list > li');
    expect(await sessions.count()).toBe(1);
    expect(await sessions.locator('.tag').textContent()).toBe('This device');
    const device = ((await sessions.locator('h3').textContent()) ?? '').trim();
    expect(device).toMatch(/Chrom/);
    expect(device).not.toBe('Unknown browser');
    await expectAccessible(page, '43-security');

    const token = (await context.cookies()).find((c) => c.name === 'assay_session');
    expect(token).toBeDefined();
    await submit(page, accountNav(page).getByRole('button', { name: 'Sign out' }), '/account/sign-out');
    await page.waitForURL((u) => u.pathname === '/account/sign-in');
    await page.getByText('You are signed out.').waitFor();
    expect((await context.cookies()).find((c) => c.name === 'assay_session')).toBeUndefined();
    await page.goto(`${shop.url}/account`);
    expect(new URL(page.url()).pathname).toBe('/account/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/account');
    // The session ended on the server too: the old cookie, put back, opens nothing.
    await context.addCookies([token!]);
    await page.goto(`${shop.url}/account/orders`);
    expect(new URL(page.url()).pathname).toBe('/account/sign-in');
    await screenshot(page, '44-signed-out');

    await context.close();
  });
});
