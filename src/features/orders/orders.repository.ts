import { type ExpressionBuilder, type Selectable, type Updateable, sql } from 'kysely';
import { type Db, type Executor, type Trx, dialectOf } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { EVENT_DETAILS_REMOVED, EVENT_SUMMARIES } from './orders.domain.js';

export type OrderRow = Selectable<Database['orders']>;
export type OrderLineRow = Selectable<Database['order_lines']>;
export type AttemptRow = Selectable<Database['payment_attempts']>;
export type NewOrder = Omit<
  Database['orders'],
  | 'id'
  | 'stock_reserved'
  | 'stock_short'
  | 'refunded_pence'
  | 'unpaid_network_hash'
  | 'unpaid_email_hash'
  | 'delivery_country'
  | 'anonymised_at'
> & { stock_reserved: number; unpaid_network_hash: string | null; unpaid_email_hash: string | null };

export async function orderNumberTaken(db: Db, number: string): Promise<boolean> {
  return (await db.selectFrom('orders').select('id').where('number', '=', number).executeTakeFirst()) !== undefined;
}

export async function insertOrder(db: Db, order: NewOrder): Promise<number> {
  const row = await db.insertInto('orders').values(order).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertOrderLines(db: Db, lines: Omit<Database['order_lines'], 'id'>[]): Promise<void> {
  if (lines.length > 0) await db.insertInto('order_lines').values(lines).execute();
}

export async function insertOrderEvent(db: Db, e: { orderId: number; at: string; kind: string; detail: string; staffId?: number | null }) {
  await db
    .insertInto('order_events')
    .values({ order_id: e.orderId, at: e.at, kind: e.kind, detail: e.detail, staff_id: e.staffId ?? null })
    .execute();
}

export async function insertAttempt(db: Db, a: { orderId: number; vendorTxCode: string; amountPence: number; at: string }): Promise<void> {
  await db
    .insertInto('payment_attempts')
    .values({ order_id: a.orderId, vendor_tx_code: a.vendorTxCode, amount_pence: a.amountPence, status: 'pending', created_at: a.at })
    .execute();
}

export async function findOrderByNumber(db: Db, number: string): Promise<OrderRow | null> {
  return (await db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst()) ?? null;
}

export async function findOrderById(db: Db, id: number): Promise<OrderRow | null> {
  return (await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function findOrderLines(db: Db, orderId: number): Promise<OrderLineRow[]> {
  return db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function findLatestAttempt(db: Db, orderId: number): Promise<AttemptRow | null> {
  return (
    (await db
      .selectFrom('payment_attempts')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

export async function findAttemptByVendorTxCode(db: Db, code: string): Promise<AttemptRow | null> {
  return (await db.selectFrom('payment_attempts').selectAll().where('vendor_tx_code', '=', code).executeTakeFirst()) ?? null;
}

/** Records a result on an attempt still pending; 0 rows means another request got there first. */
export async function settleAttempt(
  db: Db,
  id: number,
  r: { status: string; at: string; vpsTxId: string | null; statusDetail: string | null; txAuthNo: string | null },
): Promise<boolean> {
  const res = await db
    .updateTable('payment_attempts')
    .set({ status: r.status, result_at: r.at, vps_tx_id: r.vpsTxId, status_detail: r.statusDetail, tx_auth_no: r.txAuthNo })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function supersedePendingAttempts(db: Db, orderId: number, at: string): Promise<void> {
  await db
    .updateTable('payment_attempts')
    .set({ status: 'superseded', result_at: at })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Changes an order only if it is still in the status the caller saw; false when it had moved on.
 * An order that stops awaiting payment forgets who it held stock for.
 */
export async function updateOrderFrom(db: Db, id: number, fromStatuses: string[], patch: Updateable<Database['orders']>): Promise<boolean> {
  const forget =
    patch.status !== undefined && patch.status !== 'awaiting_payment' ? { unpaid_network_hash: null, unpaid_email_hash: null } : {};
  const res = await db
    .updateTable('orders')
    .set({ ...patch, ...forget })
    .where('id', '=', id)
    .where('status', 'in', fromStatuses)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setOrderFlags(
  db: Db,
  id: number,
  patch: Pick<Updateable<Database['orders']>, 'stock_reserved' | 'stock_short' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('orders').set(patch).where('id', '=', id).execute();
}

/** Adds a refund only if nobody else recorded one in between (the amount so far is unchanged). */
export async function addRefund(db: Db, id: number, r: { before: number; after: number; status: string; at: string }): Promise<boolean> {
  const res = await db
    .updateTable('orders')
    .set({ refunded_pence: r.after, status: r.status, updated_at: r.at })
    .where('id', '=', id)
    .where('refunded_pence', '=', r.before)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Serialises checkouts by the same buyer (network or e-mail hash), so that counting their unpaid
 * orders and adding one is a single step. Call first in a transaction, before any stock is touched:
 * the locks are always taken before row locks, in one order, so they cannot deadlock.
 */
export async function lockBuyers(db: Db, hashes: string[]): Promise<void> {
  // SQLite runs one write transaction at a time already; PostgreSQL needs an explicit lock.
  if (dialectOf(db) !== 'postgres') return;
  const keys = [...new Set(hashes.map((h) => Number.parseInt(h.slice(0, 8), 16) | 0))].sort((a, b) => a - b);
  for (const key of keys) await sql`select pg_advisory_xact_lock(${UNPAID_HOLDS_LOCK}, ${key})`.execute(db);
}
/** The advisory-lock space of unpaid-order holds (the two-number form, apart from single-number locks). */
const UNPAID_HOLDS_LOCK = 7271;

/** Unpaid orders that hold stock for this network or e-mail hash, leaving out one order (being retried). */
export async function countHoldingOrders(
  db: Db,
  column: 'unpaid_network_hash' | 'unpaid_email_hash',
  hash: string,
  exceptOrderId: number | null = null,
): Promise<number> {
  let q = db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', hash)
    .where('status', '=', 'awaiting_payment')
    .where('stock_reserved', '=', 1);
  if (exceptOrderId !== null) q = q.where('id', '<>', exceptOrderId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findAwaitingOrdersForBag(db: Db, bagId: number): Promise<OrderRow[]> {
  return db.selectFrom('orders').selectAll().where('bag_id', '=', bagId).where('status', '=', 'awaiting_payment').execute();
}

/** When an order's newest payment attempt began: for queries over `orders as o`. */
export function latestAttemptStart(eb: ExpressionBuilder<Database & { o: Database['orders'] }, 'o'>) {
  return eb
    .selectFrom('payment_attempts as a')
    .select((x) => x.fn.max('a.created_at').as('latest'))
    .whereRef('a.order_id', '=', 'o.id');
}

/** Unpaid orders still holding stock whose newest attempt began before the cutoff. */
export async function findExpiredReservations(db: Db, cutoff: string): Promise<OrderRow[]> {
  return db
    .selectFrom('orders as o')
    .selectAll('o')
    .where('o.status', '=', 'awaiting_payment')
    .where('o.stock_reserved', '=', 1)
    .where((eb) => eb(latestAttemptStart(eb), '<', cutoff))
    .execute();
}

export async function findUnpaidOrdersCreatedBefore(db: Db, cutoff: string): Promise<OrderRow[]> {
  return db.selectFrom('orders').selectAll().where('status', '=', 'awaiting_payment').where('created_at', '<', cutoff).execute();
}

/** Retention: orders are deleted with their lines, events and attempts (cascade). */
export async function deleteOrdersWhere(db: Db, rule: { statuses: string[]; createdBefore: string; neverPaid?: boolean }): Promise<number> {
  let q = db.deleteFrom('orders').where('status', 'in', rule.statuses).where('created_at', '<', rule.createdBefore);
  if (rule.neverPaid) q = q.where('paid_at', 'is', null);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Pieces by variant that this bag's unpaid orders hold reserved, summed in one query. */
export async function sumStockHeldForBag(db: Db, bagId: number): Promise<{ variantId: number; held: number }[]> {
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('order_lines as l', 'l.order_id', 'o.id')
    .select((eb) => ['l.variant_id', eb.fn.sum<number | string>('l.quantity').as('held')])
    .where('o.bag_id', '=', bagId)
    .where('o.status', '=', 'awaiting_payment')
    .where('o.stock_reserved', '=', 1)
    .where('l.variant_id', 'is not', null)
    .groupBy('l.variant_id')
    .execute();
  return rows.flatMap((r) => (r.variant_id === null ? [] : [{ variantId: r.variant_id, held: Number(r.held) }]));
}

// ——— Asked by the customer's account, through the orders service ———

/** A guest's orders placed with an address the customer has now proved is theirs join the account. */
export async function linkGuestOrdersToCustomer(db: Db, customerId: number, email: string): Promise<number> {
  const r = await db
    .updateTable('orders')
    .set({ customer_id: customerId })
    .where('customer_id', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export type CustomerOrderListRow = Pick<
  OrderRow,
  'number' | 'status' | 'created_at' | 'total_pence' | 'tracking_number' | 'delivery_method'
>;

/** The orders of this customer's account, newest first. */
export async function listOrdersOfCustomer(db: Db, customerId: number, limit: number): Promise<CustomerOrderListRow[]> {
  return db
    .selectFrom('orders')
    .select(['number', 'status', 'created_at', 'total_pence', 'tracking_number', 'delivery_method'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** An order, only if it belongs to this customer's account. */
export async function findOrderOfCustomer(db: Db, customerId: number, number: string): Promise<OrderRow | null> {
  return (
    (await db.selectFrom('orders').selectAll().where('customer_id', '=', customerId).where('number', '=', number).executeTakeFirst()) ??
    null
  );
}

/** The numbers of every order on this customer's account (those placed as a guest and linked since included). */
export async function findOrderNumbersOfCustomer(db: Db, customerId: number): Promise<string[]> {
  const rows = await db.selectFrom('orders').select('number').where('customer_id', '=', customerId).execute();
  return rows.map((r) => r.number);
}

// ——— Retention and erasure: the order's details go, its tax record stays until its end ———

/** What a removed detail becomes: the NOT NULL text columns are emptied, the others cleared. */
const WITHOUT_DETAILS = {
  first_name: '',
  surname: '',
  email: '',
  phone: '',
  billing_line1: '',
  billing_line2: null,
  billing_city: '',
  billing_postcode: '',
  delivery_first_name: '',
  delivery_surname: '',
  delivery_line1: '',
  delivery_line2: null,
  delivery_city: '',
  delivery_postcode: '',
  gift_message: null,
  tracking_number: null,
  bag_id: null,
  unpaid_network_hash: null,
  unpaid_email_hash: null,
} satisfies Updateable<Database['orders']>;

/** Finished orders (paid, then dispatched or cancelled) last changed before the cutoff whose details are still there, oldest first. */
export async function findOrdersWithDetailsChangedBefore(db: Executor, statuses: readonly string[], cutoff: string, limit: number) {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('status', 'in', statuses)
    .where('paid_at', 'is not', null)
    .where('updated_at', '<', cutoff)
    .where('anonymised_at', 'is', null)
    .orderBy('updated_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Removes these orders' details, leaving the tax record: the buyer's names, contact details,
 * addresses, gift message and tracking number; the history's notes (which may hold what staff
 * typed, or Opayo's references) become the bare step; the payment attempts keep their amount,
 * status and VendorTxCode but lose Opayo's transaction id, authorisation code and message.
 * `unlinkCustomer` also takes the order out of the account (erasure; retention leaves it there).
 */
export async function anonymiseOrders(
  trx: Trx,
  orderIds: number[],
  at: string,
  options: { unlinkCustomer: boolean },
): Promise<{ orders: number; events: number; attempts: number }> {
  if (orderIds.length === 0) return { orders: 0, events: 0, attempts: 0 };
  // One statement for every kind of event: its detail becomes the kind's summary, marked as removed.
  const summaries = Object.entries(EVENT_SUMMARIES);
  const eventsDone = await trx
    .updateTable('order_events')
    .set((eb) => {
      let c = eb.case('kind').when(summaries[0]![0]).then(`${summaries[0]![1]} ${EVENT_DETAILS_REMOVED}`);
      for (const [kind, text] of summaries.slice(1)) c = c.when(kind).then(`${text} ${EVENT_DETAILS_REMOVED}`);
      return { detail: c.else(`Recorded ${EVENT_DETAILS_REMOVED}`).end() };
    })
    .where('order_id', 'in', orderIds)
    .executeTakeFirst();
  const events = Number(eventsDone.numUpdatedRows);
  const attempts = await trx
    .updateTable('payment_attempts')
    .set({ vps_tx_id: null, status_detail: null, tx_auth_no: null })
    .where('order_id', 'in', orderIds)
    .executeTakeFirst();
  const orders = await trx
    .updateTable('orders')
    .set({ ...WITHOUT_DETAILS, anonymised_at: at, ...(options.unlinkCustomer ? { customer_id: null } : {}) })
    .where('id', 'in', orderIds)
    .executeTakeFirst();
  return { orders: Number(orders.numUpdatedRows), events, attempts: Number(attempts.numUpdatedRows) };
}

/** Deletes every order last changed before the cutoff, with its lines, events and payment attempts (on delete cascade). */
export async function deleteOrdersChangedBefore(db: Executor, cutoff: string): Promise<number> {
  const res = await db.deleteFrom('orders').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** A person's addresses as orders are matched on them: trimmed, in lower case, each once. */
const loweredAddresses = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];

/** Orders of one person: placed from their account, or with one of their addresses in any letter case (the `lower(email)` index). */
function ofPerson(eb: ExpressionBuilder<Database, 'orders'>, customerId: number | null, lowered: string[]) {
  const by = [];
  if (customerId !== null) by.push(eb('customer_id', '=', customerId));
  if (lowered.length > 0) by.push(eb(eb.fn('lower', ['email']), 'in', lowered));
  return eb.or(by);
}

/** The orders of one person: their account's, and any placed with one of their e-mail addresses (in any letter case). */
export async function findOrdersOfPerson(db: Executor, customerId: number | null, emails: string[]): Promise<OrderRow[]> {
  const lowered = loweredAddresses(emails);
  if (customerId === null && lowered.length === 0) return [];
  return db
    .selectFrom('orders')
    .selectAll()
    .where((eb) => ofPerson(eb, customerId, lowered))
    .orderBy('id')
    .execute();
}

/** The numbers and bags of one person's orders, found as findOrdersOfPerson finds them, without reading the rest of each order. */
export async function findOrderKeysOfPerson(
  db: Executor,
  customerId: number | null,
  emails: string[],
): Promise<{ number: string; bag_id: number | null }[]> {
  const lowered = loweredAddresses(emails);
  if (customerId === null && lowered.length === 0) return [];
  return db
    .selectFrom('orders')
    .select(['number', 'bag_id'])
    .where((eb) => ofPerson(eb, customerId, lowered))
    .orderBy('id')
    .execute();
}

/** Everything the orders tables hold about these orders, table by table. */
export async function findOrderRecords(db: Executor, orderIds: number[]) {
  if (orderIds.length === 0) return { lines: [], events: [], attempts: [] };
  const [lines, events, attempts] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute(),
    db.selectFrom('order_events').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute(),
    db.selectFrom('payment_attempts').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute(),
  ]);
  return { lines, events, attempts };
}

/** The steps of orders a member of staff recorded: when and what kind, not the notes (which are about the customer). */
export async function findEventsRecordedBy(db: Executor, staffId: number) {
  return db
    .selectFrom('order_events')
    .select(['id', 'order_id', 'at', 'kind', 'staff_id'])
    .where('staff_id', '=', staffId)
    .orderBy('id')
    .execute();
}

/** The order histories keep the step, and no longer say which member of staff took it. */
export async function forgetStaffInEvents(trx: Trx, staffId: number): Promise<number> {
  const res = await trx.updateTable('order_events').set({ staff_id: null }).where('staff_id', '=', staffId).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Deletes these orders outright (with their lines, events and attempts): for orders that were never paid, which are no tax record. */
export async function deleteOrdersById(trx: Trx, orderIds: number[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const res = await trx.deleteFrom('orders').where('id', 'in', orderIds).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The number and address of each order marked delivered at or after `from` and before `to`, that still has its buyer's address. */
export function findOrdersDeliveredBetween(db: Executor, from: string, to: string): Promise<{ number: string; email: string }[]> {
  return db
    .selectFrom('orders')
    .select(['number', 'email'])
    .where('status', '=', 'delivered')
    .where('delivered_at', '>=', from)
    .where('delivered_at', '<', to)
    .where('email', '!=', '')
    .orderBy('delivered_at')
    .orderBy('id')
    .execute();
}

/** Takes these orders out of the account they were placed from, keeping everything else on them. */
export async function unlinkOrdersFromCustomer(trx: Trx, orderIds: number[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const res = await trx.updateTable('orders').set({ customer_id: null }).where('id', 'in', orderIds).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** The orders with these numbers, in number order. */
export function findOrdersByNumbers(db: Executor, numbers: string[]): Promise<OrderRow[]> {
  if (numbers.length === 0) return Promise.resolve([]);
  return db.selectFrom('orders').selectAll().where('number', 'in', numbers).orderBy('number').execute();
}

/** Every buyer's address and account number on an order, each pair once, for the erasure journal's re-apply. */
export function findEveryBuyer(db: Executor): Promise<{ email: string; customer_id: number | null }[]> {
  return db.selectFrom('orders').select(['email', 'customer_id']).distinct().where('email', '!=', '').execute();
}
