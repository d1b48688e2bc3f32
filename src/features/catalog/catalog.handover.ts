import type { Executor } from '../../db/database.js';
import { type HandoverPart, handoverTable } from '../handover/handover.tables.js';
import {
  CATALOG_HANDOVER_TABLES,
  type CatalogHandoverTable,
  catalogTableHasRows,
  catalogTablePages,
  insertCatalogRows,
  resetCatalogIdentities,
} from './catalog.handover.repository.js';
import { imageFilePath, readImageFile } from './catalog.images.js';

/**
 * The catalogue as it is handed over when the business is sold: every row of its tables, exactly
 * (the staff who changed stock or prices are not part of the sale, so their numbers are left
 * empty), and the uploaded photos as files.
 */

const HOLDS: Record<CatalogHandoverTable, string> = {
  categories: 'the categories of the catalogue (rings, necklaces…)',
  collections: 'the collections, which group pieces across categories',
  products: 'the products (pieces): name, description, hallmark, care, stone; archived ones are withdrawn from sale',
  product_collections: 'which product is in which collection',
  variants: 'the variants of each product (metal, ring size, chain length) with their SKU, price in pence and stock now',
  product_images:
    'the product images: drawn ones hold their SVG in `body`; uploaded photos name their files (`file_key`, `widths`), which are in images/',
  product_search: 'the search entry of each product (made from the product; the search index is rebuilt from it)',
  stock_movements: 'every change of stock, with the stock after it and why',
  price_changes: 'every change of price, old and new, in pence',
};

const STAFF_NOT_SOLD = 'staff accounts are not part of the sale, so the staff number would name no one in the new shop';

const tables = CATALOG_HANDOVER_TABLES.map((table) =>
  handoverTable({
    table,
    feature: 'catalog',
    holds: HOLDS[table],
    blank: table === 'stock_movements' || table === 'price_changes' ? [{ columns: ['staff_id'], why: STAFF_NOT_SOLD }] : [],
    pages: catalogTablePages,
    insert: insertCatalogRows,
  }),
);

export const catalogHandover: HandoverPart = {
  feature: 'catalog',
  tables,
  resetIdentities: resetCatalogIdentities,
  async hasData(db: Executor) {
    return catalogTableHasRows(db, 'products');
  },
};

/** An uploaded photo's file as the export names it: `images/<key>-<width>.webp`, the same name as under DATA_DIR/images. */
export const IMAGE_FILE_NAME = /^images\/([a-f0-9]{32})-(\d+)\.webp$/;

export function imageFileName(fileKey: string, width: number): string {
  return `images/${fileKey}-${width}.webp`;
}

/** The stored photo files a row of product_images names: its key and its `widths` ("400,800,1600"). */
export function photoFilesOf(row: { file_key?: unknown; widths?: unknown }): { fileKey: string; width: number }[] {
  if (typeof row.file_key !== 'string' || !/^[a-f0-9]{32}$/.test(row.file_key)) return [];
  const widths = String(row.widths ?? '')
    .split(',')
    .map((w) => Number(w.trim()))
    .filter((w) => Number.isInteger(w) && w > 0);
  return widths.map((width) => ({ fileKey: row.file_key as string, width }));
}

export { imageFilePath, readImageFile };
