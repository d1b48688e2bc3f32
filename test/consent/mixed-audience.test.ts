import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsSendJob } from '../../src/features/campaigns/campaigns.job.js';
import { addressHashOf, unsubscribeUrl, verifyConsentLedger } from '../../src/features/consent/consent.service.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { erasePerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { keepingMailer } from '../support/mail.js';
import { oneClickUnsubscribe, signUpAndConfirm, signUpForNewsletter, unsubscribeLinkOf } from '../support/consent.js';
import { checkout, registerAndVerify, send, signInShopper } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * One campaign to a mixed audience, everyone made through the shop as they would be: it reaches
 * exactly those who consent when it is sent — not those who withdrew by any of the five routes
 * (the Account Home box, the Unsubscribe link's page, one-click, and staff recording a request by
 * e-mail and by post), nor those never asked, a sign-up never confirmed, a suppressed address, or
 * an erased account.
 */
let shop: TestShop;
let now = new Date('2026-12-01T10:00:00Z');
const db = () => shop.app.db;
const tag = Date.now().toString(36);
const address = (who: string) => `${who}.${tag}@example.org`;

/** A customer who ticks the General Subscription in Account Home; the signed-in browser is returned. */
async function subscribedCustomer(who: string): Promise<Shopper> {
  const { person } = await registerAndVerify(shop.app, { email: address(who) });
  const shopper = await signInShopper(shop.app, person.email);
  expect((await send(shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' })).statusCode).toBe(303);
  return shopper;
}

/** The unsubscribe link each person would find in a marketing e-mail (the one the campaign would carry). */
async function linkFor(email: string): Promise<string> {
  return unsubscribeLinkOf(unsubscribeUrl(db(), shop.app.config.publicUrl, email, 'general-subscription'));
}

const CONSENTED = ['newsletter', 'customer', 'newsletter-and-customer'];
const NOT = [
  'withdrawn-in-account',
  'withdrawn-by-link',
  'withdrawn-by-one-click',
  'withdrawn-by-email-to-staff',
  'withdrawn-by-post-to-staff',
  'never-asked-customer',
  'never-asked-guest',
  'unconfirmed',
  'suppressed',
  'erased',
];

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } });
  const app = shop.app;

  // Consenting now.
  await signUpAndConfirm(app, address('newsletter'));
  await subscribedCustomer('customer');
  await signUpAndConfirm(app, address('newsletter-and-customer'));
  await subscribedCustomer('newsletter-and-customer');

  // Withdrawn, by each route.
  const inAccount = await subscribedCustomer('withdrawn-in-account');
  expect((await send(inAccount, '/account/newsletter', '/account/newsletter', {})).statusCode).toBe(303);

  await signUpAndConfirm(app, address('withdrawn-by-link'));
  const link = await linkFor(address('withdrawn-by-link'));
  const page = await app.inject({ method: 'GET', url: link });
  expect(page.statusCode).toBe(200);
  // The page's own button: a plain form post, no cookie or token needed.
  expect(
    (await app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' }))
      .statusCode,
  ).toBeLessThan(400);

  await signUpAndConfirm(app, address('withdrawn-by-one-click'));
  expect((await oneClickUnsubscribe(app, await linkFor(address('withdrawn-by-one-click')))).statusCode).toBe(200);

  const member = await signInAs(app, 'customer_service');
  for (const [who, channel] of [
    ['withdrawn-by-email-to-staff', 'email'],
    ['withdrawn-by-post-to-staff', 'post'],
  ] as const) {
    await signUpAndConfirm(app, address(who));
    const res = await adminPost(app, member.cookie, '/admin/marketing-requests', '/admin/marketing-requests', {
      email: address(who),
      purpose: 'general-subscription',
      channel,
      reason: `Asked by ${channel} to be removed from the marketing database`,
    });
    expect(res.statusCode).toBe(303);
  }

  // Never asked: an account that left the box unticked, and a guest who bought without ticking.
  await registerAndVerify(app, { email: address('never-asked-customer') });
  await checkout(app, new Shopper(app), { ...GUEST, email: address('never-asked-guest') });

  // A sign-up never confirmed.
  expect((await signUpForNewsletter(app, address('unconfirmed'))).statusCode).toBe(303);

  // A consent row for an address on the suppression list (as one restored from an old backup would be).
  await signUpAndConfirm(app, address('suppressed'));
  await sql`insert into marketing_suppressions (address_hash, purpose, method, created_at)
    values (${addressHashOf(db(), address('suppressed'))}, 'general-subscription', 'one-click', ${now.toISOString()})`.execute(db());

  // An account that consented, then was erased.
  await subscribedCustomer('erased');
  await erasePerson(db(), (await findPerson(db(), { email: address('erased') }))!, now);
});
afterAll(async () => shop?.close());

describe(`a campaign to a mixed audience (${testDialect})`, () => {
  it('reaches exactly the people who consent when it is sent, once each', async () => {
    const manager = await signInAs(shop.app, 'manager');
    const created = await adminPost(shop.app, manager.cookie, '/admin/campaigns/new', '/admin/campaigns/new', {
      title: 'Everyone?',
      subject: 'New pieces',
      body: 'Our winter pieces are in.',
    });
    const id = Number(/\/admin\/campaigns\/(\d+)/.exec(String(created.headers.location))?.[1]);
    expect((await adminPost(shop.app, manager.cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/send-now`, {})).statusCode).toBe(
      303,
    );
    expect(await campaignsSendJob.run(shop.app, now)).toMatchObject({ started: 1, queued: CONSENTED.length });

    now = new Date(now.getTime() + 3_600_000);
    const mailer = keepingMailer();
    for (let i = 0; i < 5; i++) await deliverDueMail(db(), mailer, now);
    const reached = mailer.sent.filter((m) => m.subject === 'New pieces').map((m) => m.to.toLowerCase());
    expect(reached.sort()).toEqual(CONSENTED.map(address).sort());
    for (const who of NOT) expect(reached, who).not.toContain(address(who));
    for (const m of mailer.sent.filter((x) => x.subject === 'New pieces')) {
      expect(m.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(m.text).toContain('/unsubscribe/');
    }
    expect(await verifyConsentLedger(db())).toMatchObject({ ok: true });
  });
});
