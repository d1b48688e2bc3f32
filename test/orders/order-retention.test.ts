import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_DETAILS_RETENTION, TAX_RECORD_RETENTION } from '../../src/features/orders/orders.inventory.js';
import { applyOrderRetention } from '../../src/features/orders/orders.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { checkout, payFor, registerAndVerify, signInShopper } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * Job `orders.retention`, with time moved forward: a finished order keeps the buyer's details
 * 180 days after its last change and is then anonymised, staying in the back office and the
 * account as a record; its tax record goes once 6 years have passed since the end of its
 * financial year (31 March by default, or the year end given).
 */
const DAY = 86_400_000;
const MARCH_31 = { month: 3, day: 31 };
const DECEMBER_31 = { month: 12, day: 31 };

let shop: TestShop;
let now = new Date('2026-03-31T12:00:00Z');
const at = (iso: string) => {
  now = new Date(iso);
  return now;
};
const plus = (iso: string, days: number, ms = 0) => new Date(Date.parse(iso) + days * DAY + ms);

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());

const GIFT = 'Happy birthday, Grace';
const order = (number: string) => shop.app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();

async function dispatch(number: string, tracking: string) {
  const staff = await signInAs(shop.app, 'fulfilment');
  const res = await adminPost(shop.app, staff.cookie, `/admin/dispatch/${number}`, `/admin/dispatch/${number}/dispatch`, { tracking });
  expect(res.statusCode).toBe(303);
  expect((await order(number))?.status).toBe('dispatched');
}

async function backOfficePage(number: string) {
  const cs = await signInAs(shop.app, 'customer_service');
  return shop.app.inject({ method: 'GET', url: `/admin/orders/${number}`, headers: { cookie: cs.cookie } });
}

// Orders placed on the edges of the financial year: 31 March 2026 (dispatched that day), and
// 1 April 2026 (dispatched on 10 April), by a customer signed in; and one paid but never dispatched.
type Placed = Awaited<ReturnType<typeof checkout>>;
let march: Placed;
let april: Placed;
let waiting: Placed;
let customer: { email: string };

