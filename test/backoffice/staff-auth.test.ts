import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../src/features/staff/staff.service.js';
import { PRODUCTION_PAYMENTS, type TestShop, buildTestShop } from '../support/build-app.js';
import { cookieHeader, formBody, openForm } from '../support/forms.js';
import { TEST_PASSWORD, acceptUndertakingOf, openAdminForm } from '../support/staff.js';
import { recorded } from './staff-flows.js';

let now = new Date('2026-11-23T10:00:00Z');
const clock = () => now;
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock });
});
afterAll(async () => shop?.close());

const post = (url: string, cookie: string, fields: Record<string, string>) =>
  shop.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody(fields),
  });

const joinCookies = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('; ');
const staffCookieFrom = (res: { headers: Record<string, unknown> }) => {
  const header = cookieHeader(res.headers['set-cookie'] as string[] | string | undefined);
  return header.split('; ').find((c) => c.startsWith('assay_staff=')) ?? '';
};

/** Goes through the one-time link: sets the password, enrols two-factor; returns the TOTP secret and recovery codes. */
async function setUpOwner(email: string) {
  const created = await createStaff(shop.app.db, { email, name: 'Olive Owner', role: 'owner' }, { staffId: null, role: 'system' }, now);
  if (!created.ok) throw new Error('create failed');
  const url = `/admin/setup/${created.setupToken}`;
  const form = await openForm(shop.app, url);
  const mismatch = await post(url, form.cookie, {
    _csrf: form.csrf,
    password: 'a long enough password',
    confirm: 'something else entirely',
  });
  expect(mismatch.statusCode).toBe(400);
  expect(mismatch.body).toMatch(/id="confirm-error">The two passwords don&#39;t match|id="confirm-error">The two passwords don't match/);
  const done = await post(url, form.cookie, { _csrf: form.csrf, password: TEST_PASSWORD, confirm: TEST_PASSWORD });
  expect(done.statusCode).toBe(303);
  expect(done.headers.location).toBe('/admin/account/two-factor');
  const staff = staffCookieFrom(done);
  expect(String(done.headers['set-cookie'])).toMatch(/assay_staff=[^;]+; Path=\/admin; HttpOnly; SameSite=Strict/);
  const enrol = await openAdminForm(shop.app, staff, '/admin/account/two-factor');
  expect(enrol.html).toContain('<svg');
  const secret = enrol.html.match(/class="totp-secret">([A-Z2-7 ]+)</)?.[1]?.replace(/ /g, '');
  if (!secret) throw new Error('no secret shown');
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
  const wrong = await post('/admin/account/two-factor', enrol.cookie, { _csrf: enrol.csrf, code: '000000' });
  expect(wrong.statusCode).toBe(400);
  const confirm = await post('/admin/account/two-factor', enrol.cookie, {
    _csrf: enrol.csrf,
    code: totp.generate({ timestamp: now.getTime() }),
  });
  expect(confirm.statusCode).toBe(200);
  const codes = [...confirm.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1] as string);
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  await acceptUndertakingOf(shop.app, created.staffId, 'owner');
  return { totp, codes, staffCookie: staff };
}

async function signIn(email: string, password: string) {
  return recorded(shop.app, email, async () => {
    const form = await openForm(shop.app, '/admin/sign-in');
    const res = await post('/admin/sign-in', form.cookie, { _csrf: form.csrf, email, password, next: '/admin' });
    return { res, csrfCookie: form.cookie, csrf: form.csrf, staff: staffCookieFrom(res) };
  });
}

async function enterCode(staff: string, csrfCookie: string, csrf: string, code: string) {
  return post('/admin/sign-in/code', joinCookies(staff, csrfCookie), { _csrf: csrf, code, next: '/admin' });
}

