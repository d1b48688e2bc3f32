import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../src/features/privacy/contracts.registry.js';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import type { Person, SubjectExport, TableName } from '../../src/features/privacy/inventory.js';
import { erasePerson, exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { setFlags } from '../../src/features/privacy/flags.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { checkout, payFor, registerAndVerify, signInShopper } from '../support/customer.js';
import {
  JOURNEY_ENV,
  confirmedRequest,
  customerAcrossTheShop,
  dispatchOrder,
  sendEnquiry,
  staffAcrossTheShop,
} from '../support/privacy.js';

/**
 * One person's data across the shop, made through the real app: an account (registered,
 * confirmed, with an address, signed in), an order on it and one as a guest with the same address
 * in other capitals, an enquiry, the e-mails all that sends; and a member of staff who signs in,
 * changes a price and the stock, and opens the customer's order. Every table an inventory declares
 * must come out in the person's copy (or be listed below with the reason it cannot); after erasure
 * the copy holds only what is declared kept, and another person's data is as it was.
 */
let now = new Date('2026-11-23T10:00:00Z');
let shop: TestShop;

const declaredTables = () => contracts.flatMap((c) => c.inventory.tables ?? []);
const personal = () => contracts.flatMap((c) => c.inventory.personal);

/** Tables this journey cannot fill for its person, and why; every other declared table must have a row in the copy. */
const NOT_IN_THE_COPY: Partial<Record<TableName, string>> = {
  breach_people:
    'Listed only when staff record a breach and the people it affects; test/breaches/people.test.ts copies and erases such rows.',
  customer_sign_in_failures:
    "Rows are found only by a keyed fingerprint of an address, which erasure cannot recompute without the shop's key; none says whose it is.",
  staff_recovery_codes: 'Made only when a member sets up two-factor sign-in with a phone, which this journey does not do.',
  consent_legacy_ticks:
    'Only accounts from before the consent ledger had one, and the shop writes each into the ledger as it starts, so none is left to copy.',
  feedback_answers: 'An answer is stored without any order, address or account, so none can be found as one person’s.',
  erasure_journal:
    'Written only when a person is erased, and then under keyed fingerprints alone: a person not yet erased has no entry, and an erased one has nothing left to copy.',
};

interface Journey {
  customer: Person;
  staff: Person;
  other: Person;
  orderNumbers: string[];
}
let journey: Journey;

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { ...JOURNEY_ENV } });
  const app = shop.app;

  const { person, id, own, guest } = await customerAcrossTheShop(app, now);
  // A privacy request from the public form, confirmed from its e-mail, and the objection it sets.
  const privacyRequest = await confirmedRequest(app, person.email, {
    kind: 'objection',
    name: 'Rosalind Franklin',
    objections: 'statistics',
  });
  await setFlags(app.db, person.email, ['objection-statistics'], now, privacyRequest.id);

  // Someone else, whose data erasing Rosalind must not touch.
  const other = await registerAndVerify(app);
  const otherShopper = await signInShopper(app, other.person.email);
  const theirs = await checkout(app, otherShopper);
  await payFor(app, otherShopper, theirs.orderUrl);
  await sendEnquiry(app, { name: 'Someone Else', email: other.person.email, subject: 'other', message: 'Hello' });

  // A member of staff who changes a piece and the stock, opens the customer's order and signs in
  // with a password from a network.
  const member = await staffAcrossTheShop(app, own.number);
  // The member dispatches the paid order: once past the returns window it is finished with, and
  // erasure leaves only its tax record (an order still to be delivered would wait for it).
  await dispatchOrder(app, own.number, { cookie: member.cookie });

  const customer = await findPerson(app.db, { email: person.email.toUpperCase() });
  const staff = await findPerson(app.db, { staffId: member.staffId });
  const someoneElse = await findPerson(app.db, { customerId: other.id });
  if (!customer || !staff || !someoneElse) throw new Error('a person was not found');
  expect(customer.customerId).toBe(id);
  journey = { customer, staff, other: someoneElse, orderNumbers: [own.number, guest.number] };
});
afterAll(async () => shop?.close());

const tablesIn = (e: SubjectExport) => Object.keys(e).filter((t) => (e[t as TableName]?.length ?? 0) > 0);

