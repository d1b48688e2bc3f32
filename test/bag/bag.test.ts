import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { GUEST, Shopper } from '../support/shopper.js';

let shop: TestShop;

beforeAll(async () => {
  shop = await buildTestShop();
});
afterAll(async () => shop?.close());

interface Piece {
  variantId: number;
  productId: number;
  slug: string;
  sku: string;
  fields: Record<string, string>;
  pricePence: number;
}

let nextProduct = 0;

/** A variant of a demo product no other test here has used, with its stock set as the test needs. */
async function piece(stock: number): Promise<Piece> {
  const product = await shop.app.db
    .selectFrom('products')
    .select('id')
    .where('archived', '=', 0)
    .orderBy('id')
    .offset(nextProduct++)
    .limit(1)
    .executeTakeFirstOrThrow();
  const v = await shop.app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'v.price_pence', 'v.sku', 'p.slug', 'p.id as product_id'])
    .where('p.id', '=', product.id)
    .orderBy('v.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  await setStock(v.id, stock);
  const fields: Record<string, string> = { product: v.slug, metal: v.metal, quantity: '1' };
  if (v.ring_size) fields.size = v.ring_size;
  if (v.chain_length_in) fields.length = String(v.chain_length_in);
  return { variantId: v.id, productId: v.product_id, slug: v.slug, sku: v.sku, fields, pricePence: v.price_pence };
}

async function setStock(variantId: number, stock: number) {
  await shop.app.db.updateTable('variants').set({ stock }).where('id', '=', variantId).execute();
  await shop.app.catalog.invalidate();
}

async function add(shopper: Shopper, p: Piece, quantity: number) {
  const res = await shopper.post('/bag/items', { ...p.fields, quantity: String(quantity) });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return shopper.follow(res);
}

/** The header's link to the bag, as the page was sent. */
function bagLinkOf(html: string): string {
  const link = html.match(/<a class="bag-link" href="[^"]*\/bag[^"]*"[^>]*>.*?<\/a>/)?.[0];
  if (!link) throw new Error('no bag link in the header');
  return link;
}

/** What a screen reader calls a link: its text, the hidden words included. */
function nameOf(link: string): string {
  return textOf(link);
}

