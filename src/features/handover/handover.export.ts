import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Executor } from '../../db/database.js';
import { migrations } from '../../db/migrations/index.js';
import { readConsistently } from '../../db/wholesale.js';
import { catalogHandover, imageFileName, photoFilesOf, readImageFile } from '../catalog/catalog.handover.js';
import { consentHandover } from '../consent/consent.handover.js';
import { customersHandover } from '../customers/customers.handover.js';
import { ordersHandover } from '../orders/orders.handover.js';
import type { HandoverPart, HandoverTable, Row } from './handover.tables.js';
import { readmeText } from './handover.readme.js';
import { loadYazl, stringifyCsv as stringify } from '../../shared/lazy.js';

/**
 * The whole-shop export, for a sale of the business: every table the new owner needs (the
 * catalogue, customers, orders, consent and the suppression list) as JSON Lines, exact, for
 * `npm run import-shop`, and as CSV for people; the uploaded photos as files; a manifest with
 * each file's rows, bytes and SHA-256; a README with what each file holds and the new owner's
 * duties. The zip is written as it is sent, a page of rows at a time: nothing is built whole in
 * memory, whatever the size of the shop.
 */

/** What is handed over, in the order an import writes it back (a table after those it refers to). */
export const HANDOVER_PARTS: readonly HandoverPart[] = [catalogHandover, customersHandover, ordersHandover, consentHandover];

export const EXPORT_FORMAT = 'assay-shop-export';
export const EXPORT_FORMAT_VERSION = 1;
/** Rows read at a time. */
export const EXPORT_PAGE_ROWS = 1000;

/** The name of the last migration this code knows: the schema the export's rows have. */
export const LATEST_MIGRATION = Object.keys(migrations).at(-1) ?? '';

export interface ManifestFile {
  path: string;
  /** Rows, for the tables' files. */
  rows?: number;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  shop: { name: string };
  exportedAt: string;
  migration: string;
  /** The tables, in the order an import writes them back. */
  tables: { table: string; feature: string; rows: number; file: string }[];
  files: ManifestFile[];
}

export const dataFileOf = (table: string) => `data/${table}.jsonl`;
export const csvFileOf = (table: string) => `csv/${table}.csv`;

export interface ExportSummary {
  rows: Record<string, number>;
  photos: number;
  files: number;
}

export interface ShopExport {
  /** The zip, as it is made. */
  stream: Readable;
  /** Settles when the last byte is made: the counts, or why it stopped. */
  done: Promise<ExportSummary>;
}

/** One value as a person reads it in a spreadsheet. */
const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export class ExportStopped extends Error {
  constructor() {
    super('the export stopped before it was finished (the download was closed)');
  }
}

/**
 * Starts the export; read it from `stream`. `signal` stops it when the download is closed, so a
 * transaction is never left open behind a reader who left.
 */
