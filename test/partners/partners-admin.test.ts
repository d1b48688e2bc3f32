import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePartners, allPartners, partnerById } from '../../src/features/partners/partners.service.js';
import type { Role } from '../../src/features/staff/staff.domain.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { formBody } from '../support/forms.js';
import { adminPost, openAdminForm, signInAs } from '../support/staff.js';
import { ACME, declareAsOwner } from './support.js';

let shop: TestShop;
const cookies = new Map<Role, string>();
const now = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => now });
  for (const role of ['owner', 'manager', 'marketing', 'customer_service'] as const)
    cookies.set(role, (await signInAs(shop.app, role)).cookie);
});
afterAll(async () => shop?.close());

const owner = () => cookies.get('owner') as string;
const auditOf = (id: number) =>
  shop.app.db
    .selectFrom('audit_log')
    .select(['action', 'fields', 'actor_role'])
    .where('subject_type', '=', 'partner')
    .where('subject_id', '=', String(id))
    .orderBy('id')
    .execute();

describe(`partners in the back office (${testDialect})`, () => {
  it('the owner declares a partner, which is listed with what it receives, and the declaration is audited', async () => {
    const id = await declareAsOwner(shop.app, owner());
    const partner = await partnerById(shop.app.db, id);
    expect(partner).toMatchObject({
      name: ACME.name,
      receives: ['first_name', 'email', 'postcode'],
      country: 'United Kingdom',
      retiredAt: null,
    });
    const list = await shop.app.inject({ method: 'GET', url: '/admin/partners', headers: { cookie: owner() } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(ACME.name);
    expect(list.body).toContain('first name, e-mail address and postcode');
    expect(list.body).toContain('Nothing is ever sold');
    expect(await auditOf(id)).toEqual([{ action: 'create', fields: 'name,receives,why,country,policy_url', actor_role: 'owner' }]);
  });

  it('a manager may look but not change; marketing and customer service may do neither', async () => {
    const id = await declareAsOwner(shop.app, owner(), { ...ACME, name: 'Looked-at Partner Ltd' });
    const manager = cookies.get('manager') as string;
    const list = await shop.app.inject({ method: 'GET', url: '/admin/partners', headers: { cookie: manager } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Looked-at Partner Ltd');
    expect(list.body).not.toContain('href="/admin/partners/new"');
    const page = await shop.app.inject({ method: 'GET', url: `/admin/partners/${id}`, headers: { cookie: manager } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(`action="/admin/partners/${id}/export"`);
    expect(page.body).not.toContain(`action="/admin/partners/${id}/retire"`);

    for (const role of ['manager', 'marketing', 'customer_service'] as const) {
      const cookie = cookies.get(role) as string;
      const posts = [
        ['/admin/partners', { ...ACME, name: `Sneaky ${role}` }],
        [`/admin/partners/${id}`, { ...ACME, name: `Renamed by ${role}` }],
        [`/admin/partners/${id}/retire`, {}],
        [`/admin/partners/${id}/export`, { reason: 'curious' }],
      ] as const;
      for (const [action, fields] of posts) {
        const res = await adminPost(shop.app, cookie, '/admin/account', action, fields);
        expect(res.statusCode, `${role} ${action}`).toBe(403);
      }
      if (role !== 'manager') {
        for (const url of ['/admin/partners', `/admin/partners/${id}`]) {
          const res = await shop.app.inject({ method: 'GET', url, headers: { cookie } });
          expect(res.statusCode, `${role} GET ${url}`).toBe(403);
        }
      }
    }
    expect((await partnerById(shop.app.db, id))?.name).toBe('Looked-at Partner Ltd');
    expect((await allPartners(shop.app.db)).some((p) => p.name.startsWith('Sneaky'))).toBe(false);
    expect((await partnerById(shop.app.db, id))?.retiredAt).toBeNull();
  });

  it('refuses bad input with a plain message beside the field, and stores nothing', async () => {
    const before = (await allPartners(shop.app.db)).length;
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ ...ACME, policyUrl: 'http://acme-catalogues.example/privacy' }, /starting with https:\/\/ \(an http:\/\/ page is not accepted\)/],
      [{ ...ACME, policyUrl: 'javascript:alert(1)' }, /starting with https:\/\//],
      [{ ...ACME, receives: [] }, /Please tick at least one thing the partner would receive/],
      [{ ...ACME, receives: ['first_name', 'date_of_birth'] }, /choose what the partner would receive from the list/],
      [{ ...ACME, name: '   ' }, /Please enter the partner(&#39;|')s name/],
      [{ ...ACME, why: 'x'.repeat(301) }, /Please keep why the partner would receive it under 300 characters/],
      [{}, /Please enter the partner(&#39;|')s name/],
    ];
    for (const [fields, message] of cases) {
      const res = await adminPost(shop.app, owner(), '/admin/partners/new', '/admin/partners', fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toMatch(message);
      expect(res.body).toContain('class="field-error"');
    }
    expect((await allPartners(shop.app.db)).length).toBe(before);
    // Two active partners of one name would be two boxes customers could not tell apart.
    const dup = await adminPost(shop.app, owner(), '/admin/partners/new', '/admin/partners', ACME);
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('is already declared');
  });

  it('edits correct the details and narrow what is shared, never widen it; each change is audited', async () => {
    const id = await declareAsOwner(shop.app, owner(), { ...ACME, name: 'Editable Ltd' });
    const page = `/admin/partners/${id}`;
    const saved = await adminPost(shop.app, owner(), page, page, {
      ...ACME,
      name: 'Editable Ltd',
      why: 'to post you their spring catalogue',
      receives: ['first_name', 'postcode'],
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${page}?done=saved`);
    expect(await partnerById(shop.app.db, id)).toMatchObject({
      why: 'to post you their spring catalogue',
      receives: ['first_name', 'postcode'],
    });

    const widened = await adminPost(shop.app, owner(), page, page, {
      ...ACME,
      name: 'Editable Ltd',
      receives: ['first_name', 'postcode', 'town'],
    });
    expect(widened.statusCode).toBe(400);
    expect(widened.body).toContain('People agreed to share only their first name and postcode with Editable Ltd');
    expect((await partnerById(shop.app.db, id))?.receives).toEqual(['first_name', 'postcode']);

    const same = await adminPost(shop.app, owner(), page, page, {
      ...ACME,
      name: 'Editable Ltd',
      why: 'to post you their spring catalogue',
      receives: ['first_name', 'postcode'],
    });
    expect(same.headers.location).toBe(`${page}?done=unchanged`);
    expect((await auditOf(id)).map((a) => `${a.action} ${a.fields}`)).toEqual([
      'create name,receives,why,country,policy_url',
      'change receives,why',
    ]);
  });

  it('retiring takes a partner out of use for good, keeps its row, and is audited', async () => {
    const id = await declareAsOwner(shop.app, owner(), { ...ACME, name: 'Retiring Ltd' });
    const res = await adminPost(shop.app, owner(), `/admin/partners/${id}`, `/admin/partners/${id}/retire`, {});
    expect(res.statusCode).toBe(303);
    expect((await activePartners(shop.app.db)).map((p) => p.id)).not.toContain(id);
    expect((await partnerById(shop.app.db, id))?.retiredAt).toBe(now.toISOString());
    expect((await auditOf(id)).map((a) => `${a.action} ${a.fields}`)).toEqual([
      'create name,receives,why,country,policy_url',
      'change retired_at',
    ]);
    // A retired partner can no longer be changed, retired again, or exported to.
    const { csrf, cookie } = await openAdminForm(shop.app, owner(), `/admin/partners/${id}`);
    for (const [action, fields] of [
      [`/admin/partners/${id}`, { ...ACME, name: 'Retiring Ltd' }],
      [`/admin/partners/${id}/retire`, {}],
      [`/admin/partners/${id}/export`, { reason: 'after retirement' }],
    ] as const) {
      const r = await shop.app.inject({
        method: 'POST',
        url: action,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ _csrf: csrf, ...fields }),
      });
      expect(r.statusCode, action).toBe(404);
    }
    const list = await shop.app.inject({ method: 'GET', url: '/admin/partners', headers: { cookie: owner() } });
    expect(list.body).toContain('Retired');
  });
});
