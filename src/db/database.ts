import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
/** An open transaction. A function that must run inside one takes `Trx`, so its type says so. */
export type Trx = Transaction<Database>;
/** Either: a function that only reads, or writes one statement, can run inside or outside a transaction. */
export type Executor = Db | Trx;

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Given a
 * transaction already, `work` joins it, so a service can be called alone or as part of a larger whole.
 */
export function inTransaction<T>(db: Executor, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Trx) : db.transaction().execute(work);
}

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

// Postgres returns bigint (count(*)) as text; our counts are small, so read them as numbers.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openDatabase(database: Config['database'], options: { poolSize?: number } = {}): DatabaseHandle {
  if (database.dialect === 'sqlite') {
    mkdirSync(dirname(database.file), { recursive: true });
    const sqlite = new SQLite(database.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 32 MB of page cache (SQLite's default is 2 MB), held only as pages are read: a write touching
    // hundreds of orders' rows and index pages (one person's erasure) then stays in memory until it commits.
    sqlite.pragma('cache_size = -32768');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: database.url, max: options.poolSize ?? 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** The one place that tells the dialects apart; repositories ask it when their SQL must differ. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
