import { sql } from 'kysely';
import { type Db, dialectOf } from '../../db/database.js';
import type { VariantRow } from './catalog.domain.js';

/** All SQL of the back-office side of the catalogue. */

export type ProductStatus = 'active' | 'archived';
export type AdminProductSort = 'name' | 'updated';

export interface AdminProductFilter {
  text?: string;
  categoryId?: number;
  status?: ProductStatus;
  sort: AdminProductSort;
  limit: number;
  offset: number;
}

export interface AdminProductListRow {
  id: number;
  slug: string;
  name: string;
  categoryName: string;
  archived: boolean;
  updatedAt: string;
  variantCount: number;
  totalStock: number;
  minPence: number | null;
  maxPence: number | null;
}

export interface AdminVariant extends VariantRow {
  hasMovements: boolean;
}

export interface AdminImage {
  id: number;
  alt: string;
  contentType: string;
  position: number;
  fileKey: string | null;
  widths: number[];
}

export interface AdminProduct {
  id: number;
  slug: string;
  name: string;
  categoryId: number;
  category: { slug: string; name: string };
  description: string;
  hallmark: string;
  care: string;
  stone: string | null;
  featured: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  collectionIds: number[];
  collections: { slug: string; name: string }[];
  variants: AdminVariant[];
  images: AdminImage[];
}

export interface StockMovement {
  id: number;
  sku: string;
  delta: number;
  stockAfter: number;
  reason: string;
  staffName: string | null;
  createdAt: string;
}

export interface PriceChange {
  id: number;
  sku: string;
  oldPence: number;
  newPence: number;
  staffName: string | null;
  createdAt: string;
}

export interface ProductFields {
  slug: string;
  name: string;
  categoryId: number;
  description: string;
  hallmark: string;
  care: string;
  stone: string | null;
  featured: boolean;
}

export type NewVariant = Omit<VariantRow, 'id'> & { productId: number };

/** The facts a product's search entry is built from. */
export interface SearchFacts {
  productId: number;
  name: string;
  description: string;
  categorySlug: string;
  stone: string | null;
  metals: string[];
  collectionSlugs: string[];
}

