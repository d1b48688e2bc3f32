import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type PageViewRow = Database['stats_page_views'];

/** Makes the day's salt unless one exists (another process may have made it first), then reads the one that won. */
export async function ensureSalt(db: Executor, day: string, salt: string, createdAt: string): Promise<string> {
  await db
    .insertInto('stats_salts')
    .values({ day, salt, created_at: createdAt })
    .onConflict((oc) => oc.column('day').doNothing())
    .execute();
  const row = await db.selectFrom('stats_salts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
  return row.salt;
}

export function saltDays(db: Executor): Promise<string[]> {
  return db
    .selectFrom('stats_salts')
    .select('day')
    .orderBy('day')
    .execute()
    .then((rows) => rows.map((r) => r.day));
}

export async function deleteSalts(db: Executor, days: string[]): Promise<number> {
  if (days.length === 0) return 0;
  const r = await db.deleteFrom('stats_salts').where('day', 'in', days).executeTakeFirst();
  return Number(r.numDeletedRows);
}

const INSERT_CHUNK = 500;

/** Writes buffered events, in multi-row inserts of at most 500 rows. */
export async function insertPageViews(db: Executor, rows: PageViewRow[]): Promise<number> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await db
      .insertInto('stats_page_views')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  return rows.length;
}

/** The days before `beforeDay` that still have raw rows. */
export function rawDaysBefore(db: Executor, beforeDay: string): Promise<string[]> {
  return db
    .selectFrom('stats_page_views')
    .select('day')
    .distinct()
    .where('day', '<', beforeDay)
    .orderBy('day')
    .execute()
    .then((rows) => rows.map((r) => r.day));
}

export async function deleteRawDay(db: Executor, day: string): Promise<number> {
  const r = await db.deleteFrom('stats_page_views').where('day', '=', day).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteRawBefore(db: Executor, atMs: number): Promise<number> {
  const r = await db.deleteFrom('stats_page_views').where('at_ms', '<', atMs).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** One event as the roll-up reads it: a day's events come in key order, and by time within a key. */
export interface DayEvent {
  visitor_key: string;
  at_ms: number;
  /** A page view (true or 1), not a leave beacon. */
  viewed: boolean | number;
  path: string;
  referrer_host: string | null;
}

/**
 * Up to `limit` events of a day from the key `fromKey` on (inclusive), in key order and by time
 * within a key. The visit index holds every column, in that order, so the page is read from the
 * index alone, with no sort, on both dialects. A day of a million events is read in pages, never
 * held whole; the browser and device come once per visitor (`browsersOf`), not with each event.
 */
export function dayEventsFrom(db: Executor, day: string, fromKey: string, limit: number): Promise<DayEvent[]> {
  return db
    .selectFrom('stats_page_views')
    .select(['visitor_key', 'at_ms', sql<boolean | number>`kind = 'view'`.as('viewed'), 'path', 'referrer_host'])
    .where('day', '=', day)
    .where('visitor_key', '>=', fromKey)
    .orderBy('visitor_key')
    .orderBy('at_ms')
    .limit(limit)
    .execute();
}

/** The browser family and device type of each visitor of a day from `fromKey` to `toKey` (a key is one browser). */
export async function browsersOf(
  db: Executor,
  day: string,
  fromKey: string,
  toKey: string,
): Promise<Map<string, { browser: string; device: string }>> {
  const rows = await db
    .selectFrom('stats_page_views')
    .select(['visitor_key', (eb) => eb.fn.min<string>('browser').as('browser'), (eb) => eb.fn.min<string>('device').as('device')])
    .where('day', '=', day)
    .where('visitor_key', '>=', fromKey)
    .where('visitor_key', '<=', toKey)
    .groupBy('visitor_key')
    .execute();
  return new Map(rows.map((r) => [r.visitor_key, { browser: r.browser, device: r.device }]));
}

/** Replaces a day's figures and breakdown. */
export async function replaceDayFigures(
  db: Executor,
  day: string,
  totals: Omit<Database['stats_daily'], 'day'>,
  breakdown: Omit<Database['stats_daily_breakdown'], 'day'>[],
): Promise<void> {
  await db.deleteFrom('stats_daily_breakdown').where('day', '=', day).execute();
  await db.deleteFrom('stats_daily').where('day', '=', day).execute();
  await db
    .insertInto('stats_daily')
    .values({ day, ...totals })
    .execute();
  for (let i = 0; i < breakdown.length; i += INSERT_CHUNK)
    await db
      .insertInto('stats_daily_breakdown')
      .values(breakdown.slice(i, i + INSERT_CHUNK).map((b) => ({ day, ...b })))
      .execute();
}
