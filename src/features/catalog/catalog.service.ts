import type { Db, Executor, Trx } from '../../db/database.js';
import { applyStockDelta, insertStockMovement } from './catalog.admin.repository.js';
import {
  type CategoryRow,
  type CollectionRow,
  findFacets,
  findProductBySlug,
  findProductCards,
  listCategories,
  listCollections,
  type ProductCard,
  type ProductDetail,
  type ProductSort,
  findCardsByIds,
  searchProductIds,
} from './catalog.repository.js';
import { type VariantForSale, countCatalogueStock, findVariantsForSale } from './catalog.repository.js';

export const PAGE_SIZE = 12;
export const SEARCH_MAX_LENGTH = 200;

export interface ListingQuery {
  metals: string[];
  stones: string[];
  minPence?: number;
  maxPence?: number;
  sort: ProductSort;
  page: number;
}

export type ListingResult =
  | { ok: true; cards: ProductCard[]; total: number; page: number; pages: number; facets: Awaited<ReturnType<typeof findFacets>> }
  | { ok: false; reason: 'page_out_of_range'; pages: number };

/**
 * Read side of the catalogue with an honest cache: every entry is tagged with the catalogue
 * version and dropped when a write calls invalidate() (or another process announces a change).
 */
export class CatalogService {
  private version = 0;
  private categories: CategoryRow[] = [];
  private collections: CollectionRow[] = [];
  private cache = new Map<string, { version: number; value: unknown }>();
  private readonly maxEntries = 2000;
  /** Search results' cards by product id, for the current version: the same object each time, so a view can keep what it made of it. */
  private cards = new Map<number, ProductCard>();
  private readonly maxCards = 20_000;

  /** Set when several processes share the database: tells the others to drop their caches too. */
  announceChange: (() => Promise<void>) | null = null;

  constructor(private readonly db: Db) {}

  async warm(): Promise<void> {
    const v = this.version;
    const [categories, collections] = await Promise.all([listCategories(this.db), listCollections(this.db)]);
    if (v !== this.version) return this.warm();
    this.categories = categories;
    this.collections = collections;
  }

  /** Called after any catalogue write; pages rendered from old data are never served again, by any process. */
  async invalidate(options: { announce?: boolean } = {}): Promise<void> {
    this.version++;
    this.cache.clear();
    this.cards = new Map();
    await this.warm();
    if (options.announce !== false && this.announceChange) await this.announceChange();
  }

  get currentVersion(): number {
    return this.version;
  }

  navCategories(): CategoryRow[] {
    return this.categories;
  }
  allCollections(): CollectionRow[] {
    return this.collections;
  }
  category(slug: string): CategoryRow | undefined {
    return this.categories.find((c) => c.slug === slug);
  }
  collection(slug: string): CollectionRow | undefined {
    return this.collections.find((c) => c.slug === slug);
  }

  /** Memoises a computation for the current catalogue version. */
  async memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.version) return hit.value as T;
    const version = this.version;
    const value = await compute();
    if (version === this.version) {
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { version, value });
    }
    return value;
  }

  async listing(scope: { categoryId?: number; collectionId?: number }, q: ListingQuery): Promise<ListingResult> {
    const [facets, found] = await Promise.all([
      this.memo(`facets:${scope.categoryId}:${scope.collectionId}`, () => findFacets(this.db, scope)),
      findProductCards(this.db, {
        ...scope,
        metals: q.metals,
        stones: q.stones,
        minPence: q.minPence,
        maxPence: q.maxPence,
        sort: q.sort,
        limit: PAGE_SIZE,
        offset: (q.page - 1) * PAGE_SIZE,
      }),
    ]);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    if (q.page > pages) return { ok: false, reason: 'page_out_of_range', pages };
    return { ok: true, cards: found.cards, total: found.total, page: q.page, pages, facets };
  }

  featured(limit: number): Promise<ProductCard[]> {
    return this.memo(`featured:${limit}`, async () => {
      const r = await findProductCards(this.db, { featuredOnly: true, sort: 'featured', limit, offset: 0 });
      return r.cards;
    });
  }

  collectionPreview(collectionId: number, limit: number): Promise<ProductCard[]> {
    return this.memo(`collection-preview:${collectionId}:${limit}`, async () => {
      const r = await findProductCards(this.db, { collectionId, sort: 'featured', limit, offset: 0 });
      return r.cards;
    });
  }

  product(slug: string): Promise<ProductDetail | null> {
    return this.memo(`product:${slug}`, () => findProductBySlug(this.db, slug));
  }

  async search(text: string, page: number): Promise<{ cards: ProductCard[]; total: number; pages: number; terms: string[] }> {
    const terms = searchTerms(text);
    // Keyed by the normalised terms, never the raw text, so that spellings of one search share an entry.
    return this.memo(`search:${terms.join(' ')}:${page}`, async () => {
      const found = await searchProductIds(this.db, terms, PAGE_SIZE, (page - 1) * PAGE_SIZE);
      const cards = await this.cardsFor(found.ids);
      return { cards, total: found.total, pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)), terms };
    });
  }

  /**
   * The cards of these products in this order, each read once per catalogue version and kept
   * (up to 20,000 — a larger catalogue's least recently used go first): a search that misses the
   * cache then costs only its ranking statement. A card read while the version changes is not kept.
   */
  private async cardsFor(ids: readonly number[]): Promise<ProductCard[]> {
    const version = this.version;
    const kept = this.cards;
    const missing = ids.filter((id) => !kept.has(id));
    const read = new Map((missing.length > 0 ? await findCardsByIds(this.db, missing) : []).map((c) => [c.id, c]));
    const keep = version === this.version;
    return ids.flatMap((id) => {
      const card = read.get(id) ?? kept.get(id);
      if (!card) return [];
      if (keep) {
        // Recently used last, so the least recently used is the first to go.
        kept.delete(id);
        kept.set(id, card);
        if (kept.size > this.maxCards) kept.delete(kept.keys().next().value as number);
      }
      return [card];
    });
  }
}

