import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ukDay, ukDayStartMs } from '../../src/features/statistics/statistics.domain.js';
import { rollUp, rollUpDay } from '../../src/features/statistics/statistics.service.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { pieceInStock } from '../support/customer.js';
import { CHROME_ANDROID, FIREFOX_WINDOWS, type Visitor, leave, rawRows, view } from './visits.js';

/**
 * The counting rules on fixed sequences of page views, made through the real app with a fixed
 * clock and rolled up: visits split by a gap of 30 minutes or more and at midnight, visitors by
 * key, time on site refined by the leave beacon; the breakdowns; the job's salts and deletions.
 * Each case uses days of its own.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
let now = new Date('2026-06-01T09:00:00Z');
let shop: TestShop;
let product: string;
const app = () => shop.app;
const ada: Visitor = { ip: '203.0.113.5', ua: FIREFOX_WINDOWS };
const bob: Visitor = { ip: '203.0.113.6', ua: FIREFOX_WINDOWS };
const cy: Visitor = { ip: '203.0.113.7', ua: FIREFOX_WINDOWS };

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now });
  product = (await pieceInStock(shop.app)).product as string;
});
afterAll(async () => shop?.close());

/** UK wall-clock time on a June day (BST: UTC+1). */
const bst = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+01:00`);

/** Views `url` as `who` at `at`. */
async function viewAt(at: Date, url: string, who: Visitor, headers: Record<string, string> = {}) {
  now = at;
  const res = await view(app(), url, who, headers);
  expect(res.statusCode, url).toBe(200);
}

async function rolledUp(day: string) {
  await app().statistics.flush();
  await rollUpDay(app().db, day, new Date(ukDayStartMs(day) + 30 * HOUR));
  const totals = await app().db.selectFrom('stats_daily').selectAll().where('day', '=', day).executeTakeFirst();
  const breakdown = await app()
    .db.selectFrom('stats_daily_breakdown')
    .select(['dimension', 'value', 'visitors', 'visits', 'page_views'])
    .where('day', '=', day)
    .orderBy('dimension')
    .orderBy('value')
    .execute();
  const { day: _d, rolled_up_at: _r, ...counts } = totals ?? { day: '', rolled_up_at: '' };
  const of = (dimension: string) =>
    Object.fromEntries(breakdown.filter((b) => b.dimension === dimension).map((b) => [b.value, [b.visitors, b.visits, b.page_views]]));
  return { counts, of };
}

describe(`the counting rules (${testDialect})`, () => {
  it('a gap of 29 minutes continues a visit; 30 or 31 minutes start a new one', async () => {
    const day = '2026-06-02';
    await viewAt(bst(day, '10:00'), '/', ada);
    await viewAt(bst(day, '10:29'), '/rings', ada);
    await viewAt(bst(day, '10:00'), '/', bob);
    await viewAt(bst(day, '10:31'), '/rings', bob);
    await viewAt(bst(day, '10:00'), '/', cy);
    await viewAt(bst(day, '10:30'), '/rings', cy);
    const { counts } = await rolledUp(day);
    expect(counts).toEqual({ visitors: 3, visits: 5, page_views: 6, visit_seconds: 29 * 60, bounces: 4 });
  });

  it('a visit across midnight is cut in two: the key changes with the day', async () => {
    const [d1, d2] = ['2026-06-03', '2026-06-04'];
    await viewAt(bst(d1, '23:50'), '/', ada);
    await viewAt(bst(d1, '23:55'), '/rings', ada);
    await viewAt(bst(d2, '00:05'), '/collections', ada);
    await app().statistics.flush();
    const keys = (await rawRows(app())).filter((r) => r.day === d1 || r.day === d2);
    expect(keys.map((r) => r.day)).toEqual([d1, d1, d2]);
    expect(keys[0]?.visitor_key).toBe(keys[1]?.visitor_key);
    expect(keys[2]?.visitor_key).not.toBe(keys[0]?.visitor_key);
    expect((await rolledUp(d1)).counts).toEqual({ visitors: 1, visits: 1, page_views: 2, visit_seconds: 5 * 60, bounces: 0 });
    expect((await rolledUp(d2)).counts).toEqual({ visitors: 1, visits: 1, page_views: 1, visit_seconds: 0, bounces: 1 });
  });

  it('two browsers on one network are two visitors', async () => {
    const day = '2026-06-05';
    await viewAt(bst(day, '12:00'), '/', ada);
    await viewAt(bst(day, '12:00'), '/', { ip: ada.ip, ua: CHROME_ANDROID });
    await viewAt(bst(day, '12:02'), '/rings', { ip: ada.ip, ua: CHROME_ANDROID });
    const { counts, of } = await rolledUp(day);
    expect(counts).toEqual({ visitors: 2, visits: 2, page_views: 3, visit_seconds: 120, bounces: 1 });
    expect(of('browser')).toEqual({ Chrome: [1, 1, 2], Firefox: [1, 1, 1] });
    expect(of('device')).toEqual({ desktop: [1, 1, 1], mobile: [1, 1, 2] });
  });

  it('does not count GPC, DNT, bots, objections or prefetches in the figures', async () => {
    const day = '2026-06-06';
    await viewAt(bst(day, '09:00'), '/', ada);
    const refusals: Record<string, string>[] = [
      { 'sec-gpc': '1' },
      { dnt: '1' },
      { cookie: 'assay_no_stats=1' },
      { 'sec-purpose': 'prefetch' },
    ];
    for (const headers of refusals) await viewAt(bst(day, '09:10'), '/rings', bob, headers);
    await viewAt(bst(day, '09:10'), '/rings', { ip: bob.ip, ua: 'curl/8.5.0' });
    await viewAt(bst(day, '09:10'), '/rings', {
      ip: bob.ip,
      ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    });
    expect((await rolledUp(day)).counts).toEqual({ visitors: 1, visits: 1, page_views: 1, visit_seconds: 0, bounces: 1 });
  });

  it('a leave lengthens its visit but is not a page view; a lone leave is not a visit', async () => {
    const day = '2026-06-07';
    await viewAt(bst(day, '10:00'), '/rings', ada);
    now = bst(day, '10:04');
    expect((await leave(app(), '/rings', ada)).statusCode).toBe(204);
    now = bst(day, '11:00');
    expect((await leave(app(), '/rings', ada)).statusCode).toBe(204);
    const { counts, of } = await rolledUp(day);
    expect(counts).toEqual({ visitors: 1, visits: 1, page_views: 1, visit_seconds: 240, bounces: 1 });
    expect(of('page')).toEqual({ '/rings': [1, 1, 1] });
  });

  it('breaks a day down by page, entry page and referring host', async () => {
    const day = '2026-06-08';
    await viewAt(bst(day, '14:00'), '/rings', ada, { referer: 'https://www.search.example/?q=rings' });
    await viewAt(bst(day, '14:01'), '/collections', ada, { referer: `${app().config.publicUrl}/rings` });
    await viewAt(bst(day, '14:02'), `/products/${product}`, ada, { referer: `${app().config.publicUrl}/collections` });
    await viewAt(bst(day, '15:00'), `/products/${product}`, ada, { referer: 'https://friends.example/post/1' });
    await viewAt(bst(day, '14:30'), `/products/${product}`, bob);
    await viewAt(bst(day, '14:40'), '/rings', bob, { referer: 'https://www.search.example/' });
    const { counts, of } = await rolledUp(day);
    expect(counts).toEqual({ visitors: 2, visits: 3, page_views: 6, visit_seconds: 120 + 600, bounces: 1 });
    expect(of('page')).toEqual({ '/collections': [1, 1, 1], '/rings': [2, 2, 2], [`/products/${product}`]: [2, 3, 3] });
    expect(of('entry')).toEqual({ '/rings': [1, 1, 3], [`/products/${product}`]: [2, 2, 3] });
    // Of each visit's first view; Bob's visit came from nowhere and is left out (his later view's referrer is not its first).
    expect(of('referrer')).toEqual({ 'www.search.example': [1, 1, 3], 'friends.example': [1, 1, 1] });
  });
});

describe(`reading a day a page at a time (${testDialect})`, () => {
  it('gives the same figures whatever the page size, with visitors cut across pages and one longer than a page', async () => {
    // The same events on two days: one rolled up in pages of 3 events, the other in one page.
    const events = (day: string) => {
      const start = Date.parse(`${day}T08:00:00Z`);
      const rows = [];
      for (let v = 0; v < 7; v++)
        for (let n = 0; n < (v === 3 ? 11 : v + 1); n++)
          rows.push({
            at_ms: start + v * 1000 + n * (v === 5 ? 31 : 4) * MIN,
            day,
            visitor_key: `key-${v}`,
            kind: n === 2 ? 'leave' : 'view',
            path: n === 0 ? '/' : `/products/p${(v + n) % 3}`,
            referrer_host: n === 0 && v % 2 === 0 ? 'search.example' : null,
            browser: v % 2 === 0 ? 'Firefox' : 'Safari',
            device: 'desktop',
          });
      return rows;
    };
    await app()
      .db.insertInto('stats_page_views')
      .values([...events('2026-03-03'), ...events('2026-03-04')])
      .execute();
    await rollUpDay(app().db, '2026-03-03', now, 3);
    await rollUpDay(app().db, '2026-03-04', now);
    const figures = async (day: string) => ({
      daily: await app()
        .db.selectFrom('stats_daily')
        .select(['visitors', 'visits', 'page_views', 'visit_seconds', 'bounces'])
        .where('day', '=', day)
        .execute(),
      breakdown: await app()
        .db.selectFrom('stats_daily_breakdown')
        .select(['dimension', 'value', 'visitors', 'visits', 'page_views'])
        .where('day', '=', day)
        .orderBy('dimension')
        .orderBy('value')
        .execute(),
    });
    const paged = await figures('2026-03-03');
    expect(paged).toEqual(await figures('2026-03-04'));
    // 7 visitors, 35 events, 5 of them leaves; visitor 5's events are 31 minutes apart, so each of
    // its views is a visit of its own (its leave alone is none): 6 + 5 visits.
    expect(paged.daily).toEqual([
      { visitors: 7, visits: 6 + 5, page_views: 35 - 5, visit_seconds: expect.any(Number), bounces: expect.any(Number) },
    ]);
    expect(await rawRows(app())).toEqual([]);
  });
});

describe(`the roll-up job, salts and deletion (${testDialect})`, () => {
  const salt = async (day: string) =>
    (await app().db.selectFrom('stats_salts').select('salt').where('day', '=', day).executeTakeFirst())?.salt;

  it('rolls up complete days only, replaces their figures, deletes their raw rows and, after 48 hours, any raw row', async () => {
    const day = '2026-07-01';
    await viewAt(bst(day, '23:58'), '/', ada);
    await viewAt(bst(day, '23:59'), '/rings', ada);
    await app().statistics.flush();
    const rawOf = async (d: string) => (await rawRows(app())).filter((r) => r.day === d).length;
    // Five minutes after midnight the day's last events may still be in a buffer: not yet.
    await rollUp(app().db, bst('2026-07-02', '00:05'));
    expect(await rawOf(day)).toBe(2);
    // Twenty minutes after: rolled up, raw rows gone; again, the figures are not doubled.
    const done = await jobRegistry['statistics.rollup'].run(app(), bst('2026-07-02', '00:20'));
    expect(done).toMatchObject({ daysRolledUp: expect.any(Number), rawDeleted: expect.any(Number) });
    expect(done.daysRolledUp).toBeGreaterThanOrEqual(1);
    expect(await rawOf(day)).toBe(0);
    const figures = () => app().db.selectFrom('stats_daily').select(['visits', 'page_views']).where('day', '=', day).execute();
    expect(await figures()).toEqual([{ visits: 1, page_views: 2 }]);
    await rollUpDay(app().db, day, bst('2026-07-02', '00:30'));
    expect(await figures()).toEqual([{ visits: 0, page_views: 0 }]);

    // A raw row of today, once 48 hours old, goes whatever else happens.
    await viewAt(bst('2026-07-02', '10:00'), '/', ada);
    await app().statistics.flush();
    expect(await rawOf('2026-07-02')).toBe(1);
    await rollUp(app().db, bst('2026-07-02', '10:30'));
    expect(await rawOf('2026-07-02')).toBe(1);
    const later = await rollUp(app().db, new Date(bst('2026-07-02', '10:00').getTime() + 48 * HOUR));
    expect(later.rawDeleted + later.expiredDeleted).toBeGreaterThanOrEqual(1);
    expect(await rawOf('2026-07-02')).toBe(0);
  });

  it("makes each day's salt once, shared by every process, and deletes it 48 hours after its day began", async () => {
    const day = '2026-08-01';
    const start = ukDayStartMs(day);
    expect(new Date(start).toISOString()).toBe('2026-07-31T23:00:00.000Z');
    await rollUp(app().db, new Date(start + MIN));
    const first = await salt(day);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    // Another process on the same database uses the same salt: one visitor, not two.
    const other = await buildTestShop({ sharingDatabaseOf: shop, clock: () => now });
    try {
      await viewAt(new Date(start + HOUR), '/', ada);
      now = new Date(start + HOUR + MIN);
      expect((await view(other.app, '/rings', ada)).statusCode).toBe(200);
      await app().statistics.flush();
      await other.app.statistics.flush();
      const keys = new Set((await rawRows(app())).filter((r) => r.day === day).map((r) => r.visitor_key));
      expect(keys.size).toBe(1);
      // Closing the app writes what it buffered.
      await view(other.app, '/collections', ada);
      expect(other.app.statistics.pending()).toBe(1);
    } finally {
      await other.close();
    }
    expect((await rawRows(app())).filter((r) => r.day === day)).toHaveLength(3);
    expect(await salt(day)).toBe(first);

    // The next day has a salt of its own.
    await rollUp(app().db, new Date(start + 24 * HOUR + MIN));
    const next = await salt(ukDay(start + 24 * HOUR + MIN));
    expect(next).toMatch(/^[0-9a-f]{64}$/);
    expect(next).not.toBe(first);
    // Kept until 48 hours after the day began, and not a moment longer.
    await rollUp(app().db, new Date(start + 48 * HOUR - 1));
    expect(await salt(day)).toBe(first);
    const gone = await rollUp(app().db, new Date(start + 48 * HOUR));
    expect(gone.saltsDeleted).toBeGreaterThanOrEqual(1);
    expect(await salt(day)).toBeUndefined();
    expect(await salt(ukDay(start + 24 * HOUR))).toBe(next);
  });

  it('keeps GMT days right too: a winter day begins at midnight UTC', () => {
    expect(new Date(ukDayStartMs('2026-12-01')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(ukDay(new Date('2026-03-29T00:30:00Z'))).toBe('2026-03-29');
    expect(ukDay(new Date('2026-10-24T23:30:00Z'))).toBe('2026-10-25');
  });
});
