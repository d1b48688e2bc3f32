import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_RETENTION } from '../../src/features/staff/staff.inventory.js';
import { eraseLongDisabledStaff, removeExpiredSessions, setDisabled } from '../../src/features/staff/staff.service.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';

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
    await setDisabled(shop.app.db, system, leaver.staffId, true, start);
    await setDisabled(shop.app.db, system, recent.staffId, true, new Date(start.getTime() + 100 * day));

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
