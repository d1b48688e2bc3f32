import type { Db } from '../../db/database.js';
import { latestAttemptStart } from '../orders/orders.repository.js';

/** The dashboard's figures, each one counted from the database: no estimates, no placeholders. */
export async function dashboardCounts(db: Db, since: { weekAgo: string; today: string; reconcileBefore: string }, lowStockAt: number) {
  const [products, lowStock, soldOut, enquiries, paidToday, toDispatch, toReconcile] = await Promise.all([
    db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('archived', '=', 0)
      .executeTakeFirst(),
    db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.archived', '=', 0)
      .where('v.stock', '>', 0)
      .where('v.stock', '<=', lowStockAt)
      .executeTakeFirst(),
    db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.archived', '=', 0)
      .where('v.stock', '=', 0)
      .executeTakeFirst(),
    db
      .selectFrom('contact_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_at', '>=', since.weekAgo)
      .executeTakeFirst(),
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
    // As the reconciliation page counts them: still unpaid, and the newest attempt began before the cutoff.
    db
      .selectFrom('orders as o')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('o.status', '=', 'awaiting_payment')
      .where((eb) => eb(latestAttemptStart(eb), '<', since.reconcileBefore))
      .executeTakeFirst(),
  ]);
  return {
    products: Number(products?.n ?? 0),
    lowStock: Number(lowStock?.n ?? 0),
    soldOut: Number(soldOut?.n ?? 0),
    enquiriesThisWeek: Number(enquiries?.n ?? 0),
    ordersPaidToday: Number(paidToday?.n ?? 0),
    ordersToDispatch: Number(toDispatch?.n ?? 0),
    ordersToReconcile: Number(toReconcile?.n ?? 0),
  };
}
