import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { requestSignUp } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop } from './build-app.js';
import { type TestPerson, checkout, lastMail, linkToken, newPerson, payFor, registerAndVerify, send, signInShopper } from './customer.js';
import { formBody, openForm, submitForm } from './forms.js';
import { GUEST, Shopper } from './shopper.js';
import { TEST_PASSWORD, adminPost, signInAs } from './staff.js';

export const DAY = 86_400_000;

/** Limits lifted so that one journey may send many forms and leave many orders unpaid. */
export const JOURNEY_ENV = { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } as const;

/**
 * One test shop for the whole file, on the given clock: built before the file's tests and closed
 * after them (after the file's own `afterAll`, which runs first). The handle reads the shop only
 * once it is built.
 */
export function shopForThisFile(clock: () => Date): TestShop {
  let built: TestShop | undefined;
  beforeAll(async () => {
    built = await buildTestShop({ clock, env: { ...JOURNEY_ENV } });
  });
  afterAll(async () => built?.close());
  const shop = (): TestShop => {
    if (!built) throw new Error('the test shop is not built yet');
    return built;
  };
  return {
    get app() {
      return shop().app;
    },
    get config() {
      return shop().config;
    },
    get dataDir() {
      return shop().dataDir;
    },
    close: () => shop().close(),
  };
}

/** Adds an address in Account Home, by default Rosalind Franklin's in Cambridge. */
export async function addAddress(shopper: Shopper, fields: Record<string, string> = {}): Promise<void> {
  const address = { first_name: 'Rosalind', surname: 'Franklin', line1: '3 Kings Parade', city: 'Cambridge', postcode: 'CB2 1SJ' };
  const added = await send(shopper, '/account/addresses', '/account/addresses', { ...address, ...fields });
  expect(added.statusCode).toBe(303);
}

/** An account registered in a browser whose address is not confirmed yet; `confirm` follows the link in its e-mail. */
export async function registeredUnconfirmed(app: FastifyInstance, overrides: Partial<TestPerson> = {}) {
  const person = newPerson(overrides);
  const browser = new Shopper(app);
  expect((await send(browser, '/account/register', '/account/register', { ...person })).statusCode).toBe(303);
  const confirm = async () => {
    const token = linkToken((await lastMail(app, person.email, 'account-verify'))?.text_body, '/account/verify');
    expect((await send(browser, `/account/verify?token=${token}`, '/account/verify', { token })).statusCode).toBe(303);
  };
  return { person, confirm };
}

/** Sends the public contact form. */
export async function sendEnquiry(app: FastifyInstance, enquiry: { name: string; email: string; subject: string; message: string }) {
  const res = await submitForm(app, '/contact', '/contact', enquiry);
  expect(res.statusCode).toBeLessThan(400);
}

/** Dispatches an order from the back office (as fulfilment, unless a member's cookie is given), and marks it delivered if asked. */
export async function dispatchOrder(
  app: FastifyInstance,
  number: string,
  options: { cookie?: string; delivered?: boolean } = {},
): Promise<void> {
  const cookie = options.cookie ?? (await signInAs(app, 'fulfilment')).cookie;
  const page = `/admin/dispatch/${number}`;
  expect((await adminPost(app, cookie, page, `${page}/dispatch`, { tracking: 'AB123456789GB' })).statusCode).toBe(303);
  if (options.delivered) expect((await adminPost(app, cookie, page, `${page}/delivered`, { from: 'dispatch' })).statusCode).toBe(303);
}

/** Places an order for the shopper, pays for it and has it dispatched. */
export async function paidAndDispatched(app: FastifyInstance, shopper: Shopper) {
  const order = await checkout(app, shopper);
  await payFor(app, shopper, order.orderUrl);
  await dispatchOrder(app, order.number);
  return order;
}

