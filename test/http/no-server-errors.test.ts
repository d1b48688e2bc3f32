import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { registerAndVerify, signInHeaders } from '../support/customer.js';
import { signInAs } from '../support/staff.js';

/**
 * Bad input always gets a 4xx, never a 5xx: every route the app has, signed in as the owner and as
 * a customer, is sent odd path parameters and odd bodies.
 */
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { FORM_RATE_LIMIT: '1000000', SEARCH_RATE_LIMIT: '1000000' } });
});
afterAll(async () => shop?.close());

const PARAMS = ['x', '0', '-1', '99999999999999999999', 'AS-ZZZZZZ', '%E2%82', 'a'.repeat(300), '1.5', '%00'];
const long = 'é'.repeat(5000);
const BODIES: Record<string, string | string[]>[] = [
  {},
  { name: 'nul\u0000byte', message: 'a\u0000b', email: 'x\u0000@y.z', q: '\u0000' },
  { name: ['a', 'b'], email: ['x@y.z', 'q'], quantity: ['1', '2'], variant: ['1', '2'], product: ['a', 'b'], token: ['a', 'b'] },
  { name: long, email: long, message: long, quantity: '1e309', price: 'NaN', amount: '-0', tracking: long, reason: long, q: long },
  {
    quantity: '-5',
    variant: '-1',
    product: '../../etc',
    page: '0',
    status: 'nonsense',
    id: 'x',
    number: 'AS-000000',
    key: 'x',
    bag: 'x'.repeat(43),
  },
];

describe(`no server errors from bad input (${testDialect})`, () => {
  it('answers every route, with any parameter and body, without a 5xx', async () => {
    const staff = await signInAs(shop.app, 'owner');
    const { person } = await registerAndVerify(shop.app);
    const customer = await signInHeaders(shop.app, person.email, person.password);
    const headers = {
      cookie: `${customer.cookie}; ${staff.cookie}`,
      origin: shop.config.publicUrl,
      'sec-fetch-site': 'same-origin',
    };
    // Signed in as both, so the walk reaches past the sign-in checks.
    for (const url of ['/account', '/admin']) expect((await shop.app.inject({ method: 'GET', url, headers })).statusCode, url).toBe(200);
    // Routes that end the session go last, so that the rest are walked signed in.
    const ending = (url: string) => /sign-out|revoke|disable|role/.test(url);
    const routes = shop.app.routeTable
      .filter((r) => r.method === 'GET' || r.method === 'POST')
      .sort((a, b) => Number(ending(a.url)) - Number(ending(b.url)));
    const failures: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const urls = route.url.includes(':') ? PARAMS.map((p) => route.url.replace(/:\w+/g, p)) : [route.url];
      for (const url of urls) {
        if (route.method === 'GET') {
          for (const query of ['', '?page=-1&q[]=a&q[]=b', `?bag=${'x'.repeat(43)}&key=${'0'.repeat(32)}&token=x`, '?%zz=1']) {
            const res = await shop.app.inject({ method: 'GET', url: `${url}${query}`, headers });
            sent++;
            if (res.statusCode >= 500) failures.push(`GET ${url}${query} → ${res.statusCode}`);
          }
          continue;
        }
        for (const body of BODIES) {
          const payload = new URLSearchParams();
          payload.append('_csrf', customer.csrf);
          for (const [k, v] of Object.entries(body)) for (const item of Array.isArray(v) ? v : [v]) payload.append(k, item);
          const res = await shop.app.inject({
            method: 'POST',
            url,
            headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
            payload: payload.toString(),
          });
          sent++;
          if (res.statusCode >= 500) failures.push(`POST ${url} ${JSON.stringify(body).slice(0, 80)} → ${res.statusCode}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});
