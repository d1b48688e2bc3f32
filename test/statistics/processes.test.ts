import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ukDayStartMs } from '../../src/features/statistics/statistics.domain.js';
import { rollUpDay } from '../../src/features/statistics/statistics.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { pieceInStock } from '../support/customer.js';
import { CHROME_ANDROID, FIREFOX_WINDOWS, type Visitor, view } from './visits.js';

/**
 * Visitor statistics from several processes of the shop on one database add up: each process
 * buffers its own page views, and a visitor whose requests a load balancer spreads over the
 * processes is still one visitor making one visit (the day's key is shared through the database,
 * made once even when both processes ask for it at the same moment).
 */
const HOUR = 3_600_000;
let now = new Date('2026-07-01T09:00:00Z');
let first: TestShop;
let second: TestShop;
let product: string;
const ada: Visitor = { ip: '203.0.113.21', ua: FIREFOX_WINDOWS };
const bob: Visitor = { ip: '203.0.113.22', ua: CHROME_ANDROID };

beforeAll(async () => {
  first = await buildTestShop({ clock: () => now });
  second = await buildTestShop({ clock: () => now, sharingDatabaseOf: first });
  product = (await pieceInStock(first.app)).product as string;
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe(`statistics from several processes (${testDialect})`, () => {
  it("count every process's page views once, and a visitor spread over them as one visit", async () => {
    const day = '2026-07-02';
    const at = (hhmm: string) => (now = new Date(`${day}T${hhmm}:00+01:00`));
    // Both processes meet the new day at once: one key for the day between them.
    at('10:00');
    const [a, b] = await Promise.all([view(first.app, '/', ada), view(second.app, '/', bob)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    at('10:02');
    expect((await view(second.app, `/products/${product}`, ada)).statusCode).toBe(200);
    at('10:05');
    expect((await view(first.app, '/search?q=ring', ada)).statusCode).toBe(200);
    at('10:06');
    expect((await view(first.app, `/products/${product}`, bob)).statusCode).toBe(200);
    expect(first.app.statistics.pending()).toBeGreaterThan(0);
    expect(second.app.statistics.pending()).toBeGreaterThan(0);
    expect((await first.app.statistics.flush()) + (await second.app.statistics.flush())).toBe(5);

    await rollUpDay(first.app.db, day, new Date(ukDayStartMs(day) + 30 * HOUR));
    const totals = await first.app.db.selectFrom('stats_daily').selectAll().where('day', '=', day).executeTakeFirstOrThrow();
    expect(totals).toMatchObject({ visitors: 2, visits: 2, page_views: 5 });
  });
});
