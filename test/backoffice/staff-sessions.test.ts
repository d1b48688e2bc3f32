import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { HOME_NETWORK, MODES, enrolledMember, enterCode, get, signIn, submit } from './staff-flows.js';

let now = new Date('2026-11-23T10:00:00Z');
const clock = () => now;
const tick = () => {
  now = new Date(now.getTime() + 31_000);
};
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { ...MODES.development }, clock });
});
afterAll(async () => shop?.close());

let n = 0;
const address = (name: string) => `${name}-${++n}@shop.example`;
const signedOut = (res: { statusCode: number; headers: Record<string, unknown> }) =>
  res.statusCode === 303 && String(res.headers.location).startsWith('/admin/sign-in');

describe('staff sessions', () => {
  it('the session changes at the code step: the half-signed-in token is never the signed-in one', async () => {
    const m = await enrolledMember(shop.app, address('ann'), 'manager', now);
    tick();
    const s = await signIn(shop.app, m.email);
    const done = await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }));
    expect(done.res.statusCode).toBe(303);
    expect(done.staff).toMatch(/^assay_staff=.+/);
    expect(done.staff).not.toBe(s.staff);
    expect((await get(shop.app, '/admin', done.staff)).statusCode).toBe(200);
    expect(signedOut(await get(shop.app, '/admin', s.staff))).toBe(true);
  });

  it("a sign-in ends the browser's earlier staff session", async () => {
    const m = await enrolledMember(shop.app, address('bo'), 'manager', now);
    tick();
    const first = await signIn(shop.app, m.email);
    const firstFull = await enterCode(shop.app, first, m.totp.generate({ timestamp: now.getTime() }));
    expect((await get(shop.app, '/admin', firstFull.staff)).statusCode).toBe(200);
    tick();
    const second = await signIn(shop.app, m.email, undefined, HOME_NETWORK, firstFull.staff);
    expect(second.res.statusCode).toBe(303);
    expect(signedOut(await get(shop.app, '/admin', firstFull.staff))).toBe(true);
  });

  it('accepts the current and the previous code, not the next one', async () => {
    const m = await enrolledMember(shop.app, address('cal'), 'manager', now);
    tick();
    const early = await signIn(shop.app, m.email);
    expect((await enterCode(shop.app, early, m.totp.generate({ timestamp: now.getTime() + 30_000 }))).res.statusCode).toBe(401);
    tick();
    tick();
    const late = await signIn(shop.app, m.email);
    expect((await enterCode(shop.app, late, m.totp.generate({ timestamp: now.getTime() - 30_000 }))).res.statusCode).toBe(303);
  });

  it('a new set-up link ends the old password and every session at once', async () => {
    const owner = await enrolledMember(shop.app, address('dot'), 'owner', now);
    tick();
    const o = await signIn(shop.app, owner.email);
    const ownerSession = (await enterCode(shop.app, o, owner.totp.generate({ timestamp: now.getTime() }))).staff;
    const m = await enrolledMember(shop.app, address('eli'), 'fulfilment', now);
    tick();
    const s = await signIn(shop.app, m.email);
    const memberSession = (await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }))).staff;
    expect((await get(shop.app, '/admin', memberSession)).statusCode).toBe(200);

    const link = await submit(shop.app, ownerSession, '/admin/staff', `/admin/staff/${m.staffId}/setup-link`, {});
    expect(link.statusCode).toBe(200);
    expect(signedOut(await get(shop.app, '/admin', memberSession))).toBe(true);
    tick();
    expect((await signIn(shop.app, m.email)).res.statusCode).toBe(401);
  });
});
