import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { releaseExpiredReservations } from '../../src/features/orders/orders.service.js';
import { buildResultCrypt, decryptCrypt, parsePairs } from '../../src/features/payments/opayo.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { formBody } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';

/**
 * Stock that cannot be hoarded: unpaid orders may hold only so much, per network and per e-mail
 * address, a line holds at most a few of one piece, and a new checkout from the same bag replaces
 * the old one. Every request here goes through the real routes, from a chosen network address.
 */

let now = new Date('2026-12-01T10:00:00Z');

/** A browser on one network address: keeps its bag by the token in links and forms, as a script would. */
class Visitor {
  bag: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    readonly ip: string,
  ) {}

  get(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'GET', url, remoteAddress: this.ip });
  }

  post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.app.config.publicUrl, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ ...(this.bag ? { bag: this.bag } : {}), ...fields }),
    });
  }

  async add(fields: Record<string, string>, quantity: number): Promise<LightMyRequestResponse> {
    const res = await this.post('/bag/items', { ...fields, quantity: String(quantity) });
    const token = String(res.headers.location ?? '').match(/bag=([^&]+)/)?.[1];
    if (token) this.bag = decodeURIComponent(token);
    return res;
  }

  /** Places the order from this visitor's bag; returns the order number, or null with the page that refused it. */
  async checkout(details: Record<string, string> = {}): Promise<{ number: string | null; res: LightMyRequestResponse }> {
    const res = await this.post('/checkout', { ...GUEST, ...details });
    const number = String(res.headers.location ?? '').match(/^\/orders\/(AS-[0-9A-Z]{6})/)?.[1] ?? null;
    return { number, res };
  }
}

interface Piece {
  variantId: number;
  fields: Record<string, string>;
  pricePence: number;
  stock: number;
}

async function pieces(app: FastifyInstance): Promise<Piece[]> {
  const rows = await app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'v.price_pence', 'v.stock', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .execute();
  return rows.map((v) => {
    const fields: Record<string, string> = { product: v.slug, metal: v.metal };
    if (v.ring_size) fields.size = v.ring_size;
    if (v.chain_length_in) fields.length = String(v.chain_length_in);
    return { variantId: v.id, fields, pricePence: v.price_pence, stock: v.stock };
  });
}

