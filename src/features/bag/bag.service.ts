import type { Db } from '../../db/database.js';
import { randomToken, tokenHash } from '../../shared/crypto.js';
import {
  type BagLineRow,
  deleteBagItem,
  deleteBagsUpdatedBefore,
  findBagByTokenHash,
  findBagQuantity,
  findVariantStock,
  insertBag,
  listBagLines,
  touchBag,
  upsertBagItem,
} from './bag.repository.js';

/**
 * The bag lives on the server; the shopper holds only an unguessable token, in a strictly
 * necessary cookie or, when cookies are refused, in links and form fields. A bag nobody has
 * touched for BAG_LIFETIME_DAYS is deleted, and its token stops working.
 */
export const BAG_LIFETIME_DAYS = 30;
export const MAX_PER_LINE = 10;

export interface Bag {
  id: number;
  token: string;
}

export type BagLine = BagLineRow;

const DAY_MS = 86_400_000;

/** A well-formed token has the shape randomToken() makes: 43 base64url characters. */
export function isBagToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export async function openBag(db: Db, token: string | undefined, now: Date): Promise<Bag | null> {
  if (!isBagToken(token)) return null;
  const bag = await findBagByTokenHash(db, tokenHash(token));
  if (!bag) return null;
  if (Date.parse(bag.updatedAt) < now.getTime() - BAG_LIFETIME_DAYS * DAY_MS) return null;
  return { id: bag.id, token };
}

export type BagChange =
  { ok: true; bag: Bag; created: boolean } | { ok: false; reason: 'unknown' | 'sold_out' | 'not_enough'; available: number };

/** Adds to the bag the token names, or to a new bag; the quantity in the bag never exceeds the stock. */
export async function addToBag(db: Db, token: string | undefined, variantId: number, quantity: number, now: Date): Promise<BagChange> {
  const variant = await findVariantStock(db, variantId);
  if (!variant || !variant.available) return { ok: false, reason: 'unknown', available: 0 };
  const existing = await openBag(db, token, now);
  const already = existing ? await findBagQuantity(db, existing.id, variantId) : 0;
  const wanted = Math.min(already + quantity, MAX_PER_LINE);
  if (variant.stock === 0) return { ok: false, reason: 'sold_out', available: 0 };
  if (wanted > variant.stock) return { ok: false, reason: 'not_enough', available: variant.stock - already };
  const iso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    let bag = existing;
    if (!bag) {
      const fresh = randomToken();
      bag = { id: await insertBag(trx, tokenHash(fresh), iso), token: fresh };
    } else {
      await touchBag(trx, bag.id, iso);
    }
    await upsertBagItem(trx, bag.id, variantId, wanted, iso);
    return { ok: true as const, bag, created: existing === null };
  });
}

/** Sets a line's quantity; 0 removes it. */
export async function changeQuantity(db: Db, bag: Bag, variantId: number, quantity: number, now: Date): Promise<BagChange> {
  const iso = now.toISOString();
  if (quantity === 0) {
    await db.transaction().execute(async (trx) => {
      await deleteBagItem(trx, bag.id, variantId);
      await touchBag(trx, bag.id, iso);
    });
    return { ok: true, bag, created: false };
  }
  const variant = await findVariantStock(db, variantId);
  if (!variant || (await findBagQuantity(db, bag.id, variantId)) === 0) return { ok: false, reason: 'unknown', available: 0 };
  if (quantity > variant.stock) return { ok: false, reason: variant.stock === 0 ? 'sold_out' : 'not_enough', available: variant.stock };
  await db.transaction().execute(async (trx) => {
    await upsertBagItem(trx, bag.id, variantId, quantity, iso);
    await touchBag(trx, bag.id, iso);
  });
  return { ok: true, bag, created: false };
}

export async function bagLines(db: Db, bag: Bag | null): Promise<BagLine[]> {
  return bag ? listBagLines(db, bag.id) : [];
}

/** What stands between these lines and checking out: pieces withdrawn, sold out, or fewer left than wanted. */
export function bagProblems(lines: BagLine[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const l of lines) {
    if (!l.available) problems.set(l.variantId, 'This piece is no longer available. Please remove it.');
    else if (l.stock === 0) problems.set(l.variantId, 'Sorry, this has sold out. Please remove it.');
    else if (l.quantity > l.stock) problems.set(l.variantId, `Only ${l.stock} left. Please lower the quantity.`);
  }
  return problems;
}

export function subtotalOf(lines: { pricePence: number; quantity: number }[]): number {
  return lines.reduce((sum, l) => sum + l.pricePence * l.quantity, 0);
}

/** Retention: bags not touched for BAG_LIFETIME_DAYS are deleted. */
export async function eraseExpiredBags(db: Db, now: Date): Promise<number> {
  return deleteBagsUpdatedBefore(db, new Date(now.getTime() - BAG_LIFETIME_DAYS * DAY_MS).toISOString());
}
