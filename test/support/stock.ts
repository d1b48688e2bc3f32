import type { Db } from '../../src/db/database.js';

/** A variant as the product form names it, with its id. */
export interface StockedPiece {
  id: number;
  slug: string;
  metal: string;
  ring_size: string | null;
  chain_length_in: number | null;
}

/**
 * Pieces with plenty of stock set aside for a test or a benchmark (so it measures checkouts rather
 * than selling out): the first `count` variants of the catalogue on sale, each given `stock`.
 */
export async function stockPieces(db: Db, count: number, stock: number): Promise<StockedPiece[]> {
  const pieces = await db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .limit(count)
    .execute();
  if (pieces.length === 0) return pieces;
  await db
    .updateTable('variants')
    .set({ stock })
    .where(
      'id',
      'in',
      pieces.map((p) => p.id),
    )
    .execute();
  return pieces;
}