/** SQLite allows a limited number of bound parameters per statement; id lists are sent in chunks of this size. */
const CHUNK = 500;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/** Whether an error is the database refusing a duplicate in a unique column, in either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether a unique violation was on a SKU ("variants.sku" in SQLite, constraint variants_sku_key in PostgreSQL). */
export function isDuplicateSku(err: unknown): boolean {
  const e = err as { message?: unknown; constraint?: unknown } | null;
  return isUniqueViolation(err) && /variants[._]sku/.test(`${String(e?.message)} ${String(e?.constraint)}`);
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ---- Product list ------------------------------------------------------------------------------

/**
 * One page of the back-office product list: one count, one page query on the name or
 * updated_at index (for a text search, one query that counts as it pages), and one grouped query
 * over the variants of the page's products.
 */
export async function listAdminProducts(db: Db, f: AdminProductFilter): Promise<{ rows: AdminProductListRow[]; total: number }> {
  let q = db.selectFrom('products as p');
  if (f.categoryId !== undefined) q = q.where('p.category_id', '=', f.categoryId);
  if (f.status !== undefined) q = q.where('p.archived', '=', f.status === 'archived' ? 1 : 0);
  const text = f.text?.trim();
  if (text) {
    const namePattern = `%${escapeLike(text)}%`;
    const sku = text.toUpperCase();
    // SQLite's LIKE ignores case (ASCII) already. SKUs are stored in capitals, and SQLite compares
    // text byte by byte, so a SKU prefix is a range on the unique index; PostgreSQL may sort text
    // by language rules, where a range is not a prefix, so there it is a LIKE.
    const sqlite = dialectOf(db) === 'sqlite';
    const nameMatch = sqlite ? sql<boolean>`p.name like ${namePattern} escape '\\'` : sql<boolean>`p.name ilike ${namePattern} escape '\\'`;
    const skuMatch = sqlite
      ? db.selectFrom('variants').select('product_id').where('sku', '>=', sku).where('sku', '<', `${sku}\uffff`)
      : db
          .selectFrom('variants')
          .select('product_id')
          .where(sql<boolean>`sku like ${`${escapeLike(sku)}%`} escape '\\'`);
    q = q.where((eb) => eb.or([nameMatch, eb('p.id', 'in', skuMatch)]));
  }

  const countOf = async () => Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const sorted = f.sort === 'name' ? q.orderBy('p.name').orderBy('p.id') : q.orderBy('p.updated_at', 'desc').orderBy('p.id', 'desc');
  const page = sorted
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .select(['p.id', 'p.slug', 'p.name', 'p.archived', 'p.updated_at', 'c.name as category_name'])
    .limit(f.limit)
    .offset(f.offset);
  let total: number;
  let products: Awaited<ReturnType<typeof page.execute>>;
  if (text) {
    // A text search reads every name once, whatever the index: the count rides along on the page's
    // own scan (a window over the matches) rather than scanning again for it.
    const found = await page.select((eb) => eb.fn.countAll<number>().over().as('total')).execute();
    total = found.length > 0 ? Number(found[0]!.total) : f.offset > 0 ? await countOf() : 0;
    products = found;
  } else {
    // Without text the count is a walk of a covering index and the page stops after its rows.
    total = await countOf();
    products = total === 0 || f.offset >= total ? [] : await page.execute();
  }
  if (products.length === 0) return { rows: [], total };

  const stats = await db
    .selectFrom('variants')
    .where(
      'product_id',
      'in',
      products.map((p) => p.id),
    )
    .groupBy('product_id')
    .select((eb) => [
      'product_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('stock').as('stock'),
      eb.fn.min<number>('price_pence').as('lo'),
      eb.fn.max<number>('price_pence').as('hi'),
    ])
    .execute();
  const byProduct = new Map(stats.map((s) => [s.product_id, s]));
  return {
    total,
    rows: products.map((p) => {
      const s = byProduct.get(p.id);
      return {
        id: p.id,
        slug: p.slug,
        name: p.name,
        categoryName: p.category_name,
        archived: p.archived === 1,
        updatedAt: p.updated_at,
        variantCount: Number(s?.n ?? 0),
        totalStock: Number(s?.stock ?? 0),
        minPence: s ? Number(s.lo) : null,
        maxPence: s ? Number(s.hi) : null,
      };
    }),
  };
}

// ---- One product -------------------------------------------------------------------------------

export async function findAdminProduct(db: Db, id: number): Promise<AdminProduct | null> {
  const p = await db
    .selectFrom('products as p')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.category_id',
      'p.description',
      'p.hallmark',
      'p.care',
      'p.stone',
      'p.featured',
      'p.archived',
      'p.created_at',
      'p.updated_at',
      'c.slug as category_slug',
      'c.name as category_name',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!p) return null;
  const [variants, images, collections, moved] = await Promise.all([
    db
      .selectFrom('variants')
      .select(['id', 'sku', 'metal', 'ring_size', 'chain_length_in', 'price_pence', 'stock'])
      .where('product_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('product_images')
      .select(['id', 'alt', 'content_type', 'position', 'file_key', 'widths'])
      .where('product_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('collections as c')
      .innerJoin('product_collections as pc', 'pc.collection_id', 'c.id')
      .select(['c.id', 'c.slug', 'c.name'])
      .where('pc.product_id', '=', id)
      .orderBy('c.position')
      .orderBy('c.id')
      .execute(),
    db
      .selectFrom('stock_movements as m')
      .innerJoin('variants as v', 'v.id', 'm.variant_id')
      .select('m.variant_id')
      .distinct()
      .where('v.product_id', '=', id)
      .execute(),
  ]);
  const hasMoved = new Set(moved.map((m) => m.variant_id));
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    categoryId: p.category_id,
    category: { slug: p.category_slug, name: p.category_name },
    description: p.description,
    hallmark: p.hallmark,
    care: p.care,
    stone: p.stone,
    featured: p.featured === 1,
    archived: p.archived === 1,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    collectionIds: collections.map((c) => c.id),
    collections: collections.map((c) => ({ slug: c.slug, name: c.name })),
    variants: variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      metal: v.metal,
      ringSize: v.ring_size,
      chainLengthIn: v.chain_length_in,
      pricePence: v.price_pence,
      stock: v.stock,
      hasMovements: hasMoved.has(v.id),
    })),
    images: images.map((i) => ({
      id: i.id,
      alt: i.alt,
      contentType: i.content_type,
      position: i.position,
      fileKey: i.file_key,
      widths: parseWidthList(i.widths),
    })),
  };
}

