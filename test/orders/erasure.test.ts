import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { ordersInventory } from '../../src/features/orders/orders.inventory.js';
import { ordersSubjects } from '../../src/features/orders/orders.service.js';
import type { Person } from '../../src/features/privacy/inventory.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { checkout, payFor, registerAndVerify, signInShopper } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * Erasing one person from the orders tables: a paid order keeps only its tax record (the columns
 * the inventory declares `keep`), an order never paid is deleted and hands its stock back, and
 * exporting the person afterwards finds nothing that is theirs.
 */
let shop: TestShop;
let now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());

/**
 * Dispatches a paid order and moves past the returns window: only then is it finished with, and
 * erasing its buyer leaves its tax record at once (an order still open waits; see below).
 */
async function finishedWith(number: string) {
  const staff = await signInAs(shop.app, 'fulfilment');
  const page = `/admin/dispatch/${number}`;
  expect((await adminPost(shop.app, staff.cookie, page, `${page}/dispatch`, { tracking: 'AB123456789GB' })).statusCode).toBe(303);
  now = new Date(now.getTime() + 31 * 86_400_000);
}

const exportOf = (person: Person) => inTransaction(shop.app.db, (trx) => ordersSubjects.exportSubject(trx, person));
const erase = (person: Person) => inTransaction(shop.app.db, (trx) => ordersSubjects.eraseSubject(trx, person, now));
const orderRow = (number: string) => shop.app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();

/** The orders columns the inventory declares, by what erasure does to them. */
const declared = (action: 'anonymise' | 'keep' | 'delete', table = 'orders') =>
  ordersInventory.personal.filter((c) => c.table === table && c.erasure?.action === action).map((c) => c.column);

/** Every column declared `anonymise` is emptied; every column declared `keep` is as it was. */
function expectOnlyKept(after: Record<string, unknown> | undefined, before: Record<string, unknown>) {
  expect(after).toBeDefined();
  for (const column of declared('anonymise')) expect([null, ''], column).toContain(after?.[column]);
  for (const column of declared('keep')) expect(after?.[column], column).toEqual(before[column]);
  for (const money of ['number', 'total_pence', 'subtotal_pence', 'delivery_pence', 'delivery_country', 'status']) {
    expect(after?.[money], money).toEqual(before[money]);
  }
}

