import { sql } from 'kysely';
import { type Db, dialectOf } from '../../db/database.js';
import { insertProductRow, parseWidthList, setProductCollections, upsertSearchEntry } from './catalog.admin.repository.js';
import type { VariantRow } from './catalog.domain.js';

export interface CategoryRow {
  id: number;
  slug: string;
  name: string;
  description: string;
}
export interface CollectionRow extends CategoryRow {
  featured: boolean;
}

export interface ProductCard {
  id: number;
  slug: string;
  name: string;
  stone: string | null;
  fromPence: number;
  stock: number;
  metals: string[];
  imageId: number | null;
  imageAlt: string;
  /** Widths an uploaded photo is stored in (empty for drawn images, which scale by themselves). */
  imageWidths: number[];
}

export interface ProductFilter {
  categoryId?: number;
  collectionId?: number;
  metals?: string[];
  stones?: string[];
  minPence?: number;
  maxPence?: number;
  featuredOnly?: boolean;
  sort: ProductSort;
  limit: number;
  offset: number;
}
export type ProductSort = 'featured' | 'price-asc' | 'price-desc' | 'newest' | 'name';

export interface ProductDetail {
  id: number;
  slug: string;
  name: string;
  description: string;
  hallmark: string;
  care: string;
  stone: string | null;
  updatedAt: string;
  category: { slug: string; name: string };
  collections: { slug: string; name: string }[];
  variants: VariantRow[];
  images: { id: number; alt: string; contentType: string; widths: number[] }[];
}
export type { VariantRow };

export async function listCategories(db: Db): Promise<CategoryRow[]> {
  return db.selectFrom('categories').select(['id', 'slug', 'name', 'description']).orderBy('position').orderBy('id').execute();
}

export async function listCollections(db: Db): Promise<CollectionRow[]> {
  const rows = await db
    .selectFrom('collections')
    .select(['id', 'slug', 'name', 'description', 'featured'])
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, featured: r.featured === 1 }));
}

/** Products matching a filter, one card each, priced from their cheapest matching variant. */
export async function findProductCards(db: Db, f: ProductFilter): Promise<{ cards: ProductCard[]; total: number }> {
  let q = db.selectFrom('products as p').innerJoin('variants as v', 'v.product_id', 'p.id').where('p.archived', '=', 0);
  if (f.categoryId !== undefined) q = q.where('p.category_id', '=', f.categoryId);
  if (f.collectionId !== undefined) {
    const collectionId = f.collectionId;
    q = q.where('p.id', 'in', (eb) => eb.selectFrom('product_collections').select('product_id').where('collection_id', '=', collectionId));
  }
  if (f.featuredOnly) q = q.where('p.featured', '=', 1);
  if (f.metals?.length) q = q.where('v.metal', 'in', f.metals);
  if (f.stones?.length) q = q.where('p.stone', 'in', f.stones);
  if (f.minPence !== undefined) q = q.where('v.price_pence', '>=', f.minPence);
  if (f.maxPence !== undefined) q = q.where('v.price_pence', '<=', f.maxPence);

  const totalRow = await q.select((eb) => eb.fn.count<number>(eb.fn('distinct', ['p.id'] as any)).as('n')).executeTakeFirst();
  const total = Number(totalRow?.n ?? 0);
  if (total === 0) return { cards: [], total };

  let listing = q
    .groupBy(['p.id', 'p.slug', 'p.name', 'p.stone', 'p.featured', 'p.created_at'])
    .select((eb) => [
      'p.id',
      'p.slug',
      'p.name',
      'p.stone',
      eb.fn.min<number>('v.price_pence').as('from_pence'),
      eb.fn.sum<number>('v.stock').as('stock'),
    ]);
  switch (f.sort) {
    case 'price-asc':
      listing = listing.orderBy('from_pence', 'asc');
      break;
    case 'price-desc':
      listing = listing.orderBy('from_pence', 'desc');
      break;
    case 'newest':
      listing = listing.orderBy('p.created_at', 'desc');
      break;
    case 'name':
      listing = listing.orderBy('p.name', 'asc');
      break;
    default:
      listing = listing.orderBy('p.featured', 'desc').orderBy('p.created_at', 'desc');
  }
  const rows = await listing.orderBy('p.id').limit(f.limit).offset(f.offset).execute();
  return { cards: await decorateCards(db, rows), total };
}