describe('staff sign-in', () => {
  let owner: Awaited<ReturnType<typeof setUpOwner>>;
  const email = 'olive@shop.example';

  beforeAll(async () => {
    owner = await setUpOwner(email);
  });

  it('a set-up link works once', async () => {
    const created = await createStaff(
      shop.app.db,
      { email: 'once@shop.example', name: 'Once', role: 'marketing' },
      { staffId: null, role: 'system' },
      now,
    );
    if (!created.ok) throw new Error();
    const url = `/admin/setup/${created.setupToken}`;
    const form = await openForm(shop.app, url);
    expect((await post(url, form.cookie, { _csrf: form.csrf, password: TEST_PASSWORD, confirm: TEST_PASSWORD })).statusCode).toBe(303);
    const again = await shop.app.inject({ method: 'GET', url });
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('expired or has already been used');
  });

  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const unknown = await signIn('nobody@shop.example', TEST_PASSWORD);
    const wrong = await signIn(email, 'not the password at all');
    expect(unknown.res.statusCode).toBe(401);
    expect(wrong.res.statusCode).toBe(401);
    const message = (body: string) => body.match(/<div class="notice notice-error" role="alert">([^<]+)</)?.[1];
    expect(message(unknown.res.body)).toBeTruthy();
    expect(message(unknown.res.body)).toBe(message(wrong.res.body));
    expect(unknown.staff).toBe('');
  });

  it('needs the second factor before anything else', async () => {
    advance(60_000);
    const s = await signIn(email, TEST_PASSWORD);
    expect(s.res.headers.location).toBe('/admin/sign-in/code');
    const early = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: s.staff } });
    expect(early.statusCode).toBe(303);
    expect(early.headers.location).toBe('/admin/sign-in/code');
    const forged = await enterCode(s.staff, s.csrfCookie, s.csrf, '123456');
    expect(forged.statusCode).toBe(401);
    const code = owner.totp.generate({ timestamp: now.getTime() });
    const ok = await enterCode(s.staff, s.csrfCookie, s.csrf, code);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin');
    expect((await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: staffCookieFrom(ok) } })).statusCode).toBe(200);

    // The same code, seen over a shoulder, cannot be used again within its window.
    const replay = await signIn(email, TEST_PASSWORD);
    expect((await enterCode(replay.staff, replay.csrfCookie, replay.csrf, code)).statusCode).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    advance(60_000);
    const first = await signIn(email, TEST_PASSWORD);
    const used = await enterCode(first.staff, first.csrfCookie, first.csrf, owner.codes[0] as string);
    expect(used.statusCode).toBe(303);
    const second = await signIn(email, TEST_PASSWORD);
    expect((await enterCode(second.staff, second.csrfCookie, second.csrf, owner.codes[0] as string)).statusCode).toBe(401);
    const account = await shop.app.inject({ method: 'GET', url: '/admin/account', headers: { cookie: staffCookieFrom(used) } });
    expect(account.body).toContain('9 recovery codes left');
  });

  it('locks the account for a while after repeated failures, with the same generic answer', async () => {
    advance(5 * 60_000);
    await shop.app.db.updateTable('staff').set({ failed_attempts: 0, locked_until: null }).where('email', '=', email).execute();
    for (let i = 0; i < 5; i++) expect((await signIn(email, `wrong password ${i}`)).res.statusCode).toBe(401);
    const locked = await signIn(email, TEST_PASSWORD);
    expect(locked.res.statusCode).toBe(401);
    advance(2 * 60_000);
    const later = await signIn(email, TEST_PASSWORD);
    expect(later.res.statusCode).toBe(303);
  });

  it('ends a session after 30 minutes idle', async () => {
    advance(60_000);
    const s = await signIn(email, TEST_PASSWORD);
    const staff = staffCookieFrom(await enterCode(s.staff, s.csrfCookie, s.csrf, owner.totp.generate({ timestamp: now.getTime() })));
    advance(29 * 60_000);
    expect((await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: staff } })).statusCode).toBe(200);
    advance(31 * 60_000);
    const idle = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: staff } });
    expect(idle.statusCode).toBe(303);
    expect(idle.headers.location).toMatch(/^\/admin\/sign-in/);
  });

  it('signs out, and signs out everywhere', async () => {
    const sessions: string[] = [];
    for (let i = 0; i < 2; i++) {
      advance(31_000);
      const s = await signIn(email, TEST_PASSWORD);
      sessions.push(staffCookieFrom(await enterCode(s.staff, s.csrfCookie, s.csrf, owner.totp.generate({ timestamp: now.getTime() }))));
    }
    const form = await openAdminForm(shop.app, sessions[0] as string, '/admin/account');
    const out = await post('/admin/sign-out-everywhere', form.cookie, { _csrf: form.csrf });
    expect(out.statusCode).toBe(303);
    for (const s of sessions) {
      expect((await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: s } })).headers.location).toMatch(
        /^\/admin\/sign-in/,
      );
    }
  });

  it('keeps staff sessions apart from the storefront: the cookie is sent to /admin only', async () => {
    advance(31_000);
    const s = await signIn(email, TEST_PASSWORD);
    expect(String(s.res.headers['set-cookie'])).toContain('Path=/admin');
    // A storefront page never sets or reads the staff cookie.
    const home = await shop.app.inject({ method: 'GET', url: '/', headers: { cookie: s.staff } });
    expect(String(home.headers['set-cookie'] ?? '')).not.toContain('assay_staff');
  });
});

describe('in production', () => {
  it('two-factor is mandatory: a new staff member must enrol before anything else', async () => {
    const prod = await buildTestShop({
      env: { SEED_DEMO: 'false', NODE_ENV: 'production', PUBLIC_URL: 'https://shop.example', ...PRODUCTION_PAYMENTS },
    });
    try {
      const created = await createStaff(
        prod.app.db,
        { email: 'p@shop.example', name: 'Pat', role: 'manager' },
        { staffId: null, role: 'system' },
        new Date(),
      );
      if (!created.ok) throw new Error();
      const url = `/admin/setup/${created.setupToken}`;
      const form = await openForm(prod.app, url);
      const done = await prod.app.inject({
        method: 'POST',
        url,
        headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ _csrf: form.csrf, password: TEST_PASSWORD, confirm: TEST_PASSWORD }),
      });
      const staff = staffCookieFrom(done);
      const dash = await prod.app.inject({ method: 'GET', url: '/admin', headers: { cookie: staff } });
      expect(dash.statusCode).toBe(303);
      expect(dash.headers.location).toBe('/admin/account/two-factor');
    } finally {
      await prod.close();
    }
  });
});