describe(`retention of orders (${testDialect})`, () => {
  it('places, pays and dispatches orders either side of the financial year end', async () => {
    at('2026-03-31T12:00:00Z');
    const guest = new Shopper(shop.app);
    march = await checkout(shop.app, guest, { ...GUEST, email: 'ada.march@example.co.uk', gift_message: GIFT });
    await payFor(shop.app, guest, march.orderUrl);
    expect(await order(march.number)).toMatchObject({ gift_message: GIFT, status: 'paid' });
    await dispatch(march.number, 'AB111111111GB');

    at('2026-04-01T09:00:00Z');
    const { person } = await registerAndVerify(shop.app);
    customer = person;
    const signedIn = await signInShopper(shop.app, person.email);
    april = await checkout(shop.app, signedIn);
    await payFor(shop.app, signedIn, april.orderUrl);
    const other = new Shopper(shop.app);
    waiting = await checkout(shop.app, other, { ...GUEST, email: 'ada.waiting@example.co.uk' });
    await payFor(shop.app, other, waiting.orderUrl);
    at('2026-04-10T09:00:00Z');
    await dispatch(april.number, 'AB222222222GB');
    expect((await order(april.number))?.customer_id).not.toBeNull();
  });

  it("keeps a finished order's details 180 days from its last change, and anonymises them the day after", async () => {
    const kept = await applyOrderRetention(shop.app.db, plus('2026-03-31T12:00:00Z', 179), MARCH_31);
    expect(kept.anonymised).toBe(0);
    expect((await order(march.number))?.email).toBe('ada.march@example.co.uk');

    const done = await applyOrderRetention(shop.app.db, plus('2026-03-31T12:00:00Z', 181), MARCH_31);
    expect(done).toEqual({ anonymised: 1, deleted: 0 });
    const o = await order(march.number);
    expect(o).toMatchObject({
      first_name: '',
      surname: '',
      email: '',
      phone: '',
      billing_line1: '',
      billing_line2: null,
      billing_city: '',
      billing_postcode: '',
      delivery_first_name: '',
      delivery_surname: '',
      delivery_line1: '',
      delivery_city: '',
      delivery_postcode: '',
      gift_message: null,
      tracking_number: null,
      status: 'dispatched',
      created_at: '2026-03-31T12:00:00.000Z',
      delivery_country: 'GB',
    });
    expect(o?.total_pence).toBeGreaterThan(0);
    expect(o?.anonymised_at).toBe(plus('2026-03-31T12:00:00Z', 181).toISOString());
    const events = await shop.app.db
      .selectFrom('order_events')
      .select('detail')
      .where('order_id', '=', o?.id ?? 0)
      .execute();
    expect(events.length).toBeGreaterThan(2);
    for (const e of events) expect(e.detail).toMatch(/ \(details removed\)$/);
    expect(events.map((e) => e.detail).join(' ')).not.toContain('AB111111111GB');
    const attempts = await shop.app.db
      .selectFrom('payment_attempts')
      .selectAll()
      .where('order_id', '=', o?.id ?? 0)
      .execute();
    expect(attempts).toMatchObject([{ status: 'OK', vps_tx_id: null, tx_auth_no: null, status_detail: null }]);
    expect(attempts[0]?.amount_pence).toBe(o?.total_pence);
    const lines = await shop.app.db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', o?.id ?? 0)
      .execute();
    expect(lines.length).toBe(1);

    // The order dispatched on 10 April, and the one paid but never dispatched, still have theirs.
    expect((await order(april.number))?.anonymised_at).toBeNull();
    expect((await order(waiting.number))?.email).toBe('ada.waiting@example.co.uk');
    expect((await applyOrderRetention(shop.app.db, plus('2026-04-10T09:00:00Z', 179), MARCH_31)).anonymised).toBe(0);
    expect((await applyOrderRetention(shop.app.db, plus('2026-04-10T09:00:00Z', 181), MARCH_31)).anonymised).toBe(1);
    expect(await order(april.number)).toMatchObject({ email: '', billing_line1: '', anonymised_at: expect.any(String) });
    // Retention leaves the order on the account, as a record.
    expect((await order(april.number))?.customer_id).not.toBeNull();
    expect((await order(waiting.number))?.email).toBe('ada.waiting@example.co.uk');
  });

  it('still shows an anonymised order in the back office and in the account, without the details', async () => {
    at('2026-10-20T10:00:00Z');
    const page = await backOfficePage(march.number);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(march.number);
    for (const gone of ['ada.march@example.co.uk', GUEST.billing_line1, GUEST.phone, GIFT, 'AB111111111GB', 'Lovelace']) {
      expect(page.body).not.toContain(gone);
    }
    const lines = await shop.app.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select('l.product_name')
      .where('o.number', '=', march.number)
      .execute();
    expect(page.body).toContain(lines[0]?.product_name.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    // Said, not left as empty fields: no blank e-mail link, no empty address.
    expect(page.body).toMatch(/addresses and contact details were removed on/);
    expect(page.body).not.toContain('href="mailto:"');

    const me = await signInShopper(shop.app, customer.email);
    const list = await me.get('/account/orders');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(april.number);
    const detail = await me.get(`/account/orders/${april.number}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(april.number);
    expect(detail.body).not.toContain('AB222222222GB');
    const account = await shop.app.db.selectFrom('customers').selectAll().where('email', '=', customer.email).executeTakeFirstOrThrow();
    expect(detail.body).not.toContain(`${customer.email} ·`);
    expect(detail.body).not.toContain(account.phone);
    expect(detail.body).toMatch(/Removed on <time[^>]*>[^<]+<\/time>, as our privacy policy says/);
  });

  it('deletes the tax record only once 6 years have passed since the end of its financial year', async () => {
    // With a year end of 31 December, the order of 31 March 2026 is in the year to 31 December 2026: kept until 2032-12-31.
    expect((await applyOrderRetention(shop.app.db, new Date('2032-04-01T12:00:00Z'), DECEMBER_31)).deleted).toBe(0);
    expect(await order(march.number)).toBeDefined();

    // 31 March 2026 is the last day of the year to 31 March 2026: kept to the end of 31 March 2032 (UK time).
    expect((await applyOrderRetention(shop.app.db, new Date('2032-03-31T22:59:59Z'), MARCH_31)).deleted).toBe(0);
    expect(await order(march.number)).toBeDefined();
    expect((await applyOrderRetention(shop.app.db, new Date('2032-03-31T23:00:01Z'), MARCH_31)).deleted).toBe(1);
    const marchGone = await order(march.number);
    expect(marchGone).toBeUndefined();

    // The order of 1 April 2026 (last changed on 10 April) is in the next year: kept until 31 March 2033.
    expect((await applyOrderRetention(shop.app.db, new Date('2033-03-31T12:00:00Z'), MARCH_31)).deleted).toBe(0);
    const aprilRow = await order(april.number);
    expect(aprilRow).toBeDefined();
    expect((await applyOrderRetention(shop.app.db, new Date('2033-04-01T12:00:00Z'), MARCH_31)).deleted).toBe(2);
    expect(await order(april.number)).toBeUndefined();
    expect(await order(waiting.number)).toBeUndefined();
    for (const table of ['order_lines', 'order_events', 'payment_attempts'] as const) {
      expect(
        await shop.app.db
          .selectFrom(table)
          .select('id')
          .where('order_id', '=', aprilRow?.id ?? 0)
          .execute(),
      ).toEqual([]);
    }
  });

  it('says exactly this on /privacy', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/privacy' });
    const text = res.body
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
    expect(text).toContain(ORDER_DETAILS_RETENTION.text);
    expect(text).toContain(TAX_RECORD_RETENTION.text);
    expect(ORDER_DETAILS_RETENTION.text).toMatch(
      /^180 days after your order's last step \(dispatch, delivery or refund\), for returns and card disputes/,
    );
    expect(TAX_RECORD_RETENTION.text).toMatch(/^6 years from the end of our financial year/);
    expect(text).not.toContain('6 years from the order');
  });
});
