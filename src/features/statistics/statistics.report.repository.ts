import type { Executor } from '../../db/database.js';

/**
 * The reads behind the back office's statistics: the daily tables only (stats_daily and
 * stats_daily_breakdown), which hold counts and identify nobody. Each read is one grouped query
 * over a period of days, served by the tables' day key and the (dimension, day) index, so a
 * period of 90 days costs the same handful of statements as one of 7.
 */

export const DIMENSIONS = ['page', 'entry', 'browser', 'device', 'referrer'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface DailyFigures {
  day: string;
  visitors: number;
  visits: number;
  pageViews: number;
  visitSeconds: number;
  bounces: number;
  /** When the day's figures (with its breakdown rows, written together) were last made. */
  rolledUpAt: string;
}

export interface BreakdownFigures {
  dimension: Dimension;
  value: string;
  visitors: number;
  visits: number;
  pageViews: number;
}

/** PostgreSQL returns sums and bigints as text; SQLite as numbers. */
const n = (v: unknown): number => Number(v ?? 0);

/** The days of a period that have figures, oldest first (`from` and `to` included, both 'YYYY-MM-DD'). */
export async function dailyFiguresBetween(db: Executor, from: string, to: string): Promise<DailyFigures[]> {
  const rows = await db
    .selectFrom('stats_daily')
    .select(['day', 'visitors', 'visits', 'page_views', 'visit_seconds', 'bounces', 'rolled_up_at'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    visitors: n(r.visitors),
    visits: n(r.visits),
    pageViews: n(r.page_views),
    visitSeconds: n(r.visit_seconds),
    bounces: n(r.bounces),
    rolledUpAt: r.rolled_up_at,
  }));
}

/** One dimension's values summed over a period, most visits first, at most `limit` of them. */
export async function topBreakdownBetween(
  db: Executor,
  dimension: Dimension,
  from: string,
  to: string,
  limit: number,
): Promise<BreakdownFigures[]> {
  const rows = await db
    .selectFrom('stats_daily_breakdown')
    .select((eb) => [
      'value',
      eb.fn.sum<number>('visitors').as('sum_visitors'),
      eb.fn.sum<number>('visits').as('sum_visits'),
      eb.fn.sum<number>('page_views').as('sum_page_views'),
    ])
    .where('dimension', '=', dimension)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('value')
    .orderBy(dimension === 'page' ? 'sum_page_views' : 'sum_visits', 'desc')
    .orderBy('sum_visitors', 'desc')
    .orderBy('value')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    dimension,
    value: r.value,
    visitors: n(r.sum_visitors),
    visits: n(r.sum_visits),
    pageViews: n(r.sum_page_views),
  }));
}

/** Every breakdown row of a period, day by day (for the downloads), in day, dimension, value order. */
export async function breakdownRowsBetween(db: Executor, from: string, to: string): Promise<(BreakdownFigures & { day: string })[]> {
  const rows = await db
    .selectFrom('stats_daily_breakdown')
    .select(['day', 'dimension', 'value', 'visitors', 'visits', 'page_views'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .orderBy('dimension')
    .orderBy('value')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    dimension: r.dimension as Dimension,
    value: r.value,
    visitors: n(r.visitors),
    visits: n(r.visits),
    pageViews: n(r.page_views),
  }));
}