/** A request made online and confirmed from its e-mail, as a person would; returns its row. */
export async function confirmedRequest(app: FastifyInstance, email: string, fields: Record<string, string | string[]>) {
  const res = await submitForm(app, '/privacy/rights', '/privacy/rights', { email, ...fields });
  expect(res.statusCode).toBe(303);
  const token = linkToken((await lastMail(app, email, 'privacy-request-confirm'))?.text_body, '/privacy/rights/confirm');
  const done = await app.inject({
    method: 'POST',
    url: '/privacy/rights/confirm',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.config.publicUrl },
    payload: formBody({ token }),
  });
  expect(done.statusCode).toBe(200);
  return app.db.selectFrom('privacy_requests').selectAll().where('email', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
}

/**
 * Rosalind Franklin's data across the shop, made through the real app: an account (registered,
 * confirmed, signed in) with an address in Cambridge; the General Subscription given and then
 * withdrawn (which puts the address on the suppression list) and a newsletter sign-up of the same
 * address still waiting for its confirmation; a paid order on the account and one as a guest with
 * the address in other capitals; an enquiry; and the e-mails all that sends.
 */
export async function customerAcrossTheShop(app: FastifyInstance, now: Date) {
  const { person, id } = await registerAndVerify(app, { first_name: 'Rosalind', surname: 'Franklin' });
  const shopper = await signInShopper(app, person.email);
  await addAddress(shopper);
  for (const choice of [{ general_subscription: 'yes' }, {}] as Record<string, string>[])
    expect((await send(shopper, '/account/newsletter', '/account/newsletter', choice)).statusCode).toBe(303);
  await pendingSignUp(app, person, now);
  const own = await checkout(app, shopper);
  await payFor(app, shopper, own.orderUrl);
  const guest = await checkout(app, new Shopper(app), { ...GUEST, email: person.email.toUpperCase() });
  await sendEnquiry(app, { name: 'Rosalind Franklin', email: person.email, subject: 'order', message: 'Could my ring be engraved?' });
  return { person, id, shopper, own, guest };
}

/** A newsletter sign-up of the person's address, waiting for its confirmation. */
async function pendingSignUp(app: FastifyInstance, person: TestPerson, now: Date): Promise<void> {
  await requestSignUp(
    app.db,
    {
      email: person.email,
      purpose: 'general-subscription',
      method: 'newsletter-confirmation',
      wording: CONSENT_WORDING.newsletterForm,
      policyVersion: 'test',
    },
    now,
    {
      compose: (token) => ({
        kind: 'newsletter-confirm',
        reference: 'sign-up',
        to: person.email,
        subject: 'Confirm',
        text: token,
        html: token,
      }),
      domain: 'example.org',
    },
  );
}

/**
 * An owner who changes a piece's price and stock, opens the given order, and signs in with a
 * password from a network (the member's networks, and the security notice it may send).
 */
export async function staffAcrossTheShop(app: FastifyInstance, orderNumber: string) {
  const member = await signInAs(app, 'owner');
  const v = await app.db
    .selectFrom('variants')
    .select(['id', 'product_id', 'price_pence'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const page = `/admin/products/${v.product_id}`;
  const saved = await adminPost(app, member.cookie, page, `${page}/variants/save`, {
    row: String(v.id),
    [`price-${v.id}`]: ((v.price_pence + 100) / 100).toFixed(2),
    [`delta-${v.id}`]: '+2',
    [`reason-${v.id}`]: 'delivery',
    [`note-${v.id}`]: 'From the workshop',
  });
  expect(saved.statusCode).toBe(303);
  const opened = await app.inject({ method: 'GET', url: `/admin/orders/${orderNumber}`, headers: { cookie: member.cookie } });
  expect(opened.statusCode).toBe(200);
  await staffPasswordSignIn(app, member.email);
  return member;
}

async function staffPasswordSignIn(app: FastifyInstance, email: string): Promise<LightMyRequestResponse> {
  const { csrf, cookie } = await openForm(app, '/admin/sign-in');
  return app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ _csrf: csrf, email, password: TEST_PASSWORD, next: '/admin' }),
  });
}