export function exportShop(
  source: { db: Executor; dialect: 'sqlite' | 'postgres'; dataDir: string },
  shop: { name: string },
  now: Date,
  options: {
    signal?: AbortSignal;
    /** Runs before the zip's last bytes are made (to record the export while the download is still open). */
    beforeEnd?: (summary: ExportSummary) => Promise<void>;
    pageRows?: number;
  } = {},
): ShopExport {
  const { signal, beforeEnd, pageRows = EXPORT_PAGE_ROWS } = options;
  const zip = new (loadYazl().ZipFile)();
  const mtime = now;
  const files: ManifestFile[] = [];

  /** Adds a file made by `chunks`, counting its bytes and hashing it as yazl reads it; resolves when the file is written. */
  function addStreamed(path: string, chunks: () => AsyncGenerator<Buffer>, rows?: () => number): Promise<void> {
    const hash = createHash('sha256');
    let bytes = 0;
    async function* counted() {
      for await (const chunk of chunks()) {
        if (signal?.aborted) throw new ExportStopped();
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    }
    const readable = Readable.from(counted(), { objectMode: false });
    zip.addReadStream(readable, path, { mtime, compress: true });
    return new Promise<void>((resolve, reject) => {
      const stop = () => reject(new ExportStopped());
      signal?.addEventListener('abort', stop, { once: true });
      readable.once('error', reject);
      readable.once('end', () => {
        signal?.removeEventListener('abort', stop);
        files.push({ path, ...(rows ? { rows: rows() } : {}), bytes, sha256: hash.digest('hex') });
        resolve();
      });
    });
  }

  function addBuffer(path: string, data: Buffer): void {
    zip.addBuffer(data, path, { mtime, compress: true });
    files.push({ path, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
  }

  async function addTable(db: Executor, t: HandoverTable): Promise<number> {
    let rows = 0;
    await addStreamed(
      dataFileOf(t.table),
      async function* () {
        const { pages } = await t.read(db, pageRows);
        for await (const page of pages) {
          rows += page.length;
          yield Buffer.from(page.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
        }
      },
      () => rows,
    );
    // Read again for the people's copy: a spreadsheet-safe CSV (a cell that starts with = + - @ is quoted out of being a formula).
    let csvRows = 0;
    await addStreamed(
      csvFileOf(t.table),
      async function* () {
        const { columns, pages } = await t.read(db, pageRows);
        yield Buffer.from(stringify([columns], { bom: true }), 'utf8');
        for await (const page of pages) {
          csvRows += page.length;
          yield Buffer.from(
            stringify(
              page.map((r: Row) => columns.map((c) => cell(r[c]))),
              { escape_formulas: true },
            ),
            'utf8',
          );
        }
      },
      () => csvRows,
    );
    return rows;
  }

  async function addImages(db: Executor): Promise<number> {
    const images = HANDOVER_PARTS.flatMap((p) => p.tables).find((t) => t.table === 'product_images');
    if (!images) return 0;
    let photos = 0;
    const { pages } = await images.read(db, pageRows);
    for await (const page of pages) {
      for (const row of page) {
        if (signal?.aborted) throw new ExportStopped();
        for (const f of photoFilesOf(row)) {
          const bytes = await readImageFile(source.dataDir, f.fileKey, f.width);
          if (!bytes) continue;
          addBuffer(imageFileName(f.fileKey, f.width), bytes);
          photos++;
        }
        // The drawn pictures are in their rows; as files too, to look at.
        if (typeof row.body === 'string' && row.body !== '' && String(row.content_type).includes('svg')) {
          addBuffer(`images/drawn/product-image-${String(row.id)}.svg`, Buffer.from(row.body, 'utf8'));
        }
      }
    }
    return photos;
  }

  const done = readConsistently(source.db, source.dialect, async (db) => {
    const tables: Manifest['tables'] = [];
    for (const part of HANDOVER_PARTS) {
      for (const t of part.tables) {
        const rows = await addTable(db, t);
        tables.push({ table: t.table, feature: t.feature, rows, file: dataFileOf(t.table) });
      }
    }
    const photos = await addImages(db);
    addBuffer(
      'README.txt',
      Buffer.from(readmeText({ shopName: shop.name, exportedAt: now, tables, parts: HANDOVER_PARTS, photos }), 'utf8'),
    );
    const manifest: Manifest = {
      format: EXPORT_FORMAT,
      version: EXPORT_FORMAT_VERSION,
      shop: { name: shop.name },
      exportedAt: now.toISOString(),
      migration: LATEST_MIGRATION,
      tables,
      files,
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), 'manifest.json', { mtime, compress: true });
    const summary: ExportSummary = { rows: Object.fromEntries(tables.map((t) => [t.table, t.rows])), photos, files: files.length + 1 };
    await beforeEnd?.(summary);
    zip.end();
    return summary;
  });
  const stream = zip.outputStream as unknown as Readable;
  // A failure ends the download rather than leaving it waiting; a download already closed just ends.
  done.catch((err) =>
    err instanceof ExportStopped ? stream.destroy() : stream.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return { stream, done };
}
