import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildResultCrypt, decryptCrypt, parsePairs } from '../../src/features/payments/opayo.js';
import { releaseExpiredReservations } from '../../src/features/orders/orders.service.js';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { GUEST, Shopper } from '../support/shopper.js';

let shop: TestShop;
let now = new Date('2026-11-23T10:00:00Z');
const logs: string[] = [];

beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  // Every order here comes from one address and one e-mail, many left unpaid: the limit on unpaid
  // orders per buyer is raised out of the way (test/checkout/hoarding.test.ts tests it).
  shop = await buildTestShop({ clock: () => now, logger: true, logStream, env: { LOG_LEVEL: 'info', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-11-23T10:00:00Z');
});

interface Piece {
  variantId: number;
  slug: string;
  fields: Record<string, string>;
  pricePence: number;
}

let nextVariant = 0;

/** A demo variant no other test has used, with its product's form fields and its stock set as the test needs. */
async function piece(stock: number): Promise<Piece> {
  const offset = nextVariant++ * 5;
  const v = await shop.app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'v.price_pence', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .offset(offset)
    .limit(1)
    .executeTakeFirstOrThrow();
  await shop.app.db.updateTable('variants').set({ stock }).where('id', '=', v.id).execute();
  await shop.app.catalog.invalidate();
  const fields: Record<string, string> = { product: v.slug, metal: v.metal, quantity: '1' };
  if (v.ring_size) fields.size = v.ring_size;
  if (v.chain_length_in) fields.length = String(v.chain_length_in);
  return { variantId: v.id, slug: v.slug, fields, pricePence: v.price_pence };
}

async function stockOf(variantId: number): Promise<number> {
  const r = await shop.app.db.selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow();
  return r.stock;
}

/** Bag → checkout → the order page with its payment form; returns the order page URL and what the crypt asks. */
async function placeOrder(
  shopper: Shopper,
  p: Piece,
  quantity = 1,
  extra: Record<string, string> = {},
  productForm: Record<string, string> = {},
) {
  const added = await shopper.post('/bag/items', { ...p.fields, ...productForm, quantity: String(quantity) });
  expect(added.statusCode, added.body.slice(0, 300)).toBe(303);
  const bag = await shopper.follow(added);
  expect(bag.statusCode).toBe(200);
  const checkoutHref = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&');
  expect(checkoutHref).toBeTruthy();
  const form = await shopper.get(checkoutHref as string);
  expect(form.statusCode).toBe(200);
  const hidden = Shopper.formFields(form.body, '/checkout');
  const placed = await shopper.post('/checkout', { ...hidden, ...GUEST, ...extra });
  expect(placed.statusCode, placed.body.slice(0, 500)).toBe(303);
  const orderUrl = String(placed.headers.location);
  const page = await shopper.get(orderUrl);
  expect(page.statusCode).toBe(200);
  const pay = Shopper.formFields(page.body, shop.config.payments.gatewayUrl);
  const asked = parsePairs(decryptCrypt(pay.Crypt as string, shop.config.payments.encryptionPassword));
  return { orderUrl, number: orderUrl.match(/\/orders\/([A-Z0-9-]+)/)?.[1] as string, pay, asked, page };
}

/** What Opayo would send back for an attempt. */
function result(
  asked: Map<string, string>,
  status: string,
  overrides: Record<string, string> = {},
  password = shop.config.payments.encryptionPassword,
) {
  const fields: Record<string, string> = {
    VPSProtocol: '4.00',
    TxType: 'PAYMENT',
    VendorTxCode: asked.get('VendorTxCode') as string,
    VPSTxId: `{${randomUUID().toUpperCase()}}`,
    Status: status,
    StatusDetail: status === 'OK' ? '0000 : The Authorisation was Successful.' : '2000 : The Authorisation was Declined by the bank.',
    Amount: asked.get('Amount') as string,
    ...(status === 'OK' ? { TxAuthNo: '9145' } : {}),
    ...overrides,
  };
  return `/checkout/opayo/${status === 'OK' ? 'success' : 'failure'}?crypt=${buildResultCrypt(fields, password)}`;
}

async function orderRow(number: string) {
  return shop.app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
}

describe(`the bag (${testDialect})`, () => {
  it('adds, changes and removes pieces, checking stock, with the VAT shown', async () => {
    const p = await piece(3);
    const shopper = new Shopper(shop.app);
    const added = await shopper.post('/bag/items', { ...p.fields, quantity: '2' });
    expect(added.statusCode).toBe(303);
    expect(shopper.cookieNames).toContain('assay_bag');
    // With the cookie working, the token leaves the address bar.
    const first = await shopper.get(String(added.headers.location));
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/bag?added=1');
    const bag = await shopper.get('/bag?added=1');
    expect(bag.body).toContain('Added to your bag.');
    expect(bag.body).toContain(`/products/${p.slug}`);
    expect(bag.body).toContain('Includes VAT at 20 %');
    expect(bag.headers['cache-control']).toBe('no-store');
    const fields = Shopper.formFields(bag.body, '/bag/lines');

    const tooMany = await shopper.post('/bag/lines', { ...fields, quantity: '4' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain('Sorry, only 3 left.');

    const three = await shopper.post('/bag/lines', { ...fields, quantity: '3' });
    expect(three.statusCode).toBe(303);
    const after = await shopper.get('/bag');
    expect(after.body).toContain('value="3"');

    const more = await shopper.post('/bag/items', p.fields);
    expect(more.statusCode).toBe(400);
    expect(more.body).toContain('sold out');

    const removed = await shopper.post('/bag/lines', { ...fields, remove: '1' });
    expect(removed.statusCode).toBe(303);
    expect((await shopper.get('/bag')).body).toContain('Your bag is empty.');
  });

  it('refuses a bag change posted from another site', async () => {
    const p = await piece(3);
    const res = await shop.app.inject({
      method: 'POST',
      url: '/bag/items',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: new URLSearchParams(p.fields).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(await shop.app.db.selectFrom('bag_items').select('variant_id').where('variant_id', '=', p.variantId).execute()).toEqual([]);
    // "Origin: null" alone could come from anywhere (a sandboxed frame); with the browser's own Sec-Fetch-Site it is our page.
    const post = (headers: Record<string, string>) =>
      shop.app.inject({
        method: 'POST',
        url: '/bag/items',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(p.fields).toString(),
      });
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(303);
  });
});

describe(`checkout (${testDialect})`, () => {
  it('shows every field error next to its field and keeps what was typed', async () => {
    const p = await piece(5);
    const shopper = new Shopper(shop.app);
    await shopper.follow(await shopper.post('/bag/items', p.fields));
    const form = await shopper.get('/checkout');
    const hidden = Shopper.formFields(form.body, '/checkout');
    const res = await shopper.post('/checkout', {
      ...hidden,
      ...GUEST,
      email: 'ada-at-example',
      phone: '12345',
      billing_postcode: 'NOT A CODE',
      same_address: '',
      delivery_first_name: 'Grace',
      delivery_line1: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="email-error"');
    expect(res.body).toContain('Please check your e-mail address');
    expect(res.body).toContain('Please enter a UK phone number');
    expect(res.body).toContain("That doesn't look like a UK postcode");
    expect(res.body).toContain('Please enter the first line of the delivery address.');
    expect(res.body).toContain('Please enter the delivery postcode.');
    expect(res.body).toContain('value="Ada"');
    expect(res.body).toContain('value="Grace"');
    expect(res.body).toContain('value="ada-at-example"');
    expect(await shop.app.db.selectFrom('orders').select('id').where('email', '=', 'ada-at-example').execute()).toEqual([]);
  });

  it('charges what the catalogue says, whatever hidden fields are tampered with', async () => {
    const p = await piece(5);
    const other = await piece(5);
    const shopper = new Shopper(shop.app);
    const { number, asked } = await placeOrder(shopper, p, 2, {
      price: '1',
      unit_pence: '1',
      total_pence: '1',
      amount: '0.01',
      variant: String(other.variantId),
      quantity: '9',
      delivery_pence: '0',
    });
    const expected = p.pricePence * 2 + (p.pricePence * 2 >= 10_000 ? 0 : 395);
    const order = await orderRow(number);
    expect(order.total_pence).toBe(expected);
    expect(asked.get('Amount')).toBe((expected / 100).toFixed(2));
    const lines = await shop.app.db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).execute();
    expect(lines.map((l) => [l.variant_id, l.quantity, l.unit_pence])).toEqual([[p.variantId, 2, p.pricePence]]);
    expect(await stockOf(p.variantId)).toBe(3);
    expect(await stockOf(other.variantId)).toBe(5);
  });

  it('builds the crypt for Opayo from the order: protocol 4.00, cleaned fields, return URLs on the shop', async () => {
    const p = await piece(5);
    const { pay, asked } = await placeOrder(new Shopper(shop.app), p, 1, { first_name: 'Zoë & Ann', billing_line1: '88 Vyse Street ★' });
    expect(pay.VPSProtocol).toBe('4.00');
    expect(pay.TxType).toBe('PAYMENT');
    expect(pay.Vendor).toBe(shop.config.payments.vendor);
    expect(pay.Crypt).toMatch(/^@[0-9A-F]+$/);
    expect(asked.get('Currency')).toBe('GBP');
    expect(asked.get('BillingFirstnames')).toBe('Zoë and Ann');
    expect(asked.get('BillingAddress1')).toBe('88 Vyse Street');
    expect(asked.get('BillingPostCode')).toBe('B18 6NF');
    expect(asked.get('SuccessURL')).toBe(`${shop.config.publicUrl}/checkout/opayo/success`);
    expect(asked.get('FailureURL')).toBe(`${shop.config.publicUrl}/checkout/opayo/failure`);
    expect(asked.get('VendorTxCode')).toMatch(/^AS-[0-9A-Z]{6}-[0-9a-z]+$/);
  });
});

describe(`what Opayo receives (${testDialect})`, () => {
  it('is declared in the privacy inventory: every order column sent in the crypt names Opayo as a recipient', async () => {
    const { number, asked } = await placeOrder(new Shopper(shop.app), await piece(3), 1, {
      same_address: '',
      delivery_first_name: 'Charles',
      delivery_surname: 'Babbage',
      delivery_line1: '1 Hockley Street',
      delivery_city: 'Coventry',
      delivery_postcode: 'CV1 1AA',
    });
    const order = await orderRow(number);
    const sent = new Set(asked.values());
    const columns = Object.entries(order)
      .filter(([, v]) => typeof v === 'string' && v.length > 1 && sent.has(v))
      .map(([k]) => k);
    expect(columns).toEqual(expect.arrayContaining(['first_name', 'email', 'billing_postcode', 'delivery_surname', 'delivery_line1']));
    const declared = inventories.flatMap((i) => i.personal).filter((c) => c.table === 'orders');
    for (const column of columns.filter((c) => c !== 'number')) {
      const entry = declared.find((c) => c.column === column);
      expect(
        entry?.recipients.some((r) => r.includes('Opayo')),
        column,
      ).toBe(true);
    }
  });
});

describe(`payment results (${testDialect})`, () => {
  it('marks the order paid once, empties the bag, queues the confirmation, and a refresh changes nothing', async () => {
    const p = await piece(4);
    const shopper = new Shopper(shop.app);
    const { number, asked, orderUrl } = await placeOrder(shopper, p, 2);
    expect(await stockOf(p.variantId)).toBe(2);
    const back = result(asked, 'OK');
    const res = await shopper.get(back);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(orderUrl);
    const page = await shopper.get(orderUrl);
    expect(page.body).toContain('Thank you — your order is confirmed');
    const order = await orderRow(number);
    expect(order.status).toBe('paid');
    expect(await stockOf(p.variantId)).toBe(2);
    expect((await shopper.get('/bag')).body).toContain('Your bag is empty.');
    const mails = await shop.app.db.selectFrom('mail_outbox').selectAll().where('reference', '=', number).execute();
    expect(mails.map((m) => [m.kind, m.to_address])).toEqual([['order-confirmation', GUEST.email]]);
    expect(mails[0]?.text_body).toContain(number);
    expect(mails[0]?.html_body).toContain(number);

    // The customer refreshes the return page: the same result again, harmless.
    const again = await shopper.get(back);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(orderUrl);
    expect(await shop.app.db.selectFrom('mail_outbox').select('id').where('reference', '=', number).execute()).toHaveLength(1);

    // A different genuine-looking result for the same, already settled attempt is refused and logged.
    const replay = await shopper.get(result(asked, 'NOTAUTHED'));
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain("We couldn't confirm this payment");
    expect((await orderRow(number)).status).toBe('paid');
    expect(logs.join('')).toMatch(/"reason":"replay".*payment result refused/);
  });

  it('keeps nothing of the card that Opayo reports back: no card type, last digits or expiry', async () => {
    const p = await piece(3);
    const shopper = new Shopper(shop.app);
    const { number, asked } = await placeOrder(shopper, p);
    const card = { CardType: 'MAESTRO', Last4Digits: '7294', ExpiryDate: '0931', CAVV: 'AAABBBCCCDDDEEEFFF', AVSCV2: 'ALL MATCH' };
    expect((await shopper.get(result(asked, 'OK', card))).statusCode).toBe(303);
    const order = await orderRow(number);
    expect(order.status).toBe('paid');
    const stored = JSON.stringify([
      order,
      await shop.app.db.selectFrom('payment_attempts').selectAll().where('order_id', '=', order.id).execute(),
      await shop.app.db.selectFrom('order_events').selectAll().where('order_id', '=', order.id).execute(),
      await shop.app.db.selectFrom('mail_outbox').selectAll().where('reference', '=', number).execute(),
    ]);
    for (const value of Object.values(card)) expect(stored, value).not.toContain(value);
  });

  it('after a decline, offers a new attempt with a new VendorTxCode, and refuses the old one', async () => {
    const p = await piece(3);
    const shopper = new Shopper(shop.app);
    const { number, asked, orderUrl } = await placeOrder(shopper, p);
    expect(await stockOf(p.variantId)).toBe(2);
    const declined = await shopper.get(result(asked, 'NOTAUTHED'));
    expect(declined.headers.location).toBe(`${orderUrl}&result=NOTAUTHED`);
    const page = await shopper.get(String(declined.headers.location));
    expect(page.body).toContain('Your bank declined the payment');
    expect(page.body).toContain(`action="/orders/${number}/retry"`);
    expect(await stockOf(p.variantId)).toBe(3);
    expect((await orderRow(number)).status).toBe('awaiting_payment');

    const retry = await shopper.post(`/orders/${number}/retry`, Shopper.formFields(page.body, `/orders/${number}/retry`));
    expect(retry.statusCode).toBe(303);
    expect(await stockOf(p.variantId)).toBe(2);
    const fresh = await shopper.get(orderUrl);
    const crypt = Shopper.formFields(fresh.body, shop.config.payments.gatewayUrl).Crypt as string;
    const asked2 = parsePairs(decryptCrypt(crypt, shop.config.payments.encryptionPassword));
    expect(asked2.get('VendorTxCode')).not.toBe(asked.get('VendorTxCode'));

    const stale = await shopper.get(result(asked, 'OK'));
    expect(stale.statusCode).toBe(400);
    expect((await orderRow(number)).status).toBe('awaiting_payment');

    const ok = await shopper.get(result(asked2, 'OK'));
    expect(ok.statusCode).toBe(303);
    expect((await orderRow(number)).status).toBe('paid');
  });

  it('shows every other status as a friendly page and hands the stock back', async () => {
    for (const [status, words] of [
      ['ABORT', 'The payment was cancelled'],
      ['REJECTED', "didn't pass the card security checks"],
      ['ERROR', 'The payment service had a problem'],
    ] as const) {
      const p = await piece(2);
      const shopper = new Shopper(shop.app);
      const { asked } = await placeOrder(shopper, p);
      const res = await shopper.follow(await shopper.get(result(asked, status)));
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(words);
      expect(await stockOf(p.variantId)).toBe(2);
    }
  });

  it('refuses a result for the wrong amount, from another password, for an unknown attempt, or tampered', async () => {
    const p = await piece(3);
    const shopper = new Shopper(shop.app);
    const { number, asked } = await placeOrder(shopper, p);
    const refused = [
      result(asked, 'OK', { Amount: '0.01' }),
      result(asked, 'OK', {}, 'AnotherVendorPwd'),
      result(asked, 'OK', { VendorTxCode: 'AS-ZZZZZZ-unknown' }),
      result(asked, 'OK', { VPSTxId: 'not-a-guid' }),
      result(asked, 'OK', { Status: 'PAID' }),
      '/checkout/opayo/success?crypt=@DEADBEEF',
      '/checkout/opayo/success',
    ];
    const genuine = result(asked, 'OK');
    // Flip one bit in the first cipher block: CBC garbles that block, and strict parsing refuses it.
    const hex = genuine.split('crypt=@')[1] as string;
    const flipped = `${hex.slice(0, 5)}${(Number.parseInt(hex[5] as string, 16) ^ 1).toString(16).toUpperCase()}${hex.slice(6)}`;
    refused.push(`/checkout/opayo/success?crypt=@${flipped}`);
    for (const url of refused) {
      const res = await shopper.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain("We couldn't confirm this payment");
      expect(res.body).not.toMatch(/stack|Error:/);
    }
    expect((await orderRow(number)).status).toBe('awaiting_payment');
    expect((await shopper.get(genuine)).statusCode).toBe(303);
    expect((await orderRow(number)).status).toBe('paid');
  });

  it('releases a reservation whose payment never came back, and still accepts a late payment', async () => {
    const p = await piece(1);
    const shopper = new Shopper(shop.app);
    const { number, asked } = await placeOrder(shopper, p);
    expect(await stockOf(p.variantId)).toBe(0);
    now = new Date(now.getTime() + (shop.config.payments.reservationMinutes + 1) * 60_000);
    const released = await releaseExpiredReservations(shop.app.db, now, shop.config.payments.reservationMinutes);
    expect(released.released).toBeGreaterThanOrEqual(1);
    expect(await stockOf(p.variantId)).toBe(1);
    expect((await orderRow(number)).status).toBe('awaiting_payment');
    expect((await shopper.get(result(asked, 'OK'))).statusCode).toBe(303);
    const order = await orderRow(number);
    expect(order.status).toBe('paid');
    expect(order.stock_short).toBe(0);
    expect(await stockOf(p.variantId)).toBe(0);
  });

  it('opens an order page only with its key', async () => {
    const p = await piece(2);
    const { number } = await placeOrder(new Shopper(shop.app), p);
    for (const url of [`/orders/${number}`, `/orders/${number}?key=${'0'.repeat(32)}`, '/orders/AS-000000?key=abc', '/orders/nonsense']) {
      const res = await shop.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(GUEST.email);
    }
  });
});

describe(`purchase with cookies refused (${testDialect})`, () => {
  it('carries the bag token in links and forms, never in a cookie, all the way to a paid order', async () => {
    const p = await piece(3);
    const shopper = new Shopper(shop.app, { cookies: false });
    const added = await shopper.post('/bag/items', p.fields);
    expect(added.statusCode).toBe(303);
    const bag = await shopper.get(String(added.headers.location));
    expect(bag.statusCode).toBe(200);
    expect(bag.headers['referrer-policy']).toBe('same-origin');
    const token = String(added.headers.location).match(/bag=([^&]+)/)?.[1] as string;
    expect(bag.body).toContain(`name="bag" value="${token}"`);
    expect(bag.body).toContain(`href="/checkout?bag=${token}"`);
    // A second piece, from a product page opened from the bag (the link keeps the token).
    const productLink = bag.body.match(/href="(\/products\/[^"]+\?bag=[^"]+)"/)?.[1]?.replace(/&amp;/g, '&') as string;
    const productPage = await shopper.get(productLink);
    expect(productPage.body).toContain(`name="bag" value="${token}"`);
    const { number, asked } = await placeOrder(shopper, p, 1, {}, Shopper.formFields(productPage.body, '/bag/items'));
    expect((await shopper.get(result(asked, 'OK'))).statusCode).toBe(303);
    expect((await orderRow(number)).status).toBe('paid');
    const lines = await shop.app.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select('l.quantity')
      .where('o.number', '=', number)
      .execute();
    // The second add went into the same bag: one line of 2.
    expect(lines).toEqual([{ quantity: 2 }]);
    expect(shopper.cookieNames).toEqual([]);
  });
});

describe(`the last piece (${testDialect})`, () => {
  it('goes to exactly one of several shoppers checking out at the same moment', async () => {
    const p = await piece(1);
    const shoppers = Array.from({ length: 6 }, () => new Shopper(shop.app));
    const forms: Record<string, string>[] = [];
    for (const s of shoppers) {
      await s.follow(await s.post('/bag/items', p.fields));
      forms.push(Shopper.formFields((await s.get('/checkout')).body, '/checkout'));
    }
    const results = await Promise.all(shoppers.map((s, i) => s.post('/checkout', { ...forms[i], ...GUEST })));
    const won = results.filter((r) => String(r.headers.location).startsWith('/orders/'));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => String(r.headers.location).startsWith('/bag'))).toHaveLength(5);
    expect(await stockOf(p.variantId)).toBe(0);
    const lost = results.findIndex((r) => String(r.headers.location).startsWith('/bag'));
    const bagPage = await shoppers[lost]?.follow(results[lost] as (typeof results)[number]);
    expect(bagPage?.body).toContain('Sorry, this has sold out. Please remove it.');
  });
});
