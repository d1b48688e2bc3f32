import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  CUSTOMER_PASSWORD,
  type TestCustomer,
  awaitMail,
  lastMail,
  linkToken,
  newPerson,
  send,
  signInShopper,
  signedInCustomer,
} from '../support/customer.js';
import { Shopper } from '../support/shopper.js';

/**
 * A stolen session must not outlive the owner's fix: moving the account to another address needs
 * the password, and a password change, a reset or "sign out of all other devices" cancels every
 * pending e-mail-change and reset link. A reset link also stops working once its owner signs in.
 */
let shop: TestShop;

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());

const fieldError = (html: string, name: string) => html.match(new RegExp(`id="${name}-error">([^<]*)<`))?.[1];
const emailOf = async (id: number) =>
  (await shop.app.db.selectFrom('customers').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;
const changeTokens = (email: string) =>
  shop.app.db.selectFrom('customer_tokens').select('id').where('email', '=', email).where('purpose', '=', 'change-email').execute();

/** Asks to move the account to a new address; returns the new address and its confirmation link's token. */
async function pendingEmailChange(c: TestCustomer): Promise<{ next: string; token: string }> {
  const next = newPerson().email;
  const asked = await send(c.shopper, '/account/details', '/account/details/email', { email: next, current_password: CUSTOMER_PASSWORD });
  expect(asked.headers.location).toBe('/account/details?email=sent');
  return { next, token: linkToken((await lastMail(shop.app, next, 'account-email-confirm'))?.text_body, '/account/email/confirm') };
}

/** Asks for a reset link for the address; returns its token. */
async function pendingReset(email: string): Promise<string> {
  const before = (await lastMail(shop.app, email, 'account-reset'))?.id ?? 0;
  expect((await send(new Shopper(shop.app), '/account/reset', '/account/reset', { email })).statusCode).toBe(200);
  return linkToken((await awaitMail(shop.app, email, 'account-reset', before)).text_body, '/account/reset/choose');
}

/** Whether each link still works: the reset form opens, and the new address can be confirmed. */
async function linksStillWork(c: TestCustomer, change: { next: string; token: string }, reset: string) {
  const s = new Shopper(shop.app);
  const resetOpens = (await s.get(`/account/reset/choose?token=${reset}`)).statusCode === 200;
  const confirm = await send(s, `/account/email/confirm?token=${change.token}`, '/account/email/confirm', { token: change.token });
  return { resetOpens, emailChanged: confirm.statusCode === 303 && (await emailOf(c.id)) === change.next };
}

describe(`changing the e-mail address (${testDialect})`, () => {
  it('asks for the current password first, and sends nothing without it', async () => {
    const c = await signedInCustomer(shop.app);
    const next = newPerson().email;
    const page = await c.shopper.get('/account/details');
    expect(page.body).toMatch(/name="current_password"[^>]*type="password"|type="password"[^>]*name="current_password"/);

    const missing = await send(c.shopper, '/account/details', '/account/details/email', { email: next });
    expect(missing.statusCode).toBe(400);
    expect(fieldError(missing.body, 'current_password')).toBe('Please enter your current password.');
    expect(missing.body).toContain(`value="${next}"`);
    const wrong = await send(c.shopper, '/account/details', '/account/details/email', { email: next, current_password: 'a guess at it' });
    expect(wrong.statusCode).toBe(400);
    expect(fieldError(wrong.body, 'current_password')).toBe("That isn't your current password. Please try again.");
    expect(await changeTokens(next)).toEqual([]);
    expect(await lastMail(shop.app, next, 'account-email-confirm')).toBeUndefined();
    expect(await lastMail(shop.app, c.person.email, 'account-email-change')).toBeUndefined();

    const right = await send(c.shopper, '/account/details', '/account/details/email', { email: next, current_password: CUSTOMER_PASSWORD });
    expect([right.statusCode, right.headers.location]).toEqual([303, '/account/details?email=sent']);
    expect(await changeTokens(next)).toHaveLength(1);
  });
});

describe(`pending links end when the owner secures the account (${testDialect})`, () => {
  it('a password change on Security cancels pending e-mail-change and reset links', async () => {
    const c = await signedInCustomer(shop.app);
    const change = await pendingEmailChange(c);
    const reset = await pendingReset(c.person.email);
    const changed = await send(c.shopper, '/account/security', '/account/security/password', {
      current_password: CUSTOMER_PASSWORD,
      password: 'lighthouse meadow copper violin',
    });
    expect(changed.headers.location).toBe('/account/security?done=password');
    expect(await linksStillWork(c, change, reset)).toEqual({ resetOpens: false, emailChanged: false });
    expect(await emailOf(c.id)).toBe(c.person.email);
  });

  it('a password reset cancels a pending e-mail change and any other reset link', async () => {
    const c = await signedInCustomer(shop.app);
    const change = await pendingEmailChange(c);
    const reset = await pendingReset(c.person.email);
    const s = new Shopper(shop.app);
    const done = await send(s, `/account/reset/choose?token=${reset}`, '/account/reset/choose', {
      token: reset,
      password: 'a brand new long passphrase',
    });
    expect(done.headers.location).toBe('/account/sign-in?reset=1');
    expect(await linksStillWork(c, change, reset)).toEqual({ resetOpens: false, emailChanged: false });
  });

  it('"sign out of all other devices" cancels pending e-mail-change and reset links', async () => {
    const c = await signedInCustomer(shop.app);
    const thief = await signInShopper(shop.app, c.person.email);
    const change = await pendingEmailChange({ ...c, shopper: thief });
    const reset = await pendingReset(c.person.email);
    const others = await send(c.shopper, '/account/security', '/account/sessions/revoke-others', {});
    expect(others.headers.location).toBe('/account/security?done=others');
    expect((await c.shopper.follow(others)).body).toContain('any e-mail-change or password-reset link still waiting no longer works');
    expect((await thief.get('/account')).statusCode).toBe(303);
    expect(await linksStillWork(c, change, reset)).toEqual({ resetOpens: false, emailChanged: false });
  });

  it('a sign-in cancels a pending reset link, but not a pending e-mail change', async () => {
    const c = await signedInCustomer(shop.app);
    const change = await pendingEmailChange(c);
    const reset = await pendingReset(c.person.email);
    await signInShopper(shop.app, c.person.email);
    const s = new Shopper(shop.app);
    expect((await s.get(`/account/reset/choose?token=${reset}`)).statusCode).toBe(400);
    const used = await send(s, '/account/reset', '/account/reset/choose', { token: reset, password: 'a brand new long passphrase' });
    expect(used.statusCode).toBe(400);
    expect(await linksStillWork(c, change, reset)).toEqual({ resetOpens: false, emailChanged: true });
  });

  it('leaves the links alone while nothing of that kind happens', async () => {
    const c = await signedInCustomer(shop.app);
    const change = await pendingEmailChange(c);
    const reset = await pendingReset(c.person.email);
    expect(await linksStillWork(c, change, reset)).toEqual({ resetOpens: true, emailChanged: true });
  });
});
