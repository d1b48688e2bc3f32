import { z } from 'zod';
import { staffNamesById } from '../staff/staff.directory.js';
import { type ErasureReport, type Person, type SubjectExport, type SubjectHandlers, exportOf, reportOf } from '../privacy/inventory.js';
import { findChangesByStaff, forgetStaffInChanges } from './catalog.admin.repository.js';
import { type PriceChange, type StockMovement, recentPriceChanges, recentStockMovements } from './catalog.admin.repository.js';
import { type Db, type Trx, inTransaction } from '../../db/database.js';
import {
  type AdminProduct,
  applyStockDelta,
  deleteGroup as deleteGroupRow,
  deleteImageRow,
  deleteVariant,
  findGroup,
  findImageRow,
  findSearchFacts,
  findVariant,
  type GroupTable,
  groupIdsExist,
  groupOrder,
  groupSlugTaken,
  hasStockMovements,
  imageOrder,
  insertImageRow,
  insertPriceChange,
  insertProductRow,
  insertStockMovement,
  insertVariant,
  isDuplicateSku,
  isUniqueViolation,
  listProductVariants,
  nextGroupPosition,
  type NewVariant,
  productExists,
  productIdsInGroup,
  type ProductFields,
  productSlugsLike,
  productSlugTaken,
  setGroupOrder,
  setImageOrder,
  setProductArchived,
  setProductCollections,
  setVariantPrice,
  skuTaken,
  touchProduct,
  updateGroup,
  updateProductRow,
  upsertSearchEntry,
} from './catalog.admin.repository.js';
import { CHAIN_LENGTHS_IN, isMetal, isStone, metalLabel, RING_SIZES, searchEntry } from './catalog.domain.js';
import { prepareImage, type PreparedImage, MAX_UPLOAD_TEXT, MIN_IMAGE_WIDTH, removeImageFiles, storeImageFiles } from './catalog.images.js';
import { insertCategory, insertCollection, type ProductDetail, type VariantRow } from './catalog.repository.js';
import { formatPence, parsePounds } from '../../shared/money.js';

/**
 * The rules for changing the catalogue from the back office. Every write runs in one transaction
 * and, once it has committed, drops the storefront's cached pages so the change shows at once.
 */

export type FieldErrors = Record<string, string>;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = 'Use lowercase letters, numbers and single hyphens only, such as "sapphire-halo-ring".';
const SKU_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const MAX_PRICE_PENCE = 100_000_000;
export const MAX_STOCK = 100_000;
export const HISTORY_LENGTH = 20;

export const STOCK_REASONS = [
  { code: 'delivery', label: 'Delivery received' },
  { code: 'sold-in-shop', label: 'Sold in shop' },
  { code: 'damaged', label: 'Damaged' },
  { code: 'count', label: 'Stock count correction' },
  { code: 'returned', label: 'Returned' },
] as const;
export type StockReasonCode = (typeof STOCK_REASONS)[number]['code'];
const INITIAL_STOCK_REASON = 'Initial stock when the variant was added';

// ---- Form input --------------------------------------------------------------------------------

/** A single form value: a repeated field counts once, a missing one is empty. */
const one = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')));

const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== ''));

const limited = (max: number, label: string) => z.string().trim().max(max, `Please keep the ${label} under ${max} characters.`);

const slugField = one.pipe(
  z
    .string()
    .trim()
    .toLowerCase()
    .max(80, 'Please keep the web address name under 80 characters.')
    .refine((s) => s === '' || SLUG_PATTERN.test(s), SLUG_MESSAGE),
);

/** A price as staff type it ("250", "249.99", "£1,250") to integer pence, or a message saying what is wrong. */
const parsePrice = (text: string) => parsePounds(text, { noun: 'price', maxPence: MAX_PRICE_PENCE });

