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

/** One line of a day's figures: the dimension 'day' (value '') for the totals, else a breakdown's value. */
export interface FigureRow {
  dimension: string;
  value: string;
  visitors: number;
  visits: number;
  page_views: number;
  visit_seconds: number;
  bounces: number;
}

/**
 * A day's figures, computed in the database in one statement: each event's visit number is a
 * running sum of "a gap of 30 minutes or more since this key's previous event" (window functions;
 * `at_ms` is an integer, so the arithmetic is the same on both dialects). The events are then
 * grouped once by visit and page (`vp`), and visits (`vis`) and every breakdown come from that.
 * A visit's entry page and referring host are those of its first event. Runs that hold no page
 * view (a leave beacon alone) are not visits. The browser and device are the key's (a key is one
 * browser). Subqueries and common table expressions have quoted names; the only table read is
 * stats_page_views.
 */
export async function dayFigures(db: Executor, day: string, gapMs: number): Promise<FigureRow[]> {
  const r = await sql<FigureRow>`
    with "vp" as materialized (
      select visitor_key, visit_no, path, sum(case when kind = 'view' then 1 else 0 end) as views,
        min(at_ms) as first_at, max(at_ms) as last_at, max(starts) as entered,
        max(case when starts = 1 then referrer_host end) as referrer
      from (
        select visitor_key, kind, path, referrer_host, at_ms, starts,
          sum(starts) over (partition by visitor_key order by at_ms) as visit_no
        from (
          select visitor_key, kind, path, referrer_host, at_ms,
            case when lag(at_ms) over (partition by visitor_key order by at_ms) is null
              or at_ms - lag(at_ms) over (partition by visitor_key order by at_ms) >= ${gapMs} then 1 else 0 end as starts
          from stats_page_views where day = ${day}
        ) as "e"
      ) as "n"
      group by visitor_key, visit_no, path
    ),
    "vis" as materialized (
      select visitor_key, visit_no, sum(views) as views, max(last_at) - min(first_at) as span_ms,
        max(case when entered = 1 then path end) as entry, max(referrer) as referrer
      from "vp" group by visitor_key, visit_no
    ),
    "per" as materialized (
      select w.browser, w.device, k.visits, k.views
      from (select visitor_key, count(*) as visits, sum(views) as views from "vis" where views > 0 group by visitor_key) as "k",
        (select visitor_key, min(browser) as browser, min(device) as device from stats_page_views where day = ${day} group by visitor_key) as "w"
      where w.visitor_key = k.visitor_key
    )
    select 'day' as dimension, '' as value, cast(count(distinct visitor_key) as bigint) as visitors, cast(count(*) as bigint) as visits,
      cast(coalesce(sum(views), 0) as bigint) as page_views, cast(coalesce(sum(span_ms), 0) as bigint) / 1000 as visit_seconds,
      cast(coalesce(sum(case when views = 1 then 1 else 0 end), 0) as bigint) as bounces
    from "vis" where views > 0
    union all
    select 'page', path, cast(count(distinct visitor_key) as bigint), cast(count(*) as bigint), cast(sum(views) as bigint), 0, 0
    from "vp" where views > 0 group by path
    union all
    select 'entry', entry, cast(count(distinct visitor_key) as bigint), cast(count(*) as bigint), cast(sum(views) as bigint), 0, 0
    from "vis" where views > 0 group by entry
    union all
    select 'referrer', referrer, cast(count(distinct visitor_key) as bigint), cast(count(*) as bigint), cast(sum(views) as bigint), 0, 0
    from "vis" where views > 0 and referrer is not null group by referrer
    union all
    select 'browser', browser, cast(count(*) as bigint), cast(sum(visits) as bigint), cast(sum(views) as bigint), 0, 0
    from "per" group by browser
    union all
    select 'device', device, cast(count(*) as bigint), cast(sum(visits) as bigint), cast(sum(views) as bigint), 0, 0
    from "per" group by device
  `.execute(db);
  return r.rows.map((row) => ({
    dimension: row.dimension,
    value: row.value,
    visitors: Number(row.visitors),
    visits: Number(row.visits),
    page_views: Number(row.page_views),
    visit_seconds: Number(row.visit_seconds),
    bounces: Number(row.bounces),
  }));
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
