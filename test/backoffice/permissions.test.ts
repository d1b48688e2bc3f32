import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX, PERMISSIONS, type Permission, ROLES, type Role } from '../../src/features/staff/staff.domain.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { formBody, openForm } from '../support/forms.js';
import { openAdminForm, signInAs } from '../support/staff.js';

let shop: TestShop;
const sessions = new Map<Role, { cookie: string; staffId: number }>();
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' } });
  for (const role of ROLES) sessions.set(role, await signInAs(shop.app, role));
});
afterAll(async () => shop?.close());

/** Back-office routes guarded by a permission, with path parameters filled by a value that matches nothing. */
const guarded = () =>
  shop.app.routeTable
    .filter((r) => r.url.startsWith('/admin') && r.method !== 'HEAD' && r.access && r.access !== 'public' && r.access !== 'signed-in')
    .map((r) => ({ ...r, path: r.url.replace(/:(\w+)/g, '999999') }));

describe('the permission matrix', () => {
  it('every back-office route declares its access, and permissions are real', () => {
    const admin = shop.app.routeTable.filter((r) => r.url.startsWith('/admin'));
    expect(admin.length).toBeGreaterThan(10);
    for (const r of admin) {
      expect(r.access, `${r.method} ${r.url}`).toBeDefined();
      if (r.access !== 'public' && r.access !== 'signed-in') expect(Object.keys(PERMISSIONS)).toContain(r.access);
    }
  });

  it('only the owner manages staff; nobody else has staff.manage or audit.view', () => {
    for (const role of ROLES) {
      expect(MATRIX[role].includes('staff.manage')).toBe(role === 'owner');
      expect(MATRIX[role].includes('audit.view')).toBe(role === 'owner');
    }
    expect(MATRIX.fulfilment).not.toContain('enquiries.view');
    expect(MATRIX.marketing).not.toContain('enquiries.view');
  });

  for (const role of ROLES) {
    it(`${role}: every guarded route is allowed or 403 exactly as the matrix says`, async () => {
      const session = sessions.get(role)!;
      const { csrf, cookie } = await openAdminForm(shop.app, session.cookie, '/admin/account');
      for (const route of guarded()) {
        const allowed = MATRIX[role].includes(route.access as Permission);
        const res =
          route.method === 'GET'
            ? await shop.app.inject({ method: 'GET', url: route.path, headers: { cookie } })
            : await shop.app.inject({
                method: route.method as 'POST',
                url: route.path,
                headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
                payload: formBody({ _csrf: csrf }),
              });
        const label = `${role} ${route.method} ${route.url} (${route.access})`;
        if (allowed) {
          expect(res.statusCode, label).not.toBe(403);
          expect(res.statusCode, label).not.toBe(401);
          expect(String(res.headers.location ?? ''), label).not.toContain('/admin/sign-in');
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(res.body, label).toContain('Not part of your role');
        }
      }
    });
  }

  it('signed out: pages redirect to sign-in and posts are refused', async () => {
    const { csrf, cookie } = await openForm(shop.app, '/admin/sign-in');
    for (const route of guarded()) {
      const res =
        route.method === 'GET'
          ? await shop.app.inject({ method: 'GET', url: route.path })
          : await shop.app.inject({
              method: route.method as 'POST',
              url: route.path,
              headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
              payload: formBody({ _csrf: csrf }),
            });
      if (route.method === 'GET') {
        expect(res.statusCode, route.url).toBe(303);
        expect(res.headers.location, route.url).toMatch(/^\/admin\/sign-in\?next=/);
      } else {
        expect(res.statusCode, route.url).toBe(401);
      }
    }
  });

  it('nobody can change their own role, not even the owner', async () => {
    const owner = sessions.get('owner')!;
    const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, '/admin/staff');
    const res = await shop.app.inject({
      method: 'POST',
      url: `/admin/staff/${owner.staffId}/role`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ _csrf: csrf, role: 'marketing' }),
    });
    expect(res.statusCode).toBe(403);
    const manager = sessions.get('manager')!;
    const m = await openAdminForm(shop.app, manager.cookie, '/admin/account');
    const raise = await shop.app.inject({
      method: 'POST',
      url: `/admin/staff/${manager.staffId}/role`,
      headers: { cookie: m.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ _csrf: m.csrf, role: 'owner' }),
    });
    expect(raise.statusCode).toBe(403);
    const roles = await shop.app.db
      .selectFrom('staff')
      .select(['id', 'role'])
      .where('id', 'in', [owner.staffId, manager.staffId])
      .execute();
    expect(new Map(roles.map((r) => [r.id, r.role]))).toEqual(
      new Map([
        [owner.staffId, 'owner'],
        [manager.staffId, 'manager'],
      ]),
    );
  });

  it('the navigation shows each role only what it may open', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: sessions.get('fulfilment')!.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('href="/admin/enquiries"');
    expect(res.body).not.toContain('href="/admin/staff"');
    expect(res.body).toContain('href="/admin/products"');
  });
});
