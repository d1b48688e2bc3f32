import type { Db } from '../../db/database.js';
import { type AttemptRow, type OrderLineRow, type OrderRow, latestAttemptStart } from './orders.repository.js';

/** All SQL of the back-office side of orders. */

export type AdminOrderSort = 'newest' | 'oldest-paid';

export interface AdminOrderFilter {
  /** The start of an order number, in full form ("AS-7K3"): validated to the number's alphabet, so it holds no LIKE wildcards. */
  numberPrefix?: string;
  /** Exact, ignoring case. */
  email?: string;
  /** The customer's surname, exact, ignoring case. */
  surname?: string;
  statuses?: readonly string[];
  /** ISO instants: placed at or after `from`, before `before`. */
  from?: string;
  before?: string;
  sort: AdminOrderSort;
  limit: number;
  offset: number;
}

/** A row of the order lists: nothing in it identifies the customer. */
export interface AdminOrderListRow {
  id: number;
  number: string;
  status: string;
  createdAt: string;
  paidAt: string | null;
  totalPence: number;
  deliveryMethod: string;
  items: number;
  stockShort: boolean;
}

export async function listAdminOrders(db: Db, f: AdminOrderFilter): Promise<{ rows: AdminOrderListRow[]; total: number }> {
  let base = db.selectFrom('orders as o');
  if (f.numberPrefix) base = base.where('o.number', 'like', `${f.numberPrefix}%`);
  if (f.email) base = base.where((eb) => eb(eb.fn('lower', ['o.email']), '=', f.email!.toLowerCase()));
  if (f.surname) base = base.where((eb) => eb(eb.fn('lower', ['o.surname']), '=', f.surname!.toLowerCase()));
  if (f.statuses && f.statuses.length > 0) base = base.where('o.status', 'in', f.statuses);
  if (f.from) base = base.where('o.created_at', '>=', f.from);
  if (f.before) base = base.where('o.created_at', '<', f.before);

  let list = base
    .select((eb) => [
      'o.id',
      'o.number',
      'o.status',
      'o.created_at',
      'o.paid_at',
      'o.total_pence',
      'o.delivery_method',
      'o.stock_short',
      eb
        .selectFrom('order_lines as l')
        .select((x) => x.fn.sum<number>('l.quantity').as('n'))
        .whereRef('l.order_id', '=', 'o.id')
        .as('items'),
    ])
    .limit(f.limit)
    .offset(f.offset);
  // Packing goes first in, first out; everywhere else the newest order is what staff look for.
  list =
    f.sort === 'oldest-paid'
      ? list.orderBy('o.paid_at', 'asc').orderBy('o.id', 'asc')
      : list.orderBy('o.created_at', 'desc').orderBy('o.id', 'desc');

  const [rows, count] = await Promise.all([list.execute(), base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      createdAt: r.created_at,
      paidAt: r.paid_at,
      totalPence: r.total_pence,
      deliveryMethod: r.delivery_method,
      items: Number(r.items ?? 0),
      stockShort: r.stock_short === 1,
    })),
    total: Number(count?.n ?? 0),
  };
}

export interface AdminOrderEvent {
  id: number;
  at: string;
  kind: string;
  detail: string;
  staffName: string | null;
}

export interface AdminOrderDetail {
  order: OrderRow;
  lines: OrderLineRow[];
  events: AdminOrderEvent[];
  attempts: AttemptRow[];
}

/** An order with its lines, attempts and history as stored: each event names its staff member by id. */
export interface AdminOrderRecords extends Omit<AdminOrderDetail, 'events'> {
  events: (Omit<AdminOrderEvent, 'staffName'> & { staffId: number | null })[];
}

export async function findAdminOrderRecords(db: Db, number: string): Promise<AdminOrderRecords | null> {
  const order = await db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();
  if (!order) return null;
  const [lines, events, attempts] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).orderBy('id').execute(),
    db
      .selectFrom('order_events')
      .select(['id', 'at', 'kind', 'detail', 'staff_id as staffId'])
      .where('order_id', '=', order.id)
      .orderBy('id')
      .execute(),
    db.selectFrom('payment_attempts').selectAll().where('order_id', '=', order.id).orderBy('id').execute(),
  ]);
  return { order, lines, events, attempts };
}

export interface ReconcileRow {
  number: string;
  createdAt: string;
  totalPence: number;
  latestAttemptAt: string;
  attempts: { vendorTxCode: string; status: string; createdAt: string; amountPence: number }[];
}

/** Orders still awaiting payment whose newest attempt began before the cutoff, the longest waiting first. */
export async function listOrdersToReconcile(db: Db, cutoff: string): Promise<ReconcileRow[]> {
  const orders = await db
    .selectFrom('orders as o')
    .select((eb) => ['o.id', 'o.number', 'o.created_at', 'o.total_pence', latestAttemptStart(eb).as('latest')])
    .where('o.status', '=', 'awaiting_payment')
    .where((eb) => eb(latestAttemptStart(eb), '<', cutoff))
    .orderBy('latest', 'asc')
    .orderBy('o.id', 'asc')
    .execute();
  if (orders.length === 0) return [];
  const attempts = await db
    .selectFrom('payment_attempts')
    .select(['order_id', 'vendor_tx_code', 'status', 'created_at', 'amount_pence'])
    .where(
      'order_id',
      'in',
      orders.map((o) => o.id),
    )
    .orderBy('id')
    .execute();
  return orders.map((o) => ({
    number: o.number,
    createdAt: o.created_at,
    totalPence: o.total_pence,
    latestAttemptAt: String(o.latest),
    attempts: attempts
      .filter((a) => a.order_id === o.id)
      .map((a) => ({ vendorTxCode: a.vendor_tx_code, status: a.status, createdAt: a.created_at, amountPence: a.amount_pence })),
  }));
}

/** Paid orders whose reservation had lapsed and whose stock had gone by the time the payment came back. */
export async function listPaidStockShortOrders(db: Db): Promise<{ number: string; paidAt: string | null; totalPence: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['number', 'paid_at', 'total_pence'])
    .where('status', '=', 'paid')
    .where('stock_short', '=', 1)
    .orderBy('paid_at', 'asc')
    .execute();
  return rows.map((r) => ({ number: r.number, paidAt: r.paid_at, totalPence: r.total_pence }));
}

/**
 * The dashboard's order figures: paid since `today` began, paid and waiting to be posted, and (as
 * the reconciliation page counts them) still unpaid with the newest attempt begun before `reconcileBefore`.
 */
export async function countOrdersForDashboard(
  db: Db,
  since: { today: string; reconcileBefore: string },
): Promise<{ paidToday: number; toDispatch: number; toReconcile: number }> {
  const [paidToday, toDispatch, toReconcile] = await Promise.all([
    db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paid_at', '>=', since.today)
      .executeTakeFirst(),
    db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'paid')
      .executeTakeFirst(),
    db
      .selectFrom('orders as o')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('o.status', '=', 'awaiting_payment')
      .where((eb) => eb(latestAttemptStart(eb), '<', since.reconcileBefore))
      .executeTakeFirst(),
  ]);
  return { paidToday: Number(paidToday?.n ?? 0), toDispatch: Number(toDispatch?.n ?? 0), toReconcile: Number(toReconcile?.n ?? 0) };
}
