import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RECONCILE_AFTER_MINUTES } from '../../src/features/orders/orders.domain.js';
import { releaseExpiredReservations } from '../../src/features/orders/orders.service.js';
import { buildResultCrypt, decryptCrypt, parsePairs } from '../../src/features/payments/opayo.js';
import type { Role } from '../../src/features/staff/staff.domain.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { formBody } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, openAdminForm, signInAs } from '../support/staff.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let shop: TestShop;
// Time only moves forward, a day per test, so each test starts a fresh shop day.
let now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  // Many orders from one address, several left unpaid: neither the rate limits nor the limit on
  // unpaid orders per buyer (tested in test/checkout/hoarding.test.ts) is what these tests are about.
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date(Math.floor(now.getTime() / DAY) * DAY + DAY + 10 * HOUR);
});

/** A different delivery address, so that what fulfilment sees can be told apart from the billing address. */
const DELIVERY = {
  same_address: '',
  delivery_first_name: 'Grace',
  delivery_surname: 'Hopper',
  delivery_line1: '12 Arlington Row',
  delivery_line2: '',
  delivery_city: 'Bibury',
  delivery_postcode: 'gl7 5np',
  gift_message: 'Happy birthday, with love',
};

let nextVariant = 0;

interface Piece {
  variantId: number;
  fields: Record<string, string>;
}

/** A demo variant no other test has used, with its stock set as the test needs. */
async function piece(stock: number): Promise<Piece> {
  const v = await shop.app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .offset(nextVariant++ * 5)
    .limit(1)
    .executeTakeFirstOrThrow();
  await shop.app.db.updateTable('variants').set({ stock }).where('id', '=', v.id).execute();
  await shop.app.catalog.invalidate();
  const fields: Record<string, string> = { product: v.slug, metal: v.metal, quantity: '1' };
  if (v.ring_size) fields.size = v.ring_size;
  if (v.chain_length_in) fields.length = String(v.chain_length_in);
  return { variantId: v.id, fields };
}

async function stockOf(variantId: number): Promise<number> {
  return (await shop.app.db.selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
}

interface Placed {
  number: string;
  vendorTxCode: string;
  email: string;
  surname: string;
  variantId: number;
  pay(): Promise<string>;
}

/** A guest checks out through the real routes; pay() brings back the result Opayo would send and returns its VPSTxId. */
async function placeOrder(stockOrPiece: number | Piece = 3): Promise<Placed> {
  const p = typeof stockOrPiece === 'number' ? await piece(stockOrPiece) : stockOrPiece;
  const tag = randomBytes(3).toString('hex');
  const email = `ada.${tag}@example.co.uk`;
  const surname = `Lovelace${tag}`;
  const shopper = new Shopper(shop.app);
  const bag = await shopper.follow(await shopper.post('/bag/items', p.fields));
  const checkoutHref = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&') as string;
  const form = await shopper.get(checkoutHref);
  const placed = await shopper.post('/checkout', { ...Shopper.formFields(form.body, '/checkout'), ...GUEST, ...DELIVERY, email, surname });
  expect(placed.statusCode, placed.body.slice(0, 400)).toBe(303);
  const orderUrl = String(placed.headers.location);
  const page = await shopper.get(orderUrl);
  const crypt = Shopper.formFields(page.body, shop.config.payments.gatewayUrl).Crypt as string;
  const asked = parsePairs(decryptCrypt(crypt, shop.config.payments.encryptionPassword));
  const number = orderUrl.match(/\/orders\/([A-Z0-9-]+)/)?.[1] as string;
  return {
    number,
    vendorTxCode: asked.get('VendorTxCode') as string,
    email,
    surname,
    variantId: p.variantId,
    async pay() {
      const vpsTxId = `{${randomUUID().toUpperCase()}}`;
      const fields = {
        VPSProtocol: '4.00',
        TxType: 'PAYMENT',
        VendorTxCode: asked.get('VendorTxCode') as string,
        VPSTxId: vpsTxId,
        Status: 'OK',
        StatusDetail: '0000 : The Authorisation was Successful.',
        Amount: asked.get('Amount') as string,
        TxAuthNo: '9145',
      };
      const res = await shopper.get(`/checkout/opayo/success?crypt=${buildResultCrypt(fields, shop.config.payments.encryptionPassword)}`);
      expect(res.statusCode).toBe(303);
      expect((await orderRow(number)).status).toBe('paid');
      return vpsTxId;
    },
  };
}

async function paidOrder(stock = 3) {
  const o = await placeOrder(stock);
  const vpsTxId = await o.pay();
  return { ...o, vpsTxId };
}

async function orderRow(number: string) {
  return shop.app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
}

async function outbox(number: string, kind: string) {
  return shop.app.db.selectFrom('mail_outbox').selectAll().where('reference', '=', number).where('kind', '=', kind).execute();
}

async function auditRows(subjectType: string, subjectId?: string) {
  let q = shop.app.db.selectFrom('audit_log').selectAll().where('subject_type', '=', subjectType);
  if (subjectId) q = q.where('subject_id', '=', subjectId);
  return q.orderBy('id').execute();
}

const get = (cookie: string, url: string) => shop.app.inject({ method: 'GET', url, headers: { cookie } });

/** Posts a form with a valid CSRF token, as a role that may not even open the page the form is on. */
async function postAs(cookie: string, url: string, fields: Record<string, string>) {
  const { csrf, cookie: jar } = await openAdminForm(shop.app, cookie, '/admin/account');
  return shop.app.inject({
    method: 'POST',
    url,
    headers: { cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ _csrf: csrf, ...fields }),
  });
}

