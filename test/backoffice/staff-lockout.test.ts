import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { HOME_NETWORK, MODES, STRANGER_NETWORK, enrolledMember, enterCode, get, signIn, submit } from './staff-flows.js';

let now = new Date('2026-11-23T10:00:00Z');
const clock = () => now;
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { ...MODES.development }, clock });
});
afterAll(async () => shop?.close());

const signedOutOf = (res: { statusCode: number; headers: Record<string, unknown> }) =>
  res.statusCode === 303 && String(res.headers.location).startsWith('/admin/sign-in');

let n = 0;
async function member() {
  const m = await enrolledMember(shop.app, `locked-${++n}@shop.example`, 'owner', now);
  // The member has signed in from home before.
  advance(31_000);
  const s = await signIn(shop.app, m.email);
  const done = await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }));
  expect(done.res.statusCode).toBe(303);
  return { ...m, session: done.staff };
}

describe('staff lock-out', () => {
  it("a stranger's wrong passwords do not stop the member signing in from their own network", async () => {
    const m = await member();
    for (let i = 0; i < 12; i++) expect((await signIn(shop.app, m.email, `guess number ${i}`, STRANGER_NETWORK)).res.statusCode).toBe(401);
    // The stranger's network waits, even with the right password…
    expect((await signIn(shop.app, m.email, undefined, STRANGER_NETWORK)).res.statusCode).toBe(401);
    // …while the member, at home, signs in at once.
    advance(31_000);
    const home = await signIn(shop.app, m.email, undefined, HOME_NETWORK);
    expect(home.res.statusCode).toBe(303);
    expect(home.res.headers.location).toBe('/admin/sign-in/code');
  });

  it('wrong passwords from the same network still lock that network, doubling', async () => {
    const m = await member();
    for (let i = 0; i < 5; i++) await signIn(shop.app, m.email, `typo ${i}`, HOME_NETWORK);
    expect((await signIn(shop.app, m.email, undefined, HOME_NETWORK)).res.statusCode).toBe(401);
    advance(61_000);
    expect((await signIn(shop.app, m.email, undefined, HOME_NETWORK)).res.statusCode).toBe(303);
  });

  it('guesses spread over many networks slow the account down, but only for networks it has not signed in from', async () => {
    const m = await member();
    for (let net = 1; net <= 5; net++) {
      for (let i = 0; i < 2; i++) expect((await signIn(shop.app, m.email, `spread ${i}`, `192.0.${net}.20`)).res.statusCode).toBe(401);
    }
    // A network never seen before waits for a minute…
    expect((await signIn(shop.app, m.email, undefined, '100.64.9.9')).res.statusCode).toBe(401);
    // …the member's own network does not.
    advance(31_000);
    expect((await signIn(shop.app, m.email, undefined, HOME_NETWORK)).res.statusCode).toBe(303);
    advance(61_000);
    expect((await signIn(shop.app, m.email, undefined, '100.64.9.9')).res.statusCode).toBe(303);
  });

  it('a waiting network gets no more code guesses, however many half-signed-in sessions it opened first', async () => {
    const m = await member();
    advance(31_000);
    const first = await signIn(shop.app, m.email, undefined, STRANGER_NETWORK);
    const spare = await signIn(shop.app, m.email, undefined, STRANGER_NETWORK);
    for (let i = 0; i < 5; i++) await enterCode(shop.app, first, '000000', STRANGER_NETWORK);
    // Even the right code is refused from there while it waits.
    const right = await enterCode(shop.app, spare, m.totp.generate({ timestamp: now.getTime() }), STRANGER_NETWORK);
    expect(right.res.statusCode).toBe(401);
    expect(signedOutOf(await get(shop.app, '/admin', spare.staff, STRANGER_NETWORK))).toBe(true);
  });

  it('a stolen signed-in session cannot guess its way to moving two-factor', async () => {
    const m = await member();
    for (let i = 0; i < 5; i++) {
      const wrong = await submit(shop.app, m.session, '/admin/account/two-factor', '/admin/account/two-factor/move', { code: `00000${i}` });
      expect(wrong.statusCode).toBe(401);
    }
    advance(31_000);
    const right = await submit(shop.app, m.session, '/admin/account/two-factor', '/admin/account/two-factor/move', {
      code: m.totp.generate({ timestamp: now.getTime() }),
    });
    expect(right.statusCode).toBe(401);
    // The session itself carries on.
    expect((await get(shop.app, '/admin', m.session)).statusCode).toBe(200);
  });

  it("wrong two-factor codes lock that attempt out, but never end the member's other sessions", async () => {
    const m = await member();
    advance(31_000);
    const attacker = await signIn(shop.app, m.email, undefined, STRANGER_NETWORK);
    expect(attacker.res.headers.location).toBe('/admin/sign-in/code');
    for (let i = 0; i < 7; i++) expect((await enterCode(shop.app, attacker, '000000', STRANGER_NETWORK)).res.statusCode).toBe(401);
    // The member's session at home carries on.
    expect((await get(shop.app, '/admin', m.session)).statusCode).toBe(200);
    // The attacker's half-signed-in session is over, and their network waits.
    const after = await get(shop.app, '/admin/sign-in/code', attacker.staff, STRANGER_NETWORK);
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/admin\/sign-in/);
    expect((await signIn(shop.app, m.email, undefined, STRANGER_NETWORK)).res.statusCode).toBe(401);
    advance(31_000);
    expect((await signIn(shop.app, m.email, undefined, HOME_NETWORK)).res.statusCode).toBe(303);
  });
});
