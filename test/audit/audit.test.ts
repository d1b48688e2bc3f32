import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, verifyAuditChain } from '../../src/features/audit/audit.service.js';
import { receiveContactMessage } from '../../src/features/contact/contact.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

let shop: TestShop;
let owner: Awaited<ReturnType<typeof signInAs>>;
let service: Awaited<ReturnType<typeof signInAs>>;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
  owner = await signInAs(shop.app, 'owner');
  service = await signInAs(shop.app, 'customer_service');
});
afterAll(async () => shop?.close());

const entries = () => shop.app.db.selectFrom('audit_log').selectAll().orderBy('id').execute();

describe('audit trail', () => {
  it('records a look at personal data: who, which record, which fields, when, from which network', async () => {
    const { id } = await receiveContactMessage(
      shop.app.db,
      { shopName: 'Test shop', email: 'shop@example.com', publicUrl: shop.config.publicUrl, messageDomain: 'localhost' },
      { name: 'Iris Client', email: 'iris@example.com', subject: 'order', message: 'Where is my ring?' },
      new Date(),
    );
    const list = await shop.app.inject({ method: 'GET', url: '/admin/enquiries', headers: { cookie: service.cookie } });
    expect(list.body).not.toContain('Iris Client');
    const before = (await entries()).length;
    const res = await shop.app.inject({
      method: 'GET',
      url: `/admin/enquiries/${id}`,
      headers: { cookie: service.cookie },
      remoteAddress: '203.0.113.77',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Iris Client');
    const all = await entries();
    expect(all.length).toBe(before + 1);
    const last = all.at(-1)!;
    expect(last).toMatchObject({
      actor_staff_id: service.staffId,
      actor_role: 'customer_service',
      action: 'view',
      subject_type: 'contact_message',
      subject_id: String(id),
      fields: 'name,email,message',
      network: '203.0.113.0/24',
    });
  });

  it('records staff and permission changes', async () => {
    const res = await adminPost(shop.app, owner.cookie, '/admin/staff', `/admin/staff/${service.staffId}/role`, { role: 'fulfilment' });
    expect(res.statusCode).toBe(303);
    const last = (await entries()).at(-1)!;
    expect(last).toMatchObject({
      actor_staff_id: owner.staffId,
      action: 'change',
      subject_type: 'staff',
      subject_id: String(service.staffId),
      fields: 'role',
    });
    expect(last.reason).toBe('customer_service → fulfilment');
  });

  it('records a new set-up link, which replaces the old one', async () => {
    const res = await adminPost(shop.app, owner.cookie, '/admin/staff', `/admin/staff/${service.staffId}/setup-link`, {});
    expect(res.statusCode).toBe(200);
    const link = res.body.match(/\/admin\/setup\/([\w-]+)/)?.[1];
    expect(link).toBeTruthy();
    expect((await shop.app.inject({ method: 'GET', url: `/admin/setup/${link}` })).statusCode).toBe(200);
    const last = (await entries()).at(-1)!;
    expect(last).toMatchObject({
      actor_staff_id: owner.staffId,
      action: 'change',
      subject_id: String(service.staffId),
      fields: 'password,two_factor',
      reason: 'new set-up link',
    });
    const again = await adminPost(shop.app, owner.cookie, '/admin/staff', `/admin/staff/${service.staffId}/setup-link`, {});
    expect(again.statusCode).toBe(200);
    expect((await shop.app.inject({ method: 'GET', url: `/admin/setup/${link}` })).statusCode).toBe(404);
  });

  it('the database refuses to edit or delete an entry', async () => {
    await expect(shop.app.db.updateTable('audit_log').set({ reason: 'edited' }).where('id', '=', 1).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(shop.app.db.deleteFrom('audit_log').where('id', '=', 1).execute()).rejects.toThrow(/append-only/);
  });

  it('the owner can browse, filter and verify it', async () => {
    const page = await shop.app.inject({ method: 'GET', url: '/admin/audit?action=view', headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('contact message #');
    expect(page.body).toContain('<td>view</td>');
    expect(page.body).not.toContain('<td>change</td>');
    const verify = await adminPost(shop.app, owner.cookie, '/admin/audit', '/admin/audit/verify', {});
    expect(verify.body).toContain('The audit trail is intact');
    const bad = await shop.app.inject({ method: 'GET', url: '/admin/audit?from=yesterday', headers: { cookie: owner.cookie } });
    expect(bad.statusCode).toBe(400);
  });

  it('detects an altered entry and a removed entry, naming the first broken link', async () => {
    for (let i = 0; i < 4; i++) {
      await recordAudit(
        shop.app.db,
        { actor: { staffId: owner.staffId, role: 'owner' }, action: 'view', subject: { type: 'staff', id: i }, fields: ['email'] },
        new Date(),
      );
    }
    expect(await verifyAuditChain(shop.app.db)).toMatchObject({ ok: true });
    const ids = (await entries()).map((e) => e.id);
    const victim = ids[ids.length - 3] as number;
    // Someone with direct database access removes the protection and edits an entry.
    if (testDialect === 'postgres') await sql`drop trigger audit_log_no_update on audit_log`.execute(shop.app.db);
    else {
      await sql`drop trigger audit_log_no_update`.execute(shop.app.db);
      await sql`drop trigger audit_log_no_delete`.execute(shop.app.db);
    }
    await shop.app.db.updateTable('audit_log').set({ fields: 'nothing' }).where('id', '=', victim).execute();
    expect(await verifyAuditChain(shop.app.db)).toMatchObject({ ok: false, brokenAt: victim });
    const verify = await adminPost(shop.app, owner.cookie, '/admin/audit', '/admin/audit/verify', {});
    expect(verify.body).toContain('tampered with');
    expect(verify.body).toContain(`#${victim}`);

    // Put it back, then remove a later entry instead.
    await shop.app.db.updateTable('audit_log').set({ fields: 'email' }).where('id', '=', victim).execute();
    expect(await verifyAuditChain(shop.app.db)).toMatchObject({ ok: true });
    const removed = ids[ids.length - 2] as number;
    await shop.app.db.deleteFrom('audit_log').where('id', '=', removed).execute();
    expect(await verifyAuditChain(shop.app.db)).toMatchObject({ ok: false, brokenAt: ids[ids.length - 1] });
  });
});

describe('audit retention', () => {
  it('deletes only entries past 6 years, and the rest still verify', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    try {
      const { eraseExpiredAuditEntries } = await import('../../src/features/audit/audit.service.js');
      const actor = { staffId: null, role: 'system' };
      const longAgo = new Date(Date.now() - 2200 * 86_400_000);
      await recordAudit(fresh.app.db, { actor, action: 'view', subject: { type: 'staff', id: 1 }, fields: ['email'] }, longAgo);
      await recordAudit(
        fresh.app.db,
        { actor, action: 'view', subject: { type: 'staff', id: 2 }, fields: ['email'] },
        new Date(longAgo.getTime() + 1000),
      );
      await recordAudit(fresh.app.db, { actor, action: 'view', subject: { type: 'staff', id: 3 }, fields: ['email'] }, new Date());
      // A recent entry cannot be deleted, even by hand.
      await expect(fresh.app.db.deleteFrom('audit_log').where('subject_id', '=', '3').execute()).rejects.toThrow(/append-only/);
      const removed = await fresh.app.db.selectFrom('audit_log').select('hash').where('subject_id', '=', '2').executeTakeFirstOrThrow();
      expect(await eraseExpiredAuditEntries(fresh.app.db, new Date())).toBe(2);
      const left = await fresh.app.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      // What is left: the recent entry, and the trail's own record of the deletion, naming the last entry removed.
      expect(left.map((r) => [r.subject_type, r.subject_id])).toEqual([
        ['staff', '3'],
        ['audit_log', '2'],
      ]);
      expect(left[1]).toMatchObject({ actor_role: 'system', action: 'delete' });
      expect(left[1]!.reason).toContain(`2 entries written before`);
      expect(left[1]!.reason).toContain(removed.hash);
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: true, entries: 2 });
      // Nothing more is due, and the chain goes on from its newest entry.
      expect(await eraseExpiredAuditEntries(fresh.app.db, new Date())).toBe(0);
      await recordAudit(fresh.app.db, { actor, action: 'view', subject: { type: 'staff', id: 4 }, fields: ['email'] }, new Date());
      expect(await verifyAuditChain(fresh.app.db)).toMatchObject({ ok: true, entries: 3 });
    } finally {
      await fresh.close();
    }
  });
});

describe('exports', () => {
  it('cannot be recorded without a reason', async () => {
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' } });
    try {
      const entry = {
        actor: { staffId: null, role: 'owner' },
        action: 'export' as const,
        subject: { type: 'contact_message', id: 1 },
        fields: ['name', 'email'],
      };
      await expect(recordAudit(fresh.app.db, entry, new Date())).rejects.toThrow(/reason/);
      await recordAudit(fresh.app.db, { ...entry, reason: 'Subject access request from the customer' }, new Date());
      const rows = await fresh.app.db.selectFrom('audit_log').select(['action', 'reason']).execute();
      expect(rows).toEqual([{ action: 'export', reason: 'Subject access request from the customer' }]);
    } finally {
      await fresh.close();
    }
  });
});
