import { wholesaleTables } from '../../db/wholesale.js';

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

const wholesale = wholesaleTables<CatalogHandoverTable>(WITH_IDENTITY);
export const catalogTablePages = wholesale.pages;
export const insertCatalogRows = wholesale.insert;
export const resetCatalogIdentities = wholesale.resetIdentities;
export const catalogTableHasRows = wholesale.hasRows;
