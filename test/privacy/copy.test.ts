import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceLabel } from '../../src/features/customers/customers.domain.js';
import { contracts } from '../../src/features/privacy/contracts.registry.js';
import { makeCopy } from '../../src/features/privacy/copy.service.js';
import { FLAG_TEXT, setFlags } from '../../src/features/privacy/flags.service.js';
import { recordAccountRequest } from '../../src/features/privacy/requests.service.js';
import { findPerson } from '../../src/features/privacy/subjects.service.js';
import { formatPence, vatIncluded } from '../../src/shared/money.js';
import { alertConfirmToken, askForAlert, pressAlertConfirm, soldOutPiece } from '../support/alerts.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { CUSTOMER_PASSWORD, checkout, csrfOf, payFor, registerAndVerify, send, signInShopper } from '../support/customer.js';
import { cookieHeader, formBody } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { JOURNEY_ENV, addAddress, registeredUnconfirmed } from '../support/privacy.js';
import { signInAs } from '../support/staff.js';

/**
 * "Download my data" in Account Home, driven through the real app: a customer who registered
 * (and confirmed their address), added an address, changed their phone, paid an order, placed one
 * as a guest with their address in other capitals, signed up for the newsletter and for an alert,
 * signed in from a named browser, and whose order a member of staff opened. Their copy, on the page
 * and in the zip, holds every value they entered and the staff member's role, never who it was.
 */
const now = new Date('2026-11-23T10:00:00Z');
let shop: TestShop;

const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';

interface Journey {
  customerId: number;
  email: string;
  shopper: Shopper;
  request: string;
  own: { number: string; total: number };
  guest: { number: string; total: number };
  staff: { id: number; name: string; email: string };
  other: { email: string; number: string };
}
let j: Journey;

/** Signs in from a browser that names itself, so the session has a device to show. */
async function signInFrom(userAgent: string, email: string): Promise<void> {
  const form = await shop.app.inject({ method: 'GET', url: '/account/sign-in', headers: { 'user-agent': userAgent } });
  const res = await shop.app.inject({
    method: 'POST',
    url: '/account/sign-in',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': userAgent,
      cookie: cookieHeader(form.headers['set-cookie']),
      origin: shop.app.config.publicUrl,
    },
    payload: formBody({ _csrf: csrfOf(form.body), email, password: CUSTOMER_PASSWORD }),
  });
  expect(res.statusCode).toBe(303);
}