export function parseWidthList(text: string | null): number[] {
  if (!text) return [];
  return text
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

export async function productExists(db: Db, id: number): Promise<boolean> {
  return (await db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** A history row as stored: who made it is a staff id, named by the staff directory. */
export type WithStaffId<T> = Omit<T, 'staffName'> & { staffId: number | null };

export async function recentStockMovements(db: Db, productId: number, limit: number): Promise<WithStaffId<StockMovement>[]> {
  const rows = await db
    .selectFrom('stock_movements as m')
    .innerJoin('variants as v', 'v.id', 'm.variant_id')
    .select(['m.id', 'v.sku', 'm.delta', 'm.stock_after', 'm.reason', 'm.staff_id', 'm.created_at'])
    .where('v.product_id', '=', productId)
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sku: r.sku,
    delta: r.delta,
    stockAfter: r.stock_after,
    reason: r.reason,
    staffId: r.staff_id,
    createdAt: r.created_at,
  }));
}

export async function recentPriceChanges(db: Db, productId: number, limit: number): Promise<WithStaffId<PriceChange>[]> {
  const rows = await db
    .selectFrom('price_changes as c')
    .innerJoin('variants as v', 'v.id', 'c.variant_id')
    .select(['c.id', 'v.sku', 'c.old_pence', 'c.new_pence', 'c.staff_id', 'c.created_at'])
    .where('v.product_id', '=', productId)
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sku: r.sku,
    oldPence: r.old_pence,
    newPence: r.new_pence,
    staffId: r.staff_id,
    createdAt: r.created_at,
  }));
}

// ---- Product writes ----------------------------------------------------------------------------

