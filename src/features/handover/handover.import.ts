import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { type Db, inTransaction } from '../../db/database.js';
import { migrations } from '../../db/migrations/index.js';
import { IMAGE_FILE_NAME, imageFilePath } from '../catalog/catalog.handover.js';
import { EXPORT_FORMAT, HANDOVER_PARTS, type Manifest } from './handover.export.js';
import type { Row } from './handover.tables.js';
import { lazy } from '../../shared/lazy.js';

const loadFflate = lazy<typeof import('fflate')>('fflate');

/**
 * Loads a whole-shop export into an empty shop (`npm run import-shop -- <export.zip>`): every file
 * is checked against its SHA-256 in the manifest before anything is written, the shop must hold no
 * products, customers, orders or consent records, and every row goes in with its id in one
 * transaction (the id counters are then moved past them), so an import is all or nothing.
 */

/** Rows written at a time. */
const WRITE_ROWS = 500;

export type ImportResult = { ok: true; rows: { table: string; rows: number }[]; photos: number } | { ok: false; message: string };

export const EMPTY_SHOP_HINT =
  'Start the new shop empty — a new DATA_DIR (or an empty database in DATABASE_URL) with SEED_DEMO=false — and run the import again.';

const manifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int(),
  shop: z.object({ name: z.string() }),
  exportedAt: z.string(),
  migration: z.string(),
  tables: z.array(z.object({ table: z.string(), feature: z.string(), rows: z.number().int().min(0), file: z.string() })),
  files: z.array(
    z.object({
      path: z.string(),
      rows: z.number().int().optional(),
      bytes: z.number().int().min(0),
      sha256: z.string().regex(/^[a-f0-9]{64}$/),
    }),
  ),
});

const refuse = (message: string): ImportResult => ({ ok: false, message });

function entryOf(zip: Uint8Array, path: string): Uint8Array | undefined {
  return loadFflate().unzipSync(zip, { filter: (f) => f.name === path })[path];
}

function namesIn(zip: Uint8Array): string[] {
  const names: string[] = [];
  loadFflate().unzipSync(zip, {
    filter: (f) => {
      names.push(f.name);
      return false;
    },
  });
  return names;
}

/** Reads and checks the export: the manifest, and every file against it. */
export function checkExport(zip: Uint8Array): { ok: true; manifest: Manifest } | { ok: false; message: string } {
  let names: string[];
  try {
    names = namesIn(zip);
  } catch {
    return { ok: false, message: 'That file is not a zip file (or it is damaged). Give the .zip the whole-shop export downloaded.' };
  }
  if (!names.includes('manifest.json')) return { ok: false, message: 'That zip has no manifest.json: it is not a whole-shop export.' };
  let manifest: Manifest;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(Buffer.from(entryOf(zip, 'manifest.json') ?? []).toString('utf8')));
    if (!parsed.success) return { ok: false, message: 'manifest.json is not the manifest of a whole-shop export.' };
    manifest = parsed.data as Manifest;
  } catch {
    return { ok: false, message: 'manifest.json is not valid JSON: the export is damaged.' };
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const extra = names.filter((n) => n !== 'manifest.json' && !n.endsWith('/') && !listed.has(n));
  if (extra.length > 0)
    return { ok: false, message: `${extra[0]} is in the zip but not in manifest.json: the export was changed. Nothing was imported.` };
  for (const f of manifest.files) {
    const data = names.includes(f.path) ? entryOf(zip, f.path) : undefined;
    if (!data) return { ok: false, message: `${f.path} is listed in manifest.json but missing from the zip. Nothing was imported.` };
    const sha = createHash('sha256').update(data).digest('hex');
    if (sha !== f.sha256 || data.length !== f.bytes) {
      return {
        ok: false,
        message: `${f.path} does not match its SHA-256 in manifest.json: the file was changed or damaged after the export. Nothing was imported.`,
      };
    }
  }
  if (!Object.hasOwn(migrations, manifest.migration)) {
    return {
      ok: false,
      message: `The export was made by a newer version of the shop (database schema ${manifest.migration}). Update this shop first, then import.`,
    };
  }
  const known = new Set(HANDOVER_PARTS.flatMap((p) => p.tables.map((t) => t.table)));
  const unknown = manifest.tables.find((t) => !known.has(t.table));
  if (unknown) return { ok: false, message: `The export holds a table this shop does not import (${unknown.table}).` };
  return { ok: true, manifest };
}

/** Whether the shop holds anything an import would collide with. */
export async function shopIsEmpty(db: Db): Promise<boolean> {
  for (const part of HANDOVER_PARTS) if (await part.hasData(db)) return false;
  return true;
}

function* jsonLines(data: Uint8Array): Generator<Row> {
  const text = Buffer.from(data).toString('utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() !== '') yield JSON.parse(line) as Row;
  }
}

/** Checks the export, refuses a shop that is not empty, then writes the photos and every row. */
export async function importShop(db: Db, dataDir: string, zip: Uint8Array): Promise<ImportResult> {
  const checked = checkExport(zip);
  if (!checked.ok) return refuse(checked.message);
  const { manifest } = checked;
  if (!(await shopIsEmpty(db))) {
    return refuse(`This shop is not empty: it already has products, customers, orders or consent records. ${EMPTY_SHOP_HINT}`);
  }

  const photos = manifest.files.flatMap((f) => {
    const m = IMAGE_FILE_NAME.exec(f.path);
    return m ? [{ path: f.path, target: imageFilePath(dataDir, m[1]!, Number(m[2])) }] : [];
  });
  for (const p of photos) {
    await mkdir(dirname(p.target), { recursive: true });
    await writeFile(p.target, entryOf(zip, p.path)!);
  }

  const byTable = new Map(manifest.tables.map((t) => [t.table, t]));
  const written: { table: string; rows: number }[] = [];
  try {
    await inTransaction(db, async (trx) => {
      for (const part of HANDOVER_PARTS) {
        for (const t of part.tables) {
          const listed = byTable.get(t.table);
          if (!listed) continue;
          const data = entryOf(zip, listed.file);
          if (!data) throw new ImportRefused(`${listed.file} is missing from the zip.`);
          let batch: Row[] = [];
          let rows = 0;
          for (const row of jsonLines(data)) {
            batch.push(row);
            if (batch.length === WRITE_ROWS) {
              await t.write(trx, batch);
              rows += batch.length;
              batch = [];
            }
          }
          if (batch.length) await t.write(trx, batch);
          rows += batch.length;
          if (rows !== listed.rows) throw new ImportRefused(`${listed.file} has ${rows} rows, but manifest.json says ${listed.rows}.`);
          written.push({ table: t.table, rows });
        }
        await part.resetIdentities(trx);
      }
    });
  } catch (err) {
    for (const p of photos) await rm(p.target, { force: true });
    if (err instanceof ImportRefused) return refuse(`${err.message} Nothing was imported.`);
    if (err instanceof SyntaxError) return refuse('A data file is not valid JSON Lines: the export is damaged. Nothing was imported.');
    throw err;
  }
  return { ok: true, rows: written, photos: photos.length };
}

class ImportRefused extends Error {}
