import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

let shop: TestShop;
const lines: string[] = [];
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', LOG_LEVEL: 'info' }, logger: true, logStream });
});
afterAll(async () => shop?.close());

const get = (url: string) => shop.app.inject({ method: 'GET', url });

describe(`liveness and readiness (${testDialect})`, () => {
  it('answers /livez, /readyz and its old name /healthz, uncached, unlogged and uncounted', async () => {
    const before = lines.length;
    for (const url of ['/livez', '/readyz', '/healthz']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const logged = lines.slice(before).join('');
    expect(logged).not.toMatch(/livez|readyz|healthz/);
    await shop.app.statistics.flush();
    expect(shop.app.statistics.pending()).toBe(0);
    expect(await shop.app.db.selectFrom('stats_page_views').select('path').execute()).toEqual([]);
    // A page is logged, so the silence above is the probes' own.
    await get('/');
    expect(lines.slice(before).join('')).toContain('"route":"/"');
  });

  it('is not ready while draining, though still alive', async () => {
    shop.app.health.draining = true;
    try {
      const ready = await get('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'not ready', reason: 'draining' });
      expect((await get('/healthz')).statusCode).toBe(503);
      expect((await get('/livez')).statusCode).toBe(200);
    } finally {
      shop.app.health.draining = false;
    }
    expect((await get('/readyz')).statusCode).toBe(200);
  });
});
