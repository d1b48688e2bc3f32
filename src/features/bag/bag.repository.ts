import type { Db } from '../../db/database.js';

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

/** The bag's lines as it holds them: which variant and how many, in the order they were added. */
export async function listBagItems(db: Db, bagId: number): Promise<{ variantId: number; quantity: number }[]> {
  const rows = await db
    .selectFrom('bag_items')
    .select(['variant_id', 'quantity'])
    .where('bag_id', '=', bagId)
    .orderBy('added_at')
    .orderBy('variant_id')
    .execute();
  return rows.map((r) => ({ variantId: r.variant_id, quantity: r.quantity }));
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

/** Bags untouched since the cutoff go; orders keep their own copy of what was bought. */
export async function deleteBagsUpdatedBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('bags').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** These bags and their lines, without the token's fingerprint (which only opens the bag). */
export async function findBagRecords(db: Db, bagIds: number[]) {
  if (bagIds.length === 0) return { bags: [], bag_items: [] };
  const bags = await db.selectFrom('bags').select(['id', 'created_at', 'updated_at']).where('id', 'in', bagIds).orderBy('id').execute();
  const bag_items = await db
    .selectFrom('bag_items')
    .selectAll()
    .where('bag_id', 'in', bagIds)
    .orderBy('bag_id')
    .orderBy('variant_id')
    .execute();
  return { bags, bag_items };
}

/** Deletes these bags with their lines; an order placed from one keeps its own copy of what was bought. */
export async function deleteBags(db: Db, bagIds: number[]): Promise<{ bags: number; bag_items: number }> {
  if (bagIds.length === 0) return { bags: 0, bag_items: 0 };
  const items = await db.deleteFrom('bag_items').where('bag_id', 'in', bagIds).executeTakeFirst();
  const bags = await db.deleteFrom('bags').where('id', 'in', bagIds).executeTakeFirst();
  return { bags: Number(bags.numDeletedRows), bag_items: Number(items.numDeletedRows) };
}
