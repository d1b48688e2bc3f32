import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSENT_WORDING, type PurposeKey } from '../../src/features/consent/consent.inventory.js';
import {
  addressHashOf,
  reachableAddresses,
  recordConsent,
  recordShared,
  unsubscribeToken,
  unsubscribeUrl,
  unsubscribeWithToken,
  withdrawAddress,
} from '../../src/features/consent/consent.service.js';
import { UNSUBSCRIBE_PLACEHOLDER, deliverDueMail, enqueueMail, enqueueMarketingMail } from '../../src/features/mail/outbox.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  CUSTOMER_PASSWORD,
  checkout,
  formValues,
  lastMail,
  linkToken,
  newPerson,
  send,
  signInShopper,
  signedInCustomer,
} from '../support/customer.js';
import { Shopper } from '../support/shopper.js';
import { signInAs } from '../support/staff.js';

let shop: TestShop;
let now = new Date('2026-12-01T10:30:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '1000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-12-01T10:30:00Z');
});

const at = (iso: string) => {
  now = new Date(iso);
};

function decode(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of a checkbox's label on a page, as a person reads it (null when there is no such box). */
function labelText(html: string, name: string): string | null {
  const inner = html.match(new RegExp(`<label class="check" for="${name}">([\\s\\S]*?)</label>`))?.[1];
  return inner === undefined ? null : decode(inner);
}

/** The lines of the consent history on the Newsletter Subscription page, as read. */
function historyLines(html: string): string[] {
  const list = html.match(/<ol class="plain consent-history">([\s\S]*?)<\/ol>/)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => decode(m[1] as string));
}

let partnerCount = 0;
async function declarePartner(overrides: { name?: string; receives?: string[]; retired?: boolean } = {}) {
  partnerCount++;
  const name = overrides.name ?? `Partner ${partnerCount} Ltd`;
  const row = await shop.app.db
    .insertInto('partners')
    .values({
      name,
      receives: JSON.stringify(overrides.receives ?? ['first_name', 'email']),
      why: 'to send you its catalogue of ring boxes',
      country: 'Ireland',
      policy_url: `https://partner-${partnerCount}.example/privacy`,
      created_at: now.toISOString(),
      retired_at: overrides.retired ? now.toISOString() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name, purpose: `partner:${row.id}` as PurposeKey, policyUrl: `https://partner-${partnerCount}.example/privacy` };
}

const retire = (id: number) => shop.app.db.updateTable('partners').set({ retired_at: now.toISOString() }).where('id', '=', id).execute();

/** Every ledger entry of an account, with the words it stores. */
const ledgerOfAccount = (customerId: number) =>
  shop.app.db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
    .select(['l.id', 'l.purpose', 'l.action', 'l.method', 'l.policy_version', 'l.at', 'w.text as wording'])
    .where('l.customer_id', '=', customerId)
    .orderBy('l.id')
    .execute();

const suppressions = (email: string) =>
  shop.app.db
    .selectFrom('marketing_suppressions')
    .select(['purpose', 'method'])
    .where('address_hash', '=', addressHashOf(shop.app.db, email))
    .orderBy('purpose')
    .execute();

const policyVersion = async () => (await shop.app.privacy.policy(now)).version;
const reaches = async (email: string, purpose: string) => (await reachableAddresses(shop.app.db, [email], purpose)).has(email);

/** Saves the Newsletter Subscription page with the boxes as shown, changed by `changes` (a box set to null is unticked). */
async function saveNewsletter(shopper: Shopper, changes: Record<string, 'yes' | null>) {
  const page = await shopper.get('/account/newsletter');
  const fields = formValues(page.body, '/account/newsletter');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete fields[name];
    else fields[name] = value;
  }
  const res = await shopper.post('/account/newsletter', fields);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return page.body;
}

const ticked = async (shopper: Shopper) => formValues((await shopper.get('/account/newsletter')).body, '/account/newsletter');

