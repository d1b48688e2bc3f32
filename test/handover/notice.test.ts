import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOrderRetention } from '../../src/features/orders/orders.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { checkout, payFor, registerAndVerify } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * The notice that the business changes hands: it goes to each account holder and to each guest
 * buyer whose details are still held, once per address however it was typed; not to a guest whose
 * order was anonymised, nor as a guest to an account holder. A second send is refused unless the
 * owner ticks "Send it again", and the page says when it was last sent and to how many.
 */

const DAY = 86_400_000;
let now = new Date('2026-01-05T10:00:00Z');
let shop: TestShop;

beforeAll(async () => {
  shop = await buildTestShop({
    clock: () => now,
    env: { FORM_RATE_LIMIT: '100000', UNPAID_ORDERS_PER_BUYER: '1000', SEED_DEMO: 'true' },
  });
});
afterAll(async () => shop?.close());

const FIELDS = { newOwner: 'Hatton Garden Gems Ltd', transferDate: '2027-01-31' };
const queued = () =>
  shop.app.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('kind', '=', 'business-transfer').execute();

async function guestOrder(email: string, paid = true) {
  const guest = new Shopper(shop.app);
  const placed = await checkout(shop.app, guest, { ...GUEST, email });
  if (paid) await payFor(shop.app, guest, placed.orderUrl);
  return placed;
}

describe(`the notice to customers of a change of owner (${testDialect})`, () => {
  let holder: string;

  it('is sent to the account holder and to the guest once, not to the guest whose order was anonymised', async () => {
    // A guest whose order finished long ago: its details are removed by the order retention.
    const gone = await guestOrder('gone.guest@example.co.uk');
    const fulfilment = await signInAs(shop.app, 'fulfilment');
    const dispatched = await adminPost(
      shop.app,
      fulfilment.cookie,
      `/admin/dispatch/${gone.number}`,
      `/admin/dispatch/${gone.number}/dispatch`,
      {
        tracking: 'AB111111111GB',
      },
    );
    expect(dispatched.statusCode).toBe(303);
    now = new Date(now.getTime() + 200 * DAY);
    expect((await applyOrderRetention(shop.app.db, now)).anonymised).toBe(1);

    const { person } = await registerAndVerify(shop.app, { email: 'holder@example.co.uk' });
    holder = person.email;
    // The same guest twice, the second time typed differently; and the account holder once as a guest.
    await guestOrder('twice.guest@example.co.uk');
    await guestOrder('Twice.Guest@Example.co.uk', false);
    await guestOrder('HOLDER@example.co.uk');
    const guestRows = await shop.app.db.selectFrom('orders').select('email').where('customer_id', 'is', null).execute();
    expect(guestRows.filter((r) => r.email.toLowerCase() === 'twice.guest@example.co.uk')).toHaveLength(2);

    const owner = await signInAs(shop.app, 'owner');
    const customers = (await shop.app.db.selectFrom('customers').select('email').execute()).map((c) => c.email.toLowerCase());
    expect(customers).toContain(holder);
    const preview = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export/notice', FIELDS);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain(`Send it to ${customers.length + 1} people (${customers.length} account holders, 1 guest buyers)`);
    expect(preview.body).toContain('The details of the orders you placed with us');
    expect(preview.body).not.toContain('Send it again');

    const sent = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export/notice/send', FIELDS);
    expect(sent.statusCode).toBe(303);
    const mails = await queued();
    const to = mails.map((m) => m.to_address.toLowerCase()).sort();
    expect(to).toEqual([...customers, 'twice.guest@example.co.uk'].sort());
    expect(to).not.toContain('gone.guest@example.co.uk');
    expect(mails.find((m) => m.to_address.toLowerCase() === holder)!.text_body).toContain('Forgotten your password?');
    const guestMail = mails.find((m) => m.to_address.toLowerCase() === 'twice.guest@example.co.uk')!;
    expect(guestMail.text_body).toContain('The details of the orders you placed with us');
    expect(guestMail.text_body).not.toContain('Forgotten your password?');

    const audit = await shop.app.db.selectFrom('audit_log').select('reason').where('subject_type', '=', 'handover-notice').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toContain(`queued to ${customers.length} account holders and 1 guest buyers`);
    expect(audit[0]!.reason).not.toContain('twice.guest');
  });

  it('says when it was last sent and to how many, and refuses a second send unless "Send it again" is ticked', async () => {
    const owner = await signInAs(shop.app, 'owner');
    const before = (await queued()).length;
    const page = await shop.app.inject({ method: 'GET', url: '/admin/export', headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Last sent on`);
    expect(page.body).toContain(`to ${before} people`);
    const preview = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export/notice', FIELDS);
    expect(preview.body).toContain('name="again"');

    const refused = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export/notice/send', FIELDS);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The notice was already sent on');
    expect(refused.body).toContain('tick &quot;Send it again&quot;');
    expect(await queued()).toHaveLength(before);
    const notTicked = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export/notice/send', { ...FIELDS, again: 'no' });
    expect(notTicked.statusCode).toBe(400);
    expect(await queued()).toHaveLength(before);

    now = new Date(now.getTime() + DAY);
    const later = await signInAs(shop.app, 'owner');
    const again = await adminPost(shop.app, later.cookie, '/admin/export', '/admin/export/notice/send', { ...FIELDS, again: 'yes' });
    expect(again.statusCode).toBe(303);
    expect(await queued()).toHaveLength(before * 2);
    const audit = await shop.app.db.selectFrom('audit_log').select('reason').where('subject_type', '=', 'handover-notice').execute();
    expect(audit).toHaveLength(2);
  });
});