async function stockOf(app: FastifyInstance, variantId: number): Promise<number> {
  return (await app.db.selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
}

async function orderRow(app: FastifyInstance, number: string) {
  return app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
}

/** What unpaid orders hold right now: their value at catalogue prices, and the number of pieces. */
async function held(app: FastifyInstance): Promise<{ pence: number; pieces: number; orders: number }> {
  const lines = await app.db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select(['l.unit_pence', 'l.quantity', 'o.id'])
    .where('o.status', '=', 'awaiting_payment')
    .where('o.stock_reserved', '=', 1)
    .execute();
  return {
    pence: lines.reduce((s, l) => s + l.unit_pence * l.quantity, 0),
    pieces: lines.reduce((s, l) => s + l.quantity, 0),
    orders: new Set(lines.map((l) => l.id)).size,
  };
}

/** What Opayo would send back for the order's current attempt. */
async function resultFor(visitor: Visitor, app: FastifyInstance, orderUrl: string, status: 'OK' | 'NOTAUTHED' | 'ABORT') {
  const page = await visitor.get(orderUrl);
  expect(page.statusCode).toBe(200);
  const pay = Shopper.formFields(page.body, app.config.payments.gatewayUrl);
  const asked = parsePairs(decryptCrypt(pay.Crypt as string, app.config.payments.encryptionPassword));
  const fields: Record<string, string> = {
    VPSProtocol: '4.00',
    TxType: 'PAYMENT',
    VendorTxCode: asked.get('VendorTxCode') as string,
    VPSTxId: `{${randomUUID().toUpperCase()}}`,
    Status: status,
    StatusDetail: status === 'OK' ? '0000 : The Authorisation was Successful.' : '2000 : The Authorisation was Declined by the bank.',
    Amount: asked.get('Amount') as string,
    ...(status === 'OK' ? { TxAuthNo: '9145' } : {}),
  };
  const crypt = buildResultCrypt(fields, app.config.payments.encryptionPassword);
  return visitor.get(`/checkout/opayo/${status === 'OK' ? 'success' : 'failure'}?crypt=${crypt}`);
}

function orderUrlOf(res: LightMyRequestResponse): string {
  return String(res.headers.location);
}

const decoded = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe(`the hoarding attack (${testDialect})`, () => {
  let shop: TestShop;
  beforeAll(async () => {
    // The default limits: this is the shop as it ships.
    shop = await buildTestShop({ clock: () => now });
  });
  afterAll(async () => shop?.close());

  it('holds only a few orders of stock, from one network, whatever e-mail addresses it gives', async () => {
    const app = shop.app;
    const catalogue = (await pieces(app)).filter((p) => p.stock > 0);
    const stockValue = catalogue.reduce((s, p) => s + p.pricePence * p.stock, 0);
    const stockPieces = catalogue.reduce((s, p) => s + p.stock, 0);
    // The most valuable stock first, as an attacker would choose it.
    const targets = [...catalogue].sort(
      (a, b) =>
        b.pricePence * Math.min(b.stock, shop.config.orders.maxLineQuantity) -
        a.pricePence * Math.min(a.stock, shop.config.orders.maxLineQuantity),
    );

    // Within the default rate limits of one address (60 bag posts and 30 checkouts per 10 minutes):
    // 19 rounds of three bag posts and a checkout, each with a new bag and a new e-mail address.
    const attacker = '198.51.100.23';
    let requests = 0;
    const placed: string[] = [];
    const refusals: string[] = [];
    for (let round = 0; round < 19; round++) {
      const visitor = new Visitor(app, attacker);
      for (const p of targets.splice(0, 3)) {
        const quantity = Math.min(p.stock, shop.config.orders.maxLineQuantity);
        const res = await visitor.add(p.fields, quantity);
        requests++;
        expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
      }
      const { number, res } = await visitor.checkout({ email: `buyer${round}@example${round % 4}.com`, surname: `Hoarder${round}` });
      requests++;
      expect(res.statusCode).not.toBe(429);
      if (number) placed.push(number);
      else refusals.push(decoded(res.body));
    }
    expect(requests).toBe(76);

    const after = await held(app);
    const soldOut = catalogue.filter((p) => p.stock > 0).map((p) => p.variantId);
    let nowSoldOut = 0;
    for (const id of soldOut) if ((await stockOf(app, id)) === 0) nowSoldOut++;
    console.info(
      `[hoarding ${testDialect}] ${requests} requests from one network: ${placed.length} unpaid orders holding ` +
        `£${(after.pence / 100).toFixed(2)} of £${(stockValue / 100).toFixed(2)} (${((100 * after.pence) / stockValue).toFixed(1)} %), ` +
        `${after.pieces} of ${stockPieces} pieces; ${nowSoldOut} variants sold out`,
    );

    expect(placed).toHaveLength(3);
    expect(after.orders).toBe(3);
    // Three orders of three lines of at most five: a small share of the stock.
    expect(after.pieces).toBeLessThanOrEqual(3 * 3 * 5);
    expect(after.pence / stockValue).toBeLessThan(0.1);
    expect(nowSoldOut).toBeLessThanOrEqual(9);
    expect(refusals).toHaveLength(16);
    for (const page of refusals) {
      expect(page).toContain('already 3 unpaid orders');
      expect(page).not.toMatch(/stack|Error:/);
    }

    // Once their reservations lapse, the network can order again: the limit counts what is held, not who asked.
    now = new Date(now.getTime() + 31 * 60_000);
    await releaseExpiredReservations(app.db, now, app.config.payments.reservationMinutes);
    expect((await held(app)).orders).toBe(0);
    const later = new Visitor(app, '198.51.100.99');
    expect((await later.add(catalogue[0]?.fields as Record<string, string>, 1)).statusCode).toBe(303);
    expect((await later.checkout({ email: 'someone.else@example.org' })).number).not.toBeNull();
  });
});

describe(`limits on unpaid orders (${testDialect})`, () => {
  let shop: TestShop;
  let all: Piece[];
  let next = 0;
  beforeAll(async () => {
    shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '1000' } });
    all = await pieces(shop.app);
  });
  afterAll(async () => shop?.close());
  beforeEach(() => {
    now = new Date('2026-12-01T10:00:00Z');
  });

  /** A piece no other test has used, with the stock the test needs. */
  async function piece(stock = 20): Promise<Piece> {
    const p = all[next++ * 3] as Piece;
    await shop.app.db.updateTable('variants').set({ stock }).where('id', '=', p.variantId).execute();
    await shop.app.catalog.invalidate();
    return { ...p, stock };
  }

  it('counts the unpaid orders of one e-mail address from any network, however it is written', async () => {
    const spellings = ['grace@example.org', 'Grace@Example.org', 'grace+rings@example.org', 'GRACE+2@EXAMPLE.ORG'];
    const results = [];
    for (const [i, email] of spellings.entries()) {
      const v = new Visitor(shop.app, `203.0.${113 + i}.7`);
      await v.add((await piece()).fields, 1);
      results.push(await v.checkout({ email }));
    }
    expect(results.slice(0, 3).map((r) => r.number)).not.toContain(null);
    const refused = results[3]?.res as LightMyRequestResponse;
    expect(refused.statusCode).toBe(400);
    expect(decoded(refused.body)).toContain('already 3 unpaid orders');
    // The form keeps what was typed.
    expect(refused.body).toContain('value="GRACE+2@EXAMPLE.ORG"');
  });

  it('keeps no network or e-mail hash once an order is paid, and none was ever the raw address', async () => {
    const v = new Visitor(shop.app, '192.0.2.44');
    await v.add((await piece()).fields, 1);
    const { number, res } = await v.checkout({ email: 'hash.check@example.org' });
    const unpaid = await orderRow(shop.app, number as string);
    expect(unpaid.unpaid_network_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(unpaid.unpaid_email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(unpaid)).not.toContain('192.0.2');
    expect((await resultFor(v, shop.app, orderUrlOf(res), 'OK')).statusCode).toBe(303);
    const paid = await orderRow(shop.app, number as string);
    expect(paid.status).toBe('paid');
    expect(paid.unpaid_network_hash).toBeNull();
    expect(paid.unpaid_email_hash).toBeNull();
  });

  it('lets an honest customer retry after a failed payment, and a household order side by side', async () => {
    const p = await piece(4);
    const ada = new Visitor(shop.app, '192.0.2.10');
    await ada.add(p.fields, 2);
    const first = await ada.checkout({ email: 'ada.household@example.org' });
    expect(first.number).not.toBeNull();
    expect(await stockOf(shop.app, p.variantId)).toBe(2);
    // Declined: the stock goes back, the order waits; "Try again" takes it again.
    const declined = await resultFor(ada, shop.app, orderUrlOf(first.res), 'NOTAUTHED');
    expect(String(declined.headers.location)).toContain('result=NOTAUTHED');
    expect(await stockOf(shop.app, p.variantId)).toBe(4);
    const number = first.number as string;
    const key = orderUrlOf(first.res).match(/key=([^&]+)/)?.[1] as string;
    const retried = await ada.post(`/orders/${number}/retry`, { key });
    expect(retried.statusCode).toBe(303);
    expect(String(retried.headers.location)).not.toContain('result=');
    expect(await stockOf(shop.app, p.variantId)).toBe(2);

    // Two more people on the same home network, with their own bags and addresses.
    const charles = new Visitor(shop.app, '192.0.2.11');
    await charles.add((await piece()).fields, 5);
    const second = await charles.checkout({ email: 'charles.household@example.org', first_name: 'Charles' });
    expect(second.number).not.toBeNull();
    const mary = new Visitor(shop.app, '192.0.2.12');
    await mary.add((await piece()).fields, 1);
    expect((await mary.checkout({ email: 'mary.household@example.org', first_name: 'Mary' })).number).not.toBeNull();

    expect((await resultFor(ada, shop.app, orderUrlOf(first.res), 'OK')).statusCode).toBe(303);
    expect((await orderRow(shop.app, number)).status).toBe('paid');
    expect((await resultFor(charles, shop.app, orderUrlOf(second.res), 'OK')).statusCode).toBe(303);
  });

  it('replaces the earlier unpaid order of the same bag, even when the network is at its limit', async () => {
    const net = '198.18.1.';
    const p = await piece(10);
    const first = new Visitor(shop.app, `${net}201`);
    await first.add(p.fields, 3);
    const original = await first.checkout({ email: 'again@example.org' });
    for (const host of [202, 203]) {
      const other = new Visitor(shop.app, `${net}${host}`);
      await other.add((await piece()).fields, 1);
      expect((await other.checkout({ email: `neighbour${host}@example.org` })).number).not.toBeNull();
    }
    expect(await stockOf(shop.app, p.variantId)).toBe(7);
    // Back to the bag, one fewer, and checkout again: the first order gives way to the new one.
    const lines = await first.post('/bag/lines', { variant: String(p.variantId), quantity: '2' });
    expect(lines.statusCode).toBe(303);
    const again = await first.checkout({ email: 'again@example.org' });
    expect(again.number, again.res.body.slice(0, 400)).not.toBeNull();
    expect(again.number).not.toBe(original.number);
    expect((await orderRow(shop.app, original.number as string)).status).toBe('cancelled');
    expect((await orderRow(shop.app, original.number as string)).unpaid_network_hash).toBeNull();
    expect(await stockOf(shop.app, p.variantId)).toBe(8);
    // A fourth bag from that network is still refused.
    const fourth = new Visitor(shop.app, `${net}204`);
    await fourth.add((await piece()).fields, 1);
    expect((await fourth.checkout({ email: 'neighbour204@example.org' })).number).toBeNull();
  });

  it('does not let "Try again" take stock beyond the limit', async () => {
    const net = '100.64.7.';
    const p = await piece(5);
    const v = new Visitor(shop.app, `${net}1`);
    await v.add(p.fields, 1);
    const aborted = await v.checkout({ email: 'retry.one@example.org' });
    expect((await resultFor(v, shop.app, orderUrlOf(aborted.res), 'ABORT')).statusCode).toBe(303);
    expect(await stockOf(shop.app, p.variantId)).toBe(5);
    for (const host of [2, 3, 4]) {
      const other = new Visitor(shop.app, `${net}${host}`);
      await other.add((await piece()).fields, 1);
      expect((await other.checkout({ email: `retry.${host}@example.org` })).number).not.toBeNull();
    }
    const number = aborted.number as string;
    const key = orderUrlOf(aborted.res).match(/key=([^&]+)/)?.[1] as string;
    const retried = await v.post(`/orders/${number}/retry`, { key });
    expect(retried.statusCode).toBe(303);
    expect(String(retried.headers.location)).toContain('result=LIMIT');
    const told = await v.get(String(retried.headers.location));
    expect(told.body).toContain('Please pay for one of those first');
    expect(await stockOf(shop.app, p.variantId)).toBe(5);
    const order = await orderRow(shop.app, number);
    expect(order.stock_reserved).toBe(0);
    const attempts = await shop.app.db.selectFrom('payment_attempts').select('status').where('order_id', '=', order.id).execute();
    expect(attempts.map((a) => a.status)).toEqual(['ABORT']);
  });

  it(`caps a line at ${5} of one piece, in the bag and at checkout, in plain words`, async () => {
    const p = await piece(20);
    const v = new Visitor(shop.app, '198.18.5.77');
    const six = await v.add(p.fields, 6);
    expect(six.statusCode).toBe(400);
    expect(decoded(six.body)).toContain('Please choose a quantity from 1 to 5.');
    expect((await v.add(p.fields, 3)).statusCode).toBe(303);
    const more = await v.add(p.fields, 3);
    expect(more.statusCode).toBe(400);
    expect(decoded(more.body)).toContain('we can only add 2 more');
    const bagRow = await shop.app.db
      .selectFrom('bag_items')
      .select(['bag_id', 'quantity'])
      .where('variant_id', '=', p.variantId)
      .executeTakeFirstOrThrow();
    expect(bagRow.quantity).toBe(3);
    const change = await v.post('/bag/lines', { variant: String(p.variantId), quantity: '6' });
    expect(change.statusCode).toBe(400);

    // A bag filled before the cap (or under a higher one) cannot be checked out past it.
    await shop.app.db.updateTable('bag_items').set({ quantity: 8 }).where('bag_id', '=', bagRow.bag_id).execute();
    const page = await v.get(`/checkout?bag=${v.bag}`);
    expect(page.statusCode).toBe(400);
    expect(decoded(page.body)).toContain('You can buy up to 5 of one piece online');
    expect(page.body).toContain(`href="/bag?bag=${v.bag}"`);
    const bag = await v.get(`/bag?bag=${v.bag}`);
    expect(decoded(bag.body)).toContain('You can buy up to 5 of one piece online');
    const placed = await v.checkout({ email: 'many@example.org' });
    expect(placed.number).toBeNull();
    expect(placed.res.statusCode).toBe(400);
    expect(decoded(placed.res.body)).toContain('You can buy up to 5 of one piece online');
    expect(await stockOf(shop.app, p.variantId)).toBe(20);
  });
});

