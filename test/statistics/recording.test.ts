import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ukDay } from '../../src/features/statistics/statistics.domain.js';
import { feedbackToken } from '../../src/features/feedback/feedback.service.js';
import { deriveKey } from '../../src/shared/crypto.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { pieceInStock } from '../support/customer.js';
import { formBody } from '../support/forms.js';
import { signInAs } from '../support/staff.js';
import { CHROME_ANDROID, FIREFOX_WINDOWS, GOOGLEBOT, SAFARI_IPAD, type Visitor, leave, rawRows, view } from './visits.js';

/**
 * What a page view writes down, and what is never counted, through the real app: requests made
 * with app.inject from a given address and browser, then app.statistics.flush(). A fixed clock.
 */
let now = new Date('2026-06-10T09:00:00Z');
let shop: TestShop;
let product: string;
const ada: Visitor = { ip: '203.0.113.5', ua: FIREFOX_WINDOWS };
const app = () => shop.app;

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
  product = (await pieceInStock(shop.app)).product as string;
});
afterAll(async () => shop?.close());
beforeEach(async () => {
  await app().statistics.flush();
  await app().db.deleteFrom('stats_page_views').execute();
  now = new Date(now.getTime() + 60_000);
});

const counted = async () => {
  await app().statistics.flush();
  return (await rawRows(app())).length;
};

