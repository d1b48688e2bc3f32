import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent, verifyConsentLedger } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInShopper } from '../support/customer.js';
import { adminPost, signInAs } from '../support/staff.js';
import { ACME, choosePartner, customerWithAddress, declareAsOwner } from './support.js';

let shop: TestShop;
let owner: { cookie: string; staffId: number };
let acme: number;
let other: number;
const now = new Date('2026-12-01T10:00:00Z');
type Customer = Awaited<ReturnType<typeof customerWithAddress>>;
const people: Record<'agreed' | 'formula' | 'withdrew' | 'otherOnly' | 'neverAsked', Customer> = {} as never;

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => now });
  owner = await signInAs(shop.app, 'owner');
  acme = await declareAsOwner(shop.app, owner.cookie);
  other = await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: 'Other Partner plc', receives: ['surname', 'town'] });
  people.agreed = await customerWithAddress(shop.app, { first_name: 'Ada', surname: 'Lovelace', postcode: 'B18 6NF', city: 'Birmingham' });
  people.formula = await customerWithAddress(shop.app, { first_name: '=Hyper', surname: 'Link', postcode: 'M1 1AE', city: 'Manchester' });
  people.withdrew = await customerWithAddress(shop.app, { first_name: 'Wendy', surname: 'Withdrawn' });
  people.otherOnly = await customerWithAddress(shop.app, { first_name: 'Otto', surname: 'Other' });
  people.neverAsked = await customerWithAddress(shop.app, { first_name: 'Nora', surname: 'Never' });
  await choosePartner(shop.app, people.agreed, acme, true);
  await choosePartner(shop.app, people.formula, acme, true);
  await choosePartner(shop.app, people.withdrew, acme, true);
  await choosePartner(shop.app, people.withdrew, acme, false);
  await choosePartner(shop.app, people.otherOnly, other, true);
  // Someone without an account cannot be exported: sharing is asked in Account Home only.
  await recordConsent(
    shop.app.db,
    { subject: { customerId: null, email: 'no-account@example.co.uk' }, purpose: `partner:${acme}`, action: 'given', method: 'staff' },
    now,
  );
});
afterAll(async () => shop?.close());

const exportPage = () => `/admin/partners/${acme}`;
const exportTo = (id: number, fields: Record<string, string>) =>
  adminPost(shop.app, owner.cookie, `/admin/partners/${id}`, `/admin/partners/${id}/export`, fields);

/** The rows of a CSV file without quoted commas (none of these values has one). */
function rowsOf(csv: string): string[][] {
  return csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((c) => c.replace(/^"(.*)"$/, '$1').replace(/""/g, '"')));
}

const sharedEntries = () =>
  shop.app.db
    .selectFrom('consent_ledger')
    .select(['customer_id', 'purpose', 'detail', 'reason', 'staff_id', 'method'])
    .where('action', '=', 'shared')
    .orderBy('id')
    .execute();
const exportAudits = () =>
  shop.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').where('subject_type', '=', 'partner').execute();

describe(`the partner export (${testDialect})`, () => {
  it('needs a reason: without one it is refused with a plain message, and nothing is recorded or shared', async () => {
    for (const reason of ['', '   ']) {
      const res = await exportTo(acme, { reason });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('Please give the reason for this export');
    }
    const long = await exportTo(acme, { reason: 'x'.repeat(301) });
    expect(long.statusCode).toBe(400);
    expect(await exportAudits()).toEqual([]);
    expect(await sharedEntries()).toEqual([]);
  });

  it('shows the owner how many customers agree now, and says nothing is sold', async () => {
    const page = await shop.app.inject({ method: 'GET', url: exportPage(), headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Customers who agreed<\/dt><dd>2<\/dd>/);
    expect(page.body).toContain('Nothing is ever sold');
  });

  it('holds exactly the customers who agree to that partner now, and only its declared columns; audited once, and one ledger entry per person', async () => {
    const res = await exportTo(acme, { reason: 'Autumn catalogue mailing agreed with Acme' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="partner-${acme}-acme-catalogues-ltd-2026-12-01.csv"`);
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual(['First name', 'E-mail address', 'Postcode']);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Ada', people.agreed.person.email, 'B18 6NF'],
        // A spreadsheet would run a cell starting with "=": it is written as text.
        ["'=Hyper", people.formula.person.email, 'M1 1AE'],
      ]),
    );
    expect(rows).toHaveLength(2);
    for (const p of [people.withdrew, people.otherOnly, people.neverAsked]) expect(res.body).not.toContain(p.person.email);
    expect(res.body).not.toContain('no-account@example.co.uk');
    for (const undeclared of ['Lovelace', 'Birmingham', 'Manchester', people.agreed.person.phone])
      expect(res.body).not.toContain(undeclared);

    const audits = await exportAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor_staff_id: owner.staffId,
      actor_role: 'owner',
      subject_id: String(acme),
      fields: 'first_name,email,postcode,customers:2',
      reason: 'Autumn catalogue mailing agreed with Acme',
    });
    const shared = await sharedEntries();
    expect(shared.map((e) => e.customer_id).sort()).toEqual([people.agreed.id, people.formula.id].sort());
    for (const e of shared) {
      expect(e).toMatchObject({
        purpose: `partner:${acme}`,
        method: 'partner-export',
        detail: 'first name, e-mail address and postcode',
        reason: 'Autumn catalogue mailing agreed with Acme',
        staff_id: owner.staffId,
      });
    }
    expect(await verifyConsentLedger(shop.app.db)).toMatchObject({ ok: true });
  });

  it('lets each person exported read in Account Home what was shared with whom; the others read nothing of it', async () => {
    const seen = await (await signInShopper(shop.app, people.agreed.person.email)).get('/account/newsletter');
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain(`We shared your first name, e-mail address and postcode with ${ACME.name}`);
    const notShared = await (await signInShopper(shop.app, people.withdrew.person.email)).get('/account/newsletter');
    expect(notShared.statusCode).toBe(200);
    expect(notShared.body).not.toContain('We shared your');
  });

  it('exports to another partner only its own consenting customers and columns', async () => {
    const res = await exportTo(other, { reason: 'Trade directory' });
    expect(res.statusCode).toBe(200);
    expect(rowsOf(res.body)).toEqual([
      ['Surname', 'Town'],
      ['Other', 'Birmingham'],
    ]);
  });

  it('says so, and records nothing, when nobody agrees to a partner', async () => {
    const nobody = await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: 'Nobody Agrees Ltd' });
    const audits = (await exportAudits()).length;
    const res = await exportTo(nobody, { reason: 'Trying' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('No customer agrees to share their details with this partner now');
    expect((await exportAudits()).length).toBe(audits);
  });
});
