import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';
import {
  MODES,
  auditOf,
  confirmShownKey,
  enrolledMember,
  enterCode,
  get,
  mailTo,
  newMember,
  shownSecret,
  signIn,
  submit,
} from './staff-flows.js';

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('two-factor cannot be changed by a page view (%s)', (mode) => {
  let now = new Date('2026-11-23T10:00:00Z');
  const clock = () => now;
  const tick = () => {
    now = new Date(now.getTime() + 31_000);
  };
  let shop: TestShop;
  let n = 0;
  const address = (name: string) => `${name}-${mode}-${++n}@shop.example`;
  beforeAll(async () => {
    shop = await buildTestShop({ env: { ...MODES[mode] }, clock });
  });
  afterAll(async () => shop?.close());

  const staffRow = (id: number) =>
    shop.app.db.selectFrom('staff').select(['totp_secret', 'totp_enabled_at']).where('id', '=', id).executeTakeFirstOrThrow();

  /** A full sign-in with password and a fresh code. */
  async function fullSignIn(email: string, code: () => string) {
    tick();
    const s = await signIn(shop.app, email);
    expect(s.res.headers.location).toBe('/admin/sign-in/code');
    const done = await enterCode(shop.app, s, code());
    expect(done.res.statusCode).toBe(303);
    return done.staff;
  }

  it('opening the two-factor page leaves the key in force and asks for the second factor as before', async () => {
    const m = await enrolledMember(shop.app, address('gina'), 'manager', now);
    const before = await staffRow(m.staffId);
    const staff = await fullSignIn(m.email, () => m.totp.generate({ timestamp: now.getTime() }));
    for (let i = 0; i < 2; i++) {
      const page = await get(shop.app, '/admin/account/two-factor', staff);
      expect(page.statusCode).toBe(200);
      expect(shownSecret(page.body)).toBeNull();
      expect(page.body).toContain('enter a code from your current app');
    }
    expect(await staffRow(m.staffId)).toEqual(before);
    const account = await get(shop.app, '/admin/account', staff);
    expect(account.body).toMatch(/On · 10 recovery codes left/);
    tick();
    const again = await signIn(shop.app, m.email);
    expect(again.res.statusCode).toBe(303);
    expect(again.res.headers.location).toBe('/admin/sign-in/code');
  });

  it('moves to a new phone only after a current code, keeping the old key until the new one is confirmed', async () => {
    const m = await enrolledMember(shop.app, address('hal'), 'manager', now);
    const staff = await fullSignIn(m.email, () => m.totp.generate({ timestamp: now.getTime() }));

    tick();
    const wrong = await submit(shop.app, staff, '/admin/account/two-factor', '/admin/account/two-factor/move', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(shownSecret(wrong.body)).toBeNull();
    expect(wrong.body).toContain("That code isn't right");

    const proved = await submit(shop.app, staff, '/admin/account/two-factor', '/admin/account/two-factor/move', {
      code: m.totp.generate({ timestamp: now.getTime() }),
    });
    expect(proved.statusCode).toBe(303);
    expect(proved.headers.location).toBe('/admin/account/two-factor');
    const pending = await get(shop.app, '/admin/account/two-factor', staff);
    const newSecret = shownSecret(pending.body);
    expect(newSecret).toBeTruthy();

    // Until the new key is confirmed, the old one is the one in force, and the account says so.
    tick();
    expect((await get(shop.app, '/admin/account', staff)).body).toMatch(/On · 10 recovery codes left/);
    await fullSignIn(m.email, () => m.totp.generate({ timestamp: now.getTime() }));

    // Another session (say, a stolen cookie) does not see the new key.
    const other = await fullSignIn(m.email, () => m.totp.generate({ timestamp: now.getTime() }));
    expect(shownSecret((await get(shop.app, '/admin/account/two-factor', other)).body)).toBeNull();

    tick();
    const confirmed = await confirmShownKey(shop.app, staff, now);
    expect(confirmed.res.statusCode).toBe(200);
    expect(confirmed.codes).toHaveLength(10);
    tick();
    const oldKey = await signIn(shop.app, m.email);
    expect((await enterCode(shop.app, oldKey, m.totp.generate({ timestamp: now.getTime() }))).res.statusCode).toBe(401);
    expect((await enterCode(shop.app, oldKey, m.codes[0] as string)).res.statusCode).toBe(401);
    await fullSignIn(m.email, () => confirmed.totp.generate({ timestamp: now.getTime() }));
    expect((await mailTo(shop.app, m.email)).map((x) => x.kind)).toContain('staff-two-factor-moved');
  });

  it('a recovery code also proves the member when the old phone is gone', async () => {
    const m = await enrolledMember(shop.app, address('ivy'), 'fulfilment', now);
    const staff = await fullSignIn(m.email, () => m.totp.generate({ timestamp: now.getTime() }));
    const proved = await submit(shop.app, staff, '/admin/account/two-factor', '/admin/account/two-factor/move', {
      code: m.codes[3] as string,
    });
    expect(proved.statusCode).toBe(303);
    tick();
    const confirmed = await confirmShownKey(shop.app, staff, now);
    expect(confirmed.res.statusCode).toBe(200);
    expect((await get(shop.app, '/admin/account', staff)).body).toMatch(/On · 10 recovery codes left/);
  });

  it('a member with no confirmed key cannot enrol from a password sign-in', async () => {
    const m = await newMember(shop.app, address('jo'), 'marketing', now);
    // The set-up link's session could have enrolled; the member walks away instead.
    tick();
    const s = await signIn(shop.app, m.email);
    if (mode === 'production') {
      expect(s.res.statusCode).toBe(403);
      expect(s.res.body).toContain('Ask the shop owner to reset your two-factor sign-in');
      expect(s.staff).toBe('');
    } else {
      expect(s.res.statusCode).toBe(303);
      const page = await get(shop.app, '/admin/account/two-factor', s.staff);
      expect(page.statusCode).toBe(200);
      expect(shownSecret(page.body)).toBeNull();
      expect(page.body).toContain('Ask the shop owner to reset your two-factor sign-in');
    }
    expect((await staffRow(m.staffId)).totp_secret).toBeNull();
  });

  it("an owner's reset (audited, and the member told) lets the member's next sign-in enrol, once", async () => {
    const owner = await enrolledMember(shop.app, address('olga'), 'owner', now);
    const ownerSession = await fullSignIn(owner.email, () => owner.totp.generate({ timestamp: now.getTime() }));
    const m = await enrolledMember(shop.app, address('kit'), 'customer_service', now);

    // Nobody resets their own.
    const own = await submit(shop.app, ownerSession, '/admin/staff', `/admin/staff/${owner.staffId}/two-factor-reset`, {});
    expect(own.statusCode).toBe(403);

    const reset = await submit(shop.app, ownerSession, '/admin/staff', `/admin/staff/${m.staffId}/two-factor-reset`, {});
    expect(reset.statusCode).toBe(303);
    expect(await staffRow(m.staffId)).toEqual({ totp_secret: null, totp_enabled_at: null });
    const entry = (await auditOf(shop.app, m.staffId)).at(-1);
    expect(entry).toMatchObject({
      action: 'change',
      actor_staff_id: owner.staffId,
      fields: 'two_factor',
      reason: 'two-factor reset by an owner',
    });
    expect((await mailTo(shop.app, m.email)).map((x) => x.kind)).toContain('staff-two-factor-off');

    tick();
    const s = await signIn(shop.app, m.email);
    expect(s.res.statusCode).toBe(303);
    expect(s.res.headers.location).toBe('/admin/account/two-factor');
    tick();
    const enrolled = await confirmShownKey(shop.app, s.staff, now);
    expect(enrolled.res.statusCode).toBe(200);
    expect((await staffRow(m.staffId)).totp_enabled_at).not.toBeNull();
  });

  it('a password-only session cannot confirm a key of its own making', async () => {
    const { cookie, staffId } = await signInAs(shop.app, 'marketing');
    const page = await get(shop.app, '/admin/account/two-factor', cookie);
    expect(shownSecret(page.body)).toBeNull();
    const forced = await submit(shop.app, cookie, '/admin/account', '/admin/account/two-factor', { code: '123456' });
    expect(forced.statusCode).toBeGreaterThanOrEqual(400);
    expect(forced.statusCode).toBeLessThan(500);
    expect((await staffRow(staffId)).totp_enabled_at).toBeNull();
  });
});
