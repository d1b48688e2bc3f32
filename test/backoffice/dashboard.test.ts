import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop();
});
afterAll(async () => shop?.close());

const figure = (html: string, label: string) => Number(html.match(new RegExp(`<span class="figure">(\\d+)</span> ${label}`))?.[1]);

describe('dashboard', () => {
  it('shows counts taken from the database, and moves when the data does', async () => {
    const manager = await signInAs(shop.app, 'manager');
    const get = () => shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: manager.cookie } });
    const before = (await get()).body;
    const products = await shop.app.db.selectFrom('products').select('id').where('archived', '=', 0).execute();
    const soldOut = await shop.app.db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select('v.id')
      .where('p.archived', '=', 0)
      .where('v.stock', '=', 0)
      .execute();
    expect(figure(before, 'products on sale')).toBe(products.length);
    expect(figure(before, 'variants sold out')).toBe(soldOut.length);
    expect(figure(before, 'orders today')).toBe(0);
    const someInStock = await shop.app.db.selectFrom('variants').select('id').where('stock', '>', 2).orderBy('id').limit(3).execute();
    await shop.app.db
      .updateTable('variants')
      .set({ stock: 0 })
      .where(
        'id',
        'in',
        someInStock.map((v) => v.id),
      )
      .execute();
    expect(figure((await get()).body, 'variants sold out')).toBe(soldOut.length + 3);
  });

  it('shows enquiry counts only to roles that may read enquiries', async () => {
    const fulfilment = await signInAs(shop.app, 'fulfilment');
    const res = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: fulfilment.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('enquiries in the last 7 days');
  });
});