/**
 * Full-text search over name, description, category, metals and stone; prefix matching, ranked
 * (name above the rest, ties by id), archived pieces left out. One statement ranks every match,
 * counts them (a window count) and keeps only the ids of the page asked for; the cards of those
 * ids come from `findCardsByIds` (CatalogService keeps each card for the catalogue version, so a
 * new search mostly costs this statement alone). A second, counting statement runs only when the
 * page is empty (a page past the end), so the caller still learns how many there are.
 *
 * SQLite ranks with FTS5's bm25 over product_fts; PostgreSQL with ts_rank over the stored
 * `search_vector` of product_search (migration 2026-12-10-stored-search-vector) and its GIN index,
 * so no row's text is parsed again as it is ranked.
 */
export async function searchProductIds(db: Db, terms: string[], limit: number, offset: number): Promise<{ ids: number[]; total: number }> {
  if (terms.length === 0) return { ids: [], total: 0 };
  const postgres = dialectOf(db) === 'postgres';
  const query = searchMatchQuery(terms, postgres);
  const rows = (await searchIdsStatement(postgres, query, limit, offset).execute(db)).rows;
  const total = rows.length > 0 ? Number(rows[0]!.total) : await countSearchMatches(db, query);
  return { ids: rows.map((r) => Number(r.id)), total };
}

/** The engine's query for the terms: each a word's beginning, all of them required. */
export function searchMatchQuery(terms: string[], postgres: boolean): string {
  // Terms are letters and digits only (searchTerms), so neither engine can read them as syntax.
  return postgres ? terms.map((t) => `${t}:*`).join(' & ') : terms.map((t) => `"${t}"*`).join(' AND ');
}

/**
 * The one statement that finds a page of a search's matches, best first, with the count of all
 * (also compiled by the search benchmark, which prints its plan).
 */
export function searchIdsStatement(postgres: boolean, query: string, limit: number, offset: number) {
  return postgres
    ? sql<{ id: number; total: number | string }>`
          select s.product_id as id, count(*) over () as total
          from product_search s
          join products p on p.id = s.product_id and p.archived = 0,
               to_tsquery('english', ${query}) q
          where s.search_vector @@ q
          order by ts_rank(s.search_vector, q) desc, s.product_id
          limit ${limit} offset ${offset}`
    : // FTS5's rank column, set to bm25 with the name weighted 10 to 1, is bm25(product_fts, 10.0, 1.0).
      sql<{ id: number; total: number | string }>`
          select f.rowid as id, count(*) over () as total
          from product_fts f
          join products p on p.id = f.rowid and p.archived = 0
          where product_fts match ${query} and f.rank match 'bm25(10.0, 1.0)'
          order by f.rank, f.rowid
          limit ${limit} offset ${offset}`;
}

/**
 * The cards of these products, in no particular order (archived ones too: the caller asked for
 * them by id): each priced from its variants, with its metals and first image, in one statement.
 */
export async function findCardsByIds(db: Db, ids: readonly number[]): Promise<ProductCard[]> {
  if (ids.length === 0) return [];
  const metals = dialectOf(db) === 'postgres' ? sql`string_agg(distinct metal, ',')` : sql`group_concat(distinct metal)`;
  const found = await sql<CardRow>`
    select p.id, p.slug, p.name, p.stone,
           (select min(price_pence) from variants where product_id = p.id) as from_pence,
           (select sum(stock) from variants where product_id = p.id) as stock,
           (select ${metals} from variants where product_id = p.id) as metals,
           i.id as image_id, i.alt as image_alt, i.widths as image_widths
    from products p
    left join product_images i on i.id = (select pi.id from product_images pi where pi.product_id = p.id order by pi.position, pi.id limit 1)
    where p.id in (${sql.join(ids.map((id) => sql`${id}`))})`.execute(db);
  return found.rows.map((r) => ({
    id: Number(r.id),
    slug: r.slug,
    name: r.name,
    stone: r.stone,
    fromPence: Number(r.from_pence ?? 0),
    stock: Number(r.stock ?? 0),
    metals: r.metals ? r.metals.split(',') : [],
    imageId: r.image_id === null ? null : Number(r.image_id),
    imageAlt: r.image_alt ?? r.name,
    imageWidths: parseWidthList(r.image_widths),
  }));
}

interface CardRow {
  id: number;
  slug: string;
  name: string;
  stone: string | null;
  from_pence: number | string | null;
  stock: number | string | null;
  metals: string | null;
  image_id: number | null;
  image_alt: string | null;
  image_widths: string | null;
}