export async function productSlugTaken(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('products').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Product slugs that start with a base, for finding the next free "base-2", "base-3"… */
export async function productSlugsLike(db: Db, base: string): Promise<string[]> {
  const rows = await db
    .selectFrom('products')
    .select('slug')
    .where(sql<boolean>`slug like ${`${escapeLike(base)}%`} escape '\\'`)
    .execute();
  return rows.map((r) => r.slug);
}

/** The columns a product's form writes, for a new product and an edited one alike. */
function productColumns(p: ProductFields) {
  return {
    slug: p.slug,
    name: p.name,
    category_id: p.categoryId,
    description: p.description,
    hallmark: p.hallmark,
    care: p.care,
    stone: p.stone,
    featured: p.featured ? 1 : 0,
  };
}

export async function insertProductRow(db: Db, p: ProductFields, now: string): Promise<number> {
  const { id } = await db
    .insertInto('products')
    .values({ ...productColumns(p), archived: 0, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateProductRow(db: Db, id: number, p: ProductFields, now: string): Promise<boolean> {
  const r = await db
    .updateTable('products')
    .set({ ...productColumns(p), updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setProductArchived(db: Db, id: number, archived: boolean, now: string): Promise<boolean> {
  const r = await db
    .updateTable('products')
    .set({ archived: archived ? 1 : 0, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function touchProduct(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('products').set({ updated_at: now }).where('id', '=', id).execute();
}

export async function setProductCollections(db: Db, productId: number, collectionIds: number[]): Promise<void> {
  await db.deleteFrom('product_collections').where('product_id', '=', productId).execute();
  if (collectionIds.length === 0) return;
  await db
    .insertInto('product_collections')
    .values(collectionIds.map((collection_id) => ({ product_id: productId, collection_id })))
    .execute();
}

export async function findSearchFacts(db: Db, productIds: number[]): Promise<SearchFacts[]> {
  const out: SearchFacts[] = [];
  for (const ids of chunks(productIds)) {
    const [products, metals, collections] = await Promise.all([
      db
        .selectFrom('products as p')
        .innerJoin('categories as c', 'c.id', 'p.category_id')
        .select(['p.id', 'p.name', 'p.description', 'p.stone', 'c.slug as category_slug'])
        .where('p.id', 'in', ids)
        .execute(),
      db.selectFrom('variants').select(['product_id', 'metal']).distinct().where('product_id', 'in', ids).execute(),
      db
        .selectFrom('product_collections as pc')
        .innerJoin('collections as c', 'c.id', 'pc.collection_id')
        .select(['pc.product_id', 'c.slug'])
        .where('pc.product_id', 'in', ids)
        .orderBy('c.position')
        .orderBy('c.id')
        .execute(),
    ]);
    const metalsOf = groupBy(metals, (m) => m.product_id);
    const collectionsOf = groupBy(collections, (c) => c.product_id);
    for (const p of products) {
      out.push({
        productId: p.id,
        name: p.name,
        description: p.description,
        categorySlug: p.category_slug,
        stone: p.stone,
        metals: (metalsOf.get(p.id) ?? []).map((m) => m.metal),
        collectionSlugs: (collectionsOf.get(p.id) ?? []).map((c) => c.slug),
      });
    }
  }
  return out;
}

export async function upsertSearchEntry(db: Db, productId: number, entry: { name: string; document: string }): Promise<void> {
  await db
    .insertInto('product_search')
    .values({ product_id: productId, name: entry.name, document: entry.document })
    .onConflict((oc) => oc.column('product_id').doUpdateSet({ name: entry.name, document: entry.document }))
    .execute();
}

// ---- Variants ----------------------------------------------------------------------------------

export async function skuTaken(db: Db, sku: string): Promise<boolean> {
  return (await db.selectFrom('variants').select('id').where('sku', '=', sku).executeTakeFirst()) !== undefined;
}

export async function listProductVariants(db: Db, productId: number): Promise<VariantRow[]> {
  const rows = await db
    .selectFrom('variants')
    .select(['id', 'sku', 'metal', 'ring_size', 'chain_length_in', 'price_pence', 'stock'])
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((v) => ({
    id: v.id,
    sku: v.sku,
    metal: v.metal,
    ringSize: v.ring_size,
    chainLengthIn: v.chain_length_in,
    pricePence: v.price_pence,
    stock: v.stock,
  }));
}

export async function findVariant(db: Db, id: number): Promise<(VariantRow & { productId: number }) | null> {
  const v = await db
    .selectFrom('variants')
    .select(['id', 'product_id', 'sku', 'metal', 'ring_size', 'chain_length_in', 'price_pence', 'stock'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!v) return null;
  return {
    id: v.id,
    productId: v.product_id,
    sku: v.sku,
    metal: v.metal,
    ringSize: v.ring_size,
    chainLengthIn: v.chain_length_in,
    pricePence: v.price_pence,
    stock: v.stock,
  };
}

/** Where a new row goes: after the last one in its table, or among one product's rows. */
async function nextPosition(db: Db, table: 'variants' | 'product_images' | GroupTable, productId?: number): Promise<number> {
  const r =
    productId === undefined || table === 'categories' || table === 'collections'
      ? await db
          .selectFrom(table)
          .select((eb) => eb.fn.max<number>('position').as('p'))
          .executeTakeFirst()
      : await db
          .selectFrom(table)
          .select((eb) => eb.fn.max<number>('position').as('p'))
          .where('product_id', '=', productId)
          .executeTakeFirst();
  return r?.p === null || r?.p === undefined ? 0 : Number(r.p) + 1;
}

export async function insertVariant(db: Db, v: NewVariant): Promise<number> {
  const position = await nextPosition(db, 'variants', v.productId);
  const { id } = await db
    .insertInto('variants')
    .values({
      product_id: v.productId,
      sku: v.sku,
      metal: v.metal,
      ring_size: v.ringSize,
      chain_length_in: v.chainLengthIn,
      price_pence: v.pricePence,
      stock: v.stock,
      position,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function deleteVariant(db: Db, id: number): Promise<void> {
  await db.deleteFrom('variants').where('id', '=', id).execute();
}

export async function setVariantPrice(db: Db, id: number, pence: number): Promise<void> {
  await db.updateTable('variants').set({ price_pence: pence }).where('id', '=', id).execute();
}

export async function insertPriceChange(
  db: Db,
  c: { variantId: number; oldPence: number; newPence: number; staffId: number | null; at: string },
): Promise<void> {
  await db
    .insertInto('price_changes')
    .values({ variant_id: c.variantId, old_pence: c.oldPence, new_pence: c.newPence, staff_id: c.staffId, created_at: c.at })
    .execute();
}

/**
 * Adds delta to a variant's stock in one statement, only if the result is not negative, so two
 * adjustments at once can never take stock below zero. Returns the new stock, or null if refused.
 */
export async function applyStockDelta(db: Db, variantId: number, delta: number): Promise<number | null> {
  const row = await db
    .updateTable('variants')
    .set((eb) => ({ stock: eb('stock', '+', delta) }))
    .where('id', '=', variantId)
    .where((eb) => eb(eb('stock', '+', delta), '>=', 0))
    .returning('stock')
    .executeTakeFirst();
  return row ? row.stock : null;
}

export async function insertStockMovement(
  db: Db,
  m: { variantId: number; delta: number; stockAfter: number; reason: string; staffId: number | null; at: string },
): Promise<void> {
  await db
    .insertInto('stock_movements')
    .values({
      variant_id: m.variantId,
      delta: m.delta,
      stock_after: m.stockAfter,
      reason: m.reason,
      staff_id: m.staffId,
      created_at: m.at,
    })
    .execute();
}

export async function hasStockMovements(db: Db, variantId: number): Promise<boolean> {
  const r = await db.selectFrom('stock_movements').select('id').where('variant_id', '=', variantId).limit(1).executeTakeFirst();
  return r !== undefined;
}

// ---- Images ------------------------------------------------------------------------------------

export async function insertImageRow(db: Db, img: { productId: number; alt: string; fileKey: string; widths: number[] }): Promise<number> {
  const position = await nextPosition(db, 'product_images', img.productId);
  const { id } = await db
    .insertInto('product_images')
    .values({
      product_id: img.productId,
      position,
      alt: img.alt,
      content_type: 'image/webp',
      body: '',
      file_key: img.fileKey,
      widths: img.widths.join(','),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function findImageRow(
  db: Db,
  id: number,
): Promise<{ id: number; productId: number; fileKey: string | null; widths: number[] } | null> {
  const r = await db
    .selectFrom('product_images')
    .select(['id', 'product_id', 'file_key', 'widths'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? { id: r.id, productId: r.product_id, fileKey: r.file_key, widths: parseWidthList(r.widths) } : null;
}

export async function deleteImageRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom('product_images').where('id', '=', id).execute();
}

export async function imageOrder(db: Db, productId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('product_images')
    .select('id')
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function setImageOrder(db: Db, ids: number[]): Promise<void> {
  for (const [position, id] of ids.entries()) await db.updateTable('product_images').set({ position }).where('id', '=', id).execute();
}

// ---- Categories and collections ----------------------------------------------------------------

export type GroupTable = 'categories' | 'collections';

export interface GroupRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  featured: boolean;
  position: number;
  productCount: number;
}

/** Categories or collections in their shop order, each with how many products (archived too) it holds. */
export async function listGroups(db: Db, table: GroupTable): Promise<GroupRow[]> {
  if (table === 'categories') {
    const [rows, counts] = await Promise.all([
      db.selectFrom('categories').select(['id', 'slug', 'name', 'description', 'position']).orderBy('position').orderBy('id').execute(),
      db
        .selectFrom('products')
        .select((eb) => ['category_id', eb.fn.countAll<number>().as('n')])
        .groupBy('category_id')
        .execute(),
    ]);
    const n = new Map(counts.map((c) => [c.category_id, Number(c.n)]));
    return rows.map((r) => ({ ...r, featured: false, productCount: n.get(r.id) ?? 0 }));
  }
  const [rows, counts] = await Promise.all([
    db
      .selectFrom('collections')
      .select(['id', 'slug', 'name', 'description', 'featured', 'position'])
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('product_collections')
      .select((eb) => ['collection_id', eb.fn.countAll<number>().as('n')])
      .groupBy('collection_id')
      .execute(),
  ]);
  const n = new Map(counts.map((c) => [c.collection_id, Number(c.n)]));
  return rows.map((r) => ({ ...r, featured: r.featured === 1, productCount: n.get(r.id) ?? 0 }));
}

export async function findGroup(db: Db, table: GroupTable, id: number): Promise<{ id: number; slug: string } | null> {
  const r =
    table === 'categories'
      ? await db.selectFrom('categories').select(['id', 'slug']).where('id', '=', id).executeTakeFirst()
      : await db.selectFrom('collections').select(['id', 'slug']).where('id', '=', id).executeTakeFirst();
  return r ?? null;
}

export async function groupIdsExist(db: Db, table: GroupTable, ids: number[]): Promise<boolean> {
  if (ids.length === 0) return true;
  const rows =
    table === 'categories'
      ? await db.selectFrom('categories').select('id').where('id', 'in', ids).execute()
      : await db.selectFrom('collections').select('id').where('id', 'in', ids).execute();
  return rows.length === new Set(ids).size;
}

export async function groupSlugTaken(db: Db, table: GroupTable, slug: string, exceptId?: number): Promise<boolean> {
  const other = exceptId ?? -1;
  const row =
    table === 'categories'
      ? await db.selectFrom('categories').select('id').where('slug', '=', slug).where('id', '!=', other).executeTakeFirst()
      : await db.selectFrom('collections').select('id').where('slug', '=', slug).where('id', '!=', other).executeTakeFirst();
  return row !== undefined;
}

export function nextGroupPosition(db: Db, table: GroupTable): Promise<number> {
  return nextPosition(db, table);
}

export async function updateGroup(
  db: Db,
  table: GroupTable,
  id: number,
  g: { slug: string; name: string; description: string; featured: boolean },
): Promise<void> {
  if (table === 'categories') {
    await db.updateTable('categories').set({ slug: g.slug, name: g.name, description: g.description }).where('id', '=', id).execute();
  } else {
    await db
      .updateTable('collections')
      .set({ slug: g.slug, name: g.name, description: g.description, featured: g.featured ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }
}

export async function groupOrder(db: Db, table: GroupTable): Promise<number[]> {
  const rows =
    table === 'categories'
      ? await db.selectFrom('categories').select('id').orderBy('position').orderBy('id').execute()
      : await db.selectFrom('collections').select('id').orderBy('position').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function setGroupOrder(db: Db, table: GroupTable, ids: number[]): Promise<void> {
  for (const [position, id] of ids.entries()) {
    if (table === 'categories') await db.updateTable('categories').set({ position }).where('id', '=', id).execute();
    else await db.updateTable('collections').set({ position }).where('id', '=', id).execute();
  }
}

export async function deleteGroup(db: Db, table: GroupTable, id: number): Promise<void> {
  if (table === 'categories') await db.deleteFrom('categories').where('id', '=', id).execute();
  else await db.deleteFrom('collections').where('id', '=', id).execute();
}

/** Products whose search entry mentions a category or collection. */
export async function productIdsInGroup(db: Db, table: GroupTable, id: number): Promise<number[]> {
  const rows =
    table === 'categories'
      ? await db.selectFrom('products').select('id as product_id').where('category_id', '=', id).execute()
      : await db.selectFrom('product_collections').select('product_id').where('collection_id', '=', id).execute();
  return rows.map((r) => r.product_id);
}

/** The stock and price changes a staff member made. */
export async function findChangesByStaff(db: Db, staffId: number) {
  const stock_movements = await db.selectFrom('stock_movements').selectAll().where('staff_id', '=', staffId).orderBy('id').execute();
  const price_changes = await db.selectFrom('price_changes').selectAll().where('staff_id', '=', staffId).orderBy('id').execute();
  return { stock_movements, price_changes };
}

/** Takes a staff member's number off the stock and price history; the changes themselves stay. */
export async function forgetStaffInChanges(db: Db, staffId: number): Promise<{ stock_movements: number; price_changes: number }> {
  const stock = await db.updateTable('stock_movements').set({ staff_id: null }).where('staff_id', '=', staffId).executeTakeFirst();
  const prices = await db.updateTable('price_changes').set({ staff_id: null }).where('staff_id', '=', staffId).executeTakeFirst();
  return { stock_movements: Number(stock.numUpdatedRows), price_changes: Number(prices.numUpdatedRows) };
}