/** The text of an HTML fragment, tags removed. */
function textOf(html: string): string {
  return html
    .replace(/<\/(dt|dd|li|p|h\d)>/g, '$& ')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** From an opening tag (found by a unique fragment of it) to its closing tag, counting nested tags of the same name. */
function element(html: string, opening: string): string | null {
  const start = html.indexOf(opening);
  if (start < 0) return null;
  const tag = opening.match(/^<([a-z0-9]+)/)?.[1] as string;
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  return null;
}

const pounds = (pence: number) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;

describe(`the header's bag count (${testDialect})`, () => {
  it('shows how many pieces are in the bag on every page, cached catalogue pages included', async () => {
    const a = await piece(5);
    const b = await piece(5);
    const shopper = new Shopper(shop.app);
    expect(bagLinkOf((await shopper.get('/')).body)).toBe('<a class="bag-link" href="/bag">Bag</a>');
    await add(shopper, a, 1);
    await add(shopper, b, 2);
    for (const url of ['/', `/products/${a.slug}`, '/rings', '/bag', '/about', '/privacy', '/no-such-page', '/search?q=ring']) {
      const res = await shopper.get(url);
      const link = bagLinkOf(res.body);
      expect(nameOf(link), url).toBe('Bag 3 pieces');
      expect(link).toContain('href="/bag"');
    }
  });

  it('leaves cached pages identical for every visitor: a visitor without a bag gets the same bytes, no count and no cookie', async () => {
    const p = await piece(5);
    const anonymous = async () => shop.app.inject({ method: 'GET', url: `/products/${p.slug}` });
    const before = await anonymous();
    const shopper = new Shopper(shop.app);
    await add(shopper, p, 2);
    const withBag = await shopper.get(`/products/${p.slug}`);
    expect(nameOf(bagLinkOf(withBag.body))).toBe('Bag 2 pieces');
    // The count is per visitor: no shared cache may keep that copy.
    expect(withBag.headers['cache-control']).toMatch(/private|no-store/);
    const after = await anonymous();
    expect(after.body).toBe(before.body);
    expect(bagLinkOf(after.body)).toBe('<a class="bag-link" href="/bag">Bag</a>');
    expect(after.headers['set-cookie']).toBeUndefined();
  });

  it('counts only the bag the request names, and an emptied or unknown bag shows no count', async () => {
    const p = await piece(5);
    const shopper = new Shopper(shop.app);
    const bag = await add(shopper, p, 1);
    const forged = await shop.app.inject({ method: 'GET', url: '/', headers: { cookie: `assay_bag=${'x'.repeat(43)}` } });
    expect(bagLinkOf(forged.body)).toBe('<a class="bag-link" href="/bag">Bag</a>');
    const fields = Shopper.formFields(bag.body, '/bag/lines');
    await shopper.follow(await shopper.post('/bag/lines', { ...fields, remove: '1' }));
    expect(bagLinkOf((await shopper.get('/')).body)).toBe('<a class="bag-link" href="/bag">Bag</a>');
  });

  it('with cookies refused, the count shows on the pages that carry the bag, and the link keeps the bag', async () => {
    const p = await piece(5);
    const shopper = new Shopper(shop.app, { cookies: false });
    const bag = await add(shopper, p, 1);
    const token = shopper.lastUrl.match(/bag=([^&]+)/)?.[1] as string;
    expect(token).toBeTruthy();
    expect(nameOf(bagLinkOf(bag.body))).toBe('Bag 1 piece');
    const product = await shopper.get(`/products/${p.slug}?bag=${token}`);
    const link = bagLinkOf(product.body);
    expect(nameOf(link)).toBe('Bag 1 piece');
    expect(link).toContain(`href="/bag?bag=${token}"`);
    expect(product.headers['cache-control']).toBe('no-store');
  });
});

describe(`a sold-out or withdrawn line (${testDialect})`, () => {
  it('is shown apart from the bag, out of its total, and checkout orders only the rest', async () => {
    const kept = await piece(5);
    const gone = await piece(5);
    const withdrawn = await piece(5);
    const shopper = new Shopper(shop.app);
    await add(shopper, kept, 2);
    await add(shopper, gone, 1);
    await add(shopper, withdrawn, 1);
    await setStock(gone.variantId, 0);
    await shop.app.db.updateTable('products').set({ archived: 1 }).where('id', '=', withdrawn.productId).execute();
    await shop.app.catalog.invalidate();

    const bag = await shopper.get('/bag');
    expect(bag.statusCode).toBe(200);
    const ordered = element(bag.body, '<ul class="bag-lines"') as string;
    const apart = element(bag.body, '<section class="bag-set-aside"') as string;
    const totals = element(bag.body, '<aside class="bag-totals"') as string;
    expect(ordered).toContain(`/products/${kept.slug}`);
    expect(ordered).not.toContain(`/products/${gone.slug}`);
    expect(ordered).not.toContain(`/products/${withdrawn.slug}`);
    expect(apart).toContain(`/products/${gone.slug}`);
    // A withdrawn piece has no page to link to any more.
    expect(apart).toContain(`SKU ${withdrawn.sku}`);
    expect(apart).not.toContain(`/products/${withdrawn.slug}`);
    expect(textOf(apart)).toContain('Sorry, this has sold out. Please remove it.');
    expect(textOf(apart)).toContain('This piece is no longer available. Please remove it.');
    expect(textOf(apart)).toContain('not in your total');
    // The total is the kept line's alone (free delivery from £100, so the total is the subtotal).
    const subtotal = kept.pricePence * 2;
    expect(subtotal).toBeGreaterThanOrEqual(10_000);
    expect(textOf(totals)).toContain(`Subtotal ${pounds(subtotal)}`);
    expect(textOf(totals)).toContain(`Total ${pounds(subtotal)}`);
    expect(totals).toContain('href="/checkout"');

    const checkout = await shopper.get('/checkout');
    expect(checkout.statusCode).toBe(200);
    const summary = textOf(element(checkout.body, '<section class="order-summary"') as string);
    expect(summary).toContain(`Total ${pounds(subtotal)}`);
    expect(textOf(checkout.body)).toMatch(/not included/i);
    const placed = await shopper.post('/checkout', { ...Shopper.formFields(checkout.body, '/checkout'), ...GUEST });
    expect(placed.statusCode, placed.body.slice(0, 300)).toBe(303);
    expect(String(placed.headers.location)).toMatch(/^\/orders\//);
    const number = String(placed.headers.location).match(/\/orders\/([A-Z0-9-]+)/)?.[1] as string;
    const order = await shop.app.db
      .selectFrom('orders')
      .select(['id', 'subtotal_pence'])
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    expect(order.subtotal_pence).toBe(subtotal);
    const lines = await shop.app.db.selectFrom('order_lines').select(['variant_id', 'quantity']).where('order_id', '=', order.id).execute();
    expect(lines).toEqual([{ variant_id: kept.variantId, quantity: 2 }]);
  });

  it('that sells out after the checkout page was shown sends the shopper back to the bag, ordering nothing', async () => {
    const a = await piece(5);
    const b = await piece(5);
    const shopper = new Shopper(shop.app);
    await add(shopper, a, 1);
    await add(shopper, b, 1);
    const checkout = await shopper.get('/checkout');
    await setStock(b.variantId, 0);
    const placed = await shopper.post('/checkout', { ...Shopper.formFields(checkout.body, '/checkout'), ...GUEST });
    expect(placed.statusCode).toBe(303);
    expect(String(placed.headers.location)).toMatch(/^\/bag/);
    const bag = await shopper.follow(placed);
    expect(element(bag.body, '<section class="bag-set-aside"')).toContain(`/products/${b.slug}`);
    const orders = await shop.app.db.selectFrom('order_lines').select('id').where('variant_id', 'in', [a.variantId, b.variantId]).execute();
    expect(orders).toEqual([]);
  });

  it('is not one the shopper’s own unpaid order holds: back in the bag after checkout, the last piece is still theirs', async () => {
    const p = await piece(1);
    const shopper = new Shopper(shop.app);
    await add(shopper, p, 1);
    const first = await shopper.post('/checkout', { ...Shopper.formFields((await shopper.get('/checkout')).body, '/checkout'), ...GUEST });
    expect(String(first.headers.location)).toMatch(/^\/orders\//);
    const stock = await shop.app.db.selectFrom('variants').select('stock').where('id', '=', p.variantId).executeTakeFirstOrThrow();
    expect(stock.stock).toBe(0);
    // Back to the bag before paying, as a shopper who wants to change something would.
    const bag = await shopper.get('/bag');
    expect(element(bag.body, '<ul class="bag-lines"')).toContain(`/products/${p.slug}`);
    expect(bag.body).not.toContain('class="bag-set-aside"');
    const again = await shopper.post('/checkout', { ...Shopper.formFields((await shopper.get('/checkout')).body, '/checkout'), ...GUEST });
    expect(String(again.headers.location)).toMatch(/^\/orders\//);
    const number = String(again.headers.location).match(/\/orders\/([A-Z0-9-]+)/)?.[1] as string;
    const order = await shop.app.db.selectFrom('orders').select('id').where('number', '=', number).executeTakeFirstOrThrow();
    const lines = await shop.app.db.selectFrom('order_lines').select(['variant_id', 'quantity']).where('order_id', '=', order.id).execute();
    expect(lines).toEqual([{ variant_id: p.variantId, quantity: 1 }]);
  });

  it('with every line sold out, the bag offers no checkout and the checkout page sends the shopper back', async () => {
    const p = await piece(5);
    const shopper = new Shopper(shop.app);
    await add(shopper, p, 1);
    await setStock(p.variantId, 0);
    const bag = await shopper.get('/bag');
    expect(element(bag.body, '<section class="bag-set-aside"')).toContain(`/products/${p.slug}`);
    expect(bag.body).not.toContain('href="/checkout"');
    const checkout = await shopper.get('/checkout');
    expect(checkout.statusCode).toBe(303);
    expect(checkout.headers.location).toBe('/bag');
  });
});
