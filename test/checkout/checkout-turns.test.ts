import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS_AT_ONCE, StepQueue, checkoutSteps, nextTurn } from '../../src/features/checkout/checkout.turns.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { GUEST, Shopper } from '../support/shopper.js';

// Browsing first: checkout steps take turns, at most one at once per process on SQLite and two on
// PostgreSQL, and yield the event loop between their parts.

describe('a queue of steps', () => {
  it('runs at most its limit at once and lets the others in first come, first served', async () => {
    const queue = new StepQueue(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const step = async (name: string, ms: number) => {
      const leave = await queue.enter();
      running++;
      most = Math.max(most, running);
      order.push(name);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      leave();
      leave(); // twice does nothing
    };
    await Promise.all([step('a', 30), step('b', 10), step('c', 5), step('d', 5), step('e', 5)]);
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets steps already waiting in at once when it is allowed more', async () => {
    const queue = new StepQueue(1);
    const first = await queue.enter();
    const entered: string[] = [];
    const second = queue.enter().then((leave) => (entered.push('second'), leave));
    const third = queue.enter().then((leave) => (entered.push('third'), leave));
    await nextTurn();
    expect(entered).toEqual([]);
    expect(queue.load).toEqual({ running: 1, waiting: 2 });
    queue.allow(2);
    await nextTurn();
    expect(entered).toEqual(['second']);
    expect(queue.load).toEqual({ running: 2, waiting: 1 });
    first();
    await nextTurn();
    expect(entered).toEqual(['second', 'third']);
    (await second)();
    (await third)();
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets what was already waiting on the event loop run before the step goes on', async () => {
    const seen: string[] = [];
    setImmediate(() => seen.push('waiting'));
    await nextTurn();
    seen.push('step');
    expect(seen).toEqual(['waiting', 'step']);
  });
});

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { UNPAID_ORDERS_PER_BUYER: '1000', FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());

describe(`checkout steps taking turns (${testDialect})`, () => {
  it('places many orders at once, every step answered, and gives every turn back, after errors too', async () => {
    expect(STEPS_AT_ONCE).toEqual({ sqlite: 1, postgres: 2 });
    // The app set the queue for its database: with its places full, the next step waits.
    const held = await Promise.all(Array.from({ length: STEPS_AT_ONCE[testDialect] }, () => checkoutSteps.enter()));
    const next = checkoutSteps.enter();
    await nextTurn();
    expect(checkoutSteps.load).toEqual({ running: STEPS_AT_ONCE[testDialect], waiting: 1 });
    for (const leave of held) leave();
    (await next)();
    expect(checkoutSteps.load).toEqual({ running: 0, waiting: 0 });
    const variant = await shop.app.db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
      .where('p.archived', '=', 0)
      .where('v.ring_size', 'is', null)
      .where('v.chain_length_in', 'is', null)
      .orderBy('v.id')
      .executeTakeFirstOrThrow();
    await shop.app.db.updateTable('variants').set({ stock: 100 }).where('id', '=', variant.id).execute();
    await shop.app.catalog.invalidate();
    const buy = async () => {
      const shopper = new Shopper(shop.app);
      const added = await shopper.post('/bag/items', { product: variant.slug, metal: variant.metal, quantity: '1' });
      expect(added.statusCode, added.body.slice(0, 200)).toBe(303);
      const form = await shopper.get('/checkout');
      expect(form.statusCode).toBe(200);
      const placed = await shopper.post('/checkout', { ...Shopper.formFields(form.body, '/checkout'), ...GUEST });
      expect(placed.statusCode, placed.body.slice(0, 300)).toBe(303);
      expect((await shopper.get(String(placed.headers.location))).statusCode).toBe(200);
    };
    await Promise.all(Array.from({ length: 6 }, buy));
    // Steps that end in an error or a redirect give their turn back as well.
    const stranger = new Shopper(shop.app);
    expect((await stranger.get('/checkout')).statusCode).toBe(303);
    expect((await stranger.get('/orders/AS-NOPE-0000')).statusCode).toBe(404);
    expect((await stranger.get('/checkout/opayo/success?crypt=@nonsense')).statusCode).toBeLessThan(500);
    expect((await stranger.post('/bag/items', { product: 'no-such-piece', quantity: '1' })).statusCode).toBe(404);
    expect(checkoutSteps.load).toEqual({ running: 0, waiting: 0 });
  });
});