describe(`checkouts from one network at the same moment (${testDialect})`, () => {
  let shop: TestShop;
  let second: FastifyInstance | undefined;
  beforeAll(async () => {
    shop = await buildTestShop({ clock: () => now });
    // On PostgreSQL, a second app on the same database stands for another process of a scaled-out shop.
    if (testDialect === 'postgres') {
      second = await buildApp(shop.config, { clock: () => now, logger: false });
      await second.ready();
    }
  });
  afterAll(async () => {
    await second?.close();
    await shop?.close();
  });

  it('lets exactly the limit through, however many arrive together', async () => {
    const apps = second ? [shop.app, second] : [shop.app];
    const stocked = (await pieces(shop.app)).filter((p) => p.stock >= 2);
    const visitors: Visitor[] = [];
    for (let i = 0; i < 10; i++) {
      const v = new Visitor(apps[i % apps.length] as FastifyInstance, `198.51.100.${10 + i}`);
      expect((await v.add((stocked[i] as Piece).fields, 1)).statusCode).toBe(303);
      visitors.push(v);
    }
    const results = await Promise.all(visitors.map((v, i) => v.checkout({ email: `together${i}@example.org` })));
    expect(results.map((r) => r.res.statusCode).sort()).toEqual([303, 303, 303, 400, 400, 400, 400, 400, 400, 400]);
    expect((await held(shop.app)).orders).toBe(3);
  });
});

