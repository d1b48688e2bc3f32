import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { staffSubjects } from '../../src/features/staff/staff.service.js';
import { defaultUndertakingText, loadUndertaking, undertakingVersion } from '../../src/features/staff/staff.undertaking.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { formBody } from '../support/forms.js';
import { JOURNEY_ENV, confirmedRequest, customerAcrossTheShop } from '../support/privacy.js';
import { openAdminForm, signInAs } from '../support/staff.js';
import { auditOf } from './staff-flows.js';

/**
 * The confidentiality undertaking: a member of staff who has not accepted the text in force gets
 * nothing from the back office but the undertaking itself, sign-out, and the set-up of their own
 * two-factor sign-in; every other route, enumerated from the app, is redirected or refused.
 */

const now = new Date('2026-12-09T10:00:00Z');
let shop: TestShop;
let owner: Awaited<ReturnType<typeof signInAs>>;
let fileDir: string;
/** Each route parameter's value, by the path segment before it: a real row of the shop where one exists. */
let ids: Record<string, string>;

/** The routes a member who has not accepted may use: the undertaking, signing out, their own two-factor set-up, and the sign-in code step. */
const BEFORE_UNDERTAKING = [
  'GET /admin/undertaking',
  'POST /admin/undertaking',
  'POST /admin/sign-out',
  'POST /admin/sign-out-everywhere',
  'GET /admin/account/two-factor',
  'POST /admin/account/two-factor',
  'POST /admin/account/two-factor/move',
  'GET /admin/sign-in/code',
  'POST /admin/sign-in/code',
].sort();

