import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/features/staff/staff.domain.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * Back office > Statistics over 90 days of daily figures written straight into the daily tables:
 * who may see it, the figures, averages and top lists it shows, the period chooser's refusals,
 * the SVG charts with their tables, the CSV, and the research export's suppression, reason and
 * audit entry.
 */
let shop: TestShop;
// 10:00 in London on 1 December: "the last N days" end on 30 November.
const now = new Date('2026-12-01T10:00:00Z');
const db = () => shop.app.db;
const staff = new Map<Role, { cookie: string }>();
const get = (role: Role, url: string) => shop.app.inject({ method: 'GET', url, headers: { cookie: staff.get(role)!.cookie } });

const dayAt = (i: number) => new Date(Date.UTC(2026, 8, 2 + i)).toISOString().slice(0, 10); // i = 0 is 2026-09-02, i = 89 is 2026-11-30
const DAYS = Array.from({ length: 90 }, (_, i) => {
  const visitors = 20 + (i % 5);
  const visits = visitors + 5;
  return { day: dayAt(i), visitors, visits, page_views: visits * 3, visit_seconds: visits * 125, bounces: Math.floor(visits / 5) };
});

type Breakdown = { day: string; dimension: string; value: string; visitors: number; visits: number; page_views: number };
const BREAKDOWN: Breakdown[] = [];
for (const d of DAYS) {
  BREAKDOWN.push({ day: d.day, dimension: 'page', value: '/', visitors: 15, visits: 16, page_views: 20 });
  BREAKDOWN.push({ day: d.day, dimension: 'page', value: '/products/:slug', visitors: 12, visits: 13, page_views: 30 });
  BREAKDOWN.push({ day: d.day, dimension: 'browser', value: 'Firefox', visitors: 12, visits: 14, page_views: 40 });
  BREAKDOWN.push({ day: d.day, dimension: 'browser', value: 'Safari', visitors: 3, visits: 4, page_views: 9 });
  BREAKDOWN.push({ day: d.day, dimension: 'device', value: 'desktop', visitors: 18, visits: 20, page_views: 60 });
}
// The last day: eleven entry pages (one more than the top list shows), a rare referrer, and one
// whose name a spreadsheet would run as a formula.
const LAST = DAYS[89]!.day;
for (let k = 1; k <= 11; k++)
  BREAKDOWN.push({ day: LAST, dimension: 'entry', value: `/collections/c${k}`, visitors: k, visits: k + 1, page_views: k + 2 });
BREAKDOWN.push({ day: LAST, dimension: 'referrer', value: 'rare.example', visitors: 9, visits: 9, page_views: 9 });
BREAKDOWN.push({ day: LAST, dimension: 'referrer', value: '=HYPERLINK("x")', visitors: 10, visits: 10, page_views: 10 });

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => now });
  for (const role of ['owner', 'manager', 'marketing', 'customer_service', 'fulfilment'] as Role[])
    staff.set(role, await signInAs(shop.app, role));
});
afterAll(async () => shop?.close());

