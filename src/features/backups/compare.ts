import type { Db } from '../../db/database.js';
import { type KeyColumn, columnsOf, countRows, primaryKeyOf, rowsByAllColumns, rowsByKey } from '../../db/keyed-scan.js';
import { TABLE_OWNERS, UNTYPED_TABLE_OWNERS } from '../../db/owners.js';
import { listTables } from '../../db/scan.js';

/** One table of a drill's comparison: rows on each side and rows that differ (by primary key). */
export interface TableComparison {
  table: string;
  liveRows: number;
  restoredRows: number;
  /** Rows in both, but not equal. */
  changed: number;
  /** Rows only in the live database, or only in the restored one. */
  onlyLive: number;
  onlyRestored: number;
  /** Why a difference is expected ('written after the snapshot', 'erased again from the journal'), if it is. */
  explained?: string;
  /**
   * Rows set aside as written after the snapshot: those whose (whole-number) key is above the
   * bound given in `writtenAfter` (the drill's own audit entries: the backup's in the live
   * database, the restore's in the restored one).
   */
  afterSnapshot?: number;
  /** The first few primary keys that differ (ids and keys only, never a row's other values), to look into. */
  examples?: string[];
}

/** Rows read at a time from each side. */
export const COMPARE_PAGE_ROWS = 1000;
const EXAMPLES = 5;

/**
 * Compares two databases of the shop table by table, row by row, in primary-key order, streaming
 * (a million orders never sit in memory at once). `skip` names tables left out, with the reason.
 *
 * Every table of either database is compared (the owned tables of src/db/owners.ts, the untyped
 * ones and Kysely's own), so a table a migration adds is never left out by forgetting it here. A
 * table without a primary key (the raw page views) is compared as a multiset of whole rows, so a
 * changed row there counts as one only live and one only restored. SQLite's full-text index of the
 * catalogue (product_fts, a virtual table) is left out by the catalogue walk: it holds only tokens
 * of the products table, which is compared.
 */
export async function compareDatabases(
  live: Db,
  restored: Db,
  options: {
    skip?: Record<string, string>;
    pageRows?: number;
    /** By table: the highest whole-number key written before the snapshot; rows above it are set aside (`afterSnapshot`). */
    writtenAfter?: Record<string, number>;
  } = {},
): Promise<TableComparison[]> {
  const skip = options.skip ?? {};
  const [liveTables, restoredTables] = await Promise.all([listTables(live), listTables(restored)]);
  const known = new Set<string>([...Object.keys(TABLE_OWNERS), ...Object.keys(UNTYPED_TABLE_OWNERS)]);
  const tables = [...new Set([...liveTables, ...restoredTables])].sort(
    (a, b) => Number(!known.has(a)) - Number(!known.has(b)) || cmp(a, b),
  );
  const results: TableComparison[] = [];
  for (const table of tables) {
    const inLive = liveTables.includes(table);
    const inRestored = restoredTables.includes(table);
    const liveRows = inLive ? await countRows(live, table) : 0;
    const restoredRows = inRestored ? await countRows(restored, table) : 0;
    const base = { table, liveRows, restoredRows };
    if (Object.hasOwn(skip, table)) {
      results.push({ ...base, changed: 0, onlyLive: 0, onlyRestored: 0, explained: `not compared: ${skip[table]}` });
      continue;
    }
    if (!inLive || !inRestored) {
      results.push({
        ...base,
        changed: 0,
        onlyLive: liveRows,
        onlyRestored: restoredRows,
        examples: [inLive ? 'table missing from the restored copy' : 'table missing from the live database'],
      });
      continue;
    }
    const pageRows = options.pageRows ?? COMPARE_PAGE_ROWS;
    const key = await primaryKeyOf(live, table);
    if (key.length > 0) {
      const bound = options.writtenAfter?.[table];
      results.push({
        ...base,
        ...(await merge(rowsByKey(live, table, key, pageRows), rowsByKey(restored, table, key, pageRows), key, true, bound)),
      });
      continue;
    }
    // No primary key (the raw page views): rows are compared as a multiset, every column the key.
    const columns = await columnsOf(live, table);
    results.push({
      ...base,
      ...(await merge(
        rowsByAllColumns(live, table, columns, pageRows),
        rowsByAllColumns(restored, table, columns, pageRows),
        columns,
        false,
      )),
    });
  }
  return results;
}

/** Rows that differ without an explanation, over all tables: 0 when the copies agree. */
export function unexplainedDifferences(tables: TableComparison[]): number {
  return tables.filter((t) => t.explained === undefined).reduce((n, t) => n + t.changed + t.onlyLive + t.onlyRestored, 0);
}

