import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { eraseExpiredAccountData } from '../../src/features/customers/customers.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { CUSTOMER_PASSWORD, awaitMail, linkToken, newPerson, registerAndVerify, send, signedInCustomer } from '../support/customer.js';
import { Shopper } from '../support/shopper.js';

/**
 * After 5 wrong passwords for an address the sign-in form says so, and how long to wait, whether
 * or not the address has an account; the count lives in the database under a keyed hash of the
 * address, so every process of the shop sees it and no address is stored.
 */
let shop: TestShop;
let now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-11-23T10:00:00Z');
});

const WRONG = 'not the password at all';
const signIn = (app = shop.app, email: string, password: string) =>
  send(new Shopper(app), '/account/sign-in', '/account/sign-in', { email, password });
const notice = (html: string) =>
  html
    .match(/class="notice notice-error"[^>]*>([\s\S]*?)<\/div>/)?.[1]
    ?.replace(/<[^>]+>/g, '')
    .trim();
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

describe(`waiting after wrong passwords (${testDialect})`, () => {
  it('says how long to wait and offers a reset after 5 wrong passwords, exactly as for an address with no account', async () => {
    const { person } = await registerAndVerify(shop.app);
    const nobody = newPerson().email;
    for (const email of [person.email, nobody]) {
      for (let i = 1; i <= 4; i++) {
        const res = await signIn(shop.app, email, WRONG);
        expect(res.statusCode, `attempt ${i}`).toBe(401);
        expect(notice(res.body)).toContain("don't match");
      }
    }
    const fifth = await signIn(shop.app, person.email, WRONG);
    const fifthNobody = await signIn(shop.app, nobody, WRONG);
    // Now even the right password is told to wait: the answer says so instead of "don't match".
    const locked = await signIn(shop.app, person.email, CUSTOMER_PASSWORD);
    const lockedNobody = await signIn(shop.app, nobody, CUSTOMER_PASSWORD);
    for (const res of [fifth, fifthNobody, locked, lockedNobody]) {
      expect(res.statusCode).toBe(429);
      expect(notice(res.body)).toBe('Too many attempts: try again in 1 minute, or reset your password.');
      expect(res.body).toContain('href="/account/reset"');
      expect(res.headers['retry-after']).toBe('60');
      expect(res.headers['set-cookie'] ?? '').not.toContain('assay_session=');
    }
    expect(locked.body.replace(/name="_csrf" value="[^"]*"/, '').replace(person.email, '')).toBe(
      lockedNobody.body.replace(/name="_csrf" value="[^"]*"/, '').replace(nobody, ''),
    );

    later(30_000);
    expect(notice((await signIn(shop.app, nobody, WRONG)).body)).toBe('Too many attempts: try again in 1 minute, or reset your password.');
    later(31_000);
    // The wait is over; another wrong password makes it 2 minutes.
    const sixth = await signIn(shop.app, nobody, WRONG);
    expect(notice(sixth.body)).toBe('Too many attempts: try again in 2 minutes, or reset your password.');
    expect(sixth.headers['retry-after']).toBe('120');
    expect((await signIn(shop.app, person.email, CUSTOMER_PASSWORD)).statusCode).toBe(303);
    // A sign-in starts the count afresh.
    for (let i = 0; i < 4; i++) expect((await signIn(shop.app, person.email, WRONG)).statusCode).toBe(401);
  });

  it('keeps no address: only a keyed hash of it, gone a day after the last wrong password', async () => {
    const email = newPerson().email;
    for (let i = 0; i < 5; i++) await signIn(shop.app, email, WRONG);
    const rows = await shop.app.db.selectFrom('customer_sign_in_failures').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(email);
    expect(dump).not.toContain(email.split('@')[0]);
    const { createHash } = await import('node:crypto');
    expect(dump).not.toContain(createHash('sha256').update(email).digest('hex'));
    const row = rows.find((r) => r.failures === 5);
    expect(row?.address_hash).toMatch(/^[0-9a-f]{64}$/);

    expect((await eraseExpiredAccountData(shop.app.db, new Date(now.getTime() + 23 * 3_600_000))).signInFailures).toBe(0);
    const erased = await eraseExpiredAccountData(shop.app.db, new Date(now.getTime() + 25 * 3_600_000));
    expect(erased.signInFailures).toBeGreaterThanOrEqual(1);
    expect(await shop.app.db.selectFrom('customer_sign_in_failures').select('address_hash').execute()).not.toContainEqual({
      address_hash: row?.address_hash,
    });
  });

  it('counts the wrong passwords sent to every process of the shop', async () => {
    const second = await buildApp(shop.config, { clock: () => now, logger: false });
    await second.ready();
    try {
      const email = newPerson().email;
      for (let i = 0; i < 3; i++) expect((await signIn(shop.app, email, WRONG)).statusCode).toBe(401);
      expect((await signIn(second, email, WRONG)).statusCode).toBe(401);
      expect((await signIn(second, email, WRONG)).statusCode).toBe(429);
      expect((await signIn(shop.app, email, WRONG)).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('lifts the wait once the password is reset', async () => {
    const { person } = await registerAndVerify(shop.app);
    for (let i = 0; i < 5; i++) await signIn(shop.app, person.email, WRONG);
    expect((await signIn(shop.app, person.email, CUSTOMER_PASSWORD)).statusCode).toBe(429);

    const s = new Shopper(shop.app);
    expect((await send(s, '/account/reset', '/account/reset', { email: person.email })).statusCode).toBe(200);
    const token = linkToken((await awaitMail(shop.app, person.email, 'account-reset'))?.text_body, '/account/reset/choose');
    const fresh = 'a brand new long passphrase';
    const done = await send(s, `/account/reset/choose?token=${token}`, '/account/reset/choose', { token, password: fresh });
    expect(done.headers.location).toBe('/account/sign-in?reset=1');
    expect((await signIn(shop.app, person.email, fresh)).statusCode).toBe(303);
  });
});

describe(`wrong current passwords on Account pages (${testDialect})`, () => {
  it('count towards the same wait, so a session left open cannot be used to guess the password', async () => {
    const c = await signedInCustomer(shop.app);
    const next = newPerson().email;
    const tries: number[] = [];
    for (let i = 0; i < 3; i++) {
      tries.push(
        (await send(c.shopper, '/account/details', '/account/details/email', { email: next, current_password: WRONG })).statusCode,
      );
    }
    for (let i = 0; i < 2; i++) {
      const res = await send(c.shopper, '/account/security', '/account/security/password', {
        current_password: WRONG,
        password: 'lighthouse meadow copper violin',
      });
      tries.push(res.statusCode);
    }
    expect(tries).toEqual([400, 400, 400, 400, 429]);
    const waiting = await send(c.shopper, '/account/details', '/account/details/email', {
      email: next,
      current_password: CUSTOMER_PASSWORD,
    });
    expect(waiting.statusCode).toBe(429);
    expect(waiting.body).toContain('Too many attempts: try again in 1 minute, or reset your password.');
    expect(await shop.app.db.selectFrom('customer_tokens').select('id').where('email', '=', next).execute()).toEqual([]);
    expect((await signIn(shop.app, c.person.email, CUSTOMER_PASSWORD)).statusCode).toBe(429);

    later(61_000);
    const right = await send(c.shopper, '/account/details', '/account/details/email', { email: next, current_password: CUSTOMER_PASSWORD });
    expect(right.headers.location).toBe('/account/details?email=sent');
  });
});
