import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../src/features/staff/staff.service.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { openForm } from '../support/forms.js';
import { TEST_PASSWORD } from '../support/staff.js';
import { HOME_NETWORK, MODES, STRANGER_NETWORK, auditOf, enrolledMember, enterCode, mailTo, post, signIn, submit } from './staff-flows.js';

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
const kinds = async (email: string) => (await mailTo(shop.app, email)).map((m) => m.kind);

describe('staff security events leave a trace', () => {
  it('a password set through a set-up link, and two-factor enrolled: audited and e-mailed', async () => {
    const m = await enrolledMember(shop.app, address('ada'), 'manager', now);
    const trail = await auditOf(shop.app, m.staffId);
    expect(trail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'change',
          actor_staff_id: m.staffId,
          fields: 'password',
          reason: 'password set through a set-up link',
        }),
        expect.objectContaining({ action: 'change', actor_staff_id: m.staffId, fields: 'two_factor', reason: 'two-factor enrolled' }),
      ]),
    );
    expect(trail.find((e) => e.fields === 'password')?.network).toBe('198.51.100.0/24');
    expect(await kinds(m.email)).toEqual(['staff-password-set', 'staff-two-factor-on']);
  });

  it('sign-ins are audited; one from a new network is e-mailed, a familiar one is not', async () => {
    const m = await enrolledMember(shop.app, address('ben'), 'manager', now);
    for (const ip of [HOME_NETWORK, HOME_NETWORK, STRANGER_NETWORK]) {
      tick();
      const s = await signIn(shop.app, m.email, TEST_PASSWORD, ip);
      expect((await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }), ip)).res.statusCode).toBe(303);
    }
    const signIns = (await auditOf(shop.app, m.staffId)).filter((e) => e.action === 'sign-in');
    expect(signIns.map((e) => [e.reason, e.network])).toEqual([
      ['signed in with a code', '198.51.100.0/24'],
      ['signed in with a code', '198.51.100.0/24'],
      ['signed in with a code', '203.0.113.0/24'],
    ]);
    // The set-up link was used from home, so home is familiar from the start.
    const mail = (await mailTo(shop.app, m.email)).filter((x) => x.kind === 'staff-new-network');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text_body).toContain('203.0.113.0/24');
  });

  it('failed sign-ins are audited, and a lock-out is e-mailed once', async () => {
    const m = await enrolledMember(shop.app, address('cy'), 'owner', now);
    for (let i = 0; i < 7; i++) await signIn(shop.app, m.email, `wrong ${i}`, STRANGER_NETWORK);
    const failures = (await auditOf(shop.app, m.staffId)).filter((e) => e.action === 'sign-in' && e.reason?.startsWith('failed'));
    expect(failures.length).toBe(7);
    expect(failures[0]).toMatchObject({
      actor_staff_id: null,
      actor_role: 'anonymous',
      network: '203.0.113.0/24',
      reason: 'failed: wrong password',
    });
    expect(failures.at(-1)?.reason).toBe('failed: waiting after repeated failures');
    const lockMail = (await mailTo(shop.app, m.email)).filter((x) => x.kind === 'staff-locked');
    expect(lockMail).toHaveLength(1);
    expect(lockMail[0]?.text_body).toContain('203.0.113.0/24');
    // An unknown address leaves no entry: there is nobody to name.
    const before = await shop.app.db.selectFrom('audit_log').select('id').execute();
    await signIn(shop.app, 'nobody-at-all@shop.example', 'whatever it is', STRANGER_NETWORK);
    expect(await shop.app.db.selectFrom('audit_log').select('id').execute()).toHaveLength(before.length);
  });

  it('a recovery code used at sign-in is audited and e-mailed', async () => {
    const m = await enrolledMember(shop.app, address('dee'), 'manager', now);
    tick();
    const s = await signIn(shop.app, m.email);
    expect((await enterCode(shop.app, s, m.codes[0] as string)).res.statusCode).toBe(303);
    expect((await auditOf(shop.app, m.staffId)).at(-1)).toMatchObject({ action: 'sign-in', reason: 'signed in with a recovery code' });
    const mail = (await mailTo(shop.app, m.email)).filter((x) => x.kind === 'staff-recovery-code-used');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text_body).toContain('9 recovery codes left');
  });

  it('sign-out everywhere is audited and e-mailed', async () => {
    const m = await enrolledMember(shop.app, address('eve'), 'manager', now);
    tick();
    const s = await signIn(shop.app, m.email);
    const full = await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }));
    const out = await submit(shop.app, full.staff, '/admin/account', '/admin/sign-out-everywhere', {});
    expect(out.statusCode).toBe(303);
    expect((await auditOf(shop.app, m.staffId)).at(-1)).toMatchObject({
      action: 'sign-out',
      actor_staff_id: m.staffId,
      reason: 'signed out everywhere',
    });
    expect(await kinds(m.email)).toContain('staff-signed-out-everywhere');
  });

  it("an owner's new set-up link is audited and the member told that their password has stopped working", async () => {
    const owner = await enrolledMember(shop.app, address('fay'), 'owner', now);
    tick();
    const s = await signIn(shop.app, owner.email);
    const full = await enterCode(shop.app, s, owner.totp.generate({ timestamp: now.getTime() }));
    const m = await enrolledMember(shop.app, address('gus'), 'fulfilment', now);
    const res = await submit(shop.app, full.staff, '/admin/staff', `/admin/staff/${m.staffId}/setup-link`, {});
    expect(res.statusCode).toBe(200);
    expect((await auditOf(shop.app, m.staffId)).at(-1)).toMatchObject({
      action: 'change',
      actor_staff_id: owner.staffId,
      reason: 'new set-up link',
    });
    expect(await kinds(m.email)).toContain('staff-setup-link');
  });

  it('a set-up link made from the command line is audited and e-mailed', async () => {
    const email = address('hugh');
    const created = await createStaff(shop.app.db, { email, name: 'Hugh', role: 'owner' }, { staffId: null, role: 'system' }, now);
    if (!created.ok) throw new Error('create failed');
    const form = await openForm(shop.app, `/admin/setup/${created.setupToken}`);
    await post(shop.app, `/admin/setup/${created.setupToken}`, form.cookie, {
      _csrf: form.csrf,
      password: TEST_PASSWORD,
      confirm: TEST_PASSWORD,
    });
    const database = shop.config.database;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/features/staff/staff.cli.ts', 'link', '--email', email],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATA_DIR: shop.dataDir,
          SECRET_KEY: shop.config.secretKey,
          DATABASE_URL: database.dialect === 'postgres' ? database.url : '',
        },
      },
    );
    expect(stdout).toMatch(/\/admin\/setup\/[\w-]{43}/);
    expect((await auditOf(shop.app, created.staffId)).at(-1)).toMatchObject({
      action: 'change',
      actor_staff_id: null,
      actor_role: 'system',
      network: 'command line',
      reason: 'new set-up link',
    });
    expect(await kinds(email)).toContain('staff-setup-link');
  });
});
