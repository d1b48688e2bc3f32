import { sql } from 'kysely';
import { type Db, dialectOf } from './database.js';

/**
 * Locks between app processes that share one database, so that a piece of work runs in one of
 * them at a time.
 *
 * PostgreSQL: a session-level advisory lock, `pg_try_advisory_lock(class, key)`, taken and released
 * on one connection reserved from the pool for as long as the work runs (a session lock belongs to
 * the connection that took it; taken on one pooled connection and released on another, it would
 * never be released). The work itself uses the pool as usual, so the pool must be larger than the
 * number of locks held at once (one per job running at that moment: a handful at 03:30). If the
 * process dies, the server ends its session and the lock goes with it.
 *
 * SQLite: one process runs the jobs of a database file — the shop alone, or worker 1 of a
 * WEB_CONCURRENCY cluster (src/main.ts) — so there is nobody to exclude and the work just runs.
 */

/** The first half of every lock key, so that the shop's locks never collide with another user's. */
const LOCK_CLASS = 0x41535359; // "ASSY"

export type Locked<T> = { locked: true; value: T } | { locked: false };

/**
 * Runs `work` if no other process holds the lock called `name`, and tells whether it ran. Never
 * waits for the lock: a caller that does not get it should skip, not queue.
 */
export async function withLock<T>(db: Db, name: string, work: () => Promise<T>): Promise<Locked<T>> {
  if (dialectOf(db) === 'sqlite') return { locked: true, value: await work() };
  const key = lockKey(name);
  return db.connection().execute(async (conn) => {
    const got = await sql<{ got: boolean }>`select pg_try_advisory_lock(${LOCK_CLASS}::int, ${key}::int) as got`.execute(conn);
    if (!got.rows[0]?.got) return { locked: false };
    try {
      return { locked: true, value: await work() };
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_CLASS}::int, ${key}::int)`.execute(conn);
    }
  });
}

/** A stable 32-bit signed key for a lock name (FNV-1a), so that every process computes the same one. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
