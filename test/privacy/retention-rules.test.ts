import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../src/features/privacy/contracts.registry.js';
import type { Retention } from '../../src/features/privacy/inventory.js';
import type { JobName } from '../../src/jobs/names.js';
import { setDisabled } from '../../src/features/staff/staff.service.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { CONSENT_WORDING, type ConsentMethod, type PurposeKey } from '../../src/features/consent/consent.inventory.js';
import { recordConsent, requestSignUp, verifyConsentLedger } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { checkout, newPerson, payFor, pieceInStock, registerAndVerify, send, signInShopper } from '../support/customer.js';
import { formBody, submitForm } from '../support/forms.js';
import { feedbackToken } from '../../src/features/feedback/feedback.service.js';
import { closeWithOutcome } from '../../src/features/privacy/requests.service.js';
import { deriveKey } from '../../src/shared/crypto.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { findPerson } from '../../src/features/privacy/subjects.service.js';
import { adminPost, signInAs } from '../support/staff.js';
import { addPeople, closeBreach, decideNotToReport, recordBreach } from '../../src/features/breaches/breaches.service.js';

/**
 * Every retention job, run through the job registry's `run(app, now)` with a fixed clock against
 * rows the real app made: what is past its period goes, what is not stays. The jobs that only
 * deliver or seal are not retention jobs (nor the backup jobs, whose pruning is tested against a real restic
 * repository in test/backups); any other job name added to `JobName` needs a case here
 * before this file compiles.
 */
type RetentionJob = Exclude<
  JobName,
  | 'mail.deliver'
  | 'audit.anchor'
  | 'orders.release-reservations'
  | 'campaigns.send'
  | 'alerts.send'
  | 'feedback.requests'
  | 'backup.run'
  | 'backup.journal'
>;

const DAY = 86_400_000;
/**
 * The clock starts years back: the database itself refuses to remove an audit entry younger than
 * 6 years by its own (real) clock, so the audit case writes its entries long ago. Each case then
 * starts a day after the one before, so time only moves forward.
 */
let now = new Date('2015-01-05T10:00:00Z');
let shop: TestShop;
const startCase = () => (now = new Date(now.getTime() + DAY));
const at = (base: Date, days: number) => (now = new Date(base.getTime() + days * DAY));
const run = (name: RetentionJob) => jobRegistry[name].run(shop.app, now);
const tag = () => randomBytes(4).toString('hex');
const db = () => shop.app.db;

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());

async function enquiry(email: string) {
  const res = await submitForm(shop.app, '/contact', '/contact', { name: 'Ada', email, subject: 'other', message: 'Hello' });
  expect(res.statusCode).toBeLessThan(400);
}
const enquiriesFrom = async (email: string) =>
  (await db().selectFrom('contact_messages').select('id').where('email', '=', email).execute()).length;
const orderRow = (number: string) =>
  db().selectFrom('orders').select(['status', 'email', 'unpaid_email_hash']).where('number', '=', number).executeTakeFirst();

