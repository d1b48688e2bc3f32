import { existsSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import { type Executor, postgresDriver } from '../../db/database.js';
import { listTables } from '../../db/scan.js';

/**
 * The database as a whole, for backups and restores: a consistent copy of a SQLite file, the row
 * count of every table (whoever owns it: counts only, never a row), and whether a restore target
 * is empty. No feature's rows are read here.
 */

/** Copies a SQLite database with SQLite's online backup API: pages in steps, the shop keeps writing meanwhile. */
export async function copySqliteOnline(file: string, dest: string): Promise<void> {
  const source = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(dest);
  } finally {
    source.close();
  }
}

/** Rows in every table, by table name (Kysely's own bookkeeping left out). */
export async function countRowsByTable(db: Executor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await listTables(db)) {
    if (table.startsWith('kysely_')) continue;
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Whether a database holds no table: a SQLite file that does not exist (or has none), a PostgreSQL database with nothing in schema public. */
export async function databaseIsEmpty(database: Config['database']): Promise<boolean> {
  if (database.dialect === 'sqlite') {
    if (!existsSync(database.file) || statSync(database.file).size === 0) return true;
    const db = new SQLite(database.file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number };
      return row.n === 0;
    } finally {
      db.close();
    }
  }
  const client = new (postgresDriver().Client)({ connectionString: database.url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(
      "select count(*) as n from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    return Number(r.rows[0]?.n ?? 0) === 0;
  } finally {
    await client.end();
  }
}