/**
 * Splits what the shopper typed into plain words: letters and digits only, so no input can be
 * read as full-text query syntax by either database. At most eight words are used.
 */
export function searchTerms(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .filter((t) => t.length <= 40)
    .slice(0, 8);
}

// ——— Asked by other features: stock for orders, variants for the bag, figures for the dashboard ———

/** Some pieces of one variant, as an order takes or hands back its stock. */
export interface StockLine {
  variantId: number;
  quantity: number;
}

export type StockTaken =
  /** `left` is each variant's stock after the taking. */
  | { ok: true; left: Map<number, number> }
  /** Not enough of this variant: the lines before it were taken, so the caller must roll its transaction back. */
  | { ok: false; variantId: number };

/** The order of variant ids in which stock rows are locked: always the same, so that two checkouts cannot deadlock. */
function inLockOrder(lines: readonly StockLine[]): StockLine[] {
  return [...lines].sort((a, b) => a.variantId - b.variantId);
}

/**
 * Takes stock for these lines inside the caller's transaction, each with its movement row, or
 * stops at the first variant without enough. Each decrement re-checks the stock under its row
 * lock, so two buyers cannot both get the last one.
 */
export async function takeStock(trx: Trx, lines: readonly StockLine[], reason: string, now: Date): Promise<StockTaken> {
  const at = now.toISOString();
  const left = new Map<number, number>();
  for (const l of inLockOrder(lines)) {
    const after = await applyStockDelta(trx, l.variantId, -l.quantity);
    if (after === null) return { ok: false, variantId: l.variantId };
    left.set(l.variantId, after);
    await insertStockMovement(trx, { variantId: l.variantId, delta: -l.quantity, stockAfter: after, reason, staffId: null, at });
  }
  return { ok: true, left };
}

/** Hands stock back for these lines, each with its movement row; a variant deleted since is skipped. Each variant's stock after. */
export async function returnStock(trx: Trx, lines: readonly StockLine[], reason: string, now: Date): Promise<Map<number, number>> {
  const at = now.toISOString();
  const after = new Map<number, number>();
  for (const l of inLockOrder(lines)) {
    const stock = await applyStockDelta(trx, l.variantId, l.quantity);
    if (stock === null) continue;
    after.set(l.variantId, stock);
    await insertStockMovement(trx, { variantId: l.variantId, delta: l.quantity, stockAfter: stock, reason, staffId: null, at });
  }
  return after;
}

/** These variants as the bag shows them, by id, in one query. */
export async function variantsForSale(db: Executor, variantIds: readonly number[]): Promise<Map<number, VariantForSale>> {
  return new Map((await findVariantsForSale(db, variantIds)).map((v) => [v.variantId, v]));
}

/** The dashboard's catalogue figures: products on sale, variants low on stock (`lowStockAt` or fewer) and sold out. */
export function catalogueStockCounts(db: Executor, lowStockAt: number): Promise<{ products: number; lowStock: number; soldOut: number }> {
  return countCatalogueStock(db, lowStockAt);
}

export type { VariantForSale };
