import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterKey, rateLimitKey } from '../../src/features/security/rate-limit.store.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

/** Two processes of the shop on one database: the rate limits count in the database, so they share one allowance. */
let first: TestShop;
let second: TestShop;
let now = new Date('2026-12-04T12:00:00Z');
const ADDRESS = '203.0.113.77';
const search = (shop: TestShop, remoteAddress = ADDRESS) => shop.app.inject({ method: 'GET', url: '/search?q=ring', remoteAddress });

beforeAll(async () => {
  const env = { SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '3' };
  first = await buildTestShop({ env, clock: () => now });
  second = await buildTestShop({ env, clock: () => now, sharingDatabaseOf: first });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe(`rate limits shared through the database (${testDialect})`, () => {
  it('refuses on the second process once the first has used the allowance, and stores no address', async () => {
    for (let i = 0; i < 3; i++) expect((await search(first)).statusCode).toBe(200);
    const refused = await search(second);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toContain('Please slow down');
    // Another network still has its own allowance, on either process.
    expect((await search(second, '198.51.100.9')).statusCode).toBe(200);

    const rows = await first.app.db.selectFrom('rate_limit_hits').selectAll().execute();
    expect(rows.map((r) => r.hits).sort()).toEqual([1, 4]);
    for (const row of rows) {
      expect(row.key).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain('203.0.113');
      expect(JSON.stringify(row)).not.toContain('198.51.100');
    }

    // A minute on, the window has ended: the allowance is back.
    now = new Date(now.getTime() + 60_000);
    expect((await search(second)).statusCode).toBe(200);
  });

  it('lets requests through, with a warning naming no address, when the counters cannot be written', async () => {
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = await buildTestShop({
      env: { SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '1', LOG_LEVEL: 'warn' },
      clock: () => now,
      logger: true,
      logStream,
    });
    try {
      await logged.app.db.schema.dropTable('rate_limit_hits').execute();
      for (let i = 0; i < 3; i++) expect((await search(logged)).statusCode).toBe(200);
      const warnings = lines.filter((l) => l.includes('rate limit could not be counted'));
      expect(warnings.length).toBe(3);
      expect(lines.join('')).not.toContain(ADDRESS);
    } finally {
      await logged.close();
    }
  });

  it('tallies hits far from the limit in memory, writes them every RATE_LIMIT_FLUSH_MS, and still refuses at the limit', async () => {
    const address = '192.0.2.44';
    const other = '192.0.2.46';
    /** What the database holds for an address's searches: the keyed hash is the key. */
    const stored = async (who: string) =>
      (
        await first.app.db
          .selectFrom('rate_limit_hits')
          .select('hits')
          .where('key', '=', counterKey(rateLimitKey(first.app.config.secretKey), 'GET /search', who))
          .executeTakeFirst()
      )?.hits ?? 0;
    const slow = await buildTestShop({
      env: { SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '20', RATE_LIMIT_FLUSH_MS: '60000' },
      clock: () => now,
      sharingDatabaseOf: first,
    });
    const quick = await buildTestShop({
      env: { SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '20', RATE_LIMIT_FLUSH_MS: '20' },
      clock: () => now,
      sharingDatabaseOf: first,
    });
    try {
      // Up to half the allowance only the first hit is written at once; the rest wait for the flush.
      for (let i = 0; i < 5; i++) expect((await search(slow, address)).statusCode).toBe(200);
      expect(await stored(address)).toBe(1);
      // Then on to the limit every hit is written as it comes, with those waiting; the 21st is refused.
      for (let i = 5; i < 20; i++) expect((await search(slow, address)).statusCode, `search ${i + 1}`).toBe(200);
      expect((await search(slow, address)).statusCode).toBe(429);
      expect(await stored(address)).toBe(21);
      // Written every 20 ms: three hits far from the limit are in the database a moment later.
      for (let i = 0; i < 3; i++) expect((await search(quick, other)).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(await stored(other)).toBe(3);
    } finally {
      await quick.close();
      await slow.close();
    }
  });

  it('writes what it has tallied when the shop stops, so the other processes count it', async () => {
    const address = '192.0.2.45';
    const third = await buildTestShop({
      env: { SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '100' },
      clock: () => now,
      sharingDatabaseOf: first,
    });
    for (let i = 0; i < 4; i++) expect((await search(third, address)).statusCode).toBe(200);
    await third.close();
    const rows = await first.app.db.selectFrom('rate_limit_hits').select('hits').execute();
    expect(rows.map((r) => r.hits)).toContain(4);
  });
});