const priceField = one.transform((v, ctx) => {
  const r = parsePrice(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.pence;
});

export const productFormSchema = z.object({
  name: one.pipe(z.string().trim().min(1, 'Please enter the name of the piece.').max(120, 'Please keep the name under 120 characters.')),
  slug: slugField,
  category: one.pipe(
    z
      .string()
      .regex(/^\d{1,9}$/, 'Please choose a category.')
      .transform(Number),
  ),
  description: one.pipe(
    z
      .string()
      .trim()
      .min(1, 'Please describe the piece: shoppers read this first.')
      .max(5000, 'Please keep the description under 5,000 characters.'),
  ),
  hallmark: one.pipe(limited(300, 'hallmark')),
  care: one.pipe(limited(1000, 'care notes')),
  stone: one
    .pipe(z.string().refine((s) => s === '' || isStone(s), 'Please choose a stone from the list, or "No stone".'))
    .transform((s) => (s === '' ? null : s)),
  featured: one.transform((v) => v !== ''),
  collections: many
    .pipe(z.array(z.string().regex(/^\d{1,9}$/, "We don't recognise one of the collections chosen.")).max(100))
    .transform((ids) => [...new Set(ids.map(Number))]),
});
export type ProductInput = z.output<typeof productFormSchema>;

export const variantFormSchema = z.object({
  metal: one.pipe(z.string().refine(isMetal, 'Please choose a metal.')),
  ringSize: one
    .pipe(z.string().refine((s) => s === '' || RING_SIZES.includes(s), 'Please choose a UK ring size from the list.'))
    .transform((s) => (s === '' ? null : s)),
  chainLength: one
    .pipe(
      z
        .string()
        .refine(
          (s) => s === '' || (CHAIN_LENGTHS_IN as readonly number[]).map(String).includes(s),
          'Please choose a chain length from the list.',
        ),
    )
    .transform((s) => (s === '' ? null : Number(s))),
  sku: one.pipe(
    z
      .string()
      .trim()
      .toUpperCase()
      .min(1, 'Please enter a SKU (the code you know this variant by), such as ASY-R001-9YG-N.')
      .max(40, 'Please keep the SKU under 40 characters.')
      .regex(SKU_PATTERN, 'Use letters, numbers and single hyphens only in a SKU, such as ASY-R001-9YG-N.'),
  ),
  price: priceField,
  stock: one.pipe(
    z
      .string()
      .trim()
      .refine((s) => s === '' || /^\d{1,6}$/.test(s), 'Please enter how many you have as a whole number, such as 3.')
      .transform((s) => (s === '' ? 0 : Number(s)))
      .refine((n) => n <= MAX_STOCK, `Please enter a number of pieces up to ${MAX_STOCK.toLocaleString('en-GB')}.`),
  ),
});
export type VariantInput = z.output<typeof variantFormSchema>;

export const stockFormSchema = z.object({
  delta: one.pipe(
    z
      .string()
      .trim()
      .refine((s) => /^[+-]?\d{1,6}$/.test(s), 'Please enter the change as a whole number: +5 for five more, -2 for two fewer.')
      .transform(Number)
      .refine((n) => n !== 0, 'A change of 0 changes nothing. Enter how many to add (+5) or take away (-2).')
      .refine((n) => Math.abs(n) <= MAX_STOCK, `Please adjust by at most ${MAX_STOCK.toLocaleString('en-GB')} at a time.`),
  ),
  reason: one.pipe(
    z.string().refine((s): s is StockReasonCode => STOCK_REASONS.some((r) => r.code === s), 'Please choose a reason for the change.'),
  ),
  note: one.pipe(limited(200, 'note')),
});

/** One variant's row of the variants form, as read from it: only what the member of staff changed. */
export interface VariantRowChange {
  variantId: number;
  /** The price the form showed, in pence, so that a price someone else changed meanwhile is not overwritten. */
  shownPence: number | null;
  /** The new price in pence, or null to leave it. */
  price: number | null;
  stock: { delta: number; reason: string } | null;
  remove: boolean;
}

/** What a variants form asks for, in its rows' order, with the problems in each row's fields. */
export type VariantRowsForm =
  | { ok: true; rows: VariantRowChange[]; errors: FieldErrors; changes: { prices: boolean; stock: boolean; removals: boolean } }
  | { ok: false; message: string };

/** More rows than any piece has; a form with more was not made by the product page. */
export const MAX_VARIANT_ROWS = 1000;

/**
 * Reads the product page's variants form: one row per variant, its fields named after the
 * variant (price-12, delta-12, reason-12, note-12, remove-12), the rows listed in "row". A row
 * left as the page showed it asks for nothing. Errors are keyed by field name, such as price-12.
 */
export function readVariantRows(body: Record<string, unknown>): VariantRowsForm {
  const ids = (typeof body.row === 'string' ? [body.row] : Array.isArray(body.row) ? body.row : []).filter((x) => typeof x === 'string');
  if (ids.length > MAX_VARIANT_ROWS || !ids.every((id) => /^\d{1,9}$/.test(id)))
    return { ok: false, message: 'We could not read that form. Please use the variants table on the product page.' };
  const rows: VariantRowChange[] = [];
  const errors: FieldErrors = {};
  const changes = { prices: false, stock: false, removals: false };
  for (const id of [...new Set(ids)]) {
    const field = (name: string) => {
      const v = body[`${name}-${id}`];
      return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    };
    const shown = field('was');
    const shownPence = shown !== undefined && /^\d{1,9}$/.test(shown) ? Number(shown) : null;
    let price: number | null = null;
    const priceText = field('price');
    if (priceText !== undefined) {
      const parsed = parsePrice(priceText);
      if (!parsed.ok) {
        errors[`price-${id}`] = parsed.message;
        changes.prices = true;
      } else if (parsed.pence !== shownPence) {
        price = parsed.pence;
        changes.prices = true;
      }
    }
    let stock: VariantRowChange['stock'] = null;
    const [delta = '', reason = '', note = ''] = ['delta', 'reason', 'note'].map((f) => field(f) ?? '');
    if (delta.trim() !== '' || reason !== '' || note.trim() !== '') {
      changes.stock = true;
      const parsed = stockFormSchema.safeParse({ delta, reason, note });
      if (parsed.success) stock = { delta: parsed.data.delta, reason: stockReasonText(parsed.data.reason, parsed.data.note) };
      else for (const issue of parsed.error.issues) errors[`${String(issue.path[0])}-${id}`] ??= issue.message;
    }
    const remove = (field('remove') ?? '') !== '';
    if (remove) {
      changes.removals = true;
      if (price !== null || stock !== null || errors[`price-${id}`])
        errors[`remove-${id}`] ??= 'A variant you remove keeps its price and stock: untick Remove, or undo the other changes to this row.';
    }
    rows.push({ variantId: Number(id), shownPence, price, stock, remove });
  }
  return { ok: true, rows, errors, changes };
}

/** Why stock cannot go down by that much, in the words the form shows. */
export function belowZeroMessage(stock: number): string {
  return stock === 0
    ? 'There are none in stock, so none can be taken away.'
    : `There ${stock === 1 ? 'is only 1' : `are only ${stock}`} in stock, so you can take away at most ${stock}.`;
}

export const groupFormSchema = z.object({
  name: one.pipe(z.string().trim().min(1, 'Please enter a name.').max(80, 'Please keep the name under 80 characters.')),
  slug: slugField,
  description: one.pipe(limited(1000, 'description')),
  featured: one.transform((v) => v !== ''),
});
export type GroupInput = z.output<typeof groupFormSchema>;

export const altSchema = one.pipe(
  z
    .string()
    .trim()
    .min(1, 'Please describe the photo for people who cannot see it, such as "Sapphire ring seen from the side".')
    .max(300, 'Please keep the description under 300 characters.'),
);

/** A web address name made from a name: "Rosé Halo Ring" → "rose-halo-ring". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export function stockReasonText(code: StockReasonCode, note: string): string {
  const label = STOCK_REASONS.find((r) => r.code === code)?.label ?? code;
  return note ? `${label}: ${note}` : label;
}

function imageProblem(r: Exclude<PreparedImage, { ok: true }>): string {
  switch (r.reason) {
    case 'empty':
      return 'Please choose a photo to upload.';
    case 'not_a_photo':
      return "That file isn't a JPEG, PNG or WebP photo. Please choose a photo saved in one of those formats.";
    case 'too_many_pixels':
      return 'That photo has more pixels than we can handle (over 100 megapixels). Please make it smaller and try again.';
    case 'too_narrow':
      return `That photo is only ${r.width} pixels wide. Please use one at least ${MIN_IMAGE_WIDTH} pixels wide so it looks sharp in the shop.`;
    default:
      return "We couldn't read that photo: the file may be damaged. Please save it again and upload the new copy.";
  }
}

export const IMAGE_TOO_LARGE = `That photo is larger than ${MAX_UPLOAD_TEXT}. Please choose a smaller file (most phone photos are 2 to 5 MB) and try again.`;

/** Which kind of choice a variant offers: a ring size, a chain length, or neither. */
function variantKind(v: { ringSize: string | null; chainLengthIn: number | null }): 'size' | 'length' | 'plain' {
  return v.ringSize !== null ? 'size' : v.chainLengthIn !== null ? 'length' : 'plain';
}

/**
 * A new variant must be chosen the same way as the piece's other variants (a shopper picks a
 * metal, then a size or a length), and must not repeat one that exists.
 */
function variantProblems(categorySlug: string, existing: VariantRow[], v: VariantInput): FieldErrors {
  const candidate = { ringSize: v.ringSize, chainLengthIn: v.chainLength };
  if (v.ringSize !== null && v.chainLength !== null) return { chainLength: 'A variant has a ring size or a chain length, not both.' };
  const kind = variantKind(candidate);
  const first = existing[0];
  const expected = first ? variantKind(first) : categorySlug === 'rings' ? 'size' : categorySlug === 'necklaces' ? 'length' : kind;
  if (kind !== expected) {
    const whose = first ? 'The other variants of this piece' : 'Pieces in this category';
    if (expected === 'size') return { ringSize: `${whose} have a UK ring size. Please choose one.` };
    if (expected === 'length') return { chainLength: `${whose} have a chain length. Please choose one.` };
    return kind === 'size'
      ? { ringSize: `${whose} have no ring size. Please leave it empty.` }
      : { chainLength: `${whose} have no chain length. Please leave it empty.` };
  }
  const same = existing.find((e) => e.metal === v.metal && e.ringSize === v.ringSize && e.chainLengthIn === v.chainLength);
  if (same) return { metal: `This piece already has that variant in ${metalLabel(v.metal)} (SKU ${same.sku}).` };
  return {};
}

const SKU_TAKEN = 'Another variant already has this SKU. Each SKU must be different.';
const SLUG_TAKEN = 'Another product already uses this web address name. Please choose a different one.';

// ---- The service -------------------------------------------------------------------------------

type Failure<R extends string> = { ok: false; reason: R };

/** Thrown inside a transaction to undo it, carrying the rows' problems out. */
class RowsRefused extends Error {
  constructor(readonly errors: FieldErrors) {
    super('rows refused');
  }
}
type Invalid = { ok: false; reason: 'invalid'; errors: FieldErrors };

export class CatalogAdmin {
  constructor(
    private readonly db: Db,
    private readonly catalog: { invalidate(): Promise<void> },
    private readonly dataDir: string,
  ) {}

  /** Runs a write in a transaction and, if it went through, refreshes the storefront. */
  private async write<T extends { ok: boolean }>(work: (trx: Trx) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.db, work);
    if (result.ok) await this.catalog.invalidate();
    return result;
  }

  // ---- Products

  async createProduct(
    input: ProductInput,
    variant: VariantInput,
    staffId: number | null,
    now: Date,
  ): Promise<{ ok: true; id: number } | Invalid> {
    try {
      return await this.write(async (trx) => {
        const errors = await this.productProblems(trx, input, null);
        const categorySlug = (await findGroup(trx, 'categories', input.category))?.slug ?? '';
        Object.assign(errors, variantProblems(categorySlug, [], variant));
        if (!errors.sku && (await skuTaken(trx, variant.sku))) errors.sku = SKU_TAKEN;
        if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid', errors } as const;
        const at = now.toISOString();
        const slug = input.slug || (await this.freeSlug(trx, slugify(input.name)));
        const id = await insertProductRow(trx, productFields(input, slug), at);
        await setProductCollections(trx, id, input.collections);
        await this.addVariantRows(trx, { productId: id, ...variantFields(variant) }, staffId, at);
        await refreshSearch(trx, [id]);
        return { ok: true, id } as const;
      });
    } catch (err) {
      // Checked above; only two saves racing each other get here.
      if (isUniqueViolation(err))
        return { ok: false, reason: 'invalid', errors: isDuplicateSku(err) ? { sku: SKU_TAKEN } : { slug: SLUG_TAKEN } };
      throw err;
    }
  }

  async updateProduct(id: number, input: ProductInput, now: Date): Promise<{ ok: true } | Invalid | Failure<'not_found'>> {
    try {
      return await this.write(async (trx) => {
        if (!(await productExists(trx, id))) return { ok: false, reason: 'not_found' } as const;
        const errors = await this.productProblems(trx, input, id);
        if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid', errors } as const;
        const slug = input.slug || (await this.freeSlug(trx, slugify(input.name), id));
        await updateProductRow(trx, id, productFields(input, slug), now.toISOString());
        await setProductCollections(trx, id, input.collections);
        await refreshSearch(trx, [id]);
        return { ok: true } as const;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, reason: 'invalid', errors: { slug: SLUG_TAKEN } };
      throw err;
    }
  }

  private async productProblems(trx: Trx, input: ProductInput, id: number | null): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!(await groupIdsExist(trx, 'categories', [input.category]))) errors.category = 'Please choose a category.';
    if (!(await groupIdsExist(trx, 'collections', input.collections)))
      errors.collections = "We don't recognise one of the collections chosen. Please use the choices on the page.";
    if (input.slug) {
      if (await productSlugTaken(trx, input.slug, id ?? undefined)) errors.slug = SLUG_TAKEN;
    } else if (!slugify(input.name)) {
      errors.slug = 'Please enter a web address name, as the product name has no letters or numbers to make one from.';
    }
    return errors;
  }

  /** The slug itself if free, otherwise the first free "slug-2", "slug-3"… */
  private async freeSlug(trx: Trx, base: string, exceptId?: number): Promise<string> {
    if (!(await productSlugTaken(trx, base, exceptId))) return base;
    const taken = new Set(await productSlugsLike(trx, `${base}-`));
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  async setArchived(id: number, archived: boolean, now: Date): Promise<{ ok: true } | Failure<'not_found'>> {
    return this.write(async (trx) =>
      (await setProductArchived(trx, id, archived, now.toISOString()))
        ? ({ ok: true } as const)
        : ({ ok: false, reason: 'not_found' } as const),
    );
  }

  // ---- Variants

  async addVariant(
    productId: number,
    input: VariantInput,
    staffId: number | null,
    now: Date,
  ): Promise<{ ok: true } | Invalid | Failure<'not_found'>> {
    try {
      return await this.write(async (trx) => {
        const facts = (await findSearchFacts(trx, [productId]))[0];
        if (!facts) return { ok: false, reason: 'not_found' } as const;
        const errors = variantProblems(facts.categorySlug, await listProductVariants(trx, productId), input);
        if (!errors.sku && (await skuTaken(trx, input.sku))) errors.sku = SKU_TAKEN;
        if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid', errors } as const;
        const at = now.toISOString();
        await this.addVariantRows(trx, { productId, ...variantFields(input) }, staffId, at);
        await touchProduct(trx, productId, at);
        await refreshSearch(trx, [productId]);
        return { ok: true } as const;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, reason: 'invalid', errors: { sku: SKU_TAKEN } };
      throw err;
    }
  }

  /** A variant's opening stock is its first movement, so its history adds up from the start. */
  private async addVariantRows(trx: Trx, v: NewVariant, staffId: number | null, at: string): Promise<void> {
    const variantId = await insertVariant(trx, v);
    if (v.stock > 0)
      await insertStockMovement(trx, { variantId, delta: v.stock, stockAfter: v.stock, reason: INITIAL_STOCK_REASON, staffId, at });
  }

  /**
   * Applies every row of the variants form in one transaction: new prices (each recorded with its
   * old and new amount), stock adjustments (each recorded with its reason) and removals. If any
   * row is refused, nothing at all is written and each refusal comes back under its field's name.
   * `formErrors` are the problems already found in the form itself: the rows are still checked
   * against the database, so that every problem shows at once, but nothing is kept.
   */
  async saveVariants(
    productId: number,
    rows: VariantRowChange[],
    staffId: number | null,
    now: Date,
    formErrors: FieldErrors = {},
  ): Promise<{ ok: true; changed: number } | Invalid | Failure<'not_found'>> {
    try {
      return await this.write(async (trx) => {
        if (!(await productExists(trx, productId))) return { ok: false, reason: 'not_found' } as const;
        const variants = await listProductVariants(trx, productId);
        const current = new Map(variants.map((v) => [v.id, v]));
        const errors: FieldErrors = { ...formErrors };
        const at = now.toISOString();
        let changed = 0;
        let removed = 0;
        for (const row of rows) {
          const v = current.get(row.variantId);
          const asks = row.price !== null || row.stock !== null || row.remove;
          if (!v) {
            if (asks)
              errors[`row-${row.variantId}`] = 'One of the variants you changed has been removed meanwhile. Please check the table again.';
            continue;
          }
          if (row.price !== null && row.price !== v.pricePence) {
            if (row.shownPence !== null && row.shownPence !== v.pricePence) {
              errors[`price-${v.id}`] =
                `Someone else changed this price to ${formatPence(v.pricePence)} while you were editing. Check it, and save again to use yours.`;
            } else {
              await setVariantPrice(trx, v.id, row.price);
              await insertPriceChange(trx, { variantId: v.id, oldPence: v.pricePence, newPence: row.price, staffId, at });
              changed++;
            }
          }
          if (row.stock) {
            const after = await applyStockDelta(trx, v.id, row.stock.delta);
            if (after === null) {
              errors[`delta-${v.id}`] = belowZeroMessage((await findVariant(trx, v.id))?.stock ?? v.stock);
            } else {
              await insertStockMovement(trx, {
                variantId: v.id,
                delta: row.stock.delta,
                stockAfter: after,
                reason: row.stock.reason,
                staffId,
                at,
              });
              changed++;
            }
          }
          if (row.remove) {
            if (await hasStockMovements(trx, v.id)) {
              errors[`remove-${v.id}`] =
                "This variant has stock history, so it can't be removed: the history must stay complete. To stop selling it, adjust its stock to 0.";
            } else {
              await deleteVariant(trx, v.id);
              removed++;
              changed++;
            }
          }
        }
        if (removed > 0 && removed >= variants.length) {
          for (const row of rows.filter((r) => r.remove))
            errors[`remove-${row.variantId}`] ??= 'A product needs at least one variant. To take the piece off sale, archive it instead.';
        }
        // Throwing rolls back the rows already written, so a refused save changes nothing.
        if (Object.keys(errors).length > 0) throw new RowsRefused(errors);
        if (changed > 0) await touchProduct(trx, productId, at);
        if (removed > 0) await refreshSearch(trx, [productId]);
        return { ok: true, changed } as const;
      });
    } catch (err) {
      if (err instanceof RowsRefused) return { ok: false, reason: 'invalid', errors: err.errors };
      throw err;
    }
  }

  // ---- Images

  async addImage(
    productId: number,
    bytes: Buffer | null,
    altInput: unknown,
    now: Date,
  ): Promise<{ ok: true } | Invalid | Failure<'not_found'>> {
    if (!(await productExists(this.db, productId))) return { ok: false, reason: 'not_found' };
    const errors: FieldErrors = {};
    const alt = altSchema.safeParse(altInput);
    if (!alt.success) errors.alt = alt.error.issues[0]?.message ?? 'Please describe the photo.';
    const prepared = await prepareImage(bytes ?? Buffer.alloc(0));
    if (!prepared.ok) errors.image = imageProblem(prepared);
    if (!prepared.ok || !alt.success) return { ok: false, reason: 'invalid', errors };

    const stored = await storeImageFiles(this.dataDir, prepared.renditions);
    try {
      const result = await this.write(async (trx) => {
        if (!(await productExists(trx, productId))) return { ok: false, reason: 'not_found' } as const;
        await insertImageRow(trx, { productId, alt: alt.data, fileKey: stored.fileKey, widths: stored.widths });
        await touchProduct(trx, productId, now.toISOString());
        return { ok: true } as const;
      });
      if (!result.ok) await removeImageFiles(this.dataDir, stored.fileKey, stored.widths);
      return result;
    } catch (err) {
      await removeImageFiles(this.dataDir, stored.fileKey, stored.widths);
      throw err;
    }
  }

  /** Removes the row, then its files; reports whether the files went too (the row is gone either way). */
  async deleteImage(imageId: number, now: Date): Promise<{ ok: true; productId: number; filesRemoved: boolean } | Failure<'not_found'>> {
    const img = await findImageRow(this.db, imageId);
    if (!img) return { ok: false, reason: 'not_found' };
    const result = await this.write(async (trx) => {
      if (!(await findImageRow(trx, imageId))) return { ok: false, reason: 'not_found' } as const;
      await deleteImageRow(trx, imageId);
      await touchProduct(trx, img.productId, now.toISOString());
      return { ok: true } as const;
    });
    if (!result.ok) return result;
    let filesRemoved = true;
    if (img.fileKey) await removeImageFiles(this.dataDir, img.fileKey, img.widths).catch(() => (filesRemoved = false));
    return { ok: true, productId: img.productId, filesRemoved };
  }

  async moveImage(imageId: number, direction: 'up' | 'down', now: Date): Promise<{ ok: true; productId: number } | Failure<'not_found'>> {
    return this.write(async (trx) => {
      const img = await findImageRow(trx, imageId);
      if (!img) return { ok: false, reason: 'not_found' } as const;
      const order = moved(await imageOrder(trx, img.productId), imageId, direction);
      await setImageOrder(trx, order);
      await touchProduct(trx, img.productId, now.toISOString());
      return { ok: true, productId: img.productId } as const;
    });
  }

  // ---- Categories and collections

  /**
   * Creates (id null) or changes a category or collection. Category slugs are top-level web
   * addresses (/rings), so they may not take a path the shop already uses (reserved).
   */
  async saveGroup(
    table: GroupTable,
    id: number | null,
    input: GroupInput,
    reserved: ReadonlySet<string>,
  ): Promise<{ ok: true } | Invalid | Failure<'not_found'>> {
    const slug = input.slug || slugify(input.name);
    try {
      return await this.write(async (trx) => {
        const existing = id === null ? null : await findGroup(trx, table, id);
        if (id !== null && !existing) return { ok: false, reason: 'not_found' } as const;
        const errors: FieldErrors = {};
        if (!slug) errors.slug = 'Please enter a web address name, as the name has no letters or numbers to make one from.';
        else if (table === 'categories' && reserved.has(slug))
          errors.slug = `"${slug}" is already a page of the shop. Please choose a different web address name.`;
        else if (await groupSlugTaken(trx, table, slug, id ?? undefined))
          errors.slug = `Another ${table === 'categories' ? 'category' : 'collection'} already uses this web address name.`;
        if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid', errors } as const;
        const fields = { slug, name: input.name, description: input.description };
        if (id === null) {
          const position = await nextGroupPosition(trx, table);
          if (table === 'categories') await insertCategory(trx, { ...fields, position });
          else await insertCollection(trx, { ...fields, featured: input.featured, position });
        } else {
          await updateGroup(trx, table, id, { ...fields, featured: input.featured });
          // The slug is part of each product's search text.
          if (existing && existing.slug !== slug) await refreshSearch(trx, await productIdsInGroup(trx, table, id));
        }
        return { ok: true } as const;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, reason: 'invalid', errors: { slug: 'That web address name is already in use.' } };
      throw err;
    }
  }

  async moveGroup(table: GroupTable, id: number, direction: 'up' | 'down'): Promise<{ ok: true } | Failure<'not_found'>> {
    return this.write(async (trx) => {
      if (!(await findGroup(trx, table, id))) return { ok: false, reason: 'not_found' } as const;
      await setGroupOrder(trx, table, moved(await groupOrder(trx, table), id, direction));
      return { ok: true } as const;
    });
  }

  /** A category still holding products (archived ones too) stays; a collection can go, its products remain. */
  async deleteGroup(
    table: GroupTable,
    id: number,
  ): Promise<{ ok: true } | Failure<'not_found'> | { ok: false; reason: 'in_use'; count: number }> {
    return this.write(async (trx) => {
      if (!(await findGroup(trx, table, id))) return { ok: false, reason: 'not_found' } as const;
      const products = await productIdsInGroup(trx, table, id);
      if (table === 'categories' && products.length > 0) return { ok: false, reason: 'in_use', count: products.length } as const;
      await deleteGroupRow(trx, table, id);
      await refreshSearch(trx, products);
      return { ok: true } as const;
    });
  }
}

function productFields(input: ProductInput, slug: string): ProductFields {
  return {
    slug,
    name: input.name,
    categoryId: input.category,
    description: input.description,
    hallmark: input.hallmark,
    care: input.care,
    stone: input.stone,
    featured: input.featured,
  };
}

function variantFields(v: VariantInput): Omit<NewVariant, 'productId'> {
  return { sku: v.sku, metal: v.metal, ringSize: v.ringSize, chainLengthIn: v.chainLength, pricePence: v.price, stock: v.stock };
}

/** Rebuilds the search entries of some products from what they are now. */
async function refreshSearch(trx: Trx, productIds: number[]): Promise<void> {
  for (const f of await findSearchFacts(trx, productIds)) {
    await upsertSearchEntry(trx, f.productId, searchEntry(f.name, f.description, f.categorySlug, f.metals, f.stone, f.collectionSlugs));
  }
}

/** The list with one id swapped with its neighbour; unchanged at either end. */
export function moved(ids: number[], id: number, direction: 'up' | 'down'): number[] {
  const out = [...ids];
  const i = out.indexOf(id);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= out.length) return out;
  [out[i], out[j]] = [out[j] as number, out[i] as number];
  return out;
}

/** The storefront's view of a product, for previewing it whether or not it is on sale. */
export function toProductDetail(p: AdminProduct): ProductDetail {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    hallmark: p.hallmark,
    care: p.care,
    stone: p.stone,
    updatedAt: p.updatedAt,
    category: p.category,
    collections: p.collections,
    variants: p.variants.map(({ hasMovements: _, ...v }) => v),
    images: p.images.map((i) => ({ id: i.id, alt: i.alt, contentType: i.contentType, widths: i.widths })),
  };
}