describe('statistics in the back office', () => {
  it('a shop with no figures yet explains why instead of drawing an empty chart', async () => {
    const res = await get('owner', '/admin/statistics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('There are no figures for 2026-11-01 to 2026-11-30 yet');
    expect(res.body).not.toContain('<svg');
  });

  it('marketing, managers and the owner see it; fulfilment and customer service are refused', async () => {
    await db()
      .insertInto('stats_daily')
      .values(DAYS.map((d) => ({ ...d, rolled_up_at: '2026-12-01T00:10:00.000Z' })))
      .execute();
    for (let i = 0; i < BREAKDOWN.length; i += 200)
      await db()
        .insertInto('stats_daily_breakdown')
        .values(BREAKDOWN.slice(i, i + 200))
        .execute();
    for (const role of ['marketing', 'manager', 'owner'] as Role[]) {
      const res = await get(role, '/admin/statistics');
      expect(res.statusCode, role).toBe(200);
      expect(res.body, role).toContain('href="/admin/statistics"');
      expect((await get(role, '/admin/statistics/download')).statusCode, role).toBe(200);
    }
    for (const role of ['fulfilment', 'customer_service'] as Role[]) {
      const res = await get(role, '/admin/statistics');
      expect(res.statusCode, role).toBe(403);
      expect((await get(role, '/admin/statistics/download')).statusCode, role).toBe(403);
      const home = await get(role, '/admin');
      expect(home.body, role).not.toContain('href="/admin/statistics"');
    }
    // Only managers and the owner are offered the research export.
    expect((await get('marketing', '/admin/statistics')).body).not.toContain('/admin/statistics/research-export');
    const managerPage = (await get('manager', '/admin/statistics')).body;
    expect(managerPage).toContain('/admin/statistics/research-export');
    expect(managerPage).toContain('Rows of fewer than 10 visitors are left out');
  });

  it('totals, averages and the bounce rate of the last 7 days come from the daily rows', async () => {
    const week = DAYS.slice(83);
    const sum = (f: (d: (typeof DAYS)[number]) => number) => week.reduce((s, d) => s + f(d), 0);
    const visits = sum((d) => d.visits);
    const res = await get('marketing', '/admin/statistics?period=7');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('2026-11-24 to 2026-11-30');
    expect(body).toMatch(new RegExp(`<dt>Daily visitors, summed</dt><dd>${sum((d) => d.visitors)}</dd>`));
    expect(body).toContain(`<dt>Visits</dt><dd>${visits}</dd>`);
    expect(body).toContain(`<dt>Page views</dt><dd>${sum((d) => d.page_views)}</dd>`);
    expect(body).toContain('<dt>Average time on site</dt><dd>2 min 5 s</dd>');
    expect(body).toContain('<dt>Pages per visit</dt><dd>3.0</dd>');
    expect(body).toContain(`<dt>Bounce rate</dt><dd>${((sum((d) => d.bounces) / visits) * 100).toFixed(1)} %</dd>`);
    // One row per day of the period, and none before it.
    expect(body).toContain('<th scope="row">2026-11-24</th>');
    expect(body).not.toContain('<th scope="row">2026-11-23</th>');
    expect(body).toContain('counts three times');
  });

  it('the top lists sum each value over the period and show at most ten', async () => {
    const body = (await get('owner', '/admin/statistics?period=90')).body;
    // Pages by page views: /products/:slug (30 a day) before / (20 a day).
    const pages = body.slice(body.indexOf('id="stats-page"'), body.indexOf('id="stats-entry"'));
    expect(pages.indexOf('/products/:slug')).toBeLessThan(pages.indexOf('<th scope="row">/</th>'));
    expect(pages).toContain(
      `<th scope="row">/products/:slug</th><td class="num">${(12 * 90).toLocaleString('en-GB')}</td><td class="num">${(13 * 90).toLocaleString('en-GB')}</td><td class="num">${(30 * 90).toLocaleString('en-GB')}</td>`,
    );
    const entries = body.slice(body.indexOf('id="stats-entry"'), body.indexOf('id="stats-browser"'));
    expect(entries.match(/<th scope="row">\/collections\/c\d+<\/th>/g)).toHaveLength(10);
    expect(entries).toContain('/collections/c11');
    expect(entries).not.toContain('<th scope="row">/collections/c1</th>');
    const browsers = body.slice(body.indexOf('id="stats-browser"'), body.indexOf('id="stats-device"'));
    expect(browsers.indexOf('Firefox')).toBeLessThan(browsers.indexOf('Safari'));
  });

  it('draws the charts as SVG images with a title, each beside a table of the same numbers', async () => {
    const body = (await get('owner', '/admin/statistics?period=30')).body;
    const svgs = body.match(/<svg[^>]*>/g) ?? [];
    expect(svgs.length).toBe(1 + 5);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/aria-labelledby="[\w-]+-title [\w-]+-desc"/);
    }
    expect(body).toContain('<title id="chart-days-title">Visitors and page views per day, 2026-11-01 to 2026-11-30</title>');
    expect(body).toContain('<caption>Figures per day</caption>');
    expect(body.match(/<polyline /g)).toHaveLength(2);
    expect(body).not.toMatch(/ style="/);
    expect(body).not.toMatch(/<script>/);
  });

  it('bad periods get a clear message and a 400, never a 5xx', async () => {
    const cases: [string, string][] = [
      ['/admin/statistics?period=12', 'Please choose the last 7, 30 or 90 days'],
      ['/admin/statistics?from=2026-02-30&to=2026-03-01', 'Please give the first day as a real date'],
      ['/admin/statistics?from=2026-11-01', 'Please give the last day'],
      ['/admin/statistics?from=2026-11-10&to=2026-11-01', 'Please give a first day on or before the last day'],
      ['/admin/statistics?from=2026-11-01&to=2027-01-01', 'no later than today'],
      ['/admin/statistics?from=2024-01-01&to=2026-11-30', 'at most 366 days'],
      ['/admin/statistics?from[x]=1&to=2026-11-01', 'Please give the first day'],
      ['/admin/statistics/download?period=abc', 'Please choose the last 7, 30 or 90 days'],
    ];
    for (const [url, message] of cases) {
      const res = await get('owner', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(message);
    }
    const ok = await get('owner', '/admin/statistics?from=2026-11-29&to=2026-11-30');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('<dt>Visits</dt><dd>');
  });

  it('the CSV holds the daily figures and the breakdowns of the period, formulas escaped', async () => {
    const res = await get('marketing', '/admin/statistics/download?from=2026-11-30&to=2026-11-30');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('statistics-2026-11-30-to-2026-11-30.csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('Day,Figure,Value,Visitors,Visits,Page views,Time on site (seconds),Bounces');
    const d = DAYS[89]!;
    expect(lines[1]).toBe(`2026-11-30,whole shop,,${d.visitors},${d.visits},${d.page_views},${d.visit_seconds},${d.bounces}`);
    expect(lines).toContain('2026-11-30,browser,Safari,3,4,9,,');
    expect(lines).toContain('2026-11-30,referrer,rare.example,9,9,9,,');
    expect(lines).toContain(`2026-11-30,referrer,"'=HYPERLINK(""x"")",10,10,10,,`);
    expect(lines).toHaveLength(1 + 1 + BREAKDOWN.filter((b) => b.day === '2026-11-30').length);
  });

  it('the research export leaves out rows of fewer than 10 visitors, says so, needs a reason and is audited', async () => {
    const audits = () => db().selectFrom('audit_log').selectAll().where('subject_type', '=', 'statistics').execute();
    const page = '/admin/statistics?from=2026-11-29&to=2026-11-30';
    const noReason = await adminPost(shop.app, staff.get('manager')!.cookie, page, '/admin/statistics/research-export', {
      from: '2026-11-29',
      to: '2026-11-30',
      reason: '  ',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Please give the reason for this export');
    expect(await audits()).toHaveLength(0);

    const marketing = await adminPost(shop.app, staff.get('marketing')!.cookie, page, '/admin/statistics/research-export', {
      from: '2026-11-29',
      to: '2026-11-30',
      reason: 'Survey',
    });
    expect(marketing.statusCode).toBe(403);

    const res = await adminPost(shop.app, staff.get('manager')!.cookie, page, '/admin/statistics/research-export', {
      from: '2026-11-29',
      to: '2026-11-30',
      reason: 'Jewellery retail survey for the trade association',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('research-statistics-2026-11-29-to-2026-11-30.csv');
    const text = res.body.replace(/^\uFEFF/, '');
    expect(text).toContain('Rows of fewer than 10 visitors are left out');
    expect(text).toContain('No personal information');
    const lines = text.trim().split('\n');
    // Kept: 10 visitors or more.
    expect(lines).toContain(`2026-11-30,referrer,"'=HYPERLINK(""x"")",10,10,10,,`);
    expect(lines).toContain('2026-11-30,browser,Firefox,12,14,40,,');
    expect(lines).toContain('2026-11-30,entry page,/collections/c10,10,11,12,,');
    expect(lines.some((l) => l.startsWith('2026-11-30,whole shop,,'))).toBe(true);
    // Left out: fewer than 10.
    expect(text).not.toContain('Safari');
    expect(text).not.toContain('rare.example');
    expect(text).not.toContain('/collections/c9,');
    // Two days: 2 whole-shop rows, 5 a day of page, browser and device, 2 entry pages and 1 referrer on the last.
    const leftOut = 2 + 9 + 1; // Safari twice, entry pages c1..c9, rare.example
    expect(text).toContain(`(${leftOut} rows in this period)`);
    const rows = lines.filter((l) => /^2026-11-\d\d,/.test(l));
    expect(rows).toHaveLength(2 + 4 * 2 + 2 + 1);

    const entries = await audits();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'export',
      subject_id: '2026-11-29..2026-11-30',
      reason: 'Jewellery retail survey for the trade association',
    });
    expect(entries[0]!.fields).toContain('research');
    expect(entries[0]!.fields).toContain(`left-out:${leftOut}`);
    const trail = await get('owner', '/admin/audit');
    expect(trail.statusCode).toBe(200);
    expect(trail.body).toContain('statistics #2026-11-29..2026-11-30');
  });

  it('a research export of a period with nothing of 10 visitors or more is refused and not audited', async () => {
    const res = await adminPost(shop.app, staff.get('owner')!.cookie, '/admin/statistics', '/admin/statistics/research-export', {
      from: '2026-01-01',
      to: '2026-01-31',
      reason: 'Survey',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('nothing to export');
    const bad = await adminPost(shop.app, staff.get('owner')!.cookie, '/admin/statistics', '/admin/statistics/research-export', {
      from: 'yesterday',
      to: '2026-01-31',
      reason: 'Survey',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Please give the first day as a real date');
    expect(await db().selectFrom('audit_log').select('id').where('subject_type', '=', 'statistics').execute()).toHaveLength(1);
  });
  it('a day rolled up again shows its new figures at once', async () => {
    const before = (await get('owner', '/admin/statistics?period=7')).body;
    expect(before).toContain('<th scope="row">Safari</th>');
    await db().deleteFrom('stats_daily_breakdown').where('day', '=', LAST).execute();
    await db().deleteFrom('stats_daily').where('day', '=', LAST).execute();
    await db()
      .insertInto('stats_daily')
      .values({
        day: LAST,
        visitors: 1000,
        visits: 1000,
        page_views: 1000,
        visit_seconds: 0,
        bounces: 0,
        rolled_up_at: '2026-12-01T09:00:00.000Z',
      })
      .execute();
    await db()
      .insertInto('stats_daily_breakdown')
      .values({ day: LAST, dimension: 'browser', value: 'Edge', visitors: 1000, visits: 1000, page_views: 1000 })
      .execute();
    const after = (await get('owner', '/admin/statistics?period=7')).body;
    const week = DAYS.slice(83, 89);
    expect(after).toContain(`<dt>Visits</dt><dd>${(week.reduce((s, d) => s + d.visits, 0) + 1000).toLocaleString('en-GB')}</dd>`);
    expect(after).toContain('<th scope="row">Edge</th>');
  });
});
