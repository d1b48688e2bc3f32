import { describe, expect, it } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { addressHashOf, recordConsent, verifyConsentLedger } from '../../src/features/consent/consent.service.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { erasePerson, exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { inTransaction } from '../../src/db/database.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { testDialect } from '../support/build-app.js';
import { checkout, csrfOf, payFor, signInShopper, signedInCustomer } from '../support/customer.js';
import { keepingMailer } from '../support/mail.js';
import { DAY, dispatchOrder, shopForThisFile } from '../support/privacy.js';

/**
 * Erasure from Account Home ("Delete my account") and the waiting-order rule, through the real
 * app: the password asked again, everything erased in one transaction, the person told what was
 * kept and until when, the consent ledger still verifying with the suppression entry kept, the
 * audit entry naming no one; an order still to be delivered is kept for delivery and erased by the
 * job `privacy.erasures` 30 days after delivery, the person told both times.
 */
let now = new Date('2026-06-01T09:00:00Z');
const shop = shopForThisFile(() => now);
const db = () => shop.app.db;

const orderRow = (number: string) => db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();
const customerRow = (id: number) => db().selectFrom('customers').select(['id', 'email']).where('id', '=', id).executeTakeFirst();

const dispatchAndDeliver = (number: string) => dispatchOrder(shop.app, number, { delivered: true });

async function subscribe(customerId: number, email: string) {
  await recordConsent(
    db(),
    {
      subject: { customerId, email },
      purpose: 'general-subscription',
      action: 'given',
      method: 'account',
      wording: CONSENT_WORDING.registration,
      policyVersion: (await shop.app.privacy.policy(now)).version,
    },
    now,
  );
}

/** Delivers what is due to a mail server that keeps it, and returns what it got. */
async function deliver() {
  const mailer = keepingMailer();
  await deliverDueMail(db(), mailer, now);
  return mailer.sent;
}

