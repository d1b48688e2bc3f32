import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_RETENTION } from '../../src/features/staff/staff.inventory.js';
import { KNOWN_NETWORK_DAYS } from '../../src/features/staff/staff.domain.js';
import { eraseLongDisabledStaff, forgetOldNetworks, removeExpiredSessions, setDisabled } from '../../src/features/staff/staff.service.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';
import { signIn } from './staff-flows.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
});
afterAll(async () => shop?.close());

const day = 86_400_000;
const system = { staffId: null, role: 'system' };

describe('staff data is kept only as long as the policy says', () => {
  it(`deletes an account ${STAFF_RETENTION.days} days after it was disabled, and records the deletion`, async () => {
    const start = new Date();
    const leaver = await signInAs(shop.app, 'fulfilment');
    const recent = await signInAs(shop.app, 'marketing');
    const active = await signInAs(shop.app, 'manager');
    await setDisabled(shop.app.db, { actor: system, targetId: leaver.staffId, disabled: true, now: start });
    await setDisabled(shop.app.db, { actor: system, targetId: recent.staffId, disabled: true, now: new Date(start.getTime() + 100 * day) });

    expect(await eraseLongDisabledStaff(shop.app.db, new Date(start.getTime() + (STAFF_RETENTION.days - 1) * day))).toBe(0);
    expect(await eraseLongDisabledStaff(shop.app.db, new Date(start.getTime() + (STAFF_RETENTION.days + 1) * day))).toBe(1);

    const left = (await shop.app.db.selectFrom('staff').select('id').execute()).map((s) => s.id);
    expect(left).not.toContain(leaver.staffId);
    expect(left).toEqual(expect.arrayContaining([recent.staffId, active.staffId]));
    const sessions = await shop.app.db.selectFrom('staff_sessions').select('staff_id').where('staff_id', '=', leaver.staffId).execute();
    expect(sessions).toEqual([]);
    const entry = await shop.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'staff')
      .where('subject_id', '=', String(leaver.staffId))
      .where('action', '=', 'delete')
      .executeTakeFirstOrThrow();
    expect(entry.reason).toBe('retention period ended');
  });

  it(`forgets a network ${KNOWN_NETWORK_DAYS} days after the account last used it`, async () => {
    const member = await signInAs(shop.app, 'fulfilment');
    await signIn(shop.app, member.email, 'not the password', '192.0.2.10');
    const networks = () => shop.app.db.selectFrom('staff_networks').select('network').where('staff_id', '=', member.staffId).execute();
    expect(await networks()).toEqual([{ network: '192.0.2.0/24' }]);
    const now = new Date();
    expect(await forgetOldNetworks(shop.app.db, new Date(now.getTime() + (KNOWN_NETWORK_DAYS - 1) * day))).toBe(0);
    expect(await networks()).toHaveLength(1);
    expect(await forgetOldNetworks(shop.app.db, new Date(now.getTime() + (KNOWN_NETWORK_DAYS + 1) * day))).toBeGreaterThanOrEqual(1);
    expect(await networks()).toEqual([]);
  });

  it('deletes ended sessions', async () => {
    const now = new Date();
    const member = await signInAs(shop.app, 'customer_service');
    const count = () => shop.app.db.selectFrom('staff_sessions').select('token_hash').where('staff_id', '=', member.staffId).execute();
    expect(await count()).toHaveLength(1);
    await removeExpiredSessions(shop.app.db, new Date(now.getTime() + 29 * 60_000));
    expect(await count()).toHaveLength(1);
    await removeExpiredSessions(shop.app.db, new Date(now.getTime() + 31 * 60_000));
    expect(await count()).toHaveLength(0);
  });
});