beforeAll(async () => {
  shop = await buildTestShop({ env: { ...JOURNEY_ENV }, clock: () => now });
  fileDir = mkdtempSync(join(tmpdir(), 'assay-undertaking-'));
  owner = await signInAs(shop.app, 'owner');
  // Real rows for the routes' parameters: an order, an enquiry, an account with an address, a privacy request.
  const { person } = await customerAcrossTheShop(shop.app, now);
  await confirmedRequest(shop.app, person.email, { kind: 'access' });
  const db = shop.app.db;
  const first = async <T>(rows: Promise<T | undefined>, pick: (row: T) => string | number) => {
    const row = await rows;
    return row === undefined ? '999999' : String(pick(row));
  };
  const order = await first(db.selectFrom('orders').select('number').orderBy('id').executeTakeFirst(), (r) => r.number);
  ids = {
    staff: String(owner.staffId),
    products: await first(db.selectFrom('products').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    images: await first(db.selectFrom('product_images').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    categories: await first(db.selectFrom('categories').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    collections: await first(db.selectFrom('collections').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    enquiries: await first(db.selectFrom('contact_messages').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    campaigns: await first(db.selectFrom('campaigns').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    partners: await first(db.selectFrom('partners').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    breaches: await first(db.selectFrom('breaches').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    addresses: await first(db.selectFrom('customer_addresses').select('id').orderBy('id').executeTakeFirst(), (r) => r.id),
    'privacy-requests': await first(
      db.selectFrom('privacy_requests').select('reference').orderBy('id').executeTakeFirst(),
      (r) => r.reference,
    ),
    orders: order,
    dispatch: order,
  };
});
afterAll(async () => {
  await shop?.close();
  if (fileDir) rmSync(fileDir, { recursive: true, force: true });
});

/** Every back-office route but the public ones, with real values for its parameters. */
function adminRoutes() {
  return shop.app.routeTable
    .filter((r) => r.url.startsWith('/admin') && r.method !== 'HEAD' && r.access !== 'public')
    .map((r) => ({
      ...r,
      key: `${r.method} ${r.url}`,
      path: r.url.replace(/([\w-]+)\/:\w+/g, (_all, segment: string) => `${segment}/${ids[segment] ?? '999999'}`),
    }));
}

const gated = () => adminRoutes().filter((r) => !BEFORE_UNDERTAKING.includes(r.key));

function request(method: string, path: string, cookie: string, csrf: string) {
  if (method === 'GET') return shop.app.inject({ method: 'GET', url: path, headers: { cookie } });
  return shop.app.inject({
    method: method as 'POST',
    url: path,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ _csrf: csrf }),
  });
}

async function accept(app: TestShop['app'], cookie: string, fields: Record<string, string>) {
  const { csrf, cookie: withCsrf } = await openAdminForm(app, cookie, '/admin/undertaking');
  return app.inject({
    method: 'POST',
    url: '/admin/undertaking',
    headers: { cookie: withCsrf, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ _csrf: csrf, ...fields }),
  });
}

describe('the confidentiality undertaking', () => {
  it('names the shop, the codes of conduct, the duties, the breach register and the recording of every look', () => {
    const text = defaultUndertakingText(shop.config.shop.name);
    expect(text).toContain(`As a member of staff of ${shop.config.shop.name}`);
    for (const words of [
      "UK's Jewellery Retail Codes of Conduct",
      'confidentiality',
      'only for the task in front of me',
      'do not copy personal data out of the shop',
      'I tell the owner at once',
      '/admin/breaches',
      'it is recorded in the audit trail',
    ])
      expect(text).toContain(words);
    expect(loadUndertaking(shop.config).version).toBe(undertakingVersion(text));
    expect(undertakingVersion(text)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('the gate leaves out only the undertaking, signing out and the sign-in steps, and every route declares it', () => {
    const exempt = adminRoutes()
      .map((r) => r.key)
      .filter((k) => BEFORE_UNDERTAKING.includes(k))
      .sort();
    expect(exempt).toEqual(BEFORE_UNDERTAKING);
    expect(gated().length).toBeGreaterThan(60);
  });

  it('a member who has not accepted it is sent to it from every back-office page, and refused every form', async () => {
    const member = await signInAs(shop.app, 'owner', { accept: false });
    const { csrf, cookie } = await openAdminForm(shop.app, member.cookie, '/admin/undertaking');
    for (const route of gated()) {
      const res = await request(route.method, route.path, cookie, csrf);
      const label = `${route.key} as ${route.path}`;
      if (route.method === 'GET') {
        expect(res.statusCode, label).toBe(303);
        expect(res.headers.location, label).toBe(`/admin/undertaking?next=${encodeURIComponent(route.path)}`);
        expect(res.body, label).toBe('');
      } else {
        expect(res.statusCode, label).toBe(403);
        expect(res.body, label).toContain('Confidentiality undertaking not yet accepted');
        expect(res.body, label).toContain('Please read and accept the confidentiality undertaking before using the back office.');
        expect(res.body, label).not.toContain('Rosalind');
      }
    }
    // What the member may use meanwhile: the undertaking and their own two-factor set-up.
    const page = await shop.app.inject({ method: 'GET', url: '/admin/undertaking', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('UK&#39;s Jewellery Retail Codes of Conduct');
    expect(page.body).toContain('I have read and accept');
    expect(page.body).not.toContain('aria-label="Back office"');
    expect((await shop.app.inject({ method: 'GET', url: '/admin/account/two-factor', headers: { cookie } })).statusCode).toBe(200);
  });

  it('needs the box ticked; once accepted, goes on to the page asked for, and every page opens', async () => {
    const member = await signInAs(shop.app, 'owner', { accept: false });
    const first = await shop.app.inject({ method: 'GET', url: '/admin/orders', headers: { cookie: member.cookie } });
    expect(first.headers.location).toBe('/admin/undertaking?next=%2Fadmin%2Forders');
    const page = await shop.app.inject({ method: 'GET', url: first.headers.location as string, headers: { cookie: member.cookie } });
    expect(page.body).toContain('name="next" value="/admin/orders"');

    const unticked = await accept(shop.app, member.cookie, { next: '/admin/orders' });
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('Please tick &quot;I have read and accept&quot; to continue.');
    expect((await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: member.cookie } })).statusCode).toBe(303);

    const done = await accept(shop.app, member.cookie, { accept: 'yes', next: '/admin/orders' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/orders');
    const orders = await shop.app.inject({ method: 'GET', url: '/admin/orders', headers: { cookie: member.cookie } });
    expect(orders.statusCode).toBe(200);
    expect(orders.body).toContain('aria-label="Back office"');

    for (const route of adminRoutes().filter((r) => r.method === 'GET')) {
      const res = await shop.app.inject({ method: 'GET', url: route.path, headers: { cookie: member.cookie } });
      expect(String(res.headers.location ?? ''), route.key).not.toMatch(/^\/admin\/undertaking/);
      expect(res.statusCode, route.key).not.toBe(403);
      expect(res.statusCode, route.key).toBeLessThan(500);
    }
    const { csrf, cookie } = await openAdminForm(shop.app, member.cookie, '/admin/audit');
    expect((await request('POST', '/admin/audit/verify', cookie, csrf)).statusCode).toBeLessThan(400);

    // Seen again, the page says when, and asks nothing.
    const again = await shop.app.inject({ method: 'GET', url: '/admin/undertaking', headers: { cookie: member.cookie } });
    expect(again.body).toContain('You accepted this undertaking on 9 December 2026.');
    expect(again.body).not.toContain('I have read and accept');
  });

  it('records the acceptance in the audit trail, once', async () => {
    const member = await signInAs(shop.app, 'manager', { accept: false });
    const version = loadUndertaking(shop.config).version;
    const acceptances = async () => (await auditOf(shop.app, member.staffId)).filter((e) => e.fields === 'undertaking');
    expect(await acceptances()).toEqual([]);
    expect((await accept(shop.app, member.cookie, { accept: 'yes' })).headers.location).toBe('/admin');
    expect((await accept(shop.app, member.cookie, { accept: 'yes' })).headers.location).toBe('/admin');
    expect(await acceptances()).toEqual([
      {
        action: 'create',
        actor_staff_id: member.staffId,
        actor_role: 'manager',
        fields: 'undertaking',
        reason: `accepted the confidentiality undertaking, version ${version}`,
        network: expect.any(String),
      },
    ]);
    const rows = await shop.app.db.selectFrom('staff_undertakings').selectAll().where('staff_id', '=', member.staffId).execute();
    expect(rows).toEqual([{ staff_id: member.staffId, version, accepted_at: now.toISOString() }]);
  });

  it('never sends the member off the site afterwards', async () => {
    for (const next of [
      'https://evil.example/admin',
      '//evil.example/admin',
      '/admin//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/account',
    ]) {
      const member = await signInAs(shop.app, 'marketing', { accept: false });
      const page = await shop.app.inject({
        method: 'GET',
        url: `/admin/undertaking?next=${encodeURIComponent(next)}`,
        headers: { cookie: member.cookie },
      });
      expect(page.body, next).toContain('name="next" value="/admin"');
      const done = await accept(shop.app, member.cookie, { accept: 'yes', next });
      expect(done.headers.location, next).toBe('/admin');
    }
  });

  it('the staff list shows who accepted which text, and when', async () => {
    const pending = await signInAs(shop.app, 'fulfilment', { accept: false });
    const page = await shop.app.inject({ method: 'GET', url: '/admin/staff', headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    const row = (id: number) =>
      page.body.match(new RegExp(`<tr>(?:(?!</tr>).)*staff/${id}/(?:role|disable)(?:(?!</tr>).)*</tr>`, 's'))?.[0] ?? '';
    const version = loadUndertaking(shop.config).version;
    expect(page.body).toContain('Confidentiality undertaking</th>');
    expect(row(pending.staffId)).toContain('Not yet accepted');
    const others = await signInAs(shop.app, 'customer_service');
    const after = await shop.app.inject({ method: 'GET', url: '/admin/staff', headers: { cookie: owner.cookie } });
    expect(after.body.match(new RegExp(`<tr>(?:(?!</tr>).)*staff/${others.staffId}/role(?:(?!</tr>).)*</tr>`, 's'))?.[0]).toContain(
      `Accepted <code>${version}</code> on 9 December 2026`,
    );
  });

  it("asks again when the shop's own text replaces it, rendered safely, and shows an earlier acceptance in the list", async () => {
    const file = join(fileDir, 'undertaking.md');
    writeFileSync(
      file,
      '## Our promise\n\nWe keep **every** secret. <script>alert("x")</script>\n\n[Report a breach](/admin/breaches) · [bad](javascript:alert(1))\n',
    );
    const second = await buildTestShop({
      env: { ...JOURNEY_ENV, STAFF_UNDERTAKING_FILE: file },
      clock: () => now,
      sharingDatabaseOf: shop,
    });
    try {
      const newVersion = loadUndertaking(second.config).version;
      expect(newVersion).not.toBe(loadUndertaking(shop.config).version);
      // The owner accepted the default text: the shop's own words ask again.
      const res = await second.app.inject({ method: 'GET', url: '/admin/staff', headers: { cookie: owner.cookie } });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/undertaking?next=%2Fadmin%2Fstaff');
      const page = await second.app.inject({ method: 'GET', url: '/admin/undertaking', headers: { cookie: owner.cookie } });
      expect(page.body).toContain('The undertaking has changed since you accepted it on 9 December 2026.');
      expect(page.body).toContain('<h2>Our promise</h2>');
      expect(page.body).toContain('<strong>every</strong>');
      expect(page.body).toContain('&lt;script&gt;');
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).toContain('<a href="/admin/breaches">Report a breach</a>');
      expect(page.body).not.toContain('javascript:');
      expect(page.body).toContain(`Version <code>${newVersion}</code>`);
      const before = await second.app.inject({ method: 'GET', url: '/admin', headers: { cookie: owner.cookie } });
      expect(before.statusCode).toBe(303);

      expect((await accept(second.app, owner.cookie, { accept: 'yes', next: '/admin/staff' })).headers.location).toBe('/admin/staff');
      const list = await second.app.inject({ method: 'GET', url: '/admin/staff', headers: { cookie: owner.cookie } });
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`Accepted <code>${newVersion}</code> on 9 December 2026`);
      expect(list.body).toContain('Accepted an earlier text');
      // The first shop's text is still accepted by the owner: both acceptances are kept.
      expect((await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: owner.cookie } })).statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses to start with a file it cannot read, in plain words', () => {
    const config = (file: string) => ({ shop: shop.config.shop, staffUndertakingFile: file });
    expect(() => loadUndertaking(config(join(fileDir, 'missing.md')))).toThrow(
      /^STAFF_UNDERTAKING_FILE=".*missing\.md" cannot be used: there is no such file\.$/,
    );
    const empty = join(fileDir, 'empty.md');
    writeFileSync(empty, '  \n');
    expect(() => loadUndertaking(config(empty))).toThrow(/cannot be used: the file is empty\.$/);
  });

  it("is in the member's copy of their data, and goes when they are erased", async () => {
    const member = await signInAs(shop.app, 'marketing');
    const person = { customerId: null, emails: [member.email], staffId: member.staffId };
    const copy = await inTransaction(shop.app.db, (trx) => staffSubjects.exportSubject(trx, person));
    expect(copy.staff_undertakings).toEqual([
      { staff_id: member.staffId, version: loadUndertaking(shop.config).version, accepted_at: now.toISOString() },
    ]);
    const report = await inTransaction(shop.app.db, (trx) => staffSubjects.eraseSubject(trx, person, now));
    expect(report.staff_undertakings).toEqual({ deleted: 1, anonymised: 0 });
    expect(await shop.app.db.selectFrom('staff_undertakings').selectAll().where('staff_id', '=', member.staffId).execute()).toEqual([]);
  });
});
