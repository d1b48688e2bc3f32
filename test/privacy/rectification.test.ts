import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, customerById } from '../../src/features/customers/customers.service.js';
import { recordAccountRequest } from '../../src/features/privacy/requests.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInShopper } from '../support/customer.js';
import { adminPost, signInAs } from '../support/staff.js';
import { ACME, choosePartner, customerWithAddress, declareAsOwner } from '../partners/support.js';

/**
 * Staff correcting a person's data on a correction request: the account's details and addresses
 * are corrected, the change is audited and noted on the request by field names only, and the
 * partners that received the data are listed as a task for staff, each with "Told them".
 */
let now = new Date('2026-12-01T10:00:00Z');
let shop: TestShop;
const db = () => shop.app.db;
let staff: { cookie: string };
let acme: number;
let neverShared: number;
let customer: Awaited<ReturnType<typeof customerWithAddress>>;
let reference: string;
const page = () => `/admin/privacy-requests/${reference}/correction`;
const view = (cookie: string, url = page()) => shop.app.inject({ method: 'GET', url, headers: { cookie } });

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => now });
  const owner = await signInAs(shop.app, 'owner');
  acme = await declareAsOwner(shop.app, owner.cookie);
  neverShared = await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: 'Never Shared Ltd' });
  customer = await customerWithAddress(shop.app, { first_name: 'Ada', surname: 'Lovelase', line1: '1 Old Street', city: 'Leeds' });
  await choosePartner(shop.app, customer, acme, true);
  const exported = await adminPost(shop.app, owner.cookie, `/admin/partners/${acme}`, `/admin/partners/${acme}/export`, {
    reason: 'Monthly mailing list',
  });
  expect(exported.statusCode).toBe(200);
  now = new Date('2026-12-03T10:00:00Z');
  reference = (
    await recordAccountRequest(
      db(),
      { kind: 'rectification', customerId: customer.id, email: customer.person.email, details: 'My surname is Lovelace, not Lovelase.' },
      now,
    )
  ).reference;
  staff = await signInAs(shop.app, 'customer_service');
});
afterAll(async () => shop?.close());

const events = async (step: string) => {
  const request = await db().selectFrom('privacy_requests').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
  return db()
    .selectFrom('privacy_request_events')
    .select(['step', 'actor', 'note'])
    .where('request_id', '=', request.id)
    .where('step', '=', step)
    .orderBy('id')
    .execute();
};
const customerAudits = (action: string) =>
  db()
    .selectFrom('audit_log')
    .selectAll()
    .where('subject_type', '=', 'customer')
    .where('subject_id', '=', String(customer.id))
    .where('action', '=', action)
    .orderBy('id')
    .execute();

describe(`staff correcting a person's data (${testDialect})`, () => {
  it('shows the account details, the addresses and the partner who received the data, and records the look', async () => {
    const res = await view(staff.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Lovelase');
    expect(res.body).toContain('1 Old Street');
    expect(res.body).toContain('My surname is Lovelace, not Lovelase.');
    expect(res.body).toContain(ACME.name);
    expect(res.body).not.toContain('Never Shared Ltd');
    expect(res.body).toContain('Told them');
    expect(res.body).toContain('A task for staff');
    expect((await customerAudits('view')).length).toBe(1);
  });

  it('refuses a role without the privacy requests permission', async () => {
    for (const role of ['fulfilment', 'marketing'] as const) {
      const other = await signInAs(shop.app, role);
      expect((await view(other.cookie)).statusCode).toBe(403);
    }
  });

  it('sends bad input back with a plain message and changes nothing', async () => {
    const res = await adminPost(shop.app, staff.cookie, page(), `${page()}/details`, {
      first_name: 'Ada',
      surname: '',
      phone: 'not a phone',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please correct the 2 highlighted fields.');
    expect((await customerById(db(), customer.id))?.surname).toBe('Lovelase');
    expect(await events('corrected')).toEqual([]);
  });

  it('corrects the surname and an address: the account shows them, the audit trail has the change, the request names the fields only', async () => {
    const before = await customerById(db(), customer.id);
    const details = await adminPost(shop.app, staff.cookie, page(), `${page()}/details`, {
      first_name: 'Ada',
      surname: 'Lovelace',
      phone: before!.phone,
    });
    expect(details.statusCode).toBe(303);
    const [address] = await addressesOf(db(), customer.id);
    const moved = await adminPost(shop.app, staff.cookie, page(), `${page()}/addresses/${address!.id}`, {
      first_name: 'Ada',
      surname: 'Lovelace',
      line1: '2 New Street',
      line2: '',
      city: 'Leeds',
      postcode: address!.postcode,
    });
    expect(moved.statusCode).toBe(303);

    const shopper = await signInShopper(shop.app, customer.person.email, customer.person.password);
    expect((await shopper.get('/account/details')).body).toContain('value="Lovelace"');
    expect((await shopper.get('/account/addresses')).body).toContain('2 New Street');

    const changes = await customerAudits('change');
    expect(changes.map((c) => [c.actor_role, String(c.fields)])).toEqual([
      ['customer_service', expect.stringContaining('surname')],
      ['customer_service', expect.stringContaining('address.line1')],
    ]);
    const noted = await events('corrected');
    expect(noted).toEqual([
      { step: 'corrected', actor: 'staff:customer_service', note: 'corrected: name' },
      { step: 'corrected', actor: 'staff:customer_service', note: 'corrected: address' },
    ]);
  });

  it('"Told them" notes the step for the partner and is audited; the page then shows it as done', async () => {
    const res = await adminPost(shop.app, staff.cookie, page(), `${page()}/partners/${acme}/told`, {});
    expect(res.statusCode).toBe(303);
    const told = await events('partner-told');
    expect(told.map((e) => e.note)).toEqual([`Told ${ACME.name} (partner ${acme}) of the correction`]);
    const audits = await db()
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('subject_type', '=', 'privacy_request')
      .where('subject_id', '=', reference)
      .where('action', '=', 'change')
      .execute();
    expect(audits.map((a) => a.reason)).toContain(`Told ${ACME.name} (partner ${acme}) of the correction`);
    const after = await view(staff.cookie);
    expect(after.body).not.toContain('>Told them<');
    expect(after.body).toMatch(/Told 2026-12-03 10:00 UTC/);
    // A partner that never received the data cannot be marked as told.
    expect((await adminPost(shop.app, staff.cookie, page(), `${page()}/partners/${neverShared}/told`, {})).statusCode).toBe(404);
  });

  it('says so when no partner received the data, and refuses a request that is not a correction', async () => {
    const quiet = await customerWithAddress(shop.app, { first_name: 'Quentin', surname: 'Quiet' });
    const own = await recordAccountRequest(
      db(),
      { kind: 'rectification', customerId: quiet.id, email: quiet.person.email, details: 'Please fix my phone number.' },
      now,
    );
    const res = await view(staff.cookie, `/admin/privacy-requests/${own.reference}/correction`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("No partner received this person's data");
    const access = await recordAccountRequest(
      db(),
      { kind: 'access', customerId: quiet.id, email: quiet.person.email, details: null },
      now,
    );
    const refused = await view(staff.cookie, `/admin/privacy-requests/${access.reference}/correction`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('not a correction request');
    expect((await view(staff.cookie, '/admin/privacy-requests/NO-SUCH-REF/correction')).statusCode).toBe(404);
  });
});
