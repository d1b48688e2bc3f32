import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// First-party visitor statistics, kept by the shop itself with no cookie:
// - stats_salts: one random salt per day, in this database only; replaced every day and deleted
//   after 48 hours, so a visitor's key (a keyed hash of the salt, the network address and the
//   browser's User-Agent) cannot be linked from one day to the next.
// - stats_page_views: raw page views (and "left the page" beacons) of the last two days at most:
//   the time in epoch milliseconds, the day (UK), the visitor key, the path (a route pattern, never
//   a token or query string), the referring host, the browser family and the device type. No
//   network address and no User-Agent is stored. Rolled up and deleted within 48 hours; no row
//   is ever read alone, so the table needs no key of its own.
// - stats_daily, stats_daily_breakdown: the daily figures, counts only, identifying nobody.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stats_salts')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('stats_page_views')
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('visitor_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('referrer_host', 'text')
    .addColumn('browser', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .execute();
  // The roll-up reads a day in key order, then by time: every column is in the index, so it reads
  // the index alone, in order, never the table row by row.
  await db.schema
    .createIndex('stats_page_views_visit_idx')
    .on('stats_page_views')
    .columns(['day', 'visitor_key', 'at_ms', 'kind', 'path', 'referrer_host', 'browser', 'device'])
    .execute();
  await db.schema
    .createTable('stats_daily')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('visitors', 'integer', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull())
    .addColumn('page_views', 'integer', (c) => c.notNull())
    .addColumn('visit_seconds', 'bigint', (c) => c.notNull())
    .addColumn('bounces', 'integer', (c) => c.notNull())
    .addColumn('rolled_up_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('stats_daily_breakdown')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('visitors', 'integer', (c) => c.notNull())
    .addColumn('visits', 'integer', (c) => c.notNull())
    .addColumn('page_views', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('stats_daily_breakdown_pk', ['day', 'dimension', 'value'])
    .execute();
  await db.schema.createIndex('stats_daily_breakdown_dimension_idx').on('stats_daily_breakdown').columns(['dimension', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['stats_daily_breakdown', 'stats_daily', 'stats_page_views', 'stats_salts'])
    await db.schema.dropTable(table).ifExists().execute();
}
