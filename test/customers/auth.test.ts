import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  CUSTOMER_PASSWORD,
  awaitMail,
  lastMail as mailTo,
  linkToken,
  newPerson,
  registerAndVerify as confirmedAccount,
  send,
} from '../support/customer.js';
import { Shopper } from '../support/shopper.js';

let shop: TestShop;
let now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-11-23T10:00:00Z');
});

const PASSWORD = CUSTOMER_PASSWORD;
const person = () => newPerson();

/** A confirmed account (not signed in) and a fresh browser. */
async function registerAndVerify() {
  const { person: p } = await confirmedAccount(shop.app);
  return { p, s: new Shopper(shop.app) };
}

async function signIn(s: Shopper, email: string, password = PASSWORD, extra: Record<string, string> = {}) {
  return send(s, '/account/sign-in', '/account/sign-in', { email, password, ...extra });
}

describe(`registration (${testDialect})`, () => {
  it('collects exactly name, phone, address, e-mail and password, and confirms the address by a link', async () => {
    const p = person();
    const s = new Shopper(shop.app);
    const form = await s.get('/account/register');
    const registration = form.body.slice(
      form.body.indexOf('action="/account/register"'),
      form.body.indexOf('</form>', form.body.indexOf('action="/account/register"')),
    );
    const names = [...registration.matchAll(/<(?:input|select|textarea)[^>]* name="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((n) => n !== '_csrf');
    expect(names.sort()).toEqual([
      'city',
      'email',
      'first_name',
      'general_subscription',
      'line1',
      'line2',
      'password',
      'phone',
      'postcode',
      'surname',
    ]);
    expect((await send(s, '/account/register', '/account/register', { ...p })).headers.location).toBe('/account/register/sent');
    const row = await shop.app.db.selectFrom('customers').selectAll().where('email', '=', p.email).executeTakeFirstOrThrow();
    expect(row.email_verified_at).toBeNull();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.phone).toBe('07700 900456');
    const address = await shop.app.db
      .selectFrom('customer_addresses')
      .selectAll()
      .where('customer_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect([address.postcode, address.is_default]).toEqual(['B1 3HN', 1]);

    // Before confirming, the right password gets a new link and no session.
    const early = await signIn(s, p.email);
    expect(early.statusCode).toBe(403);
    expect(early.body).toContain('Please confirm your e-mail address first');
    expect(s.cookieNames).not.toContain('assay_session');

    const token = linkToken((await mailTo(shop.app, p.email, 'account-verify'))?.text_body, '/account/verify') as string;
    // Opening the link changes nothing (mail scanners open links); the click confirms.
    const opened = await s.get(`/account/verify?token=${token}`);
    expect(opened.statusCode).toBe(200);
    expect(
      (await shop.app.db.selectFrom('customers').select('email_verified_at').where('id', '=', row.id).executeTakeFirstOrThrow())
        .email_verified_at,
    ).toBeNull();
    expect((await send(s, `/account/verify?token=${token}`, '/account/verify', { token })).statusCode).toBe(303);
    const again = await send(s, `/account/verify?token=${token}`, '/account/verify', { token });
    expect(again.statusCode).toBe(400);
    expect((await signIn(s, p.email)).statusCode).toBe(303);
    expect(s.cookieNames).toContain('assay_session');
  });

  it('answers the same for an address that already has an account, and tells its owner instead', async () => {
    const { p } = await registerAndVerify();
    const first = await shop.app.db
      .selectFrom('customers')
      .select(['id', 'first_name'])
      .where('email', '=', p.email)
      .executeTakeFirstOrThrow();
    const fresh = await send(new Shopper(shop.app), '/account/register', '/account/register', { ...person() });
    const taken = await send(new Shopper(shop.app), '/account/register', '/account/register', {
      ...person(),
      email: p.email,
      first_name: 'Mallory',
    });
    expect([taken.statusCode, taken.headers.location]).toEqual([fresh.statusCode, fresh.headers.location]);
    const rows = await shop.app.db.selectFrom('customers').select(['id', 'first_name']).where('email', '=', p.email).execute();
    expect(rows).toEqual([first]);
    expect(await mailTo(shop.app, p.email, 'account-exists')).toBeTruthy();
  });

  it('refuses short and common passwords, and ones made of the name, with the reason next to the field', async () => {
    const s = new Shopper(shop.app);
    for (const [password, words] of [
      ['short1', 'at least 10 characters'],
      ['1234567890', 'one of the most common'],
      ['qwertyuiop', 'one of the most common'],
      ['gracehopper99x', 'does not contain your name'],
    ] as const) {
      const res = await send(s, '/account/register', '/account/register', { ...person(), first_name: 'Gracehopper', password });
      expect(res.statusCode, password).toBe(400);
      expect(res.body).toContain('id="password-error"');
      expect(res.body).toContain(words);
      expect(res.body).toContain('value="Gracehopper"');
      expect(res.body).not.toContain(password === 'short1' ? 'value="short1"' : `value="${password}"`);
    }
  });
});

describe(`signing in (${testDialect})`, () => {
  it('gives the same answer for an unknown address and a wrong password', async () => {
    const { p } = await registerAndVerify();
    const unknown = await signIn(new Shopper(shop.app), 'nobody@example.co.uk');
    const wrong = await signIn(new Shopper(shop.app), p.email, 'the wrong password entirely');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const message = (html: string) => html.match(/class="notice notice-error"[^>]*>([^<]+)/)?.[1];
    expect(message(unknown.body)).toBeTruthy();
    expect(message(unknown.body)).toBe(message(wrong.body));
  });

  it('starts a new server-side session at every sign-in, remembered for 30 days only when asked', async () => {
    const { p, s } = await registerAndVerify();
    const first = await signIn(s, p.email);
    const cookie1 = String(first.headers['set-cookie']).match(/assay_session=([^;]+)/)?.[1];
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(first.headers['set-cookie'])).not.toMatch(/Max-Age/);
    const second = await signIn(new Shopper(shop.app), p.email, PASSWORD, { remember: 'yes' });
    const cookie2 = String(second.headers['set-cookie']).match(/assay_session=([^;]+)/)?.[1];
    expect(String(second.headers['set-cookie'])).toMatch(/Max-Age=2592000/);
    expect(cookie1).toBeTruthy();
    expect(cookie2).not.toBe(cookie1);
    const customer = await shop.app.db.selectFrom('customers').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
    const sessions = await shop.app.db.selectFrom('customer_sessions').selectAll().where('customer_id', '=', customer.id).execute();
    expect(sessions.map((x) => x.remember).sort()).toEqual([0, 1]);
    // The cookie holds a random token; the database only its hash.
    expect(sessions.some((x) => x.token_hash === cookie1)).toBe(false);
  });

  it('keeps at most 20 devices signed in, ending the oldest', async () => {
    const { p } = await registerAndVerify();
    const first = new Shopper(shop.app);
    await signIn(first, p.email);
    for (let i = 0; i < 20; i++) await signIn(new Shopper(shop.app), p.email);
    const customer = await shop.app.db.selectFrom('customers').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
    expect(await shop.app.db.selectFrom('customer_sessions').select('id').where('customer_id', '=', customer.id).execute()).toHaveLength(
      20,
    );
    expect((await first.get('/account/sign-in')).statusCode).toBe(200);
  });

  it('ends an unremembered session after 2 idle hours, keeps a remembered one, and signs out', async () => {
    const { p } = await registerAndVerify();
    const plain = new Shopper(shop.app);
    await signIn(plain, p.email);
    const kept = new Shopper(shop.app);
    await signIn(kept, p.email, PASSWORD, { remember: 'yes' });
    expect((await plain.get('/account/sign-in')).statusCode).toBe(303);
    now = new Date(now.getTime() + 3 * 3_600_000);
    expect((await plain.get('/account/sign-in')).statusCode).toBe(200);
    expect((await kept.get('/account/sign-in')).statusCode).toBe(303);
    const out = await send(kept, '/account/register', '/account/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/assay_session=;/);
    const customer = await shop.app.db.selectFrom('customers').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
    const left = await shop.app.db.selectFrom('customer_sessions').select('remember').where('customer_id', '=', customer.id).execute();
    expect(left.filter((x) => x.remember === 1)).toEqual([]);
  });

  it('makes an account wait after 5 wrong passwords in a row, and says how long', async () => {
    const { p } = await registerAndVerify();
    const s = new Shopper(shop.app);
    for (let i = 0; i < 4; i++) expect((await signIn(s, p.email, 'not the password at all')).statusCode).toBe(401);
    expect((await signIn(s, p.email, 'not the password at all')).statusCode).toBe(429);
    // Waiting for a minute: even the right password is refused, with a word about why.
    const locked = await signIn(s, p.email);
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many attempts: try again in 1 minute');
    now = new Date(now.getTime() + 61_000);
    expect((await signIn(s, p.email)).statusCode).toBe(303);
  });
});

describe(`password reset (${testDialect})`, () => {
  it('sends a one-hour, single-use link; says the same for unknown addresses; signs out everywhere', async () => {
    const { p } = await registerAndVerify();
    const device = new Shopper(shop.app);
    await signIn(device, p.email);
    const s = new Shopper(shop.app);
    const known = await send(s, '/account/reset', '/account/reset', { email: p.email });
    const unknown = await send(s, '/account/reset', '/account/reset', { email: 'nobody@example.co.uk' });
    const lead = (html: string) => html.match(/<p class="lead">([^<]+)/)?.[1];
    expect(known.statusCode).toBe(200);
    expect(lead(known.body)).toBe(lead(unknown.body));
    const token = linkToken((await awaitMail(shop.app, p.email, 'account-reset')).text_body, '/account/reset/choose');
    expect(await mailTo(shop.app, 'nobody@example.co.uk', 'account-reset')).toBeUndefined();
    expect(token).toBeTruthy();
    const row = await shop.app.db.selectFrom('customer_tokens').select('token_hash').where('purpose', '=', 'reset-password').execute();
    expect(row.some((r) => r.token_hash === token)).toBe(false);

    const weak = await send(s, `/account/reset/choose?token=${token}`, '/account/reset/choose', { token, password: 'password123' });
    expect(weak.statusCode).toBe(400);
    const done = await send(s, `/account/reset/choose?token=${token}`, '/account/reset/choose', {
      token,
      password: 'a brand new long passphrase',
    });
    expect(done.headers.location).toBe('/account/sign-in?reset=1');
    expect((await device.get('/account/sign-in')).statusCode).toBe(200);
    expect((await signIn(new Shopper(shop.app), p.email)).statusCode).toBe(401);
    expect((await signIn(new Shopper(shop.app), p.email, 'a brand new long passphrase')).statusCode).toBe(303);
    expect(await mailTo(shop.app, p.email, 'account-password-changed')).toBeTruthy();
    expect((await s.get(`/account/reset/choose?token=${token}`)).statusCode).toBe(400);

    const previous = (await mailTo(shop.app, p.email, 'account-reset'))?.id;
    await send(s, '/account/reset', '/account/reset', { email: p.email });
    const late = linkToken((await awaitMail(shop.app, p.email, 'account-reset', previous)).text_body, '/account/reset/choose');
    now = new Date(now.getTime() + 61 * 60_000);
    expect((await s.get(`/account/reset/choose?token=${late}`)).statusCode).toBe(400);
  });
});

describe(`limits per network (${testDialect})`, () => {
  it('slows down a network that keeps trying to sign in', async () => {
    const limited = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '2' } });
    try {
      const s = new Shopper(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const page = await s.get('/account/sign-in');
        const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] as string;
        statuses.push((await s.post('/account/sign-in', { _csrf: csrf, email: 'x@example.co.uk', password: 'whatever it is' })).statusCode);
      }
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses.slice(4)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});
