import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { type Person, type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import { deleteBags, findBagRecords } from './bag.repository.js';
import { randomToken, tokenHash } from '../../shared/crypto.js';
import { type VariantForSale, variantsForSale } from '../catalog/catalog.service.js';
import { ordersOfPerson, stockHeldForBag } from '../orders/orders.holds.js';
import { lineCapMessage } from '../orders/orders.domain.js';
import {
  countBagPieces,
  deleteBagItem,
  deleteBagsUpdatedBefore,
  emptyBag,
  findBagByTokenHash,
  findBagQuantity,
  insertBag,
  listBagItems,
  touchBag,
  upsertBagItem,
} from './bag.repository.js';

/**
 * The bag lives on the server; the shopper holds only an unguessable token, in a strictly
 * necessary cookie or, when cookies are refused, in links and form fields. A bag nobody has
 * touched for BAG_LIFETIME_DAYS is deleted, and its token stops working.
 */
export const BAG_LIFETIME_DAYS = 30;

export interface Bag {
  id: number;
  token: string;
}

/** A line in a bag, with what the catalogue says about its variant now. */
export interface BagLine extends VariantForSale {
  quantity: number;
}

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
  | { ok: true; bag: Bag; created: boolean }
  /** `limit` is set when the line cap, not the stock, is what stops it. */
  | { ok: false; reason: 'unknown' | 'sold_out' | 'not_enough'; available: number; limit?: number };

/** Adds to the bag the token names, or to a new bag; the quantity in the bag never exceeds the stock, nor `maxPerLine`. */
export async function addToBag(
  db: Db,
  token: string | undefined,
  variantId: number,
  quantity: number,
  now: Date,
  maxPerLine: number,
): Promise<BagChange> {
  const variant = (await variantsForSale(db, [variantId])).get(variantId);
  if (!variant || !variant.available) return { ok: false, reason: 'unknown', available: 0 };
  const existing = await openBag(db, token, now);
  const already = existing ? await findBagQuantity(db, existing.id, variantId) : 0;
  const wanted = already + quantity;
  if (variant.stock === 0) return { ok: false, reason: 'sold_out', available: 0 };
  if (wanted > maxPerLine) {
    return { ok: false, reason: 'not_enough', available: Math.max(0, Math.min(maxPerLine, variant.stock) - already), limit: maxPerLine };
  }
  if (wanted > variant.stock) return { ok: false, reason: 'not_enough', available: variant.stock - already };
  const iso = now.toISOString();
  return inTransaction(db, async (trx) => {
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

/** Sets a line's quantity, at most `maxPerLine`; 0 removes it. */
export async function changeQuantity(
  db: Db,
  bag: Bag,
  variantId: number,
  quantity: number,
  now: Date,
  maxPerLine: number,
): Promise<BagChange> {
  const iso = now.toISOString();
  if (quantity === 0) {
    await inTransaction(db, async (trx) => {
      await deleteBagItem(trx, bag.id, variantId);
      await touchBag(trx, bag.id, iso);
    });
    return { ok: true, bag, created: false };
  }
  const variant = (await variantsForSale(db, [variantId])).get(variantId);
  if (!variant || (await findBagQuantity(db, bag.id, variantId)) === 0) return { ok: false, reason: 'unknown', available: 0 };
  if (quantity > maxPerLine) return { ok: false, reason: 'not_enough', available: Math.min(maxPerLine, variant.stock), limit: maxPerLine };
  if (quantity > variant.stock) return { ok: false, reason: variant.stock === 0 ? 'sold_out' : 'not_enough', available: variant.stock };
  await inTransaction(db, async (trx) => {
    await upsertBagItem(trx, bag.id, variantId, quantity, iso);
    await touchBag(trx, bag.id, iso);
  });
  return { ok: true, bag, created: false };
}

/**
 * What a bag holds: the lines checkout will order, and apart from them the lines that cannot be
 * ordered at all (sold out, or withdrawn from sale). Those stay in the bag, shown apart with why,
 * until the shopper removes them or places an order; they are never in a total.
 */
export interface BagContents {
  lines: BagLine[];
  setAside: BagLine[];
}

function canBeOrdered(line: BagLine): boolean {
  return line.available && line.stock > 0;
}

/**
 * Every line of the bag, orderable or not, in the order they were added: the bag holds which
 * variant and how many, the catalogue says what each is and costs now (one query for all).
 */
export async function listLinesOfBag(db: Executor, bagId: number): Promise<BagLine[]> {
  const items = await listBagItems(db, bagId);
  if (items.length === 0) return [];
  const variants = await variantsForSale(
    db,
    items.map((i) => i.variantId),
  );
  return items.flatMap((i) => {
    const v = variants.get(i.variantId);
    return v ? [{ ...v, quantity: i.quantity }] : [];
  });
}

/** Empties the bag an order was paid from, inside the order's transaction. */
export async function clearBag(db: Executor, bagId: number): Promise<void> {
  await emptyBag(db, bagId);
}

export async function bagContents(db: Db, bag: Bag | null): Promise<BagContents> {
  const listed = bag ? await listLinesOfBag(db, bag.id) : [];
  // Stock this bag's own unpaid order holds is still the shopper's: the next checkout from the
  // bag hands it back before taking stock again, so it is not "sold out" to them.
  const held = bag && listed.length > 0 ? await stockHeldForBag(db, bag.id) : new Map<number, number>();
  const all = listed.map((l) => (held.has(l.variantId) ? { ...l, stock: l.stock + (held.get(l.variantId) ?? 0) } : l));
  return { lines: all.filter(canBeOrdered), setAside: all.filter((l) => !canBeOrdered(l)) };
}

/** The lines checkout will order: the bag's lines less those sold out or withdrawn. */
export async function bagLines(db: Db, bag: Bag | null): Promise<BagLine[]> {
  return (await bagContents(db, bag)).lines;
}

/** How many pieces the bag holds, set-aside lines included: the header's count. */
export async function bagCount(db: Db, token: string | undefined, now: Date): Promise<number> {
  if (!isBagToken(token)) return 0;
  return countBagPieces(db, tokenHash(token), new Date(now.getTime() - BAG_LIFETIME_DAYS * DAY_MS).toISOString());
}

/** Why a set-aside line cannot be ordered. */
export function setAsideReason(line: BagLine): string {
  return line.available ? 'Sorry, this has sold out. Please remove it.' : 'This piece is no longer available. Please remove it.';
}

/** What stands between the lines checkout will order and checking out: fewer left than wanted. */
export function bagProblems(lines: BagLine[], maxPerLine: number): Map<number, string> {
  const problems = new Map<number, string>();
  for (const l of lines) {
    if (canBeOrdered(l) && l.quantity > l.stock) problems.set(l.variantId, `Only ${l.stock} left. Please lower the quantity.`);
    if (!problems.has(l.variantId) && l.quantity > maxPerLine) problems.set(l.variantId, lineCapMessage(maxPerLine));
  }
  return problems;
}

/**
 * Just before an order is placed from the bag: takes out the lines the shopper was shown set aside
 * (the checkout page lists them as not included), so that the order holds only the rest. When a
 * line has been set aside since that page was shown, or nothing would be left to order, nothing
 * changes and the answer is false: the shopper should see the bag again first.
 */
export async function dropSetAsideLines(db: Db, bag: Bag, shownSetAside: readonly number[], now: Date): Promise<boolean> {
  const { lines, setAside } = await bagContents(db, bag);
  if (lines.length === 0 || setAside.some((l) => !shownSetAside.includes(l.variantId))) return false;
  if (setAside.length === 0) return true;
  await inTransaction(db, async (trx) => {
    for (const l of setAside) await deleteBagItem(trx, bag.id, l.variantId);
    await touchBag(trx, bag.id, now.toISOString());
  });
  return true;
}

/** The set-aside line ids a checkout form says it showed ("12,34"); anything else counts as none. */
export function parseSetAside(value: unknown): number[] {
  if (typeof value !== 'string' || !/^\d{1,12}(,\d{1,12}){0,99}$/.test(value)) return [];
  return value.split(',').map(Number);
}

export function subtotalOf(lines: { pricePence: number; quantity: number }[]): number {
  return lines.reduce((sum, l) => sum + l.pricePence * l.quantity, 0);
}

/** Retention: bags not touched for BAG_LIFETIME_DAYS are deleted. */
export async function eraseExpiredBags(db: Db, now: Date): Promise<number> {
  return deleteBagsUpdatedBefore(db, new Date(now.getTime() - BAG_LIFETIME_DAYS * DAY_MS).toISOString());
}

/** The bags the person's orders were placed from: a bag is a person's only through an order. */
async function bagsOf(trx: Trx, person: Person): Promise<number[]> {
  return (await ordersOfPerson(trx, person.customerId, emailsOf(person))).bagIds;
}

export const bagSubjects: SubjectHandlers = {
  async exportSubject(trx, person) {
    return exportOf(await findBagRecords(trx, await bagsOf(trx, person)));
  },

  /** Deletes those bags; each order keeps its own copy of what was bought. Run before the orders' eraser, which unlinks them. */
  async eraseSubject(trx, person) {
    return reportOf(await deleteBags(trx, await bagsOf(trx, person)));
  },
};
