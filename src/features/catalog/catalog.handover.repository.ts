import type { Executor, Trx } from '../../db/database.js';
import { insertExplicitRows, resetIdentity } from '../../db/identity.js';
import { type TablePages, hasRows, tablePages } from '../../db/wholesale.js';

/**
 * The catalogue (categories, collections, products, variants, images, search entries, stock and price history) read whole and written back whole, for the sale of the business
 * (src/features/handover): only the catalog feature's own tables, named here.
 */

export const CATALOG_HANDOVER_TABLES = [
  'categories',
  'collections',
  'products',
  'product_collections',
  'variants',
  'product_images',
  'product_search',
  'stock_movements',
  'price_changes',
] as const;
export type CatalogHandoverTable = (typeof CATALOG_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly CatalogHandoverTable[] = [
  'categories',
  'collections',
  'products',
  'variants',
  'product_images',
  'stock_movements',
  'price_changes',
];

export function catalogTablePages(db: Executor, table: CatalogHandoverTable, pageRows?: number): Promise<TablePages> {
  return tablePages(db, table, pageRows);
}

export function insertCatalogRows(trx: Trx, table: CatalogHandoverTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  return insertExplicitRows(trx, table, rows);
}

export async function resetCatalogIdentities(trx: Trx): Promise<void> {
  for (const table of WITH_IDENTITY) await resetIdentity(trx, table);
}

export function catalogTableHasRows(db: Executor, table: CatalogHandoverTable): Promise<boolean> {
  return hasRows(db, table);
}