const totalOf = async (number: string) =>
  (await shop.app.db.selectFrom('orders').select('total_pence').where('number', '=', number).executeTakeFirstOrThrow()).total_pence;

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { ...JOURNEY_ENV } });
  const app = shop.app;
  const { person, id } = await registerAndVerify(app, {
    first_name: 'Rosalind',
    surname: 'Franklin',
    phone: '07700 900777',
    line1: '14 Trumpington Street',
    city: 'Cambridge',
    postcode: 'CB2 1QA',
  });
  const shopper = await signInShopper(app, person.email);
  await addAddress(shopper, { line2: 'Flat 2' });
  const details = await send(shopper, '/account/details', '/account/details', {
    first_name: 'Rosalind',
    surname: 'Franklin',
    phone: '07700 900999',
  });
  expect(details.statusCode).toBe(303);
  expect((await send(shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' })).statusCode).toBe(303);

  const own = await checkout(app, shopper);
  await payFor(app, shopper, own.orderUrl);
  const guest = await checkout(app, new Shopper(app), {
    ...GUEST,
    first_name: 'Rosie',
    surname: 'Franklin',
    email: person.email.toUpperCase(),
    billing_line1: '7 Mill Lane',
    billing_city: 'Cambridge',
    billing_postcode: 'cb2 1rx',
  });

  const piece = await soldOutPiece(app);
  expect((await askForAlert(app, piece.pageUrl, person.email, shopper)).statusCode).toBe(303);
  expect((await pressAlertConfirm(app, await alertConfirmToken(app, person.email), shopper)).statusCode).toBeLessThan(400);
  await signInFrom(SAFARI, person.email);
  const request = await recordAccountRequest(app.db, { kind: 'access', customerId: id, email: person.email, details: null }, now);
  await setFlags(app.db, person.email, ['objection-marketing'], now, request.id);

  const member = await signInAs(app, 'customer_service');
  const opened = await app.inject({ method: 'GET', url: `/admin/orders/${own.number}`, headers: { cookie: member.cookie } });
  expect(opened.statusCode).toBe(200);
  const staffRow = await app.db.selectFrom('staff').select(['name', 'email']).where('id', '=', member.staffId).executeTakeFirstOrThrow();

  const other = await registerAndVerify(app, { first_name: 'Dorothy', surname: 'Hodgkin', line1: '99 Parks Road', postcode: 'OX1 3PJ' });
  const otherShopper = await signInShopper(app, other.person.email);
  const theirs = await checkout(app, otherShopper);

  j = {
    customerId: id,
    email: person.email,
    shopper,
    request: request.reference,
    own: { number: own.number, total: await totalOf(own.number) },
    guest: { number: guest.number, total: await totalOf(guest.number) },
    staff: { id: member.staffId, ...staffRow },
    other: { email: other.person.email, number: theirs.number },
  };
});
afterAll(async () => shop?.close());

/** Everything the person entered, as the copy must show it. */
const enteredValues = () => [
  'Rosalind',
  'Franklin',
  'Rosie',
  j.email,
  '07700 900999',
  '14 Trumpington Street',
  'CB2 1QA',
  '3 Kings Parade',
  'Flat 2',
  'CB2 1SJ',
  '7 Mill Lane',
  'CB2 1RX',
  'Cambridge',
  j.own.number,
  j.guest.number,
  formatPence(j.own.total),
  formatPence(j.guest.total),
  'General Subscription',
  'Back-in-stock alert',
  deviceLabel(SAFARI),
  `Request ${j.request}`,
  FLAG_TEXT['objection-marketing'],
];

const decoded = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

describe(`Download my data (${testDialect})`, () => {
  it('shows the copy in Account Home with every value the customer entered and the role of the staff who looked, not who', async () => {
    const res = await j.shopper.get('/account/privacy/copy');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const html = decoded(res.body);
    expect(html).toContain('aria-current="page"'); // inside Account Home, on its Privacy tab
    expect(html).toMatch(/href="\/account\/privacy"[^>]*aria-current="page"/);
    expect(html).toContain('href="/account/privacy/copy.zip"');
    expect(html).toContain('Download as a file (zip)');
    for (const value of enteredValues()) expect(html, value).toContain(value);
    for (const title of [
      'Your profile',
      'Addresses',
      'Orders',
      'Your choices now',
      'Consent history',
      'Back-in-stock alerts',
      'Signed-in sessions',
      'E-mails we sent you that are still kept',
      'Who at the shop looked at your data',
      'Your privacy requests',
      'Enquiries',
    ])
      expect(html, title).toContain(title);
    expect(html).toContain('Customer service');
    expect(html).toContain(`Of which VAT (20 %)`);
    expect(html).toContain(formatPence(vatIncluded(j.own.total)));
    expect(html).not.toContain(j.staff.name);
    expect(html).not.toContain(j.staff.email);
    // Someone else's data is not in it.
    expect(html).not.toContain(j.other.email);
    expect(html).not.toContain('Hodgkin');
    expect(html).not.toContain('99 Parks Road');
    expect(html).not.toContain(j.other.number);
    // No inline script, and no fingerprint of a password.
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(html).not.toMatch(/\$argon2/);
    // Links in kept e-mails are shown without their keys: a copy passed on cannot confirm or open anything.
    expect(html).toContain('/alerts/confirm?token=(removed)');
    expect(html).not.toMatch(/[?&](token|key)=[A-Za-z0-9_-]{8,}/);
  });

  it('downloads the copy as a zip with a README, the page, the data as JSON and the orders as CSV', async () => {
    const res = await j.shopper.get('/account/privacy/copy.zip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assay-my-data-2026-11-23.zip"');
    expect(res.headers['cache-control']).toBe('no-store');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(files)).toEqual(['README.txt', 'copy.html', 'data.json', 'orders.csv', 'order-lines.csv']);
    const text = (name: string) => strFromU8(files[name] as Uint8Array);
    expect(text('README.txt')).toContain(shop.app.config.shop.name);
    expect(text('README.txt')).toContain('data.json');
    const page = decoded(text('copy.html'));
    for (const value of enteredValues()) expect(page, value).toContain(value);
    expect(page).not.toContain(j.staff.name);

    const data = JSON.parse(text('data.json')) as Record<string, Record<string, unknown>[]>;
    expect(data.orders?.map((o) => o.number).sort()).toEqual([j.own.number, j.guest.number].sort());
    expect(data.customer_addresses?.map((a) => a.line1)).toEqual(expect.arrayContaining(['14 Trumpington Street', '3 Kings Parade']));
    expect(data.customers?.[0]).not.toHaveProperty('password_hash');
    for (const rows of Object.values(data))
      for (const row of rows) for (const column of Object.keys(row)) expect(column).not.toMatch(/password_hash|token_hash|secret/);
    for (const log of data.audit_log ?? []) expect(log).not.toHaveProperty('actor_staff_id');

    const orders = text('orders.csv');
    expect(orders).toContain(j.own.number);
    expect(orders).toContain(j.guest.number);
    expect(orders).toContain('7 Mill Lane');
    expect(text('order-lines.csv')).toContain(j.own.number);
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    expect(everything).not.toContain(j.other.email);
    expect(everything).not.toContain(j.other.number);
  });

  it('escapes values a spreadsheet would run as a formula', async () => {
    const before = await makeCopy(shop.app.db, (await findPerson(shop.app.db, { customerId: j.customerId }))!, now);
    const orders = (before.data.orders ?? []).map((o) => ({ ...o, gift_message: '=HYPERLINK("http://evil.example")' }));
    const { zipOfCopy } = await import('../../src/features/privacy/copy.service.js');
    const files = unzipSync(new Uint8Array(await zipOfCopy({ ...before, data: { ...before.data, orders } }, 'Shop')));
    const csv = strFromU8(files['orders.csv'] as Uint8Array);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('records each copy in the audit trail, without the data and apart from the staff looks', async () => {
    const entries = await shop.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'own-copy')
      .where('subject_id', '=', String(j.customerId))
      .orderBy('id')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['export', 'export']);
    expect(entries.map((e) => e.reason)).toEqual([
      'The customer read their data in Account Home',
      'The customer downloaded their data as a zip from Account Home',
    ]);
    for (const e of entries) {
      expect(e.actor_role).toBe('customer');
      expect(e.actor_staff_id).toBeNull();
      expect(e.fields).toContain('orders');
      expect(JSON.stringify(e)).not.toContain('Trumpington');
    }
    // The "who looked" table on the Privacy page lists staff, not the customer's own copies.
    const privacy = await j.shopper.get('/account/privacy');
    expect(privacy.body).toContain('href="/account/privacy/copy"');
    expect(privacy.body).toContain('Free, and at once.');
    expect(privacy.body).toContain('Customer service');
    expect(privacy.body).not.toContain('Exported');
  });

  it('sends a signed-out visitor to sign in, for the page and for the zip', async () => {
    for (const url of ['/account/privacy/copy', '/account/privacy/copy.zip']) {
      const res = await new Shopper(shop.app).get(url);
      expect(res.statusCode, url).toBe(303);
      expect(String(res.headers.location), url).toMatch(/^\/account\/sign-in/);
      expect(res.body).not.toContain('Rosalind');
    }
  });

  it("makes a staff member's copy too: their account, and what they did in the back office", async () => {
    const person = await findPerson(shop.app.db, { staffId: j.staff.id });
    if (!person) throw new Error('no such member');
    const copy = await makeCopy(shop.app.db, person, now);
    const words = JSON.stringify(copy.sections);
    expect(words).toContain(j.staff.name);
    expect(words).toContain(j.staff.email);
    expect(copy.sections.map((s) => s.id)).toContain('staff-actions');
    expect(
      copy.sections
        .find((s) => s.id === 'staff-actions')
        ?.items.map((i) => i.heading)
        .join(' '),
    ).toContain(j.own.number);
    expect(copy.data.staff?.[0]).not.toHaveProperty('password_hash');
    expect(copy.data.staff?.[0]).not.toHaveProperty('totp_secret');
    expect(words).not.toContain('Rosalind');
  });

  it('limits the zip per network, so that it cannot be used to load the server', async () => {
    const limited = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '2' } });
    try {
      const { person } = await registerAndVerify(limited.app);
      const s = await signInShopper(limited.app, person.email);
      const statuses: number[] = [];
      let refused = '';
      for (let i = 0; i < 3; i++) {
        const res = await s.get('/account/privacy/copy.zip');
        statuses.push(res.statusCode);
        if (res.statusCode === 429) refused = res.body;
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(refused).toContain('Please slow down');
      expect(refused).not.toMatch(/at .*\.ts:\d+|stack/i);
      expect(refused).not.toContain(person.email);
    } finally {
      await limited.close();
    }
  });

  it("leaves out guest orders with the account's address while that address is not confirmed", async () => {
    const { person, confirm } = await registeredUnconfirmed(shop.app, { first_name: 'Unconfirmed', line1: '1 Unproven Way' });
    // Someone places a guest order with that address: the account's holder has not shown it is theirs.
    const guest = await checkout(shop.app, new Shopper(shop.app), { ...GUEST, email: person.email });
    const account = await findPerson(shop.app.db, { email: person.email });
    if (!account?.customerId) throw new Error('the account was not opened');
    const byAccount = { customerId: account.customerId, emails: [person.email], staffId: null };

    const unconfirmed = await makeCopy(shop.app.db, byAccount, now);
    expect(unconfirmed.data.customers?.map((c) => c.first_name)).toEqual(['Unconfirmed']);
    expect(unconfirmed.data.orders ?? []).toEqual([]);
    expect(JSON.stringify(unconfirmed.sections)).not.toContain(guest.number);

    // Once the address is confirmed, the same copy includes the guest order.
    await confirm();
    const confirmed = await makeCopy(shop.app.db, byAccount, now);
    expect(confirmed.data.orders?.map((o) => o.number)).toEqual([guest.number]);
    expect(JSON.stringify(confirmed.sections)).toContain(guest.number);
  });

  it('puts every declared personal value of the data into the readable copy, and every table into a section', async () => {
    const copy = await makeCopy(shop.app.db, (await findPerson(shop.app.db, { customerId: j.customerId }))!, now);
    const words = JSON.stringify(copy.sections);
    const declared = contracts.flatMap((c) => c.inventory.personal);
    let checked = 0;
    for (const [table, rows] of Object.entries(copy.data))
      for (const row of rows ?? [])
        for (const c of declared.filter((d) => d.table === table)) {
          const value = row[c.column];
          // Fingerprints are kept in data.json only: in words they would mean nothing; times are shown in UK words.
          if (typeof value !== 'string' || value === '' || /hash|subject_key|_at$/.test(c.column)) continue;
          if (c.column === 'html_body') continue;
          expect(words, `${table}.${c.column}`).toContain(JSON.stringify(value).slice(1, -1).slice(0, 40));
          checked++;
        }
    expect(checked).toBeGreaterThan(30);
    // The bag has no section of its own: it gets a plain one, like any table without one.
    expect(copy.data.bags?.length).toBeGreaterThan(0);
    expect(copy.sections.map((s) => s.id)).toContain('table-bags');
  });
});
