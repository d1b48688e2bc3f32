import { type Kysely, sql } from 'kysely';
import { dialectOf } from './database.js';
import { pagesByOffset } from './scan.js';

/**
 * Reading a table in primary-key order, a page at a time, for comparing two copies of the
 * database row by row (the restore drill). The primary key comes from the catalogue (SQLite's
 * pragma table_info, PostgreSQL's information_schema), never from the schema types, so a column
 * added by a migration is compared too. Pages are keyed (rows after the last key of the page
 * before), not offset, so each page costs the same however deep into the table it is.
 */

/** A column of a primary key; `text` when its values are strings (ordered byte by byte, as JavaScript compares them). */
export interface KeyColumn {
  name: string;
  text: boolean;
}

/** The columns of a table's primary key, in key order; empty when it has none. */
export async function primaryKeyOf(db: Kysely<any>, table: string): Promise<KeyColumn[]> {
  if (dialectOf(db) === 'postgres') {
    const r = await sql<{ name: string; type: string }>`select k.column_name as name, col.data_type as type
      from information_schema.table_constraints c
      join information_schema.key_column_usage k
        on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema and k.table_name = c.table_name
      join information_schema.columns col
        on col.table_schema = k.table_schema and col.table_name = k.table_name and col.column_name = k.column_name
      where c.constraint_type = 'PRIMARY KEY' and c.table_schema = current_schema() and c.table_name = ${table}
      order by k.ordinal_position`.execute(db);
    return r.rows.map((row) => ({ name: row.name, text: /char|text/i.test(row.type) }));
  }
  const r = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${table}) where pk > 0 order by pk`.execute(
    db,
  );
  return r.rows.map((row) => ({ name: row.name, text: /char|text|clob/i.test(row.type) }));
}

/** How many rows a table has. */
export async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** The columns of a table, in their order. */
export async function columnsOf(db: Kysely<any>, table: string): Promise<KeyColumn[]> {
  if (dialectOf(db) === 'postgres') {
    const r = await sql<{ name: string; type: string }>`select column_name as name, data_type as type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`.execute(db);
    return r.rows.map((row) => ({ name: row.name, text: /char|text/i.test(row.type) }));
  }
  const r = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${table}) order by cid`.execute(db);
  return r.rows.map((row) => ({ name: row.name, text: /char|text|clob/i.test(row.type) }));
}

/**
 * The rows of a table without a primary key, ordered by all its columns (nulls first, text byte
 * by byte), `pageRows` at a time by offset: equal rows cannot be told apart, so the caller can only
 * compare them as a multiset. Only for small tables (two days of raw page views at most today).
 */
export async function* rowsByAllColumns(
  db: Kysely<any>,
  table: string,
  columns: readonly KeyColumn[],
  pageRows = 1000,
): AsyncGenerator<Record<string, unknown>[]> {
  const postgres = dialectOf(db) === 'postgres';
  const order = sql.join(
    columns.map((k) => (postgres && k.text ? sql`${sql.ref(k.name)} collate "C" nulls first` : sql`${sql.ref(k.name)} nulls first`)),
  );
  yield* pagesByOffset(db, table, order, pageRows);
}

/** The rows of a table in primary-key order, `pageRows` at a time, every column as the driver returns it. */
export async function* rowsByKey(
  db: Kysely<any>,
  table: string,
  key: readonly KeyColumn[],
  pageRows = 1000,
): AsyncGenerator<Record<string, unknown>[]> {
  if (key.length === 0) throw new Error(`table ${table} has no primary key to order by`);
  // PostgreSQL orders text by the database's collation unless told otherwise: byte order ("C") on
  // both sides of the comparison, as SQLite's default, so the caller can merge two tables' pages.
  const postgres = dialectOf(db) === 'postgres';
  const term = (k: KeyColumn) => (postgres && k.text ? sql`${sql.ref(k.name)} collate "C"` : sql.ref(k.name));
  const order = sql.join(key.map(term));
  let after: unknown[] | null = null;
  for (;;) {
    const where: ReturnType<typeof sql> =
      after === null
        ? sql``
        : sql`where (${order}) > (${sql.join(after.map((v, i) => (postgres && key[i]!.text ? sql`cast(${v} as text) collate "C"` : sql`${v}`)))})`;
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)} ${where} order by ${order} limit ${pageRows}`.execute(
      db,
    );
    if (r.rows.length > 0) yield r.rows;
    if (r.rows.length < pageRows) return;
    const last = r.rows[r.rows.length - 1]!;
    after = key.map((k) => last[k.name]);
  }
}