describe(`Account Home > Newsletter Subscription (${testDialect})`, () => {
  it('offers the General Subscription, feedback requests and each partner in use as unticked boxes, and describes each partner', async () => {
    const acme = await declarePartner({ name: 'Acme Boxes Ltd', receives: ['email', 'first_name', 'postcode'] });
    const gone = await declarePartner({ name: 'Retired Wraps Ltd', retired: true });
    const { shopper } = await signedInCustomer(shop.app);
    const page = (await shopper.get('/account/newsletter')).body;

    expect(labelText(page, 'general_subscription')).toBe(CONSENT_WORDING.accountGeneral);
    expect(labelText(page, 'feedback_requests')).toBe(CONSENT_WORDING.accountFeedback);
    expect(labelText(page, `partner_${acme.id}`)).toBe(
      CONSENT_WORDING.partner({
        name: 'Acme Boxes Ltd',
        receives: 'first name, e-mail address and postcode',
        why: 'to send you its catalogue of ring boxes',
      }),
    );
    expect(labelText(page, `partner_${gone.id}`)).toBeNull();
    expect(page).not.toContain('Retired Wraps Ltd');
    const shown = formValues(page, '/account/newsletter');
    for (const name of ['general_subscription', 'feedback_requests', `partner_${acme.id}`]) expect(shown[name]).toBeUndefined();

    const text = decode(page);
    expect(text).toContain('Acme Boxes Ltd would receive your first name, e-mail address and postcode');
    expect(text).toContain('It is based in Ireland.');
    expect(page).toContain(`href="${acme.policyUrl}"`);
    expect(text).toContain('We never sell your data.');
    // Withdrawing: at once, and the suppression list, which the policy explains.
    expect(text).toContain('takes effect at once');
    expect(text).toContain('suppression list');
    expect(page).toContain('href="/privacy"');
    await retire(acme.id);
  });

  it.each([
    { box: 'general_subscription', purpose: 'general-subscription', wording: CONSENT_WORDING.accountGeneral },
    { box: 'feedback_requests', purpose: 'feedback', wording: CONSENT_WORDING.accountFeedback },
    { box: 'partner', purpose: 'partner', wording: null },
  ])('ticks and unticks $box, recording exactly the words shown, and only when it changes', async ({ box, purpose, wording }) => {
    const partner = box === 'partner' ? await declarePartner() : null;
    const field = partner ? `partner_${partner.id}` : box;
    const key = (partner ? partner.purpose : purpose) as PurposeKey;
    const { shopper, id, person } = await signedInCustomer(shop.app);

    const page = await saveNewsletter(shopper, { [field]: 'yes' });
    const label = labelText(page, field);
    if (wording) expect(label).toBe(wording);
    const given = await ledgerOfAccount(id);
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({
      purpose: key,
      action: 'given',
      method: 'account',
      wording: label,
      policy_version: await policyVersion(),
      at: now.toISOString(),
    });
    expect((await ticked(shopper))[field]).toBe('yes');
    expect(await reaches(person.email, key)).toBe(true);
    // The boxes left as they were made no entry, and put nothing on the suppression list.
    expect(await suppressions(person.email)).toEqual([]);

    // Saving again without a change records nothing.
    at('2026-12-01T10:40:00Z');
    await saveNewsletter(shopper, {});
    expect(await ledgerOfAccount(id)).toHaveLength(1);

    at('2026-12-01T10:50:00Z');
    await saveNewsletter(shopper, { [field]: null });
    const entries = await ledgerOfAccount(id);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ purpose: key, action: 'withdrawn', method: 'account', at: now.toISOString() });
    expect((await ticked(shopper))[field]).toBeUndefined();
    expect(await reaches(person.email, key)).toBe(false);
    expect(await suppressions(person.email)).toEqual([{ purpose: key, method: 'account' }]);
    if (partner) await retire(partner.id);
  });

  it('stops marketing at once when the General Subscription is un-checked, even an e-mail already queued (seed 001)', async () => {
    const { shopper, person } = await signedInCustomer(shop.app);
    await saveNewsletter(shopper, { general_subscription: 'yes' });
    const url = unsubscribeUrl(shop.app.db, shop.config.publicUrl, person.email, 'general-subscription');
    const news = {
      kind: 'campaign',
      purpose: 'general-subscription',
      unsubscribeUrl: url,
      reference: 'campaign-test',
      to: person.email,
      subject: 'New pieces',
      text: `New pieces are in. Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`,
      html: `<p>New pieces are in. <a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p>`,
    };
    const queued = await enqueueMail(shop.app.db, news, now, 'test.example');
    expect(queued).toBeGreaterThan(0);

    await saveNewsletter(shopper, { general_subscription: null });
    expect(await enqueueMarketingMail(shop.app.db, news, now, 'test.example')).toBeNull();
    await deliverDueMail(shop.app.db, shop.app.mailer, now);
    const row = await shop.app.db
      .selectFrom('mail_outbox')
      .select(['sent_at', 'withheld_at'])
      .where('id', '=', queued as number)
      .executeTakeFirstOrThrow();
    expect(row.sent_at).toBeNull();
    expect(row.withheld_at).not.toBeNull();
  });

  it('ignores a box for a partner retired since the page was shown', async () => {
    const partner = await declarePartner();
    const { shopper, id } = await signedInCustomer(shop.app);
    const page = await shopper.get('/account/newsletter');
    await retire(partner.id);
    const res = await shopper.post('/account/newsletter', {
      ...formValues(page.body, '/account/newsletter'),
      [`partner_${partner.id}`]: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(await ledgerOfAccount(id)).toEqual([]);
  });

  it('still lets a consent to a partner be withdrawn after the partner is retired, but never given anew', async () => {
    const partner = await declarePartner({ name: 'Old Ribbons Ltd' });
    const { shopper, id, person } = await signedInCustomer(shop.app);
    await saveNewsletter(shopper, { [`partner_${partner.id}`]: 'yes' });
    await retire(partner.id);

    const page = (await shopper.get('/account/newsletter')).body;
    expect(formValues(page, '/account/newsletter')[`partner_${partner.id}`]).toBe('yes');
    expect(decode(page)).toContain('We no longer work with Old Ribbons Ltd, and share nothing with it.');
    at('2026-12-01T10:40:00Z');
    await saveNewsletter(shopper, { [`partner_${partner.id}`]: null });
    expect((await ledgerOfAccount(id)).map((e) => [e.purpose, e.action])).toEqual([
      [partner.purpose, 'given'],
      [partner.purpose, 'withdrawn'],
    ]);
    expect(await reaches(person.email, partner.purpose)).toBe(false);
    // Withdrawn, it is no longer offered at all.
    expect(labelText((await shopper.get('/account/newsletter')).body, `partner_${partner.id}`)).toBeNull();
  });
});

