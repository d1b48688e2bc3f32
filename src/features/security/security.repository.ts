import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

/** A rate limit's counter after one more hit: the hits in its window, and when the window ends (ms since 1970). */
export interface RateLimitCount {
  hits: number;
  resetsAt: number;
}

/**
 * Counts `hits` hits (one unless told) against `key`, in one statement whichever process asks: a
 * new counter, more hits in the current window, or a fresh window once the last one has ended.
 * The same SQL on SQLite and PostgreSQL (both have `on conflict … do update` and `returning`).
 */
export async function countRateLimitHit(db: Executor, key: string, windowMs: number, nowMs: number, hits = 1): Promise<RateLimitCount> {
  const resetsAt = nowMs + windowMs;
  const row = await db
    .insertInto('rate_limit_hits')
    .values({ key, hits, resets_at: resetsAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limit_hits.resets_at <= cast(${nowMs} as bigint) then cast(${hits} as integer) else rate_limit_hits.hits + cast(${hits} as integer) end`,
        resets_at: sql<number>`case when rate_limit_hits.resets_at <= cast(${nowMs} as bigint) then cast(${resetsAt} as bigint) else rate_limit_hits.resets_at end`,
      }),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resetsAt: Number(row.resets_at) };
}

/** Deletes the counters whose window ended at or before `nowMs`; returns how many. */
export async function deleteEndedRateLimitCounters(db: Executor, nowMs: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_hits').where('resets_at', '<=', nowMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every counter's key, for tests that check what is stored. */
export async function listRateLimitKeys(db: Executor): Promise<string[]> {
  return (await db.selectFrom('rate_limit_hits').select('key').orderBy('key').execute()).map((r) => r.key);
}
