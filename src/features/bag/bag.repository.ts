import type { Db } from '../../db/database.js';

/** A line in a bag, joined with what the catalogue says about it now. */
export interface BagLineRow {
  variantId: number;
  quantity: number;
  sku: string;
  pricePence: number;
  stock: number;
  metal: string;
  ringSize: string | null;
  chainLengthIn: number | null;
  productName: string;
  productSlug: string;
  available: boolean;
  imageId: number | null;
}

export async function findBagByTokenHash(db: Db, tokenHash: string): Promise<{ id: number; updatedAt: string } | null> {
  const row = await db.selectFrom('bags').select(['id', 'updated_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
  return row ? { id: row.id, updatedAt: row.updated_at } : null;
}

/** Pieces in the bag with this token hash, if it was changed since `changedSince`: one indexed lookup, for the header's count. */
export async function countBagPieces(db: Db, tokenHash: string, changedSince: string): Promise<number> {
  const row = await db
    .selectFrom('bags as g')
    .innerJoin('bag_items as b', 'b.bag_id', 'g.id')
    .select((eb) => eb.fn.sum<number | string | null>('b.quantity').as('pieces'))
    .where('g.token_hash', '=', tokenHash)
    .where('g.updated_at', '>=', changedSince)
    .executeTakeFirst();
  return Number(row?.pieces ?? 0);
}

export async function insertBag(db: Db, tokenHash: string, now: string): Promise<number> {
  const row = await db
    .insertInto('bags')
    .values({ token_hash: tokenHash, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function touchBag(db: Db, bagId: number, now: string): Promise<void> {
  await db.updateTable('bags').set({ updated_at: now }).where('id', '=', bagId).execute();
}

export async function listBagLines(db: Db, bagId: number): Promise<BagLineRow[]> {
  const rows = await db
    .selectFrom('bag_items as b')
    .innerJoin('variants as v', 'v.id', 'b.variant_id')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select((eb) => [
      'b.variant_id',
      'b.quantity',
      'v.sku',
      'v.price_pence',
      'v.stock',
      'v.metal',
      'v.ring_size',
      'v.chain_length_in',
      'p.name',
      'p.slug',
      'p.archived',
      eb
        .selectFrom('product_images as i')
        .select('i.id')
        .whereRef('i.product_id', '=', 'p.id')
        .orderBy('i.position')
        .orderBy('i.id')
        .limit(1)
        .as('image_id'),
    ])
    .where('b.bag_id', '=', bagId)
    .orderBy('b.added_at')
    .orderBy('b.variant_id')
    .execute();
  return rows.map((r) => ({
    variantId: r.variant_id,
    quantity: r.quantity,
    sku: r.sku,
    pricePence: r.price_pence,
    stock: r.stock,
    metal: r.metal,
    ringSize: r.ring_size,
    chainLengthIn: r.chain_length_in,
    productName: r.name,
    productSlug: r.slug,
    available: r.archived === 0,
    imageId: r.image_id ?? null,
  }));
}

export async function findBagQuantity(db: Db, bagId: number, variantId: number): Promise<number> {
  const row = await db
    .selectFrom('bag_items')
    .select('quantity')
    .where('bag_id', '=', bagId)
    .where('variant_id', '=', variantId)
    .executeTakeFirst();
  return row?.quantity ?? 0;
}

export async function upsertBagItem(db: Db, bagId: number, variantId: number, quantity: number, now: string): Promise<void> {
  await db
    .insertInto('bag_items')
    .values({ bag_id: bagId, variant_id: variantId, quantity, added_at: now })
    .onConflict((oc) => oc.columns(['bag_id', 'variant_id']).doUpdateSet({ quantity }))
    .execute();
}

export async function deleteBagItem(db: Db, bagId: number, variantId: number): Promise<void> {
  await db.deleteFrom('bag_items').where('bag_id', '=', bagId).where('variant_id', '=', variantId).execute();
}

export async function emptyBag(db: Db, bagId: number): Promise<void> {
  await db.deleteFrom('bag_items').where('bag_id', '=', bagId).execute();
}

export async function findVariantStock(db: Db, variantId: number): Promise<{ stock: number; available: boolean } | null> {
  const row = await db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.stock', 'p.archived'])
    .where('v.id', '=', variantId)
    .executeTakeFirst();
  return row ? { stock: row.stock, available: row.archived === 0 } : null;
}

/** Bags untouched since the cutoff go; orders keep their own copy of what was bought. */
export async function deleteBagsUpdatedBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('bags').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}