describe(`Delete my account (${testDialect})`, () => {
  it('asks for the password again: a wrong one is refused with a plain message and nothing is erased', async () => {
    const c = await signedInCustomer(shop.app);
    const page = await c.shopper.get('/account/privacy/delete');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('What we keep, why and for how long');
    // From the inventory: the tax record is kept, and why.
    expect(page.body).toContain('Tax law requires the sales record');
    const wrong = await c.shopper.post('/account/privacy/delete', { _csrf: csrfOf(page.body), password: 'not my password at all' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain("That isn't your password. Please try again.");
    const empty = await c.shopper.post('/account/privacy/delete', { _csrf: csrfOf(page.body), password: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Please enter your password to confirm.');
    expect(await customerRow(c.id)).toBeDefined();
    expect((await c.shopper.get('/account')).statusCode).toBe(200);
  });

  it('with the right password erases everything, signs out, and tells the person what was kept, until when, and names Opayo', async () => {
    const c = await signedInCustomer(shop.app);
    const paid = await checkout(shop.app, c.shopper);
    await payFor(shop.app, c.shopper, paid.orderUrl);
    await dispatchAndDeliver(paid.number);
    await subscribe(c.id, c.person.email);
    now = new Date(now.getTime() + 40 * DAY);
    // Past the returns window: the order is finished with, so it keeps only its tax record at once.
    const shopper = await signInShopper(shop.app, c.person.email);

    const page = await shopper.get('/account/privacy/delete');
    const done = await shopper.post('/account/privacy/delete', { _csrf: csrfOf(page.body), password: c.person.password });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your account is deleted');
    expect(String(done.headers['set-cookie'])).toMatch(/assay_session=;/);
    // Signed out: the session went with the account.
    expect((await shopper.get('/account')).statusCode).toBe(303);

    expect(await customerRow(c.id)).toBeUndefined();
    const order = await orderRow(paid.number);
    expect(order).toMatchObject({ customer_id: null, email: '', first_name: '', phone: '', billing_postcode: '' });
    expect(order?.total_pence).toBeGreaterThan(0);
    expect(order?.anonymised_at).toBe(now.toISOString());
    const left = await exportPerson(db(), { customerId: c.id, emails: [c.person.email], staffId: null });
    expect(left.customers).toBeUndefined();
    expect(left.customer_addresses).toBeUndefined();
    expect(left.customer_sessions).toBeUndefined();
    expect(left.orders).toBeUndefined();
    expect(left.consent_state).toBeUndefined();
    expect(left.contact_messages).toBeUndefined();

    // The consent ledger still verifies, and the address stays suppressed (by its keyed hash only).
    expect(await verifyConsentLedger(db())).toMatchObject({ ok: true });
    const suppressed = await db()
      .selectFrom('marketing_suppressions')
      .select('purpose')
      .where('address_hash', '=', addressHashOf(db(), c.person.email))
      .execute();
    expect(suppressed.map((s) => s.purpose)).toContain('general-subscription');

    // The audit entry says an erasure happened, naming no one.
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'erasure')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    expect(audit).toMatchObject({ action: 'delete', actor_role: 'customer', fields: '' });
    expect(JSON.stringify(audit)).not.toContain(c.person.email);
    const entry = await db().selectFrom('erasure_journal').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit?.subject_id).toBe(String(entry.id));

    // The e-mail: what was kept, why and until when (31 March 2033: the sale of June 2026 is in
    // the year to 31 March 2027, plus six years), Opayo, backups; and no copy once sent.
    const notice = await db().selectFrom('mail_outbox').selectAll().where('to_address', '=', c.person.email).execute();
    expect(notice.map((m) => m.kind)).toEqual(['privacy-erased']);
    const sent = await deliver();
    const mail = sent.find((m) => m.to === c.person.email);
    expect(mail?.text).toContain(`The tax record of order ${paid.number}`);
    expect(mail?.text).toContain('Kept until 31 March 2033');
    expect(mail?.text).toContain('Opayo');
    expect(mail?.text).toContain('within 93 days');
    expect(mail?.text).toContain('Dear Grace');
    expect(await db().selectFrom('mail_outbox').select('id').where('to_address', '=', c.person.email).execute()).toEqual([]);
  });

  it('is one transaction: a failure midway leaves nothing half-done', async () => {
    const c = await signedInCustomer(shop.app);
    const person = await findPerson(db(), { customerId: c.id });
    expect(person).not.toBeNull();
    await expect(
      inTransaction(db(), async (trx) => {
        await erasePerson(trx, person!, now);
        expect(await trx.selectFrom('customers').select('id').where('id', '=', c.id).executeTakeFirst()).toBeUndefined();
        throw new Error('the server went away midway');
      }),
    ).rejects.toThrow('went away');
    expect(await customerRow(c.id)).toBeDefined();
    expect((await exportPerson(db(), person!)).customer_addresses?.length).toBeGreaterThan(0);
  });
});

describe(`An order not yet delivered (${testDialect})`, () => {
  it('is kept for delivery, out of the account; the job erases it 30 days after delivery and tells the person', async () => {
    const c = await signedInCustomer(shop.app);
    const open = await checkout(shop.app, c.shopper);
    await payFor(shop.app, c.shopper, open.orderUrl);
    await deliver();
    const person = await findPerson(db(), { customerId: c.id });
    const outcome = await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
    expect(outcome.waitingOrders).toEqual([open.number]);
    expect(await customerRow(c.id)).toBeUndefined();
    const kept = await orderRow(open.number);
    expect(kept).toMatchObject({ customer_id: null, email: c.person.email, status: 'paid', anonymised_at: null });
    expect(kept?.delivery_postcode).not.toBe('');
    const journal = await db().selectFrom('erasure_journal').selectAll().where('id', '=', outcome.journalId).executeTakeFirstOrThrow();
    expect(JSON.parse(journal.waiting_orders ?? '[]')).toEqual([open.number]);
    expect(journal.finished_at).toBeNull();
    const first = (await deliver()).find((m) => m.to === c.person.email);
    expect(first?.text).toContain(`We will finish delivering order ${open.number} and erase it 30 days after delivery`);

    // Delivered; 29 days on the job leaves it; 31 days on it finishes the erasure.
    await dispatchAndDeliver(open.number);
    const deliveredAt = now;
    now = new Date(deliveredAt.getTime() + 29 * DAY);
    expect(await jobRegistry['privacy.erasures'].run(shop.app, now)).toMatchObject({ orders: 0 });
    expect((await orderRow(open.number))?.email).toBe(c.person.email);
    now = new Date(deliveredAt.getTime() + 31 * DAY);
    expect(await jobRegistry['privacy.erasures'].run(shop.app, now)).toMatchObject({ orders: 1, finished: 1 });
    expect(await orderRow(open.number)).toMatchObject({ email: '', first_name: '', delivery_postcode: '', status: 'delivered' });
    const finished = await db().selectFrom('erasure_journal').selectAll().where('id', '=', outcome.journalId).executeTakeFirstOrThrow();
    expect(finished.finished_at).toBe(now.toISOString());
    const second = (await deliver()).find((m) => m.to === c.person.email);
    expect(second?.subject).toContain(`Order ${open.number}`);
    expect(second?.text).toContain('your name, contact details and addresses are now erased');
    expect(await db().selectFrom('mail_outbox').select('id').where('to_address', '=', c.person.email).execute()).toEqual([]);

    // 120 days after it finished, the journal entry goes.
    now = new Date(now.getTime() + 121 * DAY);
    expect((await jobRegistry['privacy.erasures'].run(shop.app, now)).deleted).toBeGreaterThanOrEqual(1);
    expect(await db().selectFrom('erasure_journal').select('id').where('id', '=', outcome.journalId).executeTakeFirst()).toBeUndefined();
  });
});