describe(`recording page views (${testDialect})`, () => {
  it('writes the time, UK day, path, referring host, browser family, device type and keyed hash, and nothing else', async () => {
    now = new Date('2026-06-10T23:30:00Z'); // 00:30 BST on 11 June
    expect(
      (await view(app(), `/products/${product}?colour=gold&utm_source=x`, ada, { referer: 'https://www.Search.example/q?x=1' })).statusCode,
    ).toBe(200);
    expect((await view(app(), '/rings', { ip: ada.ip, ua: CHROME_ANDROID }, { referer: `${app().config.publicUrl}/` })).statusCode).toBe(
      200,
    );
    expect((await view(app(), '/collections', { ip: '198.51.100.9', ua: SAFARI_IPAD })).statusCode).toBe(200);
    expect(app().statistics.pending()).toBe(3);
    // Nothing is written in the request: the rows appear at the flush.
    expect(await rawRows(app())).toEqual([]);
    expect(await app().statistics.flush()).toBe(3);
    expect(app().statistics.pending()).toBe(0);
    const rows = await rawRows(app());
    expect(rows.map(({ visitor_key: _k, ...r }) => ({ ...r, at_ms: Number(r.at_ms) }))).toEqual([
      {
        at_ms: now.getTime(),
        day: '2026-06-11',
        kind: 'view',
        path: `/products/${product}`,
        referrer_host: 'www.search.example',
        browser: 'Firefox',
        device: 'desktop',
      },
      { at_ms: now.getTime(), day: '2026-06-11', kind: 'view', path: '/rings', referrer_host: null, browser: 'Chrome', device: 'mobile' },
      {
        at_ms: now.getTime(),
        day: '2026-06-11',
        kind: 'view',
        path: '/collections',
        referrer_host: null,
        browser: 'Safari',
        device: 'tablet',
      },
    ]);
    const salt = (await app().db.selectFrom('stats_salts').select('salt').where('day', '=', '2026-06-11').executeTakeFirstOrThrow()).salt;
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    const expected = createHmac('sha256', salt).update(`${ada.ip}\n${ada.ua}`).digest('hex').slice(0, 32);
    expect(rows[0]?.visitor_key).toBe(expected);
    expect(rows[1]?.visitor_key).toMatch(/^[0-9a-f]{32}$/);
    expect(rows[1]?.visitor_key).not.toBe(expected);
  });

  it('records a private route as its pattern, never the token in its path', async () => {
    const token = feedbackToken(deriveKey(shop.config.secretKey, 'feedback-link'), 'AS-ABC234', new Date(now.getTime() + 86_400_000));
    expect((await view(app(), `/feedback/${token}?from=mail`, ada)).statusCode).toBe(200);
    await app().statistics.flush();
    expect((await rawRows(app())).map((r) => r.path)).toEqual(['/feedback/:token']);
  });

  const notCounted: [string, () => Promise<{ statusCode: number }>, number][] = [
    ['Sec-GPC: 1', () => view(app(), '/', ada, { 'sec-gpc': '1' }), 200],
    ['DNT: 1', () => view(app(), '/', ada, { dnt: '1' }), 200],
    ['a bot', () => view(app(), '/', { ip: ada.ip, ua: GOOGLEBOT }), 200],
    ['no User-Agent', () => app().inject({ method: 'GET', url: '/', remoteAddress: ada.ip }), 200],
    ['Sec-Purpose: prefetch', () => view(app(), '/', ada, { 'sec-purpose': 'prefetch;prerender' }), 200],
    ['Purpose: prefetch', () => view(app(), '/', ada, { purpose: 'prefetch' }), 200],
    ['X-Moz: prefetch', () => view(app(), '/', ada, { 'x-moz': 'prefetch' }), 200],
    ['an objection', () => view(app(), '/', ada, { cookie: 'assay_no_stats=1' }), 200],
    ['a page not found', () => view(app(), '/no-such-page-at-all', ada), 404],
    ['a file', () => view(app(), '/assets/site.css', ada), 200],
    ['robots.txt (not a page)', () => view(app(), '/robots.txt', ada), 200],
    ['a HEAD', () => app().inject({ method: 'HEAD', url: '/', remoteAddress: ada.ip, headers: { 'user-agent': ada.ua } }), 200],
  ];
  for (const [why, request, status] of notCounted)
    it(`does not count ${why}`, async () => {
      expect((await request()).statusCode).toBe(status);
      // The control: the same visitor, plainly, is counted.
      expect(await counted()).toBe(0);
      expect((await view(app(), '/', ada)).statusCode).toBe(200);
      expect(await counted()).toBe(1);
    });

  it('does not count staff in the back office', async () => {
    const staff = await signInAs(app(), 'manager');
    await app().statistics.flush();
    await app().db.deleteFrom('stats_page_views').execute();
    const res = await view(app(), '/admin', ada, { cookie: staff.cookie });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect((await view(app(), '/admin/statistics', ada, { cookie: staff.cookie })).statusCode).toBeLessThan(500);
    expect(await counted()).toBe(0);
  });

  it('counts nothing, and buffers nothing, while turned off', async () => {
    app().statistics.enabled = false;
    try {
      expect((await view(app(), '/', ada)).statusCode).toBe(200);
      expect(app().statistics.pending()).toBe(0);
    } finally {
      app().statistics.enabled = true;
    }
    expect(await counted()).toBe(0);
  });

  it('flushes by itself when 500 events are waiting', async () => {
    for (let i = 0; i < 499; i++) await view(app(), '/', { ip: `198.51.100.${i % 200}`, ua: ada.ua });
    expect(app().statistics.pending()).toBe(499);
    expect(await rawRows(app())).toEqual([]);
    await view(app(), '/', ada);
    expect(app().statistics.pending()).toBe(0);
    await expect.poll(async () => (await rawRows(app())).length).toBe(500);
  });
});