describe(`Account Home's consent history (${testDialect})`, () => {
  it('tells every kind of entry in words, newest first, with the words shown and the policy version — a retired partner still named', async () => {
    const person = newPerson();
    const acme = await declarePartner({ name: 'Acme Boxes Ltd', receives: ['first_name', 'email'] });
    const staff = await signInAs(shop.app, 'customer_service');
    const actor = { staffId: staff.staffId, role: 'customer_service' };

    // Before the account: a newsletter sign-up of the same address.
    at('2026-12-01T09:00:00Z');
    const version = await policyVersion();
    await recordConsent(
      shop.app.db,
      {
        subject: { customerId: null, email: person.email },
        purpose: 'general-subscription',
        action: 'given',
        method: 'newsletter-confirmation',
        wording: CONSENT_WORDING.newsletterForm,
        policyVersion: version,
      },
      now,
    );
    at('2026-12-01T09:30:00Z');
    const { shopper, id } = await signedInCustomer(shop.app, { email: person.email });

    at('2026-12-01T10:00:00Z');
    await saveNewsletter(shopper, { feedback_requests: 'yes', [`partner_${acme.id}`]: 'yes' });
    at('2026-12-01T10:15:00Z');
    const link = unsubscribeToken(shop.app.db, person.email, 'general-subscription');
    expect(await unsubscribeWithToken(shop.app.db, link, 'unsubscribe-link', now, 'campaign-1')).toEqual({
      ok: true,
      purpose: 'general-subscription',
    });
    at('2026-12-01T10:30:00Z');
    await recordShared(
      shop.app.db,
      {
        subject: { customerId: id, email: person.email },
        purpose: acme.purpose as `partner:${number}`,
        detail: 'first name and e-mail address',
        reason: 'The monthly list',
        actor,
      },
      now,
    );
    at('2026-12-01T10:45:00Z');
    await unsubscribeWithToken(shop.app.db, unsubscribeToken(shop.app.db, person.email, 'feedback'), 'one-click', now);
    at('2026-12-01T11:00:00Z');
    await saveNewsletter(shopper, { general_subscription: 'yes' });
    at('2026-12-01T11:15:00Z');
    await withdrawAddress(
      shop.app.db,
      { email: person.email, purpose: 'general-subscription', method: 'staff', staff: { actor, reason: 'Letter received' } },
      now,
    );
    await retire(acme.id);

    at('2026-12-01T11:30:00Z');
    const page = (await shopper.get('/account/newsletter')).body;
    // Retired, the partner is offered no more; the consent still given to it can be withdrawn.
    expect(decode(page)).toContain('We no longer work with Acme Boxes Ltd, and share nothing with it.');
    const versions = new Map((await ledgerOfAccount(id)).map((e) => [e.at, e.policy_version]));
    const v = (iso: string) => versions.get(iso) ?? 'missing';
    expect(historyLines(page)).toEqual([
      '1 December 2026 at 11:15 — You withdrew your consent to the General Subscription, by writing to us; our staff recorded your request.',
      `1 December 2026 at 11:00 — You agreed to the General Subscription, in Account Home. The words you saw: “${CONSENT_WORDING.accountGeneral}” Privacy policy in force: version ${v('2026-12-01T11:00:00.000Z')}, of 1 December 2026.`,
      "1 December 2026 at 10:45 — You withdrew your consent to feedback requests, with your e-mail program's unsubscribe button.",
      '1 December 2026 at 10:30 — We shared your first name and e-mail address with Acme Boxes Ltd, as you agreed.',
      '1 December 2026 at 10:15 — You withdrew your consent to the General Subscription, with the Unsubscribe link in one of our e-mails.',
      `1 December 2026 at 10:00 — You agreed to sharing your details with Acme Boxes Ltd, in Account Home. The words you saw: “${CONSENT_WORDING.partner({ name: 'Acme Boxes Ltd', receives: 'first name and e-mail address', why: 'to send you its catalogue of ring boxes' })}” Privacy policy in force: version ${v('2026-12-01T10:00:00.000Z')}, of 1 December 2026.`,
      `1 December 2026 at 10:00 — You agreed to feedback requests, in Account Home. The words you saw: “${CONSENT_WORDING.accountFeedback}” Privacy policy in force: version ${v('2026-12-01T10:00:00.000Z')}, of 1 December 2026.`,
      `1 December 2026 at 09:00 — You agreed to the General Subscription, by confirming the e-mail we sent when you signed up on our newsletter form. The words you saw: “${CONSENT_WORDING.newsletterForm}” Privacy policy in force: version ${version}, of 1 December 2026.`,
    ]);
    expect(v('2026-12-01T10:00:00.000Z')).toMatch(/^[0-9a-f]{12}$/);

    // Account Home's tile leads to it.
    const home = (await shopper.get('/account')).body;
    expect(home).toContain('href="/account/newsletter#history"');
    expect(page).toContain('id="history"');
  });

  it('tells a consent given at registration and at checkout, with the words each form showed', async () => {
    // Registration with its tick, as a person does it.
    at('2026-12-01T10:00:00Z');
    const person = newPerson();
    const visitor = new Shopper(shop.app);
    const form = (await visitor.get('/account/register')).body;
    const registered = await send(visitor, '/account/register', '/account/register', { ...person, general_subscription: 'yes' });
    expect(registered.statusCode).toBe(303);
    const verifyToken = linkToken((await lastMail(shop.app, person.email, 'account-verify'))?.text_body, '/account/verify');
    expect((await send(visitor, `/account/verify?token=${verifyToken}`, '/account/verify', { token: verifyToken })).statusCode).toBe(303);
    const shopper = await signInShopper(shop.app, person.email);

    at('2026-12-01T10:15:00Z');
    await saveNewsletter(shopper, { general_subscription: null });
    at('2026-12-01T10:45:00Z');
    const placed = await checkout(shop.app, shopper, { general_subscription: 'yes' });

    const lines = historyLines((await shopper.get('/account/newsletter')).body);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(
      `1 December 2026 at 10:45 — You agreed to the General Subscription, at checkout. The words you saw: “${labelText(placed.checkoutPage, 'general_subscription')}”`,
    );
    expect(lines[1]).toContain('1 December 2026 at 10:15 — You withdrew your consent to the General Subscription, in Account Home.');
    expect(lines[2]).toContain(
      `1 December 2026 at 10:00 — You agreed to the General Subscription, when you opened your account. The words you saw: “${labelText(form, 'general_subscription')}”`,
    );
    expect(labelText(form, 'general_subscription')).toBe(CONSENT_WORDING.registration);
    expect(labelText(placed.checkoutPage, 'general_subscription')).toBe(CONSENT_WORDING.checkout);
  });

  it('says so when there is no history yet', async () => {
    const { shopper } = await signedInCustomer(shop.app);
    const page = (await shopper.get('/account/newsletter')).body;
    expect(historyLines(page)).toEqual([]);
    expect(page).toContain('You have not given us any consent yet.');
  });
});