const staff = async (role: Role) => (await signInAs(shop.app, role)).cookie;

describe(`the order list (${testDialect})`, () => {
  it('lists orders newest first with no customer details, and searches and filters them', async () => {
    const older = await paidOrder();
    now = new Date(now.getTime() + 5 * 60_000);
    const newer = await placeOrder();
    const cs = await staff('customer_service');
    const auditBefore = (await shop.app.db.selectFrom('audit_log').select('id').execute()).length;

    const list = await get(cs, '/admin/orders');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('aria-current="page">Orders');
    const at = (n: string) => list.body.indexOf(`>${n}</a>`);
    expect(at(newer.number)).toBeGreaterThan(-1);
    expect(at(older.number)).toBeGreaterThan(at(newer.number));
    for (const o of [older, newer]) {
      expect(list.body).not.toContain(o.email);
      expect(list.body).not.toContain(o.surname);
    }
    expect(list.body).not.toContain('Arlington Row');
    // Browsing a list that shows nobody is not recorded.
    expect((await shop.app.db.selectFrom('audit_log').select('id').execute()).length).toBe(auditBefore);

    const paid = await get(cs, '/admin/orders?status=paid');
    expect(paid.body).toContain(older.number);
    expect(paid.body).not.toContain(newer.number);

    const awaiting = await get(cs, '/admin/orders?status=awaiting_payment');
    expect(awaiting.body).toContain(newer.number);
    expect(awaiting.body).not.toContain(older.number);

    // By number: the whole number, or its start typed loosely.
    const exact = await get(cs, `/admin/orders?q=${older.number}`);
    expect(exact.body).toContain(older.number);
    expect(exact.body).not.toContain(newer.number);
    const loose = await get(cs, `/admin/orders?q=${older.number.slice(3, 7).toLowerCase()}`);
    expect(loose.statusCode).toBe(200);
    expect(loose.body).toContain(older.number);

    const bad = await get(cs, '/admin/orders?q=%25%25%25');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('An order number looks like AS-7K3M9Q');
    expect(bad.body).toContain('value="%%%"');

    // Dates: only today's orders, and nothing from tomorrow.
    const today = now.toISOString().slice(0, 10);
    const tomorrow = new Date(now.getTime() + DAY).toISOString().slice(0, 10);
    expect((await get(cs, `/admin/orders?from=${today}&to=${today}`)).body).toContain(older.number);
    const none = await get(cs, `/admin/orders?from=${tomorrow}`);
    expect(none.body).toContain('No orders match');
    expect((await get(cs, '/admin/orders?from=23-11-2026')).statusCode).toBe(400);
    expect((await get(cs, '/admin/orders?status=lost')).statusCode).toBe(400);

    // By e-mail or surname: recorded, with the query kept only as a hash.
    const byEmail = await get(cs, `/admin/orders?by=email&q=${encodeURIComponent(older.email.toUpperCase())}`);
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.body).toContain(older.number);
    expect(byEmail.body).not.toContain(newer.number);
    const bySurname = await get(cs, `/admin/orders?by=surname&q=${newer.surname.toLowerCase()}`);
    expect(bySurname.body).toContain(newer.number);
    expect(bySurname.body).not.toContain(older.number);
    const searches = await auditRows('order_search');
    expect(searches.map((s) => s.fields)).toEqual(['email', 'surname']);
    expect(searches.every((s) => s.action === 'view')).toBe(true);
    for (const s of searches) {
      expect(s.subject_id).not.toContain('@');
      expect(s.subject_id.toLowerCase()).not.toContain('lovelace');
    }
    expect((await get(cs, '/admin/orders?by=email&q=ada')).statusCode).toBe(400);
  });

  it('gives fulfilment a packing list of paid orders, oldest first, searchable by number only', async () => {
    const first = await paidOrder();
    now = new Date(now.getTime() + 60_000);
    const second = await paidOrder();
    const unpaid = await placeOrder();
    const fulfilment = await staff('fulfilment');
    const list = await get(fulfilment, '/admin/dispatch');
    expect(list.statusCode).toBe(200);
    expect(list.body.indexOf(first.number)).toBeGreaterThan(-1);
    expect(list.body.indexOf(second.number)).toBeGreaterThan(list.body.indexOf(first.number));
    expect(list.body).not.toContain(unpaid.number);
    expect(list.body).toContain('href="/admin/dispatch"');
    expect(list.body).not.toContain('href="/admin/orders"');
    expect((await get(fulfilment, `/admin/dispatch?q=${second.number}`)).body).not.toContain(first.number);
    const byEmail = await get(fulfilment, `/admin/dispatch?by=email&q=${encodeURIComponent(first.email)}`);
    expect(byEmail.statusCode).toBe(400);
    expect(byEmail.body).toContain('order number only');
    expect((await get(fulfilment, '/admin/dispatch?status=cancelled')).statusCode).toBe(400);
  });
});