const cases: Record<RetentionJob, () => Promise<void>> = {
  'security.housekeeping': async () => {
    const base = startCase();
    const counters = async () => (await db().selectFrom('rate_limit_hits').select(['key', 'resets_at']).execute()).length;
    await db().deleteFrom('rate_limit_hits').execute();
    // Two searches count against the search limit's one-minute window, opened at `base`.
    for (let i = 0; i < 2; i++) expect((await shop.app.inject({ method: 'GET', url: '/search?q=ring' })).statusCode).toBe(200);
    expect(await counters()).toBe(1);
    // Half a minute on, the window is still open: the counter stays.
    expect(await jobRegistry['security.housekeeping'].run(shop.app, new Date(base.getTime() + 30_000))).toEqual({ deleted: 0 });
    expect(await counters()).toBe(1);
    // Once the window has ended it goes.
    expect(await jobRegistry['security.housekeeping'].run(shop.app, new Date(base.getTime() + 60_000))).toEqual({ deleted: 1 });
    expect(await counters()).toBe(0);
  },
  'privacy.requests': async () => {
    const base = startCase();
    // The job is run at later dates without moving the shared clock, which other cases need to stay years back.
    const later = (days: number) => new Date(base.getTime() + days * DAY);
    const runAt = (days: number) => jobRegistry['privacy.requests'].run(shop.app, later(days));
    const requestRow = (email: string) => db().selectFrom('privacy_requests').selectAll().where('email', '=', email).executeTakeFirst();
    const byId = (id: number) => db().selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirst();
    async function closedRequest(email: string) {
      await submitForm(shop.app, '/privacy/rights', '/privacy/rights', { kind: 'rectification', email, details: 'My surname is misspelt' });
      const mail = await db().selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
      const token = mail.text_body.match(/confirm\?token=([A-Za-z0-9_-]{43})/)?.[1] ?? '';
      const confirmed = await shop.app.inject({
        method: 'POST',
        url: '/privacy/rights/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.config.publicUrl },
        payload: formBody({ token }),
      });
      expect(confirmed.statusCode).toBe(200);
      const row = (await requestRow(email))!;
      expect(await closeWithOutcome(db(), row.reference, 'Corrected', { staffId: null, role: 'manager' }, now)).toMatchObject({ ok: true });
      return row.id;
    }
    const [old, recent, unconfirmed] = [`old-${tag()}@example.org`, `recent-${tag()}@example.org`, `never-${tag()}@example.org`];
    const oldId = await closedRequest(old);
    at(base, 10);
    const recentId = await closedRequest(recent);
    await submitForm(shop.app, '/privacy/rights', '/privacy/rights', { kind: 'access', email: unconfirmed });
    // Unconfirmed after 24 hours: expired.
    expect((await runAt(10.5)).expired).toBe(0);
    expect((await runAt(11.1)).expired).toBe(1);
    expect((await requestRow(unconfirmed))?.status).toBe('expired');
    // The details are emptied 30 days after closing; the record stays.
    await runAt(29);
    expect((await byId(oldId))?.email).toBe(old);
    await runAt(31);
    expect(await byId(oldId)).toMatchObject({ email: null, details: null, status: 'completed' });
    expect((await byId(recentId))?.email).toBe(recent);
    // The record itself goes 6 years after closing.
    await runAt(2191);
    expect(await byId(oldId)).toBeDefined();
    expect(await runAt(2193)).toMatchObject({ deleted: 1 });
    expect(await byId(oldId)).toBeUndefined();
    expect(await byId(recentId)).toMatchObject({ email: null, status: 'completed' });
    expect(await db().selectFrom('privacy_request_events').select('id').where('request_id', '=', oldId).execute()).toHaveLength(0);
  },
  'privacy.erasures': async () => {
    const base = startCase();
    const { person, id } = await registerAndVerify(shop.app);
    const buyer = await signInShopper(shop.app, person.email);
    const open = await checkout(shop.app, buyer);
    await payFor(shop.app, buyer, open.orderUrl);
    const erasing = await findPerson(db(), { customerId: id });
    const { journalId, waitingOrders } = await eraseSomeone(shop.app, erasing!, now, { requestId: null, actor: { kind: 'person' } });
    expect(waitingOrders).toEqual([open.number]);
    const entry = () => db().selectFrom('erasure_journal').selectAll().where('id', '=', journalId).executeTakeFirst();
    // Not yet dispatched: the order waits, with its details.
    at(base, 40);
    expect(await run('privacy.erasures')).toMatchObject({ orders: 0, finished: 0 });
    expect((await orderRow(open.number))?.email).toBe(person.email);
    const staff = await signInAs(shop.app, 'fulfilment');
    const page = `/admin/dispatch/${open.number}`;
    expect((await adminPost(shop.app, staff.cookie, page, `${page}/dispatch`, { tracking: 'AB123456789GB' })).statusCode).toBe(303);
    // Dispatched on day 40: in the returns window until day 70, finished after it.
    at(base, 69);
    expect(await run('privacy.erasures')).toMatchObject({ orders: 0 });
    at(base, 71);
    expect(await run('privacy.erasures')).toMatchObject({ orders: 1, finished: 1 });
    expect((await orderRow(open.number))?.email).toBe('');
    expect((await entry())?.finished_at).toBe(now.toISOString());
    // The entry is kept 120 days after the erasure finished, then deleted.
    at(base, 71 + 119);
    await run('privacy.erasures');
    expect(await entry()).toBeDefined();
    at(base, 71 + 121);
    expect((await run('privacy.erasures')).deleted).toBeGreaterThanOrEqual(1);
    expect(await entry()).toBeUndefined();
  },
  'audit.retention': async () => {
    const base = startCase();
    await signInAs(shop.app, 'manager');
    const old = await db().selectFrom('audit_log').select('id').where('at', '<', at(base, 1).toISOString()).execute();
    expect(old.length).toBeGreaterThan(0);
    at(base, 2000);
    await signInAs(shop.app, 'marketing');
    at(base, 2193);
    expect(await run('audit.retention')).toMatchObject({ deleted: old.length });
    const ids = (await db().selectFrom('audit_log').select('id').execute()).map((r) => r.id);
    for (const r of old) expect(ids).not.toContain(r.id);
    // Kept: the entries under 6 years old, and the record of the deletion itself.
    const kept = await db().selectFrom('audit_log').select(['at', 'action', 'subject_type']).orderBy('id').execute();
    expect(kept.some((r) => r.at.startsWith(new Date(base.getTime() + 2000 * DAY).toISOString().slice(0, 10)))).toBe(true);
    expect(kept.at(-1)).toMatchObject({ action: 'delete', subject_type: 'audit_log' });
  },

  'consent.housekeeping': async () => {
    const base = startCase();
    const [waiting, alert, ended, current] = ['waiting', 'alert', 'ended', 'current'].map((w) => `${w}-${tag()}@example.org`) as [
      string,
      string,
      string,
      string,
    ];
    const policyVersion = (await shop.app.privacy.policy(now)).version;
    await requestSignUp(
      db(),
      {
        email: waiting,
        purpose: 'general-subscription',
        method: 'newsletter-confirmation',
        wording: CONSENT_WORDING.newsletterForm,
        policyVersion,
      },
      now,
      {
        compose: (token) => ({
          kind: 'newsletter-confirm',
          reference: 'sign-up',
          to: waiting,
          subject: 'Confirm',
          text: token,
          html: token,
        }),
        domain: 'example.org',
      },
    );
    const given = (email: string, purpose: PurposeKey, method: ConsentMethod = 'stock-alert-confirmation') =>
      recordConsent(
        db(),
        { subject: { customerId: null, email }, purpose, action: 'given', method, wording: 'Tell me', policyVersion },
        now,
      );
    await given(alert, 'stock-alert:1');
    await given(ended, 'general-subscription', 'newsletter-confirmation');
    await given(current, 'general-subscription', 'newsletter-confirmation');
    await recordConsent(
      db(),
      { subject: { customerId: null, email: ended }, purpose: 'general-subscription', action: 'withdrawn', method: 'unsubscribe-link' },
      now,
    );
    const requests = () => db().selectFrom('consent_requests').select('id').where('email', '=', waiting).execute();
    const stateOf = (email: string) => db().selectFrom('consent_state').select(['purpose', 'given']).where('email', '=', email).execute();
    const ledgerOf = (email: string) => db().selectFrom('consent_ledger').select('id').where('email', '=', email).execute();

    at(base, 6);
    await run('consent.housekeeping');
    expect(await requests()).toHaveLength(1);
    at(base, 8);
    await run('consent.housekeeping');
    expect(await requests()).toHaveLength(0);

    at(base, 182);
    await run('consent.housekeeping');
    expect(await stateOf(alert)).toEqual([{ purpose: 'stock-alert:1', given: 1 }]);
    at(base, 184);
    await run('consent.housekeeping');
    expect(await stateOf(alert)).toEqual([{ purpose: 'stock-alert:1', given: 0 }]);

    at(base, 6 * 365 - 1);
    await run('consent.housekeeping');
    expect(await ledgerOf(ended)).toHaveLength(2);
    at(base, 6 * 365 + 1);
    await run('consent.housekeeping');
    expect(await ledgerOf(ended)).toHaveLength(0);
    expect(await stateOf(ended)).toEqual([]);
    // A consent still given is kept however old; so is the ledger's chain.
    expect(await stateOf(current)).toEqual([{ purpose: 'general-subscription', given: 1 }]);
    expect(await ledgerOf(current)).toHaveLength(1);
    expect(await verifyConsentLedger(db())).toMatchObject({ ok: true });
  },

  'contact.retention': async () => {
    const base = startCase();
    const [old, recent] = [`old-${tag()}@example.org`, `recent-${tag()}@example.org`];
    await enquiry(old);
    at(base, 200);
    await enquiry(recent);
    at(base, 364);
    await run('contact.retention');
    expect(await enquiriesFrom(old)).toBe(1);
    at(base, 366);
    await run('contact.retention');
    expect(await enquiriesFrom(old)).toBe(0);
    expect(await enquiriesFrom(recent)).toBe(1);
  },

  'mail.retention': async () => {
    const base = startCase();
    const [old, recent] = [`old-${tag()}@example.org`, `recent-${tag()}@example.org`];
    await enquiry(old);
    await jobRegistry['mail.deliver'].run(shop.app, now);
    at(base, 10);
    await enquiry(recent);
    await jobRegistry['mail.deliver'].run(shop.app, now);
    const mailTo = async (replyTo: string) => db().selectFrom('mail_outbox').select(['sent_at']).where('reply_to', '=', replyTo).execute();
    expect((await mailTo(old))[0]?.sent_at).toBe(base.toISOString());
    at(base, 29);
    await run('mail.retention');
    expect(await mailTo(old)).toHaveLength(1);
    at(base, 31);
    await run('mail.retention');
    expect(await mailTo(old)).toHaveLength(0);
    expect(await mailTo(recent)).toHaveLength(1);
  },

  'bag.retention': async () => {
    const base = startCase();
    const bagMadeAt = async (when: Date) =>
      (await db().selectFrom('bags').select('id').where('created_at', '=', when.toISOString()).execute()).length;
    expect((await new Shopper(shop.app).post('/bag/items', await pieceInStock(shop.app))).statusCode).toBe(303);
    const later = at(base, 20);
    expect((await new Shopper(shop.app).post('/bag/items', await pieceInStock(shop.app))).statusCode).toBe(303);
    at(base, 31);
    await run('bag.retention');
    expect(await bagMadeAt(base)).toBe(0);
    expect(await bagMadeAt(later)).toBe(1);
  },

  'customers.housekeeping': async () => {
    const base = startCase();
    const unconfirmed = newPerson();
    expect((await send(new Shopper(shop.app), '/account/register', '/account/register', { ...unconfirmed })).statusCode).toBe(303);
    const confirmed = await registerAndVerify(shop.app);
    await signInShopper(shop.app, confirmed.person.email);
    const account = (email: string) => db().selectFrom('customers').select('id').where('email', '=', email).executeTakeFirst();
    const rowsOf = async (table: 'customer_sessions' | 'customer_tokens') =>
      (await db().selectFrom(table).select('id').where('customer_id', '=', confirmed.id).execute()).length;
    expect(await rowsOf('customer_sessions')).toBe(1);
    expect(await rowsOf('customer_tokens')).toBeGreaterThan(0);
    at(base, 6);
    await run('customers.housekeeping');
    expect(await account(unconfirmed.email)).toBeDefined();
    at(base, 8);
    await run('customers.housekeeping');
    // Gone: the account never confirmed, the session idle for days, the links expired over a day ago.
    expect(await account(unconfirmed.email)).toBeUndefined();
    expect(await rowsOf('customer_sessions')).toBe(0);
    expect(await rowsOf('customer_tokens')).toBe(0);
    // Kept: the confirmed account, until its customer closes it.
    expect(await account(confirmed.person.email)).toBeDefined();
  },

  'orders.cancel-unpaid': async () => {
    const base = startCase();
    const unpaid = await checkout(shop.app, new Shopper(shop.app), GUEST);
    expect((await orderRow(unpaid.number))?.unpaid_email_hash).toMatch(/^[0-9a-f]{64}$/);
    at(base, 6);
    await run('orders.cancel-unpaid');
    expect(await orderRow(unpaid.number)).toMatchObject({ status: 'awaiting_payment' });
    at(base, 8);
    await run('orders.cancel-unpaid');
    // The keyed hashes of who it held stock for go with the hold.
    expect(await orderRow(unpaid.number)).toMatchObject({ status: 'cancelled', unpaid_email_hash: null });
  },

  'orders.retention': async () => {
    const base = startCase();
    const unpaid = await checkout(shop.app, new Shopper(shop.app), GUEST);
    const buyer = new Shopper(shop.app);
    const paid = await checkout(shop.app, buyer, GUEST);
    await payFor(shop.app, buyer, paid.orderUrl);
    at(base, 8);
    await run('orders.cancel-unpaid');
    at(base, 89);
    await run('orders.retention');
    expect(await orderRow(unpaid.number)).toBeDefined();
    at(base, 91);
    await run('orders.retention');
    // Never paid for: gone 90 days after it was placed. Paid and still to be dispatched: kept, with its details.
    expect(await orderRow(unpaid.number)).toBeUndefined();
    expect(await orderRow(paid.number)).toMatchObject({ status: 'paid', email: GUEST.email });
  },

  'staff.housekeeping': async () => {
    const base = startCase();
    const owner = await signInAs(shop.app, 'owner');
    const leaver = await signInAs(shop.app, 'manager');
    const stayer = await signInAs(shop.app, 'manager');
    const v = await db().selectFrom('variants').select(['id', 'product_id']).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const page = `/admin/products/${v.product_id}`;
    const changed = await adminPost(shop.app, leaver.cookie, page, `${page}/variants/save`, {
      row: String(v.id),
      [`delta-${v.id}`]: '+1',
      [`reason-${v.id}`]: 'delivery',
    });
    expect(changed.statusCode).toBe(303);
    // An owner disables them (through the service: a new owner's session waits for two-factor set-up before the staff pages).
    const disable = (id: number) =>
      setDisabled(db(), { actor: { staffId: owner.staffId, role: 'owner' }, targetId: id, now, disabled: true });
    expect(await disable(leaver.staffId)).toEqual({ ok: true });
    at(base, 100);
    expect(await disable(stayer.staffId)).toEqual({ ok: true });
    const member = (id: number) => db().selectFrom('staff').select('id').where('id', '=', id).executeTakeFirst();
    const changesBy = async (id: number) =>
      (await db().selectFrom('stock_movements').select('id').where('staff_id', '=', id).execute()).length;
    expect(await changesBy(leaver.staffId)).toBe(1);
    at(base, 182);
    await run('staff.housekeeping');
    expect(await member(leaver.staffId)).toBeDefined();
    at(base, 184);
    await run('staff.housekeeping');
    // Gone 6 months after being disabled, and the stock history no longer names them; the change stays.
    expect(await member(leaver.staffId)).toBeUndefined();
    expect(await changesBy(leaver.staffId)).toBe(0);
    expect(await db().selectFrom('stock_movements').select('id').where('variant_id', '=', v.id).execute()).not.toHaveLength(0);
    expect(await member(stayer.staffId)).toBeDefined();
  },

  'statistics.rollup': async () => {
    const base = startCase();
    const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
    const rawOf = async (d: string) => (await db().selectFrom('stats_page_views').select('day').where('day', '=', d).execute()).length;
    const saltOf = (d: string) => db().selectFrom('stats_salts').select('day').where('day', '=', d).executeTakeFirst();
    const res = await shop.app.inject({
      method: 'GET',
      url: '/',
      remoteAddress: '198.51.100.40',
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0' },
    });
    expect(res.statusCode).toBe(200);
    await shop.app.statistics.flush();
    const visited = day(base);
    expect(await rawOf(visited)).toBeGreaterThan(0);
    expect(await saltOf(visited)).toBeDefined();
    // The same day: nothing rolled up yet.
    at(base, 0.4);
    await run('statistics.rollup');
    expect(await rawOf(visited)).toBeGreaterThan(0);
    // The next day: the day's raw rows become counts and go; its salt stays until 48 hours after the day began.
    at(base, 1);
    expect(await run('statistics.rollup')).toMatchObject({ daysRolledUp: expect.any(Number) });
    expect(await rawOf(visited)).toBe(0);
    expect(await db().selectFrom('stats_daily').select('page_views').where('day', '=', visited).executeTakeFirst()).toMatchObject({
      page_views: expect.any(Number),
    });
    expect(await saltOf(visited)).toBeDefined();
    at(base, 2);
    expect((await run('statistics.rollup')).saltsDeleted).toBeGreaterThan(0);
    expect(await saltOf(visited)).toBeUndefined();
    expect(await saltOf(day(now))).toBeDefined();
  },

  'breaches.retention': async () => {
    const base = startCase();
    const manager = { staffId: null, role: 'manager' };
    const breach = async (title: string, emails: string[]) => {
      const id = await recordBreach(
        db(),
        {
          title,
          whatHappened: 'A list of orders was sent to the wrong supplier.',
          occurredAt: null,
          discoveredAt: now.toISOString(),
          categories: ['identity', 'address'],
          dataAffected: 'Names and delivery addresses',
          peopleAffected: 'Customers who ordered that day',
          peopleCount: emails.length,
          risk: 'unlikely',
          riskAssessment: 'The supplier deleted it unread.',
          actions: '',
        },
        manager,
        now,
      );
      expect(await addPeople(db(), id, emails, manager, now)).toMatchObject({ ok: true, added: emails.length });
      return id;
    };
    const peopleOf = async (id: number) =>
      (await db().selectFrom('breach_people').select('email').where('breach_id', '=', id).execute()).length;
    const closed = await breach(`closed ${tag()}`, [`a-${tag()}@example.org`, `b-${tag()}@example.org`]);
    const open = await breach(`open ${tag()}`, [`c-${tag()}@example.org`]);
    expect(await decideNotToReport(db(), closed, 'The supplier confirmed it deleted the list unread.', manager, now)).toEqual({ ok: true });
    expect(await closeBreach(db(), closed, manager, now)).toEqual({ ok: true });
    // Kept 90 days after the breach is closed; the people of a breach still open stay however long it is open.
    at(base, 89);
    expect(await run('breaches.retention')).toEqual({ deleted: 0 });
    expect(await peopleOf(closed)).toBe(2);
    at(base, 91);
    expect(await run('breaches.retention')).toEqual({ deleted: 2 });
    expect(await peopleOf(closed)).toBe(0);
    expect(await peopleOf(open)).toBe(1);
    // The register's record of the breach itself names no one, and stays.
    expect(await db().selectFrom('breaches').select('id').where('id', '=', closed).executeTakeFirst()).toBeDefined();
  },

  'feedback.retention': async () => {
    const base = startCase();
    const key = deriveKey(shop.config.secretKey, 'feedback-link');
    const answer = async (comments: string) => {
      const token = feedbackToken(key, 'AS-ABC234', new Date(now.getTime() + 30 * DAY));
      const res = await shop.app.inject({
        method: 'POST',
        url: `/feedback/${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ rating: '4', comments }),
      });
      expect(res.statusCode).toBe(200);
    };
    const [old, recent] = [`old ${tag()}`, `recent ${tag()}`];
    await answer(old);
    at(base, 400);
    await answer(recent);
    at(base, 729);
    expect(await run('feedback.retention')).toEqual({ deleted: 0 });
    at(base, 731);
    expect(await run('feedback.retention')).toEqual({ deleted: 1 });
    const left = (await db().selectFrom('feedback_answers').select('comments').execute()).map((r) => r.comments);
    expect(left).toContain(recent);
    expect(left).not.toContain(old);
  },
};

/** Every retention rule an inventory declares: on its columns, in its erasures' ends and for what it handles without storing. */
function declaredRules(): Retention[] {
  return contracts.flatMap(({ inventory }) => [
    ...inventory.personal.flatMap((c) => [c.retention, ...(c.erasure?.action === 'keep' ? [c.erasure.until] : [])]),
    ...inventory.transient.flatMap((t) => (t.retention.kind === 'not-stored' ? [] : [t.retention])),
  ]);
}

describe(`every retention rule's job, with a fixed clock (${testDialect})`, () => {
  it('every rule is typed and names a job that the registry defines and this file tests', () => {
    const rules = declaredRules();
    expect(rules.length).toBeGreaterThan(10);
    for (const r of rules) {
      expect(r.kind, r.text).toBeDefined();
      if (r.kind === undefined) continue;
      expect(Object.keys(jobRegistry), r.text).toContain(r.job);
      expect(Object.keys(cases), r.text).toContain(r.job);
    }
  });

  for (const name of Object.keys(cases) as RetentionJob[]) it(name, () => cases[name]());
});
