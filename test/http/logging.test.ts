import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';

let shop: TestShop;
const lines: string[] = [];

/** Routes that fail as a real one might, with personal data in what the error says. */
function failingRoutes(app: FastifyInstance): void {
  app.get('/test/fails', async () => {
    throw new Error('Could not send the receipt to jane.roe@example.com (07700 900456)');
  });
  // The same address inserted twice: PostgreSQL's unique violation names it in its detail.
  app.get('/test/duplicate-customer', async () => {
    const at = new Date().toISOString();
    const customer = { email: 'jane.roe@example.com', first_name: 'Jane', surname: 'Roe', phone: '07700 900456', password_hash: 'x' };
    for (let i = 0; i < 2; i++)
      await app.db
        .insertInto('customers')
        .values({ ...customer, created_at: at, updated_at: at })
        .execute();
    return 'inserted twice';
  });
}
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', LOG_LEVEL: 'info' }, logger: true, logStream: stream, routes: failingRoutes });
});
afterAll(async () => shop?.close());

describe('logs carry no personal data', () => {
  it('logs requests by method and path only, and never what a form contained', async () => {
    await shop.app.inject({
      method: 'GET',
      url: '/search?q=engagement+ring+for+jane.doe@example.com',
      headers: { 'user-agent': 'UniqueBrowser/9.9', 'x-forwarded-for': '203.0.113.77', cookie: 'assay_csrf=secretcookievalue' },
      remoteAddress: '198.51.100.23',
    });
    await submitForm(shop.app, '/contact', '/contact', {
      name: 'Jane Doe',
      email: 'jane.doe@example.com',
      subject: 'other',
      message: 'My phone is 07700 900123',
    });
    await submitForm(shop.app, '/contact', '/contact', { name: 'Jane Doe', email: 'bad', subject: 'other', message: 'x' });
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(4);
    expect(log).toContain('"route":"/contact"');
    for (const secret of [
      'jane.doe@example.com',
      'Jane Doe',
      '07700 900123',
      'UniqueBrowser',
      '203.0.113.77',
      '198.51.100.23',
      'secretcookievalue',
      'engagement+ring',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('writes one line per request, with its method, route pattern, status and duration, and nothing more', async () => {
    lines.length = 0;
    const product = await shop.app.inject({ method: 'GET', url: '/products/no-such-piece-for-jane?ref=jane.doe@example.com' });
    expect(product.statusCode).toBe(404);
    await shop.app.inject({ method: 'GET', url: '/no/route/jane.doe@example.com' });
    const logged = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = logged.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 30, method: 'GET', route: '/products/:slug', status: 404 });
    expect(requests[1]).toMatchObject({ method: 'GET', route: '(none)', status: 404 });
    for (const r of requests) {
      expect(typeof r.ms).toBe('number');
      expect(Object.keys(r).sort()).toEqual(['hostname', 'level', 'method', 'ms', 'msg', 'pid', 'reqId', 'route', 'status', 'time']);
    }
    // Fastify's own "incoming request" and "request completed" lines are gone.
    expect(logged.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    expect(lines.join('')).not.toContain('jane');
  });

  it('censors personal-sounding fields wherever they appear in a logged object', () => {
    lines.length = 0;
    shop.app.log.info({ order: { email: 'x@example.com', address: '1 High St', customer: { name: 'Ann', phone: '0123' } } }, 'test');
    const log = lines.join('');
    expect(log).toContain('[redacted]');
    for (const secret of ['x@example.com', '1 High St', 'Ann', '0123']) expect(log).not.toContain(secret);
  });
});

describe('errors are logged by type, code and stack frames, never by what they say', () => {
  const loggedErrors = () =>
    lines
      .join('')
      .split('\n')
      .filter((l) => l.includes('"err"'))
      .map((l) => JSON.parse(l) as { msg: string; err: Record<string, unknown> });

  it('an error thrown in a route reaches the log without its message, and the visitor sees neither', async () => {
    lines.length = 0;
    const res = await shop.app.inject({ method: 'GET', url: '/test/fails' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('jane.roe@example.com');
    const [logged, ...more] = loggedErrors();
    expect(more).toEqual([]);
    expect(logged?.msg).toBe('request failed');
    expect(logged?.err.type).toBe('Error');
    expect(logged?.err.stack).toMatch(/^\s+at .*logging\.test\.ts:\d+:\d+/m);
    const log = lines.join('');
    for (const secret of ['jane.roe@example.com', '07700 900456', 'Could not send']) expect(log).not.toContain(secret);
  });

  it.skipIf(testDialect !== 'postgres')(
    "a real unique violation keeps its code, constraint and frames but not the e-mail address in PostgreSQL's detail (needs PostgreSQL: SQLite's message names no value)",
    async () => {
      lines.length = 0;
      const res = await shop.app.inject({ method: 'GET', url: '/test/duplicate-customer' });
      expect(res.statusCode).toBe(500);
      const [logged] = loggedErrors();
      expect(logged?.err).toMatchObject({
        type: 'DatabaseError',
        code: '23505',
        table: 'customers',
        constraint: expect.stringContaining('email'),
      });
      expect(logged?.err.stack).toMatch(/^\s+at /m);
      const log = lines.join('');
      for (const secret of ['jane.roe@example.com', 'already exists', 'duplicate key', 'Key (email)', '07700 900456'])
        expect(log).not.toContain(secret);
    },
  );
});
