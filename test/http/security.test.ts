import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { registerAndVerify, signInHeaders } from '../support/customer.js';
import { formBody, openForm, submitForm } from '../support/forms.js';
import { signInAs } from '../support/staff.js';

let shop: TestShop;
let https: TestShop;
beforeAll(async () => {
  shop = await buildTestShop();
  // The https shop also carries low rate limits; nothing else in this file searches or posts there.
  https = await buildTestShop({
    env: { PUBLIC_URL: 'https://shop.example', SEED_DEMO: 'false', SEARCH_RATE_LIMIT: '5', FORM_RATE_LIMIT: '3' },
  });
});
afterAll(async () => {
  await shop?.close();
  await https?.close();
});

describe('security baseline', () => {
  it('sends security headers and a CSP without unsafe-inline scripts', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['permissions-policy']).toContain('camera=()');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
  });

  it('sends the same security headers with every kind of answer: a page, a 404, a refused form, an asset', async () => {
    const page = await shop.app.inject({ method: 'GET', url: '/' });
    const answers = [
      await shop.app.inject({ method: 'GET', url: '/no-such-page' }),
      await shop.app.inject({ method: 'GET', url: '/products/no-such-piece' }),
      await shop.app.inject({
        method: 'POST',
        url: '/contact',
        payload: 'x=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      await shop.app.inject({ method: 'GET', url: '/assets/site.css' }),
      await shop.app.inject({ method: 'GET', url: '/search?q=ring' }),
    ];
    for (const res of answers) {
      for (const header of [
        'content-security-policy',
        'referrer-policy',
        'x-content-type-options',
        'x-frame-options',
        'cross-origin-opener-policy',
      ]) {
        expect(res.headers[header], `${header} on a ${res.statusCode}`).toBe(page.headers[header]);
      }
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    expect(answers.map((r) => r.statusCode)).toEqual([404, 404, 403, 200, 200]);
  });

  it('sends HSTS only when the shop is served over https', async () => {
    expect((await shop.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toBeUndefined();
    expect((await https.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toContain('max-age=31536000');
  });

  it('has no inline script and loads nothing from another host', async () => {
    for (const url of ['/', '/rings', '/contact', '/privacy']) {
      const html = (await shop.app.inject({ method: 'GET', url })).body;
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      for (const [, attrs, body] of scripts) {
        if (attrs?.includes('application/ld+json')) continue;
        expect(attrs).toMatch(/src="\/assets\//);
        expect(body).toBe('');
      }
      const external = [...html.matchAll(/(?:src|href|action)="(https?:)?\/\/([^"/]+)/g)].map((m) => m[2]);
      expect(external.filter((h) => h !== new URL(shop.config.publicUrl).host)).toEqual([]);
      expect(html).not.toMatch(/ style="/);
    }
  });

  it('refuses a form post without a valid CSRF token', async () => {
    const body = formBody({ name: 'Ada', email: 'ada@example.com', subject: 'other', message: 'Hello' });
    const missing = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('This form has expired');
    const { cookie } = await openForm(shop.app, '/contact');
    const forged = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      payload: `${body}&_csrf=forged-token`,
    });
    expect(forged.statusCode).toBe(403);
    const rows = await shop.app.db.selectFrom('contact_messages').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('checks CSRF on every state-changing route', async () => {
    const changing = shop.app.routeTable.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    expect(changing.length).toBeGreaterThan(0);
    // Only the bag and checkout, which must work with cookies refused, check the origin instead of a token;
    // so do the footer's newsletter form and the back-in-stock form, which are on cached pages that
    // carry no token, and the alert confirmation and feedback pages opened from an e-mail, which
    // must work with cookies refused too; and the statistics' leave beacon and objection and the
    // cookie choice, which carry no form token and must work with cookies refused; and the
    // confirmation of a privacy request, opened from an e-mail like the alert's; and the dismissal of
    // the notice of a privacy policy change, which is on cached pages too.
    const byOrigin = changing.filter((r) => r.csrf === 'origin').map((r) => r.url);
    expect(
      byOrigin.every((u) =>
        /^\/(bag|checkout|orders|newsletter|alerts|feedback|statistics|preferences|privacy\/rights\/confirm|privacy\/notice\/dismiss)\b/.test(
          u,
        ),
      ),
      byOrigin.join(', '),
    ).toBe(true);
    // Routes for signed-in staff or customers refuse anyone else from the headers alone, before the
    // body (and so the token) is read; with a session, the missing token is what refuses them.
    const owner = await signInAs(shop.app, 'owner');
    const customer = await registerAndVerify(shop.app);
    const customerCookie = (await signInHeaders(shop.app, customer.person.email)).cookie;
    // One-click unsubscribe (RFC 8058) is posted by a mail provider, with no cookie or Origin of ours: the signed token in its address is the check.
    const withoutCsrf = ['/unsubscribe/:token'];
    for (const route of changing) {
      if (withoutCsrf.includes(route.url)) continue;
      expect(route.csrf, `${route.method} ${route.url}`).not.toBe(false);
      const url = route.url.replace(/:(\w+)/g, 'x');
      const crossSite =
        route.csrf === 'origin' ? [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] : [{}];
      const staffOnly = route.access !== undefined && route.access !== 'public';
      const session = staffOnly ? owner.cookie : route.customer === 'signed-in' ? customerCookie : null;
      for (const headers of crossSite) {
        const res = await shop.app.inject({
          method: route.method as 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          payload: 'a=b',
        });
        const where = `${route.method} ${route.url} ${JSON.stringify(headers)}`;
        if (staffOnly) expect(res.statusCode, where).toBe(401);
        else if (route.customer === 'signed-in') expect(res.headers.location, where).toMatch(/^\/account\/sign-in\?next=/);
        else expect(res.statusCode, where).toBe(403);
      }
      // Routes kept for a step of signing in (the two-factor code, enrolment) turn a full session away.
      if (!session || (staffOnly && !(route.stages ?? ['full']).includes('full'))) continue;
      const signedIn = await shop.app.inject({
        method: route.method as 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
        payload: 'a=b',
      });
      expect(signedIn.statusCode, `${route.method} ${route.url} signed in, without a token`).toBe(403);
    }
  });

  it('sets cookies HttpOnly and SameSite=Lax, and Secure on https', async () => {
    const plain = String((await shop.app.inject({ method: 'GET', url: '/contact' })).headers['set-cookie']);
    expect(plain).toMatch(/assay_csrf=/);
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
    const secure = String((await https.app.inject({ method: 'GET', url: '/contact' })).headers['set-cookie']);
    expect(secure).toMatch(/Secure/);
  });

  it('sets no cookie on pages without forms', async () => {
    for (const url of ['/', '/rings', '/privacy', '/search?q=ring']) {
      expect((await shop.app.inject({ method: 'GET', url })).headers['set-cookie']).toBeUndefined();
    }
  });

  it('rate-limits search with a friendly 429', async () => {
    const results: number[] = [];
    for (let i = 0; i < 5; i++) results.push((await https.app.inject({ method: 'GET', url: `/search?q=ring${i}` })).statusCode);
    expect(results).toEqual([200, 200, 200, 200, 200]);
    const last = await https.app.inject({ method: 'GET', url: '/search?q=gold' });
    expect(last.statusCode).toBe(429);
    expect(last.body).toContain('wait a minute');
    expect(last.headers['retry-after']).toBeDefined();
  });

  it('rate-limits form posts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await submitForm(https.app, '/contact', '/contact', { name: '', email: '', subject: 'other', message: '' })).statusCode,
      );
    }
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses[3]).toBe(429);
  });
});
