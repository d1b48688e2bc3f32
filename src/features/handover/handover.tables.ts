import type { Executor, Trx } from '../../db/database.js';
import type { TablePages } from '../../db/wholesale.js';

/**
 * One table of the whole-shop export, as the feature that owns it hands it over: what the file
 * holds (for the README), which columns stay behind and why, and how its rows are read and
 * written back. Each feature's `<feature>.handover.ts` describes its own tables with
 * `handoverTable`; the handover feature only composes them.
 */

export type Row = Record<string, unknown>;

export interface HandoverTable {
  table: string;
  feature: string;
  /** What the file holds, in a sentence for the README. */
  holds: string;
  /** Columns not in the export, with the reason, for the README. */
  leftOut: { columns: string[]; why: string }[];
  /** The columns exported, in order, and the rows page by page, as they go into the files. */
  read(db: Executor, pageRows: number): Promise<{ columns: string[]; pages: AsyncIterable<Row[]> }>;
  /** Writes exported rows back, ids included, in the import's transaction. */
  write(trx: Trx, rows: Row[]): Promise<void>;
}

export interface HandoverPart {
  feature: string;
  /** In the order they are written back: a table after the ones it refers to. */
  tables: HandoverTable[];
  /** Moves the id counters past the imported ids. */
  resetIdentities(trx: Trx): Promise<void>;
  /** Whether the shop holds any of this part's data already (an import needs an empty shop). */
  hasData(db: Executor): Promise<boolean>;
}

export interface TableSpec<T extends string> {
  table: T;
  feature: string;
  holds: string;
  /** Columns left out of the export, for a reason. */
  omit?: { columns: string[]; why: string; onImport?: Row }[];
  /** Columns exported empty (null), for a reason: they name what is not handed over. */
  blank?: { columns: string[]; why: string }[];
  pages(db: Executor, table: T, pageRows: number): Promise<TablePages>;
  insert(trx: Trx, table: T, rows: readonly Row[]): Promise<void>;
}

/** A table of a feature's hand-over, from its repository's reading and writing and what it leaves out. */
export function handoverTable<T extends string>(spec: TableSpec<T>): HandoverTable {
  const omitted = new Set((spec.omit ?? []).flatMap((o) => o.columns));
  const blanked = new Set((spec.blank ?? []).flatMap((b) => b.columns));
  const onImport: Row = Object.assign({}, ...(spec.omit ?? []).map((o) => o.onImport ?? {}));
  return {
    table: spec.table,
    feature: spec.feature,
    holds: spec.holds,
    leftOut: [
      ...(spec.omit ?? []).map(({ columns, why }) => ({ columns, why })),
      ...(spec.blank ?? []).map(({ columns, why }) => ({ columns, why: `exported empty: ${why}` })),
    ],
    async read(db, pageRows) {
      const { columns: all, pages } = await spec.pages(db, spec.table, pageRows);
      const columns = all.filter((c) => !omitted.has(c));
      async function* rows() {
        for await (const page of pages) {
          yield page.map((row) => {
            const out: Row = {};
            for (const c of columns) out[c] = blanked.has(c) ? null : (row[c] ?? null);
            return out;
          });
        }
      }
      return { columns, pages: rows() };
    },
    write(trx, rows) {
      const complete = Object.keys(onImport).length === 0 ? rows : rows.map((row) => ({ ...row, ...onImport }));
      return spec.insert(trx, spec.table, complete);
    },
  };
}