describe(`erasing a person from the orders (${testDialect})`, () => {
  it('declares both the guest buyer and the customer, and every table with what erasure does to its rows', () => {
    expect(ordersInventory.subjects?.map((s) => `${s.subject}:${s.table}.${s.column}`)).toEqual([
      'customer:orders.customer_id',
      'guest-buyer:orders.email',
    ]);
    expect(ordersInventory.tables?.map((t) => `${t.table}:${t.rows}`)).toEqual([
      'orders:anonymise',
      'order_lines:keep',
      'order_events:anonymise',
      'payment_attempts:anonymise',
    ]);
    expect(declared('keep')).toEqual(['created_at', 'delivery_country']);
    for (const c of ordersInventory.personal) {
      expect(c.erasure, `${c.table}.${c.column}`).toBeDefined();
      expect(c.retention.kind, `${c.table}.${c.column}`).toBeDefined();
      if (c.erasure?.action === 'keep')
        expect(c.erasure).toMatchObject({ basis: 'legal-obligation', until: { kind: 'financial-year', years: 6 } });
    }
  });

  it('erases a guest buyer known by e-mail in any letter case: the paid order keeps its tax record, the unpaid one goes with its stock back', async () => {
    const buyer = new Shopper(shop.app);
    const paid = await checkout(shop.app, buyer, { ...GUEST, email: 'Ada.Erase@Example.org', gift_message: 'For Grace' });
    await payFor(shop.app, buyer, paid.orderUrl);
    await finishedWith(paid.number);
    const unpaid = await checkout(shop.app, new Shopper(shop.app), { ...GUEST, email: 'ada.erase@example.org' });
    const unpaidRow = await orderRow(unpaid.number);
    expect(unpaidRow).toMatchObject({ status: 'awaiting_payment', stock_reserved: 1 });
    const line = await shop.app.db
      .selectFrom('order_lines')
      .select(['variant_id', 'quantity'])
      .where('order_id', '=', unpaidRow?.id ?? 0)
      .executeTakeFirstOrThrow();
    const stockOf = async () =>
      (
        await shop.app.db
          .selectFrom('variants')
          .select('stock')
          .where('id', '=', line.variant_id ?? 0)
          .executeTakeFirstOrThrow()
      ).stock;
    const held = await stockOf();
    const person: Person = { customerId: null, emails: ['ADA.ERASE@example.org'], staffId: null };

    const before = await exportOf(person);
    expect(before.orders?.map((o) => o.number)).toEqual([paid.number, unpaid.number]);
    expect(before.order_lines?.length).toBe(2);
    expect(before.order_events?.length).toBeGreaterThanOrEqual(3);
    expect(before.payment_attempts?.length).toBe(2);
    const paidBefore = (await orderRow(paid.number)) as Record<string, unknown>;

    now = new Date(now.getTime() + 60_000);
    const report = await erase(person);
    expect(report.orders).toEqual({ deleted: 1, anonymised: 1 });
    expect(report.order_lines).toEqual({ deleted: 1, anonymised: 0 });

    expect(await orderRow(unpaid.number)).toBeUndefined();
    expect(await stockOf()).toBe(held + line.quantity);
    const paidAfter = await orderRow(paid.number);
    expectOnlyKept(paidAfter, paidBefore);
    expect(paidAfter?.anonymised_at).toBe(now.toISOString());
    const events = await shop.app.db
      .selectFrom('order_events')
      .select('detail')
      .where('order_id', '=', paidAfter?.id ?? 0)
      .execute();
    for (const e of events) expect(e.detail).toMatch(/\(details removed\)$/);
    const attempts = await shop.app.db
      .selectFrom('payment_attempts')
      .selectAll()
      .where('order_id', '=', paidAfter?.id ?? 0)
      .execute();
    for (const column of declared('anonymise', 'payment_attempts'))
      for (const a of attempts) expect(a[column as keyof typeof a], column).toBeNull();
    expect(
      await shop.app.db
        .selectFrom('order_lines')
        .select('sku')
        .where('order_id', '=', paidAfter?.id ?? 0)
        .execute(),
    ).toHaveLength(1);

    // Nothing left is theirs: an export finds nothing.
    expect(await exportOf(person)).toEqual({});
  });

  it("erases a customer: their orders leave the account and keep only the tax record; another buyer's order is untouched", async () => {
    const { person: p } = await registerAndVerify(shop.app);
    const me = await signInShopper(shop.app, p.email);
    const mine = await checkout(shop.app, me);
    await payFor(shop.app, me, mine.orderUrl);
    await finishedWith(mine.number);
    const stranger = new Shopper(shop.app);
    const theirs = await checkout(shop.app, stranger, { ...GUEST, email: 'someone.else@example.org' });
    await payFor(shop.app, stranger, theirs.orderUrl);
    const account = await shop.app.db.selectFrom('customers').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
    const person: Person = { customerId: account.id, emails: [p.email], staffId: null };
    expect((await exportOf(person)).orders?.map((o) => o.number)).toEqual([mine.number]);
    const mineBefore = (await orderRow(mine.number)) as Record<string, unknown>;
    const theirsBefore = await orderRow(theirs.number);

    expect((await erase(person)).orders).toEqual({ deleted: 0, anonymised: 1 });
    const mineAfter = await orderRow(mine.number);
    expectOnlyKept(mineAfter, mineBefore);
    expect(mineAfter?.customer_id).toBeNull();
    expect(await orderRow(theirs.number)).toEqual(theirsBefore);
    expect(await exportOf(person)).toEqual({});
    const list = await (await signInShopper(shop.app, p.email)).get('/account/orders');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(mine.number);
  });

  it('keeps an order still to be delivered whole, out of the account, for its delivery: its erasure waits', async () => {
    const { person: p } = await registerAndVerify(shop.app);
    const me = await signInShopper(shop.app, p.email);
    const open = await checkout(shop.app, me);
    await payFor(shop.app, me, open.orderUrl);
    const account = await shop.app.db.selectFrom('customers').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
    const before = await orderRow(open.number);
    expect((await erase({ customerId: account.id, emails: [p.email], staffId: null })).orders).toEqual({ deleted: 0, anonymised: 1 });
    expect(await orderRow(open.number)).toEqual({ ...before, customer_id: null });
  });
});
