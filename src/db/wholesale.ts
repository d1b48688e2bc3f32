import { type Kysely, sql } from 'kysely';
import type { Executor, Trx } from './database.js';
import { insertExplicitRows, resetIdentity } from './identity.js';
import { columnsOf, primaryKeyOf, rowsByAllColumns, rowsByKey } from './keyed-scan.js';

/**
 * A table read whole, a page at a time, in primary-key order (text keys byte by byte on both
 * databases), for a whole-shop export: the same rows come out in the same order from SQLite and
 * PostgreSQL, and a big table never sits in memory whole. Only a feature's own repository calls
 * this, with the name of a table that feature owns.
 */

export interface TablePages {
  /** The table's columns, in their order. */
  columns: string[];
  pages: AsyncGenerator<Record<string, unknown>[]>;
}

export async function tablePages(db: Executor, table: string, pageRows = 1000): Promise<TablePages> {
  const any = db as unknown as Kysely<any>;
  const columns = await columnsOf(any, table);
  const key = await primaryKeyOf(any, table);
  const pages = key.length > 0 ? rowsByKey(any, table, key, pageRows) : rowsByAllColumns(any, table, columns, pageRows);
  return { columns: columns.map((c) => c.name), pages };
}

/** Whether a table has any row. */
export async function hasRows(db: Executor, table: string): Promise<boolean> {
  const r = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
  return r.rows.length > 0;
}

/**
 * Runs `work` on one consistent view of the database. On PostgreSQL: a read-only REPEATABLE READ
 * transaction, which blocks no one. On SQLite the shop has one connection, and a transaction
 * would hold every other request for as long as the work lasts, so the work reads without one;
 * whoever calls this says so to the person who waits for it.
 */
export async function readConsistently<T>(db: Executor, dialect: 'sqlite' | 'postgres', work: (db: Executor) => Promise<T>): Promise<T> {
  if (dialect === 'sqlite' || db.isTransaction) return work(db);
  return (db as Kysely<any>)
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => work(trx as unknown as Executor));
}

/**
 * A feature's tables read whole and written back whole, for the sale of the business: what each
 * feature's handover repository gives, over the tables it names (`withIdentity`: those whose `id`
 * is an identity column, whose counters must follow the imported ids).
 */
export function wholesaleTables<T extends string>(withIdentity: readonly T[]) {
  return {
    pages: (db: Executor, table: T, pageRows?: number): Promise<TablePages> => tablePages(db, table, pageRows),
    insert: (trx: Trx, table: T, rows: readonly Record<string, unknown>[]): Promise<void> => insertExplicitRows(trx, table, rows),
    async resetIdentities(trx: Trx): Promise<void> {
      for (const table of withIdentity) await resetIdentity(trx, table);
    },
    hasRows: (db: Executor, table: T): Promise<boolean> => hasRows(db, table),
  };
}