describe(`the objection (${testDialect})`, () => {
  const post = (choice: string, headers: Record<string, string> = {}) =>
    app().inject({
      method: 'POST',
      url: '/statistics/objection',
      remoteAddress: ada.ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': ada.ua, 'sec-fetch-site': 'same-origin', ...headers },
      payload: formBody({ choice }),
    });

  it('sets a strictly necessary cookie that stops counting, and clears it to count again', async () => {
    const objected = await post('object');
    expect(objected.statusCode).toBe(303);
    expect(objected.headers.location).toBe('/cookies#statistics');
    const cookie = objected.cookies.find((c) => c.name === 'assay_no_stats');
    expect(cookie).toMatchObject({ value: '1', path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 365 * 86_400 });
    expect((await view(app(), '/', ada, { cookie: 'assay_no_stats=1' })).statusCode).toBe(200);
    expect(await counted()).toBe(0);

    const allowed = await post('allow', { cookie: 'assay_no_stats=1' });
    expect(allowed.statusCode).toBe(303);
    const cleared = allowed.cookies.find((c) => c.name === 'assay_no_stats');
    expect(cleared?.value).toBe('');
    expect(new Date(cleared?.expires ?? 0).getTime()).toBeLessThan(Date.now());
  });

  it('turns away a choice it does not know, in plain words, and a post from another site', async () => {
    const bad = await post('maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Please choose whether your visits may be counted');
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect((await post('object', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
  });
});

describe(`the leave beacon (${testDialect})`, () => {
  it('records a leave for the page named by the Referer, through the same path rule, under the same rules', async () => {
    const token = feedbackToken(deriveKey(shop.config.secretKey, 'feedback-link'), 'AS-ABC234', new Date(now.getTime() + 86_400_000));
    expect((await leave(app(), `/products/${product}?x=1`, ada)).statusCode).toBe(204);
    expect((await leave(app(), `/feedback/${token}`, ada)).statusCode).toBe(204);
    // Not recorded: another site's page, the back office, a page that does not exist, GPC, a bot.
    expect((await leave(app(), '/', ada, { referer: 'https://elsewhere.example/' })).statusCode).toBe(204);
    expect((await leave(app(), '/admin/orders', ada)).statusCode).toBe(204);
    expect((await leave(app(), '/products/a/b/c', ada)).statusCode).toBe(204);
    expect((await leave(app(), '/', ada, { 'sec-gpc': '1' })).statusCode).toBe(204);
    expect((await leave(app(), '/', { ip: ada.ip, ua: GOOGLEBOT })).statusCode).toBe(204);
    await app().statistics.flush();
    expect((await rawRows(app())).map((r) => [r.kind, r.path, r.referrer_host])).toEqual([
      ['leave', `/products/${product}`, null],
      ['leave', '/feedback/:token', null],
    ]);
  });

  it('is refused from another site', async () => {
    expect((await leave(app(), '/', ada, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(await counted()).toBe(0);
  });

  it('is served by a page script that sends it once, on pagehide, to this shop only', async () => {
    const res = await app().inject({ method: 'GET', url: '/assets/statistics.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("addEventListener('pagehide'");
    expect(res.body).toContain("navigator.sendBeacon('/statistics/leave')");
    expect(res.body).not.toMatch(/https?:\/\//);
    expect(res.body).not.toMatch(/document\.cookie|localStorage|sessionStorage|indexedDB/);
  });
});

describe(`no statistics row holds an address, a User-Agent, a token or a query (${testDialect})`, () => {
  it('scans every column of every statistics table', async () => {
    const token = feedbackToken(deriveKey(shop.config.secretKey, 'feedback-link'), 'AS-ZZZ987', new Date(now.getTime() + 86_400_000));
    const who = { ip: '192.0.2.77', ua: CHROME_ANDROID };
    await view(app(), `/feedback/${token}`, who, { referer: `https://mail.example/read?id=secret-${token}` });
    await view(app(), '/rings?page=2&email=ada%40example.org', who);
    await view(app(), `/products/${product}?ref=${token}`, who);
    await leave(app(), `/feedback/${token}?x=1`, who);
    await app().statistics.flush();
    const day = ukDay(now);
    const { rollUpDay } = await import('../../src/features/statistics/statistics.service.js');
    const values: string[] = [];
    const collect = async () => {
      for (const table of ['stats_salts', 'stats_page_views', 'stats_daily', 'stats_daily_breakdown'] as const)
        for (const row of await app().db.selectFrom(table).selectAll().execute()) values.push(...Object.values(row).map((v) => String(v)));
    };
    await collect();
    await rollUpDay(app().db, day, now);
    await collect();
    expect(values.length).toBeGreaterThan(20);
    const forbidden = [
      who.ip,
      '192.0.2',
      who.ua,
      'Pixel 8',
      'Android 14',
      token,
      token.slice(0, 12),
      'ada',
      'secret',
      'email=',
      '?',
      'page=2',
      'mail.example/read',
    ];
    // A salt or a hash is hexadecimal, and may spell "ada" by chance (about one run in seven):
    // those are searched for every forbidden text but the name.
    const hex = /^[0-9a-f]+$/;
    for (const v of values) for (const f of forbidden) if (!(f === 'ada' && hex.test(v))) expect(v, `${v} holds ${f}`).not.toContain(f);
    expect(values).toContain('mail.example');
    expect(values).toContain('/feedback/:token');
  });
});
