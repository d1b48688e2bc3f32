import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Transaction,
  sql,
} from 'kysely';
import type pg from 'pg';
import { lazy } from '../shared/lazy.js';
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

const loadPg = lazy<typeof pg>('pg');
let driver: typeof pg | null = null;

/** The PostgreSQL driver, loaded the first time the shop talks to PostgreSQL: never on SQLite. */
export function postgresDriver(): typeof pg {
  if (driver) return driver;
  driver = loadPg();
  // Postgres returns bigint (count(*)) as text; our counts are small, so read them as numbers.
  driver.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  return driver;
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock at the start, waiting for it up to
 * the busy timeout. A plain (deferred) BEGIN takes it at the first write, and when another process
 * has written since the transaction's first read SQLite cannot wait — it fails at once with
 * SQLITE_BUSY. Within one process nothing changes (Kysely gives SQLite one connection, so its
 * transactions already run one at a time); across processes (WEB_CONCURRENCY on SQLite, or a
 * command such as the backup drill beside the shop) writers queue instead of failing.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;
  constructor(settings: SqliteDialectConfig) {
    super(settings);
    this.#settings = settings;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#settings);
  }
}

/**
 * better-sqlite3 as Kysely sees it, with each statement prepared once and kept (the last
 * `size` different SQL texts): Kysely asks for a statement per query, and compiling one costs
 * more than running most of the shop's queries. A kept statement busy in a streamed read is not
 * handed out again; a fresh one is prepared for that query instead. SQLite prepares a kept
 * statement again by itself when a migration changes the schema.
 */
export function keepingStatements(sqlite: SQLite.Database, size = 1000): { prepare(sql: string): SQLite.Statement; close(): void } {
  const kept = new Map<string, SQLite.Statement>();
  return {
    prepare(text) {
      const statement = kept.get(text);
      if (statement) {
        if (statement.busy) return sqlite.prepare(text);
        kept.delete(text);
        kept.set(text, statement);
        return statement;
      }
      const prepared = sqlite.prepare(text);
      kept.set(text, prepared);
      if (kept.size > size) kept.delete(kept.keys().next().value as string);
      return prepared;
    },
    close() {
      kept.clear();
      sqlite.close();
    },
  };
}

/**
 * A pg pool whose connections prepare each statement once, by name, and then only bind and run
 * it: unnamed, PostgreSQL plans a query every time it is sent, and for the shop's short queries
 * planning costs more than running (a search over the demo catalogue: 0.8 ms to plan, 0.2 ms to
 * run). Named by a hash of the SQL text; at most `size` per connection, and none for texts longer
 * than 4,000 characters (a statement with a long list of values is seldom sent twice) or without
 * parameters.
 */
export function preparingPool(pool: pg.Pool, size = 500): pg.Pool {
  const prepared = new WeakMap<object, Set<string>>();
  const connect = pool.connect.bind(pool) as (callback?: unknown) => Promise<pg.PoolClient>;
  // Kysely asks the pool only for connect() (and end()): that one method is replaced, on this pool
  // alone; asked with a callback (pool.query does), the pool's own answers.
  (pool as { connect: unknown }).connect = async (callback?: unknown) => {
    if (callback !== undefined) return connect(callback);
    const client = await connect();
    if (!prepared.has(client)) {
      const names = new Set<string>();
      prepared.set(client, names);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
        // Without parameters a query goes as it did (the simple protocol, which also takes several statements at once).
        if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || rest.length > 0 || text.length > 4000)
          return query(text, values, ...rest);
        const name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
        if (!names.has(name)) {
          if (names.size >= size) return query(text, values);
          names.add(name);
        }
        return query({ name, text, values });
      };
    }
    return client;
  };
  return pool;
}

export interface OpenOptions {
  poolSize?: number;
  /**
   * Told when an idle pooled connection is lost (the server restarted, or ended the session).
   * Without a listener pg would throw it and end the process; the pool makes a new connection
   * when next asked, so the shop reconnects by itself.
   */
  onConnectionLost?: (err: Error) => void;
}

/** How long a query waits for a pooled connection (a new one, when the server is unreachable) before failing with a 503. */
export const CONNECT_TIMEOUT_MS = 5_000;

export function openDatabase(database: Config['database'], options: OpenOptions = {}): DatabaseHandle {
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
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: keepingStatements(sqlite) }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new (postgresDriver().Pool)({
    connectionString: database.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  pool.on('error', (err) => options.onConnectionLost?.(err));
  // A connection lost while a query holds it fails that query (the request gets the 503 page), and
  // pg then also emits 'error' on the client, which with no listener would end the process. The
  // pool drops such a client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** The one place that tells the dialects apart; repositories ask it when their SQL must differ. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * Whether an error means the database cannot be reached for now, rather than a fault in the
 * query: the connection was refused, reset or ended by the server (PostgreSQL 57P01 admin
 * shutdown, 57P02 crash shutdown, 57P03 cannot connect now, class 08 connection exceptions),
 * no pooled connection came in time, or SQLite stayed locked beyond its busy timeout. Such a
 * request deserves "try again in a moment", not "something went wrong".
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 3 || !err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (CONNECTION_CODES.has(code)) return true;
  if (code === '57P01' || code === '57P02' || code === '57P03' || /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(
      message,
    )
  ) {
    return true;
  }
  return e.cause !== undefined ? isDatabaseUnavailable(e.cause, depth + 1) : false;
}

/** `select 1`: resolves when the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
