import { type Kysely, type RawBuilder, sql } from 'kysely';
import { dialectOf } from './database.js';

/**
 * A read-only walk over every table of the database, whatever feature owns it, for checks that
 * must see everything (the residue scan after an erasure): table names come from the catalogue
 * (sqlite_master, or information_schema for PostgreSQL's current schema), and rows are read in
 * pages in their physical order (SQLite's rowid, PostgreSQL's ctid), so a big table never sits in
 * memory whole. It changes nothing and holds no lock between pages. SQLite's full-text index is
 * left out: it indexes another table, which is scanned.
 */

/** Rows read at a time. */
export const SCAN_PAGE_ROWS = 500;

/** Every table of the database (SQLite's own and Kysely's bookkeeping included), by name. */
export async function listTables(db: Kysely<any>): Promise<string[]> {
  if (dialectOf(db) === 'postgres') {
    const r = await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
    return r.rows.map((t) => t.name);
  }
  const r = await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master
    where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  // A full-text index (a virtual table and its shadow tables) holds only tokens of a table that is
  // itself scanned (its content= table); its shadow tables are SQLite's own, some without rowid.
  const virtual = r.rows.filter((t) => /^create virtual table/i.test(t.sql ?? '')).map((t) => t.name);
  return r.rows.map((t) => t.name).filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

/** The rows of one table, a page at a time, every column as the driver returns it. */
export async function* tableRows(db: Kysely<any>, table: string, pageRows = SCAN_PAGE_ROWS): AsyncGenerator<Record<string, unknown>[]> {
  yield* pagesByOffset(db, table, dialectOf(db) === 'postgres' ? sql.raw('ctid') : sql.raw('rowid'), pageRows);
}

/** The rows of one table in the given order, `pageRows` at a time by offset; no empty page. */
export async function* pagesByOffset(
  db: Kysely<any>,
  table: string,
  order: RawBuilder<unknown>,
  pageRows: number,
): AsyncGenerator<Record<string, unknown>[]> {
  for (let offset = 0; ; offset += pageRows) {
    const r = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} order by ${order} limit ${pageRows} offset ${offset}`.execute(db);
    if (r.rows.length > 0) yield r.rows;
    if (r.rows.length < pageRows) return;
  }
}