/** A merge of the two sides' pages in key order: equal keys are compared, the smaller key is a row only on its side. */
async function merge(
  livePages: AsyncGenerator<Record<string, unknown>[]>,
  restoredPages: AsyncGenerator<Record<string, unknown>[]>,
  key: KeyColumn[],
  showKey: boolean,
  bound?: number,
): Promise<{ changed: number; onlyLive: number; onlyRestored: number; afterSnapshot?: number; examples?: string[] }> {
  // Rows keyed above the bound are counted apart, on whichever side they are.
  let afterSnapshot = 0;
  const beyond = (row: Record<string, unknown> | null) =>
    row !== null && bound !== undefined && key.length === 1 && isInteger(row[key[0]!.name]) && Number(row[key[0]!.name]) > bound;
  const live = rowCursor(livePages);
  const restored = rowCursor(restoredPages);
  const next = async (cursor: ReturnType<typeof rowCursor>) => {
    for (;;) {
      const row = await cursor.next();
      if (!beyond(row)) return row;
      afterSnapshot++;
    }
  };
  const a = { next: () => next(live) };
  const b = { next: () => next(restored) };
  let changed = 0;
  let onlyLive = 0;
  let onlyRestored = 0;
  const examples: string[] = [];
  const note = (what: string, row: Record<string, unknown>) => {
    // A text key may be a keyed hash or a name someone typed: only numbers are shown.
    if (examples.length >= EXAMPLES) return;
    if (!showKey) examples.push(`${what} a row`);
    else examples.push(`${what} ${key.map((k) => `${k.name}=${k.text ? '(text)' : String(normalise(row[k.name]))}`).join(', ')}`);
  };
  let x = await a.next();
  let y = await b.next();
  while (x !== null || y !== null) {
    const order = x === null ? 1 : y === null ? -1 : compareKeys(key, x, y);
    if (order < 0) {
      onlyLive++;
      note('only live:', x!);
      x = await a.next();
    } else if (order > 0) {
      onlyRestored++;
      note('only restored:', y!);
      y = await b.next();
    } else {
      if (!sameRow(x!, y!)) {
        changed++;
        note('changed:', x!);
      }
      x = await a.next();
      y = await b.next();
    }
  }
  return {
    changed,
    onlyLive,
    onlyRestored,
    ...(bound !== undefined ? { afterSnapshot } : {}),
    ...(examples.length > 0 ? { examples } : {}),
  };
}

/** One row at a time from pages. */
function rowCursor(pages: AsyncGenerator<Record<string, unknown>[]>) {
  let page: Record<string, unknown>[] = [];
  let i = 0;
  return {
    async next(): Promise<Record<string, unknown> | null> {
      while (i >= page.length) {
        const r = await pages.next();
        if (r.done) return null;
        page = r.value;
        i = 0;
      }
      return page[i++] ?? null;
    },
  };
}

/** Code-unit order, as SQLite's BINARY collation and PostgreSQL's "C" order text. */
const cmp = (p: string, q: string) => (p < q ? -1 : p > q ? 1 : 0);

function compareKeys(key: KeyColumn[], x: Record<string, unknown>, y: Record<string, unknown>): number {
  for (const k of key) {
    const p = x[k.name];
    const q = y[k.name];
    let order: number;
    if (p === null || p === undefined || q === null || q === undefined)
      order = Number(!(p === null || p === undefined)) - Number(!(q === null || q === undefined));
    else if (!k.text && isInteger(p) && isInteger(q)) {
      const [m, n] = [BigInt(String(p)), BigInt(String(q))];
      order = m < n ? -1 : m > n ? 1 : 0;
    } else if (!k.text && typeof p === 'number' && typeof q === 'number') order = p < q ? -1 : p > q ? 1 : 0;
    else order = cmp(String(normalise(p)), String(normalise(q)));
    if (order !== 0) return order;
  }
  return 0;
}

const isInteger = (v: unknown) =>
  typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));

function sameRow(x: Record<string, unknown>, y: Record<string, unknown>): boolean {
  const columns = new Set([...Object.keys(x), ...Object.keys(y)]);
  // (A table without a primary key pairs only equal rows, so this holds there by construction.)
  for (const c of columns) if (normalise(x[c]) !== normalise(y[c])) return false;
  return true;
}

/**
 * A value as compared: what the drivers return for the same stored value can differ in type (a
 * bigint as a number or as text, a boolean as true or 1, JSON as text or as an object, a time as a
 * Date or as text), so each is reduced to one string or null.
 */
export function normalise(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'string') {
    if (/^\s*[[{]/.test(v)) {
      try {
        return canonicalJson(JSON.parse(v));
      } catch {
        return v;
      }
    }
    return v;
  }
  return canonicalJson(v);
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([p], [q]) => cmp(p, q)))
      : value,
  );
}
