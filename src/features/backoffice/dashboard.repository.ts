import type { Db } from '../../db/database.js';

/** The dashboard's figures, each one counted from the database: no estimates, no placeholders. */
export async function dashboardCounts(db: Db, since: { weekAgo: string }, lowStockAt: number) {
  const [products, lowStock, soldOut, enquiries] = await Promise.all([
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
  ]);
  return {
    products: Number(products?.n ?? 0),
    lowStock: Number(lowStock?.n ?? 0),
    soldOut: Number(soldOut?.n ?? 0),
    enquiriesThisWeek: Number(enquiries?.n ?? 0),
  };
}
