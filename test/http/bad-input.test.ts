import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop } from '../support/build-app.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop();
});
afterAll(async () => shop?.close());

/** A refusal a shopper can read: a 4xx HTML page with a plain message and nothing technical. */
function expectPlainRefusal(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, message: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  expect(res.body).toMatch(message);
  expect(res.body).not.toMatch(/at .+\.(ts|js):\d+|stack|Error:|FST_|ZodError|undefined|\[object Object\]/);
  expect(res.body).toContain('Back to the shop');
}

describe('bad input gets a plain-English 4xx, never a 5xx', () => {
  it.each([
    ['/products/no-such-ring', /couldn&#39;t find that piece|couldn't find that piece/],
    ['/no-such-category', /couldn&#39;t find that page|couldn't find that page/],
    ['/collections/no-such-collection', /couldn&#39;t find that collection|couldn't find that collection/],
    ['/images/products/999999', /find that image/],
    ['/images/products/abc', /find that image/],
  ])('unknown %s is a 404', async (url, message) => {
    expectPlainRefusal(await shop.app.inject({ method: 'GET', url }), 404, message);
  });

  it.each([
    ['/rings?page=-1', 400, /Page numbers start at 1/],
    ['/rings?page=0', 400, /Page numbers start at 1/],
    ['/rings?page=abc', 400, /whole number/],
    ['/rings?page=99999999999999999999', 400, /aren&#39;t that many pages|aren't that many pages/],
    ['/rings?page=500', 404, /There is no page 500/],
    ['/rings?metal=unobtainium', 400, /recognise one of the metals/],
    ['/rings?stone=kryptonite', 400, /recognise one of the stones/],
    ['/rings?min=cheap', 400, /lowest price should be a number/],
    ['/rings?max=-5', 400, /highest price should be a number/],
    ['/rings?sort=random', 400, /way of sorting/],
    ['/search?q=a&q=b', 400, /one thing at a time/],
    ['/products/sterling-silver-nothing?metal=plutonium', 404, /find that piece/],
  ])('%s → %i', async (url, status, message) => {
    expectPlainRefusal(await shop.app.inject({ method: 'GET', url }), status, message);
  });

  it('refuses a variant the piece is not made in', async () => {
    const p = await shop.app.db.selectFrom('products').select('slug').orderBy('id').executeTakeFirstOrThrow();
    expectPlainRefusal(await shop.app.inject({ method: 'GET', url: `/products/${p.slug}?metal=plutonium` }), 400, /recognise that metal/);
    expectPlainRefusal(await shop.app.inject({ method: 'GET', url: `/products/${p.slug}?size=ZZ` }), 400, /Ring sizes run from H to Z/);
  });

  it('refuses a 10 kB search with a message', async () => {
    const res = await shop.app.inject({ method: 'GET', url: `/search?q=${'a'.repeat(10_000)}` });
    expectPlainRefusal(res, 400, /search is too long/);
  });

  it('refuses malformed percent-encoding in the path', async () => {
    for (const url of ['/products/%E0%A4%A', '/%', '/rings%ZZ']) {
      const res = await shop.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toMatch(/stack|FST_/);
    }
  });

  it('copes with malformed percent-encoding and invalid UTF-8 in the query', async () => {
    for (const url of ['/search?q=%E0%A4%A', '/search?q=%FF%FE', '/search?q=%', '/rings?metal=%C0%AF', '/rings?sort=%ZZ']) {
      const res = await shop.app.inject({ method: 'GET', url });
      expect([200, 400]).toContain(res.statusCode);
      expect(res.body).not.toMatch(/stack|FST_|Error:/);
    }
  });

  it('refuses unexpected methods with 405 and an Allow header', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      const res = await shop.app.inject({ method, url: '/rings' });
      expectPlainRefusal(res, 405, new RegExp(`can&#39;t be used with a ${method} request|can't be used with a ${method} request`));
      expect(res.headers.allow).toBe('GET, HEAD');
    }
  });

  it('refuses an oversized form body with 413', async () => {
    const res = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `message=${'x'.repeat(100_000)}`,
    });
    expectPlainRefusal(res, 413, /more than we can accept/);
  });

  it('refuses a form in a content type it does not read with 415', async () => {
    const res = await shop.app.inject({ method: 'POST', url: '/contact', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expectPlainRefusal(res, 415, /could not read what was sent/);
  });
});