/** How many unarchived pieces match a search's query (already in the engine's syntax). */
async function countSearchMatches(db: Db, query: string): Promise<number> {
  const r =
    dialectOf(db) === 'postgres'
      ? await sql<{ n: number | string }>`select count(*) as n from product_search s
          join products p on p.id = s.product_id and p.archived = 0
          where s.search_vector @@ to_tsquery('english', ${query})`.execute(db)
      : await sql<{ n: number | string }>`select count(*) as n from product_fts f
          join products p on p.id = f.rowid and p.archived = 0
          where product_fts match ${query}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

async function decorateCards(
  db: Db,
  rows: { id: number; slug: string; name: string; stone: string | null; from_pence: number; stock: number }[],
): Promise<ProductCard[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [metals, images] = await Promise.all([
    db.selectFrom('variants').select(['product_id', 'metal']).distinct().where('product_id', 'in', ids).execute(),
    db
      .selectFrom('product_images')
      .select(['id', 'product_id', 'alt', 'position', 'widths'])
      .where('product_id', 'in', ids)
      .orderBy('product_id')
      .orderBy('position')
      .orderBy('id')
      .execute(),
  ]);
  const firstImage = new Map<number, { id: number; alt: string; widths: string | null }>();
  for (const img of images) if (!firstImage.has(img.product_id)) firstImage.set(img.product_id, img);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    stone: r.stone,
    fromPence: Number(r.from_pence),
    stock: Number(r.stock),
    metals: metals.filter((m) => m.product_id === r.id).map((m) => m.metal),
    imageId: firstImage.get(r.id)?.id ?? null,
    imageAlt: firstImage.get(r.id)?.alt ?? r.name,
    imageWidths: parseWidthList(firstImage.get(r.id)?.widths ?? null),
  }));
}

/** What a listing can be filtered by: the metals and stones actually on offer, and the price span. */
export async function findFacets(
  db: Db,
  scope: { categoryId?: number; collectionId?: number },
): Promise<{ metals: string[]; stones: string[]; minPence: number; maxPence: number }> {
  let q = db.selectFrom('products as p').innerJoin('variants as v', 'v.product_id', 'p.id').where('p.archived', '=', 0);
  if (scope.categoryId !== undefined) q = q.where('p.category_id', '=', scope.categoryId);
  if (scope.collectionId !== undefined) {
    const collectionId = scope.collectionId;
    q = q.where('p.id', 'in', (eb) => eb.selectFrom('product_collections').select('product_id').where('collection_id', '=', collectionId));
  }
  const [metals, stones, span] = await Promise.all([
    q.select('v.metal').distinct().execute(),
    q.select('p.stone').distinct().where('p.stone', 'is not', null).execute(),
    q.select((eb) => [eb.fn.min<number>('v.price_pence').as('lo'), eb.fn.max<number>('v.price_pence').as('hi')]).executeTakeFirst(),
  ]);
  return {
    metals: metals.map((m) => m.metal),
    stones: stones.map((s) => s.stone).filter((s): s is string => s !== null),
    minPence: Number(span?.lo ?? 0),
    maxPence: Number(span?.hi ?? 0),
  };
}

export async function findProductBySlug(db: Db, slug: string): Promise<ProductDetail | null> {
  const p = await db
    .selectFrom('products as p')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.description',
      'p.hallmark',
      'p.care',
      'p.stone',
      'p.updated_at',
      'c.slug as category_slug',
      'c.name as category_name',
    ])
    .where('p.slug', '=', slug)
    .where('p.archived', '=', 0)
    .executeTakeFirst();
  if (!p) return null;
  const [variants, images, collections] = await Promise.all([
    db
      .selectFrom('variants')
      .select(['id', 'sku', 'metal', 'ring_size', 'chain_length_in', 'price_pence', 'stock'])
      .where('product_id', '=', p.id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('product_images')
      .select(['id', 'alt', 'content_type', 'widths'])
      .where('product_id', '=', p.id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('collections as c')
      .innerJoin('product_collections as pc', 'pc.collection_id', 'c.id')
      .select(['c.slug', 'c.name'])
      .where('pc.product_id', '=', p.id)
      .orderBy('c.position')
      .execute(),
  ]);
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    hallmark: p.hallmark,
    care: p.care,
    stone: p.stone,
    updatedAt: p.updated_at,
    category: { slug: p.category_slug, name: p.category_name },
    collections,
    variants: variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      metal: v.metal,
      ringSize: v.ring_size,
      chainLengthIn: v.chain_length_in,
      pricePence: v.price_pence,
      stock: v.stock,
    })),
    images: images.map((i) => ({ id: i.id, alt: i.alt, contentType: i.content_type, widths: parseWidthList(i.widths) })),
  };
}

/** An image as the storefront serves it: inline (drawn SVG) in body, or uploaded files named by file_key in the widths listed. */
export async function findImageSource(
  db: Db,
  id: number,
): Promise<{ contentType: string; body: string; fileKey: string | null; widths: number[] } | null> {
  const row = await db
    .selectFrom('product_images')
    .select(['content_type', 'body', 'file_key', 'widths'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return { contentType: row.content_type, body: row.body, fileKey: row.file_key, widths: parseWidthList(row.widths) };
}

export async function listSitemapEntries(db: Db): Promise<{ slug: string; updatedAt: string }[]> {
  const rows = await db.selectFrom('products').select(['slug', 'updated_at']).where('archived', '=', 0).orderBy('id').execute();
  return rows.map((r) => ({ slug: r.slug, updatedAt: r.updated_at }));
}

export async function countProducts(db: Db): Promise<number> {
  const r = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface NewProduct {
  slug: string;
  name: string;
  categoryId: number;
  description: string;
  hallmark: string;
  care: string;
  stone: string | null;
  featured: boolean;
  createdAt: string;
  collectionIds: number[];
  variants: Omit<VariantRow, 'id'>[];
  images: { alt: string; contentType: string; body: string }[];
  search: { name: string; document: string };
}

export async function insertCategory(db: Db, c: { slug: string; name: string; description: string; position: number }) {
  const r = await db.insertInto('categories').values(c).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertCollection(
  db: Db,
  c: { slug: string; name: string; description: string; featured: boolean; position: number },
) {
  const r = await db
    .insertInto('collections')
    .values({ ...c, featured: c.featured ? 1 : 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Inserts a whole product at once (demo data, imports): the row, its collections, variants, drawn images and search entry. */
export async function insertProduct(db: Db, p: NewProduct): Promise<number> {
  const id = await insertProductRow(db, p, p.createdAt);
  if (p.collectionIds.length) await setProductCollections(db, id, p.collectionIds);
  // Chunked so that large variant sets stay under SQLite's bound-parameter limit.
  for (let i = 0; i < p.variants.length; i += 100) {
    await db
      .insertInto('variants')
      .values(
        p.variants.slice(i, i + 100).map((v, j) => ({
          product_id: id,
          sku: v.sku,
          metal: v.metal,
          ring_size: v.ringSize,
          chain_length_in: v.chainLengthIn,
          price_pence: v.pricePence,
          stock: v.stock,
          position: i + j,
        })),
      )
      .execute();
  }
  if (p.images.length) {
    await db
      .insertInto('product_images')
      .values(p.images.map((img, position) => ({ product_id: id, position, alt: img.alt, content_type: img.contentType, body: img.body })))
      .execute();
  }
  await upsertSearchEntry(db, id, p.search);
  return id;
}

// ---- Asked by other features, through the catalogue's service ----------------------------------

/** A variant as a bag line shows it: what it is, its price and stock now, and its product's first image. */
export interface VariantForSale {
  variantId: number;
  sku: string;
  pricePence: number;
  stock: number;
  metal: string;
  ringSize: string | null;
  chainLengthIn: number | null;
  productName: string;
  productSlug: string;
  /** False once its product is withdrawn from sale (archived). */
  available: boolean;
  imageId: number | null;
}

/** These variants, in one query whatever their number; ids that do not exist are left out. */
export async function findVariantsForSale(db: Db, variantIds: readonly number[]): Promise<VariantForSale[]> {
  if (variantIds.length === 0) return [];
  const rows = await db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select((eb) => [
      'v.id',
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
    .where('v.id', 'in', [...new Set(variantIds)])
    .execute();
  return rows.map((r) => ({
    variantId: r.id,
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

/** Products on sale, and their variants low on stock (1 to `lowStockAt` left) and sold out: the dashboard's catalogue figures. */
export async function countCatalogueStock(db: Db, lowStockAt: number): Promise<{ products: number; lowStock: number; soldOut: number }> {
  const onSale = db.selectFrom('variants as v').innerJoin('products as p', 'p.id', 'v.product_id').where('p.archived', '=', 0);
  const [products, lowStock, soldOut] = await Promise.all([
    db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('archived', '=', 0)
      .executeTakeFirst(),
    onSale
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('v.stock', '>', 0)
      .where('v.stock', '<=', lowStockAt)
      .executeTakeFirst(),
    onSale
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('v.stock', '=', 0)
      .executeTakeFirst(),
  ]);
  return { products: Number(products?.n ?? 0), lowStock: Number(lowStock?.n ?? 0), soldOut: Number(soldOut?.n ?? 0) };
}