// ——— A staff member's copy and erasure, for the privacy feature ———

/** The stock and price changes the staff member made. */
async function exportSubject(trx: Trx, person: Person): Promise<SubjectExport> {
  return person.staffId === null ? {} : exportOf(await findChangesByStaff(trx, person.staffId));
}

/** Takes the member's number off those changes, which stay in the history. */
async function eraseSubject(trx: Trx, person: Person, _now: Date): Promise<ErasureReport> {
  return person.staffId === null ? {} : reportOf({}, await forgetStaffInChanges(trx, person.staffId));
}

export const catalogSubjects: SubjectHandlers = { exportSubject, eraseSubject };

/** A product's recent stock movements and price changes, each with the name of who made it (one query for all the names). */
export async function productHistory(
  db: Db,
  productId: number,
  limit: number,
): Promise<{ movements: StockMovement[]; priceChanges: PriceChange[] }> {
  const [moved, priced] = await Promise.all([recentStockMovements(db, productId, limit), recentPriceChanges(db, productId, limit)]);
  const names = await staffNamesById(
    db,
    [...moved, ...priced].map((r) => r.staffId),
  );
  const named = <T extends { staffId: number | null }>({ staffId, ...r }: T) => ({
    ...r,
    staffName: staffId === null ? null : (names.get(staffId) ?? null),
  });
  return { movements: moved.map(named), priceChanges: priced.map(named) };
}