describe(`one order (${testDialect})`, () => {
  it('shows customer service everything, and records the look', async () => {
    const o = await paidOrder();
    const cs = await signInAs(shop.app, 'customer_service');
    const res = await get(cs.cookie, `/admin/orders/${o.number}`);
    expect(res.statusCode).toBe(200);
    for (const text of [
      o.email,
      '07700 900123',
      '88 Vyse Street',
      'B18 6NF',
      '12 Arlington Row',
      'GL7 5NP',
      'Happy birthday, with love',
      o.vendorTxCode,
      o.vpsTxId,
      '0000 : The Authorisation was Successful.',
      'Includes VAT at 20 %',
      'Order placed; stock reserved',
      'Royal Mail Tracked 48',
    ]) {
      expect(res.body, text).toContain(text);
    }
    const views = await auditRows('order', o.number);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ action: 'view', actor_staff_id: cs.staffId, actor_role: 'customer_service' });
    expect(views[0]?.fields.split(',')).toEqual(
      expect.arrayContaining(['email', 'phone', 'billing_line1', 'delivery_line1', 'gift_message']),
    );

    expect((await get(cs.cookie, '/admin/orders/AS-000000')).statusCode).toBe(404);
    expect((await get(cs.cookie, '/admin/orders/not-a-number')).statusCode).toBe(404);
  });

  it('shows fulfilment only what it takes to pack and post, and records just that', async () => {
    const o = await paidOrder();
    const fulfilment = await signInAs(shop.app, 'fulfilment');
    const res = await get(fulfilment.cookie, `/admin/dispatch/${o.number}`);
    expect(res.statusCode).toBe(200);
    for (const text of ['Grace Hopper', '12 Arlington Row', 'Bibury', 'GL7 5NP', 'Happy birthday, with love', 'Royal Mail Tracked 48']) {
      expect(res.body, text).toContain(text);
    }
    for (const text of [o.email, '07700 900123', '0770', '88 Vyse Street', 'Birmingham', 'B18 6NF', o.surname, o.vpsTxId]) {
      expect(res.body, text).not.toContain(text);
    }
    const [view] = await auditRows('order', o.number);
    expect(view?.actor_staff_id).toBe(fulfilment.staffId);
    expect(view?.fields.split(',').sort()).toEqual(
      [
        'delivery_first_name',
        'delivery_surname',
        'delivery_line1',
        'delivery_line2',
        'delivery_city',
        'delivery_postcode',
        'gift_message',
      ].sort(),
    );

    // Neither the full order nor the customer-service actions.
    for (const url of ['/admin/orders', `/admin/orders/${o.number}`, '/admin/orders/reconcile']) {
      const r = await get(fulfilment.cookie, url);
      expect(r.statusCode, url).toBe(403);
      expect(r.body).toContain('Not part of your role');
    }
    expect((await postAs(fulfilment.cookie, `/admin/orders/${o.number}/cancel`, { reason: 'Customer asked' })).statusCode).toBe(403);
    expect((await postAs(fulfilment.cookie, `/admin/orders/${o.number}/refund`, { amount: '1.00' })).statusCode).toBe(403);
    expect((await orderRow(o.number)).status).toBe('paid');
  });

  it('keeps customer service from dispatching, and marketing out of orders altogether', async () => {
    const o = await paidOrder();
    const cs = await staff('customer_service');
    expect((await get(cs, '/admin/dispatch')).statusCode).toBe(403);
    expect((await postAs(cs, `/admin/dispatch/${o.number}/dispatch`, { tracking: 'AB123456789GB' })).statusCode).toBe(403);
    const page = await get(cs, `/admin/orders/${o.number}`);
    expect(page.body).not.toContain(`action="/admin/dispatch/${o.number}/dispatch"`);
    expect(page.body).toContain(`action="/admin/orders/${o.number}/cancel"`);

    const marketing = await staff('marketing');
    for (const url of [
      '/admin/orders',
      '/admin/dispatch',
      `/admin/orders/${o.number}`,
      `/admin/dispatch/${o.number}`,
      '/admin/orders/reconcile',
    ]) {
      expect((await get(marketing, url)).statusCode, url).toBe(403);
    }
    const dashboard = await get(marketing, '/admin');
    expect(dashboard.body).not.toContain('href="/admin/orders"');
    expect(dashboard.body).not.toContain('href="/admin/dispatch"');
    expect((await orderRow(o.number)).status).toBe('paid');
  });
});