describe(`one person's copy and erasure across the shop (${testDialect})`, () => {
  it('registers handlers for every feature that declares tables, and declares each table once', () => {
    for (const c of contracts) if ((c.inventory.tables ?? []).length > 0) expect(c.handlers, c.inventory.feature).not.toBeNull();
    const names = declaredTables().map((t) => t.table);
    expect(new Set(names).size).toBe(names.length);
    // The policy's registry and this one list the same inventories.
    expect(contracts.map((c) => c.inventory.feature).sort()).toEqual(inventories.map((i) => i.feature).sort());
    for (const c of contracts) expect(inventories).toContain(c.inventory);
  });

  it("finds a person by any capitalisation of their address, with their account's id and address", async () => {
    expect(journey.customer.emails.map((e) => e.toLowerCase())).toContain(journey.customer.emails[0]?.toLowerCase());
    expect(await findPerson(shop.app.db, { customerId: 999_999 })).toBeNull();
    expect(await findPerson(shop.app.db, { staffId: 999_999 })).toBeNull();
    expect(await findPerson(shop.app.db, { email: 'nobody@example.org' })).toEqual({
      customerId: null,
      emails: ['nobody@example.org'],
      staffId: null,
    });
  });

  it('exports a row from every declared table, or says why it cannot', async () => {
    const copies = { ...(await exportPerson(shop.app.db, journey.customer)), ...(await exportPerson(shop.app.db, journey.staff)) };
    const missing = declaredTables()
      .map((t) => t.table)
      .filter((t) => !tablesIn(copies).includes(t) && !(t in NOT_IN_THE_COPY));
    expect(missing).toEqual([]);
    // The reasons above are real: those tables really are left out.
    for (const t of Object.keys(NOT_IN_THE_COPY)) expect(tablesIn(copies)).not.toContain(t);
  });

  it('leaves out of the copy every column declared as left out, and never a fingerprint of a password or token', async () => {
    const copy = { ...(await exportPerson(shop.app.db, journey.customer)), ...(await exportPerson(shop.app.db, journey.staff)) };
    const leftOut = personal().filter((c) => c.leftOutOfExport);
    expect(leftOut.map((c) => `${c.table}.${c.column}`)).toEqual(
      expect.arrayContaining(['customers.password_hash', 'staff.password_hash']),
    );
    for (const c of leftOut) for (const row of copy[c.table] ?? []) expect(row, `${c.table}.${c.column}`).not.toHaveProperty(c.column);
    for (const [table, rows] of Object.entries(copy))
      for (const row of rows ?? [])
        for (const column of Object.keys(row)) expect(`${table}.${column}`).not.toMatch(/password_hash|token_hash|code_hash|secret/);
  });

  it("the customer's copy names their orders, addresses, enquiry and e-mails, and not the staff member who looked", async () => {
    const copy = await exportPerson(shop.app.db, journey.customer);
    expect(copy.customer_addresses?.map((a) => a.line1)).toContain('3 Kings Parade');
    expect(copy.orders?.map((o) => o.number)).toEqual(expect.arrayContaining(journey.orderNumbers));
    expect(copy.contact_messages?.map((m) => m.message)).toEqual(['Could my ring be engraved?']);
    expect(copy.mail_outbox?.map((m) => m.kind)).toEqual(expect.arrayContaining(['account-verify', 'contact-enquiry']));
    const looked = copy.audit_log ?? [];
    expect(looked.map((r) => r.subject_id)).toContain(journey.orderNumbers[0]);
    for (const r of looked) {
      expect(r).not.toHaveProperty('actor_staff_id');
      expect(r).not.toHaveProperty('network');
    }
  });

  it('after erasure the copy holds only what is declared kept, and the other person is untouched', async () => {
    const otherBefore = await exportPerson(shop.app.db, journey.other);
    expect(tablesIn(otherBefore)).toEqual(expect.arrayContaining(['customers', 'orders', 'contact_messages', 'mail_outbox']));
    const auditBefore = await shop.app.db.selectFrom('audit_log').select('id').execute();

    // Past the 30-day returns window of the dispatched order.
    now = new Date(now.getTime() + 31 * 86_400_000);
    for (const person of [journey.customer, journey.staff]) {
      const report = await erasePerson(shop.app.db, person, now);
      expect(Object.values(report).some((r) => r.deleted + r.anonymised > 0)).toBe(true);
      const after = await exportPerson(shop.app.db, person);
      for (const [table, rows] of Object.entries(after)) {
        const contract = declaredTables().find((t) => t.table === table);
        expect(contract?.rows, table).not.toBe('delete');
        const notKept = personal().filter((c) => c.table === table && c.erasure?.action !== 'keep');
        for (const row of rows ?? [])
          for (const c of notKept) expect([null, '', undefined], `${table}.${c.column}`).toContain(row[c.column]);
      }
    }
    // Kept: the audit trail still holds every entry, the staff member's look at the order among them.
    const auditAfter = await shop.app.db.selectFrom('audit_log').select(['id', 'subject_type', 'subject_id', 'actor_staff_id']).execute();
    expect(auditAfter.map((r) => r.id)).toEqual(expect.arrayContaining(auditBefore.map((r) => r.id)));
    expect(auditAfter.some((r) => r.subject_type === 'order' && r.subject_id === journey.orderNumbers[0])).toBe(true);
    // Gone: the account, the enquiry, the e-mails, the member; the catalogue's history no longer names them.
    const db = shop.app.db;
    expect(
      await db
        .selectFrom('customers')
        .select('id')
        .where('id', '=', journey.customer.customerId ?? 0)
        .execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('staff')
        .select('id')
        .where('id', '=', journey.staff.staffId ?? 0)
        .execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('stock_movements')
        .select('id')
        .where('staff_id', '=', journey.staff.staffId ?? 0)
        .execute(),
    ).toEqual([]);
    const lower = journey.customer.emails.map((e) => e.toLowerCase());
    const mail = await db.selectFrom('mail_outbox').select(['to_address', 'reply_to']).execute();
    expect(mail.filter((m) => lower.includes(m.to_address.toLowerCase()) || lower.includes((m.reply_to ?? '').toLowerCase()))).toEqual([]);
    const enquiries = await db.selectFrom('contact_messages').select('email').execute();
    expect(enquiries.filter((m) => lower.includes(m.email.toLowerCase()))).toEqual([]);

    expect(await exportPerson(shop.app.db, journey.other)).toEqual(otherBefore);
  });
});