describe(`limits set by configuration (${testDialect})`, () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await buildTestShop({ clock: () => now, env: { UNPAID_ORDERS_PER_BUYER: '1', MAX_LINE_QUANTITY: '2' } });
  });
  afterAll(async () => shop?.close());

  it('follows UNPAID_ORDERS_PER_BUYER and MAX_LINE_QUANTITY', async () => {
    const [a, b] = (await pieces(shop.app)).filter((p) => p.stock >= 3);
    const one = new Visitor(shop.app, '192.0.2.1');
    const tooMany = await one.add((a as Piece).fields, 3);
    expect(tooMany.statusCode).toBe(400);
    expect(decoded(tooMany.body)).toContain('Please choose a quantity from 1 to 2.');
    await one.add((a as Piece).fields, 2);
    const bag = await one.get(one.bag ? `/bag?bag=${encodeURIComponent(one.bag)}` : '/bag');
    expect(bag.body).toMatch(/type="number" min="0" max="2"/);
    expect((await one.checkout({ email: 'one@example.org' })).number).not.toBeNull();
    const two = new Visitor(shop.app, '192.0.2.2');
    await two.add((b as Piece).fields, 1);
    const second = await two.checkout({ email: 'two@example.org' });
    expect(second.number).toBeNull();
    expect(decoded(second.res.body)).toContain('already 1 unpaid order');
  });
});