describe(`order actions (${testDialect})`, () => {
  it('dispatches with a checked tracking number, e-mails it, then marks delivered', async () => {
    const o = await paidOrder();
    const fulfilment = await staff('fulfilment');
    const page = `/admin/dispatch/${o.number}`;
    const action = `/admin/dispatch/${o.number}/dispatch`;

    const bad = await adminPost(shop.app, fulfilment, page, action, { tracking: 'AB12', from: 'dispatch' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="tracking-error"');
    expect(bad.body).toContain('A tracking number is 8 to 30 letters and digits');
    expect(bad.body).toContain('value="AB12"');
    expect(bad.body).not.toContain(o.email);
    const symbols = await adminPost(shop.app, fulfilment, page, action, { tracking: 'AB-123-456-789', from: 'dispatch' });
    expect(symbols.statusCode).toBe(400);
    const unchanged = await orderRow(o.number);
    expect(unchanged).toMatchObject({ status: 'paid', tracking_number: null, dispatched_at: null });
    expect(await outbox(o.number, 'order-dispatch')).toEqual([]);

    const ok = await adminPost(shop.app, fulfilment, page, action, { tracking: 'ab 1234 5678 9gb', from: 'dispatch' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/admin/dispatch/${o.number}?done=dispatched`);
    expect(await orderRow(o.number)).toMatchObject({
      status: 'dispatched',
      tracking_number: 'AB123456789GB',
      dispatched_at: now.toISOString(),
    });
    const [mail] = await outbox(o.number, 'order-dispatch');
    expect(mail?.to_address).toBe(o.email);
    expect(mail?.text_body).toContain('Tracking number: AB123456789GB');
    const done = await get(fulfilment, String(ok.headers.location));
    expect(done.body).toContain('Marked dispatched');
    expect(done.body).toContain('AB123456789GB');
    const change = (await auditRows('order', o.number)).filter((a) => a.action === 'change');
    expect(change).toHaveLength(1);
    expect(change[0]?.fields.split(',')).toEqual(expect.arrayContaining(['status', 'tracking_number', 'dispatched_at']));

    // Dispatching twice is refused by the service, shown as a notice.
    const again = await postAs(fulfilment, action, { tracking: 'CD987654321GB', from: 'dispatch' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Only a paid order that has not been dispatched can be marked dispatched.');
    expect((await orderRow(o.number)).tracking_number).toBe('AB123456789GB');

    const delivered = await adminPost(shop.app, fulfilment, page, `/admin/dispatch/${o.number}/delivered`, { from: 'dispatch' });
    expect(delivered.statusCode).toBe(303);
    expect((await orderRow(o.number)).status).toBe('delivered');
  });

  it('cancels with a reason, hands the stock back and e-mails the customer', async () => {
    const o = await paidOrder(3);
    expect(await stockOf(o.variantId)).toBe(2);
    const cs = await staff('customer_service');
    const page = `/admin/orders/${o.number}`;
    const action = `/admin/orders/${o.number}/cancel`;

    const blank = await adminPost(shop.app, cs, page, action, { reason: '  ', from: 'orders' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('id="reason-error"');
    expect(blank.body).toContain('Please say why the order is being cancelled.');
    expect((await orderRow(o.number)).status).toBe('paid');

    const ok = await adminPost(shop.app, cs, page, action, { reason: 'Customer changed their mind by phone', from: 'orders' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/admin/orders/${o.number}?done=cancelled`);
    expect((await orderRow(o.number)).status).toBe('cancelled');
    expect(await stockOf(o.variantId)).toBe(3);
    const [mail] = await outbox(o.number, 'order-cancellation');
    expect(mail?.text_body).toContain('will be refunded');
    expect(mail?.text_body).not.toContain('changed their mind');
    const [change] = (await auditRows('order', o.number)).filter((a) => a.action === 'change');
    expect(change).toMatchObject({ reason: 'Customer changed their mind by phone' });
    expect(change?.fields.split(',')).toContain('status');
    const shown = await get(cs, String(ok.headers.location));
    expect(shown.body).toContain('Cancelled: Customer changed their mind by phone');

    const twice = await postAs(cs, action, { reason: 'Again', from: 'orders' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Only an order awaiting payment or paid');
  });

  it('records a partial refund, then the rest, and refuses more than was paid', async () => {
    const o = await paidOrder();
    const { total_pence: total } = await orderRow(o.number);
    const manager = await staff('manager');
    const page = `/admin/orders/${o.number}`;
    const action = `/admin/orders/${o.number}/refund`;
    const pounds = (p: number) => (p / 100).toFixed(2);
    const money = (p: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(p / 100);

    const tooMuch = await adminPost(shop.app, manager, page, action, { amount: pounds(total + 1), note: '', from: 'orders' });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain('id="amount-error"');
    expect(tooMuch.body).toContain(`more than is left to refund on this order (${money(total)})`);
    expect(tooMuch.body).toContain(`value="${pounds(total + 1)}"`);
    for (const amount of ['', 'twelve', '12.345', '-5', '0']) {
      const r = await adminPost(shop.app, manager, page, action, { amount, from: 'orders' });
      expect(r.statusCode, amount).toBe(400);
    }
    expect((await orderRow(o.number)).refunded_pence).toBe(0);

    const part = 1_000;
    const first = await adminPost(shop.app, manager, page, action, {
      amount: `£${pounds(part)}`,
      note: 'Engraving fee returned',
      from: 'orders',
    });
    expect(first.statusCode).toBe(303);
    expect(await orderRow(o.number)).toMatchObject({ refunded_pence: part, status: 'paid' });
    const after = await get(manager, page);
    expect(after.body).toContain('Refund recorded');
    expect(after.body).toContain(`Up to ${money(total - part)} is left to refund.`);

    const over = await adminPost(shop.app, manager, page, action, { amount: pounds(total - part + 1), from: 'orders' });
    expect(over.statusCode).toBe(400);
    const rest = await adminPost(shop.app, manager, page, action, { amount: pounds(total - part), from: 'orders' });
    expect(rest.statusCode).toBe(303);
    expect(await orderRow(o.number)).toMatchObject({ refunded_pence: total, status: 'refunded' });
    const changes = (await auditRows('order', o.number)).filter((a) => a.action === 'change');
    expect(changes.map((c) => c.fields)).toEqual(['refunded_pence', expect.stringContaining('status')]);
    expect((await get(manager, page)).body).not.toContain(`action="${action}"`);
  });
});

describe(`reconciliation and the dashboard (${testDialect})`, () => {
  it('lists orders with no payment result after an hour, records a payment found in MyOpayo, and counts it all on the dashboard', async () => {
    const figure = (html: string, label: string) => Number(html.match(new RegExp(`<span class="figure">(\\d+)</span> ${label}`))?.[1]);
    const dashboard = async () => (await get(await staff('manager'), '/admin')).body;
    const before = await dashboard();
    const waiting = await placeOrder(3);
    now = new Date(now.getTime() + 30 * 60_000);
    expect(figure(await dashboard(), 'orders to reconcile')).toBe(figure(before, 'orders to reconcile'));
    now = new Date(now.getTime() + 31 * 60_000);
    const fresh = await placeOrder();
    const paidNow = await paidOrder();
    const board = await dashboard();
    expect(figure(board, 'orders to reconcile')).toBe(figure(before, 'orders to reconcile') + 1);
    expect(figure(board, 'orders to dispatch')).toBe(figure(before, 'orders to dispatch') + 1);
    expect(figure(board, 'orders today')).toBe(1);
    expect(figure(board, 'e-mails waiting to send')).toBeGreaterThanOrEqual(1);

    const cs = await staff('customer_service');
    const list = await get(cs, '/admin/orders/reconcile');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(waiting.number);
    expect(list.body).toContain(waiting.vendorTxCode);
    expect(list.body).toContain('waiting 61 minutes');
    expect(list.body).not.toContain(fresh.number);
    expect(list.body).not.toContain(paidNow.number);
    expect(list.body).not.toContain(waiting.email);

    const action = `/admin/orders/${waiting.number}/payment`;
    const bad = await adminPost(shop.app, cs, '/admin/orders/reconcile', action, { vps_tx_id: '12345', from: 'reconcile' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("That doesn't look like a VPSTxId.");
    expect(bad.body).toContain('value="12345"');
    expect((await orderRow(waiting.number)).status).toBe('awaiting_payment');

    const guid = randomUUID().toLowerCase();
    const ok = await adminPost(shop.app, cs, '/admin/orders/reconcile', action, { vps_tx_id: guid, from: 'reconcile' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/admin/orders/reconcile?done=paid&order=${waiting.number}`);
    expect((await orderRow(waiting.number)).status).toBe('paid');
    const attempt = await shop.app.db
      .selectFrom('payment_attempts')
      .select(['status', 'vps_tx_id'])
      .where('vendor_tx_code', '=', waiting.vendorTxCode)
      .executeTakeFirstOrThrow();
    expect(attempt).toEqual({ status: 'OK', vps_tx_id: `{${guid.toUpperCase()}}` });
    const [mail] = await outbox(waiting.number, 'order-confirmation');
    expect(mail?.to_address).toBe(waiting.email);
    const back = await get(cs, String(ok.headers.location));
    expect(back.body).toContain(`${waiting.number}: Payment recorded.`);
    expect(back.body).not.toContain(`action="${action}"`);

    const twice = await postAs(cs, action, { vps_tx_id: guid, from: 'reconcile' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Only an order awaiting payment can be marked paid.');

    const fulfilment = await get(await staff('fulfilment'), '/admin');
    expect(fulfilment.body).not.toContain('orders to reconcile');
    expect(fulfilment.body).not.toContain('e-mails waiting to send');
  });

  it('flags a paid order whose stock had gone by the time the payment came back', async () => {
    const last = await piece(1);
    const o = await placeOrder(last);
    // The reservation lapses (as the job does it), someone else buys the last one, then the first payment arrives.
    now = new Date(now.getTime() + (RECONCILE_AFTER_MINUTES + 1) * 60_000);
    await releaseExpiredReservations(shop.app.db, now, RECONCILE_AFTER_MINUTES);
    await placeOrder(last);
    expect(await stockOf(last.variantId)).toBe(0);
    await o.pay();
    expect((await orderRow(o.number)).stock_short).toBe(1);
    const cs = await staff('customer_service');
    const list = await get(cs, '/admin/orders/reconcile');
    expect(list.body).toContain('Paid, but the stock had gone');
    expect(list.body).toContain(`href="/admin/orders/${o.number}"`);
    expect((await get(cs, `/admin/orders/${o.number}`)).body).toContain('Contact the customer');
    expect((await get(await staff('fulfilment'), `/admin/dispatch/${o.number}`)).body).toContain("Don't pack it yet");
  });
});