/** The address of an account, as the customers table holds it. */
async function ledgerEmail(customerId: number): Promise<string | undefined> {
  return (await shop.app.db.selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirst())?.email;
}

describe(`Changing the account's address (${testDialect})`, () => {
  it("takes the account's consents to the new address: a campaign reaches the new address and not the old", async () => {
    const { shopper, person, id } = await signedInCustomer(shop.app);
    await saveNewsletter(shopper, { general_subscription: 'yes' });
    expect(await reaches(person.email, 'general-subscription')).toBe(true);

    const newAddress = newPerson().email;
    at('2026-12-01T11:00:00Z');
    const asked = await send(shopper, '/account/details', '/account/details/email', {
      email: newAddress,
      current_password: CUSTOMER_PASSWORD,
    });
    expect(asked.statusCode, asked.body.slice(0, 300)).toBe(303);
    const token = linkToken((await lastMail(shop.app, newAddress, 'account-email-confirm'))?.text_body, '/account/email/confirm');
    const confirmed = await send(shopper, `/account/email/confirm?token=${token}`, '/account/email/confirm', { token });
    expect(confirmed.statusCode).toBe(303);
    expect(await ledgerEmail(id)).toBe(newAddress);

    const reached = await reachableAddresses(shop.app.db, [newAddress, person.email], 'general-subscription');
    expect([...reached]).toEqual([newAddress]);
    // Account Home follows: the box is still ticked, and the move is in the history.
    expect((await ticked(shopper)).general_subscription).toBe('yes');
    const lines = historyLines((await shopper.get('/account/newsletter')).body);
    expect(lines[0]).toBe(
      '1 December 2026 at 11:00 — Your choices moved to your new e-mail address, when you changed the e-mail address of your account.',
    );
  });
});
