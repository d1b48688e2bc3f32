import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { listAdminProducts } from '../../src/features/catalog/catalog.admin.repository.js';
import { adminPost, openAdminForm, signInAs } from '../support/staff.js';

let shop: TestShop;
let owner: { cookie: string; staffId: number };
let fulfilment: { cookie: string; staffId: number };
let marketing: { cookie: string; staffId: number };

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
  owner = await signInAs(shop.app, 'owner');
  fulfilment = await signInAs(shop.app, 'fulfilment');
  marketing = await signInAs(shop.app, 'marketing');
});
afterAll(async () => shop?.close());

const get = (url: string, cookie?: string) => shop.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const post = (action: string, fields: Record<string, string | string[]>, page = action, who = owner) =>
  adminPost(shop.app, who.cookie, page, action, fields);
const db = () => shop.app.db;

/** A multipart body as a browser sends it, built by hand. */
function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = `----AssayTest${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(productId: number, alt: string, file: { filename: string; type: string; data: Buffer }, withCsrf = true) {
  const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, `/admin/products/${productId}`);
  const body = multipart(withCsrf ? { _csrf: csrf, alt } : { alt }, { name: 'image', ...file });
  return shop.app.inject({
    method: 'POST',
    url: `/admin/products/${productId}/images`,
    headers: { cookie, 'content-type': body.contentType },
    payload: body.payload,
  });
}

/** Undoes the escaping the page's HTML applies to attribute values. */
const unescape = (t: string) =>
  t
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The fields a browser would send from the form with this action, as the page rendered it: text
 * and hidden inputs with their values, ticked checkboxes, and each select's chosen option.
 */
function formFields(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const had = fields[name];
    fields[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  };
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (!name || name === '_csrf') continue;
    const type = attr(tag, 'type') ?? 'text';
    if (type === 'checkbox' && !/\schecked\b/.test(tag)) continue;
    add(name, unescape(attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : '')));
  }
  for (const [, open, options] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(open ?? '', 'name');
    if (!name) continue;
    const all = [...(options ?? '').matchAll(/<option\b([^>]*)>/g)].map((m) => m[1] ?? '');
    const chosen = all.find((o) => /\sselected\b/.test(o)) ?? all[0] ?? '';
    add(name, unescape(attr(chosen, 'value') ?? ''));
  }
  return fields;
}

type VariantChange = { price?: string; delta?: string; reason?: string; note?: string; remove?: boolean };

/** Fills in the product page's variants form as a member of staff would, and saves it. */
async function saveVariants(product: number, changes: Record<number, VariantChange>, who = owner) {
  const page = `/admin/products/${product}`;
  const action = `/admin/products/${product}/variants/save`;
  const html = (await get(page, who.cookie)).body;
  // A role that may change nothing gets no form: send what a hand-made post would.
  const fields = html.includes(`action="${action}"`) ? formFields(html, action) : { row: Object.keys(changes) };
  for (const [id, change] of Object.entries(changes)) {
    if (change.price !== undefined) fields[`price-${id}`] = change.price;
    if (change.delta !== undefined) fields[`delta-${id}`] = change.delta;
    if (change.reason !== undefined) fields[`reason-${id}`] = change.reason;
    if (change.note !== undefined) fields[`note-${id}`] = change.note;
    if (change.remove) fields[`remove-${id}`] = '1';
  }
  return post(action, fields, page, who);
}

/** The part of the page that shows one variant's row. */
function variantRow(html: string, variantId: number): string {
  const start = html.indexOf(`<tr id="variant-${variantId}"`);
  if (start < 0) throw new Error(`no row for variant ${variantId}`);
  return html.slice(start, html.indexOf('</tr>', start));
}

let ringsId: number;
let winterId: number;
let productId: number;
let variantId: number;

const productFields = (overrides: Record<string, string | string[]> = {}) => ({
  name: 'Aurora Sapphire Ring',
  slug: '',
  category: String(ringsId),
  description: 'A cornflower sapphire in a hand-raised claw setting.',
  hallmark: 'Hallmarked 750 at the Birmingham Assay Office.',
  care: 'Clean with warm soapy water.',
  stone: 'sapphire',
  featured: '1',
  collections: [String(winterId)],
  metal: '18ct-yellow-gold',
  ringSize: 'N',
  chainLength: '',
  sku: 'AUR-18YG-N',
  price: '1,250',
  stock: '3',
  ...overrides,
});

describe('categories and collections', () => {
  it('creates a category and a collection, with slugs made from their names', async () => {
    const cat = await post('/admin/categories/new', { name: 'Rings', slug: '', description: 'Rings of every kind.' }, '/admin/categories');
    expect(cat.statusCode).toBe(303);
    const col = await post(
      '/admin/collections/new',
      { name: 'Winter Sparkle', slug: '', description: 'For the dark evenings.', featured: '1' },
      '/admin/categories',
    );
    expect(col.statusCode).toBe(303);
    ringsId = (await db().selectFrom('categories').select('id').where('slug', '=', 'rings').executeTakeFirstOrThrow()).id;
    const winter = await db().selectFrom('collections').selectAll().where('slug', '=', 'winter-sparkle').executeTakeFirstOrThrow();
    winterId = winter.id;
    expect(winter.featured).toBe(1);
    expect((await get('/rings')).statusCode).toBe(200);
    expect((await get('/collections/winter-sparkle')).statusCode).toBe(200);
  });

  it('refuses a duplicate slug, or one the shop already uses for a page, keeping what was typed', async () => {
    const dup = await post('/admin/categories/new', { name: 'More rings', slug: 'rings', description: '' }, '/admin/categories');
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toMatch(/id="categories-new-slug-error">Another category already uses this web address name/);
    expect(dup.body).toContain('value="More rings"');
    const reserved = await post('/admin/categories/new', { name: 'Search', slug: '', description: '' }, '/admin/categories');
    expect(reserved.statusCode).toBe(400);
    expect(reserved.body).toContain('is already a page of the shop');
    const bad = await post('/admin/categories/new', { name: 'Bangles', slug: 'Bangles & Cuffs', description: '' }, '/admin/categories');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Use lowercase letters, numbers and single hyphens only');
  });

  it('renames and reorders, and the shop menu follows at once', async () => {
    await post('/admin/categories/new', { name: 'Earrings', slug: '', description: '' }, '/admin/categories');
    const earrings = await db().selectFrom('categories').select('id').where('slug', '=', 'earrings').executeTakeFirstOrThrow();
    expect((await post(`/admin/categories/${earrings.id}/move`, { direction: 'up' }, '/admin/categories')).statusCode).toBe(303);
    const menu = (await get('/')).body;
    expect(menu.indexOf('href="/earrings"')).toBeLessThan(menu.indexOf('href="/rings"'));
    const renamed = await post(
      `/admin/categories/${earrings.id}`,
      { name: 'Ear jewellery', slug: 'earrings', description: 'Studs.' },
      '/admin/categories',
    );
    expect(renamed.statusCode).toBe(303);
    expect((await get('/earrings')).body).toContain('<h1>Ear jewellery</h1>');
    expect((await post(`/admin/categories/${earrings.id}/move`, { direction: 'sideways' }, '/admin/categories')).statusCode).toBe(400);
  });
});

describe('creating and editing a product', () => {
  it('shows a new product on the storefront at once', async () => {
    // Warm the caches first, so that the test proves they are dropped.
    expect((await get('/rings')).body).not.toContain('Aurora Sapphire Ring');
    const res = await post('/admin/products/new', productFields(), '/admin/products/new');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/products\/\d+\?done=created$/);
    productId = Number(/\/admin\/products\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const variant = await db().selectFrom('variants').selectAll().where('product_id', '=', productId).executeTakeFirstOrThrow();
    variantId = variant.id;
    expect(variant).toMatchObject({ sku: 'AUR-18YG-N', metal: '18ct-yellow-gold', ring_size: 'N', price_pence: 125000, stock: 3 });

    const listing = await get('/rings');
    expect(listing.body).toContain('Aurora Sapphire Ring');
    expect(listing.body).toContain('href="/products/aurora-sapphire-ring"');
    const page = await get('/products/aurora-sapphire-ring?size=N');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 id="product-title">Aurora Sapphire Ring</h1>');
    expect(page.body).toContain('£1,250.00');
    expect((await get('/collections/winter-sparkle')).body).toContain('Aurora Sapphire Ring');
    expect((await get('/search?q=cornflower')).body).toContain('Aurora Sapphire Ring');
    // The opening stock is the first line of the history.
    const history = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).execute();
    expect(history).toMatchObject([{ delta: 3, stock_after: 3, staff_id: owner.staffId }]);
  });

  it('shows an edited name on the storefront at once, and finds it by the new name', async () => {
    expect((await get('/products/aurora-sapphire-ring')).body).toContain('Aurora Sapphire Ring');
    const res = await post(
      `/admin/products/${productId}`,
      productFields({ name: 'Aurora Halo Ring', slug: 'aurora-sapphire-ring' }),
      `/admin/products/${productId}`,
    );
    expect(res.statusCode).toBe(303);
    const page = await get('/products/aurora-sapphire-ring');
    expect(page.body).toContain('<h1 id="product-title">Aurora Halo Ring</h1>');
    expect((await get('/rings')).body).toContain('Aurora Halo Ring');
    expect((await get('/search?q=halo')).body).toContain('Aurora Halo Ring');
  });

  it('takes an archived product off the storefront, and brings it back on restore', async () => {
    const search = '/search?q=aurora';
    expect((await get(search)).body).toContain('Aurora Halo Ring');
    expect((await post(`/admin/products/${productId}/archive`, {}, `/admin/products/${productId}`)).statusCode).toBe(303);
    expect((await get('/products/aurora-sapphire-ring')).statusCode).toBe(404);
    expect((await get('/rings')).body).not.toContain('Aurora Halo Ring');
    expect((await get(search)).body).not.toContain('Aurora Halo Ring');
    expect((await get('/sitemap.xml')).body).not.toContain('aurora-sapphire-ring');
    const admin = await get(`/admin/products?status=archived`, owner.cookie);
    expect(admin.body).toContain('Aurora Halo Ring');

    const preview = await get(`/admin/products/${productId}/preview`, owner.cookie);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Preview.');
    expect(preview.body).toContain('<h1 id="product-title">Aurora Halo Ring</h1>');
    expect(preview.body).toContain('<meta name="robots" content="noindex"');

    expect((await post(`/admin/products/${productId}/restore`, {}, `/admin/products/${productId}`)).statusCode).toBe(303);
    expect((await get('/products/aurora-sapphire-ring')).statusCode).toBe(200);
    expect((await get('/rings')).body).toContain('Aurora Halo Ring');
    expect((await get(search)).body).toContain('Aurora Halo Ring');
    expect((await get('/sitemap.xml')).body).toContain('aurora-sapphire-ring');
  });

  it('lists products with search, filters, sorting and paging, and refuses bad parameters with a message', async () => {
    const list = await get('/admin/products?q=AUR-18', owner.cookie);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/admin/products/${productId}"`);
    expect(list.body).toContain('£1,250.00');
    expect((await get('/admin/products?q=halo&category=rings&status=active&sort=updated', owner.cookie)).body).toContain(
      'Aurora Halo Ring',
    );
    expect((await get('/admin/products?q=nothing-like-this', owner.cookie)).body).toContain('No products match');
    expect((await get('/admin/products?q=100%25_', owner.cookie)).statusCode).toBe(200);
    for (const [query, message] of [
      ['page=abc', 'The page number should be a whole number'],
      ['page=0', 'Page numbers start at 1'],
      ['sort=price', 'sorted by name or by when they were last updated'],
      ['status=deleted', 'Status is either active or archived'],
      ['category=tiaras', "We don't know that category"],
    ]) {
      const res = await get(`/admin/products?${query}`, owner.cookie);
      expect(res.statusCode, query).toBe(400);
      expect(res.body, query).toContain(message);
    }
    expect((await get('/admin/products?page=5', owner.cookie)).statusCode).toBe(404);
  });

  it("counts a search's matches on every page of it, past its last page too", async () => {
    expect(
      (await post('/admin/categories/new', { name: 'Brooches', slug: '', description: 'Pins.' }, '/admin/categories')).statusCode,
    ).toBe(303);
    const brooches = (await db().selectFrom('categories').select('id').where('slug', '=', 'brooches').executeTakeFirstOrThrow()).id;
    for (let i = 1; i <= 5; i++) {
      const res = await post(
        '/admin/products/new',
        productFields({ name: `Paging Piece ${i}`, slug: `paging-piece-${i}`, sku: `PAGE-${i}`, category: String(brooches), ringSize: '' }),
        '/admin/products/new',
      );
      expect(res.statusCode).toBe(303);
    }
    const search = (offset: number, limit = 2) => listAdminProducts(db(), { text: 'paging piece', sort: 'name', limit, offset });
    const all = await search(0, 100);
    expect(all.rows.map((r) => r.name)).toEqual([1, 2, 3, 4, 5].map((i) => `Paging Piece ${i}`));
    expect(all.total).toBe(5);
    expect(await search(2)).toEqual({ total: 5, rows: all.rows.slice(2, 4) });
    expect(await search(4)).toEqual({ total: 5, rows: all.rows.slice(4) });
    expect(await search(6)).toEqual({ total: 5, rows: [] });
    expect(await listAdminProducts(db(), { text: 'PAGE-3', sort: 'updated', limit: 20, offset: 0 })).toMatchObject({
      total: 1,
      rows: [{ name: 'Paging Piece 3' }],
    });
    expect(await listAdminProducts(db(), { text: 'no such piece', sort: 'name', limit: 20, offset: 0 })).toEqual({ total: 0, rows: [] });
    const page = await get('/admin/products?q=paging+piece', owner.cookie);
    expect(page.body).toContain('Paging Piece 5');
    expect(page.body).toContain('5 products');
  });
});

describe('form validation', () => {
  it('keeps what was typed and shows each problem next to its field', async () => {
    const res = await post(
      '/admin/products/new',
      productFields({ name: '', sku: 'NEW-1', description: 'Typed and kept.' }),
      '/admin/products/new',
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<p class="field-error" id="name-error">Please enter the name of the piece.<\/p>/);
    expect(res.body).toContain('Typed and kept.');
    expect(res.body).toContain('value="NEW-1"');
  });

  it('refuses a duplicate slug and a duplicate SKU', async () => {
    const slug = await post('/admin/products/new', productFields({ slug: 'aurora-sapphire-ring', sku: 'NEW-2' }), '/admin/products/new');
    expect(slug.statusCode).toBe(400);
    expect(slug.body).toMatch(/id="slug-error">Another product already uses this web address name/);
    expect(slug.body).toContain('value="aurora-sapphire-ring"');
    const sku = await post('/admin/products/new', productFields({ name: 'Other ring', sku: 'aur-18yg-n' }), '/admin/products/new');
    expect(sku.statusCode).toBe(400);
    expect(sku.body).toMatch(/id="sku-error">Another variant already has this SKU/);
  });

  it.each([
    ['12.345', 'no more than two decimal places'],
    ['abc', 'Please enter the price as a number of pounds'],
    ['-1', 'A price cannot be below zero'],
  ])('refuses the price %s with a plain message', async (price, message) => {
    const created = await post('/admin/products/new', productFields({ name: 'Priced wrong', sku: 'BAD-1', price }), '/admin/products/new');
    expect(created.statusCode).toBe(400);
    expect(created.body).toMatch(new RegExp(`id="price-error">[^<]*${message}`));
    expect(created.body).toContain(`value="${price}"`);
    const changed = await saveVariants(productId, { [variantId]: { price } });
    expect(changed.statusCode).toBe(400);
    expect(variantRow(changed.body, variantId)).toMatch(new RegExp(`id="price-${variantId}-error">[^<]*${message}`));
    expect(variantRow(changed.body, variantId)).toContain(`value="${price}"`);
    expect(await db().selectFrom('products').select('id').where('name', '=', 'Priced wrong').execute()).toEqual([]);
  });

  it('asks for a ring size on a ring, and refuses a variant the piece already has', async () => {
    const page = `/admin/products/${productId}`;
    const noSize = await post(
      `/admin/products/${productId}/variants`,
      { metal: 'platinum', ringSize: '', sku: 'AUR-PT', price: '2000', stock: '0' },
      page,
    );
    expect(noSize.statusCode).toBe(400);
    expect(noSize.body).toMatch(/id="ringSize-error">The other variants of this piece have a UK ring size/);
    const again = await post(
      `/admin/products/${productId}/variants`,
      { metal: '18ct-yellow-gold', ringSize: 'N', sku: 'AUR-18YG-N2', price: '2000', stock: '0' },
      page,
    );
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This piece already has that variant');
  });
});

describe('prices and stock', () => {
  it('records a price change with who and when, and the storefront shows the new price', async () => {
    expect((await get('/products/aurora-sapphire-ring?size=N')).body).toContain('£1,250.00');
    const res = await saveVariants(productId, { [variantId]: { price: '1299.50' } });
    expect(res.statusCode).toBe(303);
    const changes = await db().selectFrom('price_changes').selectAll().where('variant_id', '=', variantId).execute();
    expect(changes).toMatchObject([{ old_pence: 125000, new_pence: 129950, staff_id: owner.staffId }]);
    expect(changes[0]?.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await get('/products/aurora-sapphire-ring?size=N')).body).toContain('£1,299.50');
    expect((await get(`/admin/products/${productId}`, owner.cookie)).body).toContain('£1,250.00');
  });

  it('adjusts stock with a reason, keeps the history and shows it', async () => {
    const page = `/admin/products/${productId}`;
    const inList = async () =>
      /<td class="num">1<\/td><td class="num">(\d+)<\/td>/.exec((await get('/admin/products?q=AUR-18YG', owner.cookie)).body)?.[1];
    expect(await inList()).toBe('3');
    const res = await saveVariants(productId, { [variantId]: { delta: '+5', reason: 'delivery', note: 'From the workshop' } });
    expect(res.statusCode).toBe(303);
    const v = await db().selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow();
    expect(v.stock).toBe(8);
    const sold = await saveVariants(productId, { [variantId]: { delta: '-2', reason: 'sold-in-shop' } });
    expect(sold.statusCode).toBe(303);
    const history = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).orderBy('id').execute();
    expect(history.slice(1)).toMatchObject([
      { delta: 5, stock_after: 8, reason: 'Delivery received: From the workshop', staff_id: owner.staffId },
      { delta: -2, stock_after: 6, reason: 'Sold in shop', staff_id: owner.staffId },
    ]);
    const html = (await get(page, owner.cookie)).body;
    expect(html).toContain('Delivery received: From the workshop');
    expect(html).toMatch(/<td class="num">-2<\/td><td class="num">6<\/td><td>Sold in shop<\/td>/);
    // The product list is cached per catalogue version, so it shows the new total at once too.
    expect(await inList()).toBe('6');
  });

  it('never takes stock below zero, and asks for a reason', async () => {
    const before = await db().selectFrom('stock_movements').select('id').execute();
    const res = await saveVariants(productId, { [variantId]: { delta: '-7', reason: 'damaged' } });
    expect(res.statusCode).toBe(400);
    const row = variantRow(res.body, variantId);
    expect(row).toMatch(new RegExp(`id="delta-${variantId}-error">There are only 6 in stock, so you can take away at most 6.`));
    expect(row).toContain('value="-7"');
    const noReason = await saveVariants(productId, { [variantId]: { delta: '1', reason: '' } });
    expect(noReason.statusCode).toBe(400);
    expect(variantRow(noReason.body, variantId)).toMatch(
      new RegExp(`id="reason-${variantId}-error">Please choose a reason for the change.`),
    );
    const zero = await saveVariants(productId, { [variantId]: { delta: '0', reason: 'count' } });
    expect(zero.statusCode).toBe(400);
    expect((await db().selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock).toBe(6);
    expect(await db().selectFrom('stock_movements').select('id').execute()).toHaveLength(before.length);
  });

  it('removes a variant that never held stock, and refuses one with history', async () => {
    const page = `/admin/products/${productId}`;
    const added = await post(
      `/admin/products/${productId}/variants`,
      { metal: 'platinum', ringSize: 'M', sku: 'aur-pt-m', price: '2100', stock: '0' },
      page,
    );
    expect(added.statusCode).toBe(303);
    const platinum = await db().selectFrom('variants').select('id').where('sku', '=', 'AUR-PT-M').executeTakeFirstOrThrow();
    expect((await get('/products/aurora-sapphire-ring?metal=platinum&size=M')).body).toContain('£2,100.00');
    // Only a variant without stock history offers the choice to remove it.
    const html = (await get(page, owner.cookie)).body;
    expect(variantRow(html, platinum.id)).toContain(`name="remove-${platinum.id}"`);
    expect(variantRow(html, variantId)).not.toContain(`name="remove-${variantId}"`);
    expect((await saveVariants(productId, { [platinum.id]: { remove: true } })).statusCode).toBe(303);
    expect(await db().selectFrom('variants').select('id').where('id', '=', platinum.id).execute()).toEqual([]);
    const refused = await saveVariants(productId, { [variantId]: { remove: true } });
    expect(refused.statusCode).toBe(400);
    expect(variantRow(refused.body, variantId)).toContain('has stock history');
    expect(await db().selectFrom('variants').select('id').where('id', '=', variantId).execute()).toHaveLength(1);
  });
});

describe('a piece with many variants', () => {
  const sizes = ['J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U'];
  let bandId: number;
  let ids: number[];
  const page = () => `/admin/products/${bandId}`;
  const variants = () =>
    db().selectFrom('variants').select(['id', 'sku', 'price_pence', 'stock']).where('product_id', '=', bandId).orderBy('id').execute();
  const histories = async () => ({
    prices: await db().selectFrom('price_changes').selectAll().where('variant_id', 'in', ids).orderBy('id').execute(),
    stock: await db().selectFrom('stock_movements').selectAll().where('variant_id', 'in', ids).orderBy('id').execute(),
  });

  beforeAll(async () => {
    const created = await post(
      '/admin/products/new',
      productFields({
        name: 'Celeste Court Band',
        collections: [],
        stone: '',
        sku: 'CEL-9YG-J',
        ringSize: 'J',
        metal: '9ct-yellow-gold',
        price: '300',
        stock: '2',
      }),
      '/admin/products/new',
    );
    bandId = Number(/\/admin\/products\/(\d+)/.exec(String(created.headers.location))?.[1]);
    for (const size of sizes.slice(1)) {
      const added = await post(
        `/admin/products/${bandId}/variants`,
        { metal: '9ct-yellow-gold', ringSize: size, sku: `CEL-9YG-${size}`, price: '300', stock: '2' },
        page(),
      );
      expect(added.statusCode).toBe(303);
    }
    ids = (await variants()).map((v) => v.id);
    expect(ids).toHaveLength(sizes.length);
  });

  it('edits every variant in one table with one form', async () => {
    const html = (await get(page(), owner.cookie)).body;
    const forms = [...html.matchAll(/<form\b[^>]*>/g)].map((m) => m[0]);
    expect(forms.filter((f) => f.includes(`action="/admin/products/${bandId}/variants/save"`))).toHaveLength(1);
    // No form per variant: the page has the same handful of forms whatever the number of variants.
    expect(forms.filter((f) => /action="\/admin\/variants\//.test(f))).toEqual([]);
    expect(forms.length).toBeLessThan(10);
    const fields = formFields(html, `/admin/products/${bandId}/variants/save`);
    for (const id of ids) {
      expect(fields[`price-${id}`], `price of ${id}`).toBe('300.00');
      expect(fields[`delta-${id}`], `stock change of ${id}`).toBe('');
      expect(fields).toHaveProperty(`reason-${id}`);
      expect(fields).toHaveProperty(`note-${id}`);
    }
    expect(fields.row).toEqual(ids.map(String));
  });

  it('saves prices and stock for several variants at once, each with its history', async () => {
    const [j, k, l, m] = ids as [number, number, number, number];
    const before = await histories();
    const res = await saveVariants(bandId, {
      [j]: { price: '325' },
      [k]: { price: '£1,010.50', delta: '+4', reason: 'delivery', note: 'Spring order' },
      [l]: { delta: '-2', reason: 'sold-in-shop' },
      [m]: { price: '300.00' },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/products/${bandId}?done=variants`);
    const after = await variants();
    expect(after.find((v) => v.id === j)).toMatchObject({ price_pence: 32500, stock: 2 });
    expect(after.find((v) => v.id === k)).toMatchObject({ price_pence: 101050, stock: 6 });
    expect(after.find((v) => v.id === l)).toMatchObject({ price_pence: 30000, stock: 0 });
    expect(after.find((v) => v.id === m)).toMatchObject({ price_pence: 30000, stock: 2 });
    const { prices, stock } = await histories();
    expect(prices.slice(before.prices.length)).toMatchObject([
      { variant_id: j, old_pence: 30000, new_pence: 32500, staff_id: owner.staffId },
      { variant_id: k, old_pence: 30000, new_pence: 101050, staff_id: owner.staffId },
    ]);
    expect(stock.slice(before.stock.length)).toMatchObject([
      { variant_id: k, delta: 4, stock_after: 6, reason: 'Delivery received: Spring order', staff_id: owner.staffId },
      { variant_id: l, delta: -2, stock_after: 0, reason: 'Sold in shop', staff_id: owner.staffId },
    ]);
    const html = (await get(`${page()}?done=variants`, owner.cookie)).body;
    expect(html).toContain('Variants saved.');
    expect(html).toContain('Delivery received: Spring order');
    expect(html).toMatch(/<td class="num">£300\.00<\/td><td class="num">£1,010\.50<\/td>/);
    expect((await get('/products/celeste-court-band?size=K')).body).toContain('£1,010.50');
  });

  it('refuses the whole save when one row is wrong, shows the error on that row, and changes nothing', async () => {
    const [j, k, l, m] = ids as [number, number, number, number];
    const before = { variants: await variants(), ...(await histories()) };
    // A price that does not parse: found before anything is written.
    const typo = await saveVariants(bandId, {
      [j]: { price: '350', delta: '+1', reason: 'delivery' },
      [m]: { price: '3OO' },
    });
    expect(typo.statusCode).toBe(400);
    expect(variantRow(typo.body, m)).toMatch(new RegExp(`id="price-${m}-error">Please enter the price as a number of pounds`));
    expect(variantRow(typo.body, m)).toContain('aria-invalid="true"');
    expect(variantRow(typo.body, m)).toContain('value="3OO"');
    // What was typed in the other rows is kept, without an error of its own.
    expect(variantRow(typo.body, j)).toContain('value="350"');
    expect(variantRow(typo.body, j)).toContain('value="+1"');
    expect(variantRow(typo.body, j)).not.toContain('field-error');
    expect(typo.body).toContain('Nothing was saved');

    // Too much stock taken away: found only when that row is written, after the rows before it.
    const short = await saveVariants(bandId, {
      [j]: { price: '350', delta: '+1', reason: 'delivery' },
      [k]: { delta: '+1', reason: 'count' },
      [l]: { delta: '-1', reason: 'damaged' },
    });
    expect(short.statusCode).toBe(400);
    expect(variantRow(short.body, l)).toMatch(new RegExp(`id="delta-${l}-error">There are none in stock, so none can be taken away.`));
    expect(variantRow(short.body, j)).not.toContain('field-error');
    expect(variantRow(short.body, k)).not.toContain('field-error');

    // A reason without a change, and a removal of the last of a piece's variants with history.
    const muddled = await saveVariants(bandId, { [k]: { reason: 'delivery' }, [j]: { remove: true } });
    expect(muddled.statusCode).toBe(400);
    expect(variantRow(muddled.body, k)).toMatch(new RegExp(`id="delta-${k}-error">`));
    expect(variantRow(muddled.body, j)).toContain('has stock history');

    expect({ variants: await variants(), ...(await histories()) }).toEqual(before);
  });

  it('refuses to overwrite a price someone else changed while the form was open', async () => {
    const [j] = ids as [number];
    const html = (await get(page(), owner.cookie)).body;
    const fields = formFields(html, `/admin/products/${bandId}/variants/save`);
    expect((await saveVariants(bandId, { [j]: { price: '360' } })).statusCode).toBe(303);
    const stale = await post(`/admin/products/${bandId}/variants/save`, { ...fields, [`price-${j}`]: '355' }, page());
    expect(stale.statusCode).toBe(400);
    expect(variantRow(stale.body, j)).toContain('changed this price to £360.00');
    expect((await variants()).find((v) => v.id === j)?.price_pence).toBe(36000);
    // Saving the form from before, with its rows untouched, leaves the newer price alone.
    expect((await post(`/admin/products/${bandId}/variants/save`, fields, page())).statusCode).toBe(303);
    expect((await variants()).find((v) => v.id === j)?.price_pence).toBe(36000);
  });
});

describe('photos', () => {
  const imagesDir = () => join(shop.dataDir, 'images');

  it('turns an upload into WebP files in widths no wider than the original, served by the storefront', async () => {
    const png = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#c9a' } })
      .png()
      .toBuffer();
    const res = await upload(productId, 'Aurora ring from above', { filename: 'ring.png', type: 'image/png', data: png });
    expect(res.statusCode).toBe(303);
    const row = await db().selectFrom('product_images').selectAll().where('product_id', '=', productId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ content_type: 'image/webp', body: '', widths: '400,800,1200', alt: 'Aurora ring from above' });
    for (const width of [400, 800, 1200]) {
      const file = join(imagesDir(), `${row.file_key}-${width}.webp`);
      const meta = await sharp(file).metadata();
      expect(meta).toMatchObject({ format: 'webp', width });
    }
    const served = await get(`/images/products/${row.id}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toContain('immutable');
    expect((await sharp(served.rawPayload).metadata()).width).toBe(1200);
    expect((await sharp((await get(`/images/products/${row.id}?w=400`)).rawPayload).metadata()).width).toBe(400);
    expect((await sharp((await get(`/images/products/${row.id}?w=1600`)).rawPayload).metadata()).width).toBe(1200);
    expect((await get(`/images/products/${row.id}?w=500`)).statusCode).toBe(400);
    expect((await get('/products/aurora-sapphire-ring')).body).toContain(`src="/images/products/${row.id}"`);
  });

  it('strips location and camera details from a photo', async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#345' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCo', Model: 'Snap 12' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 29/1 0/1' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const res = await upload(productId, 'Aurora ring on a hand', { filename: 'IMG_0001.JPG', type: 'image/jpeg', data: jpeg });
    expect(res.statusCode).toBe(303);
    const row = await db().selectFrom('product_images').selectAll().where('alt', '=', 'Aurora ring on a hand').executeTakeFirstOrThrow();
    expect(row.widths).toBe('400,640');
    const served = (await get(`/images/products/${row.id}`)).rawPayload;
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();
    expect(served.includes(Buffer.from('PhoneCo'))).toBe(false);
  });

  it('refuses a file that is not a photo, whatever its name says', async () => {
    const before = readdirSync(imagesDir()).length;
    const res = await upload(productId, 'Not really', {
      filename: 'ring.png',
      type: 'image/png',
      data: Buffer.from('just some text, honestly\n'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="image-error">That file isn't a JPEG, PNG or WebP photo/);
    expect(res.body).toContain('value="Not really"');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800"/></svg>');
    expect((await upload(productId, 'Drawing', { filename: 'ring.png', type: 'image/png', data: svg })).statusCode).toBe(400);
    const noAlt = await upload(productId, '', {
      filename: 'ring.png',
      type: 'image/png',
      data: await sharp({ create: { width: 500, height: 500, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    });
    expect(noAlt.statusCode).toBe(400);
    expect(noAlt.body).toContain('id="alt-error">Please describe the photo');
    expect(readdirSync(imagesDir()).length).toBe(before);
  });

  it('refuses an upload over 10 MB with 413 and a plain message', async () => {
    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(11 * 1024 * 1024)]);
    const res = await upload(productId, 'Too big', { filename: 'big.png', type: 'image/png', data: big });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('That photo is larger than 10 MB');
    expect(res.body).not.toContain('Something went wrong');
  });

  it('refuses an upload without a valid CSRF token', async () => {
    const count = (await db().selectFrom('product_images').select('id').execute()).length;
    const png = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#999' } })
      .png()
      .toBuffer();
    const res = await upload(productId, 'Forged', { filename: 'x.png', type: 'image/png', data: png }, false);
    expect(res.statusCode).toBe(403);
    const body = multipart({ alt: 'Anonymous' }, { name: 'image', filename: 'x.png', type: 'image/png', data: png });
    const anonymous = await shop.app.inject({
      method: 'POST',
      url: `/admin/products/${productId}/images`,
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await db().selectFrom('product_images').select('id').execute()).length).toBe(count);
  });

  it('reorders and removes a photo, with its files', async () => {
    const rows = await db().selectFrom('product_images').selectAll().where('product_id', '=', productId).orderBy('position').execute();
    const [first, second] = rows;
    if (!first || !second) throw new Error('expected two photos');
    expect((await post(`/admin/images/${second.id}/move`, { direction: 'up' }, `/admin/products/${productId}`)).statusCode).toBe(303);
    expect((await get('/products/aurora-sapphire-ring')).body.indexOf(`/images/products/${second.id}`)).toBeLessThan(
      (await get('/products/aurora-sapphire-ring')).body.indexOf(`/images/products/${first.id}`),
    );
    expect((await post(`/admin/images/${first.id}/delete`, {}, `/admin/products/${productId}`)).statusCode).toBe(303);
    expect(await db().selectFrom('product_images').select('id').where('id', '=', first.id).execute()).toEqual([]);
    for (const w of [400, 800, 1200]) expect(existsSync(join(imagesDir(), `${first.file_key}-${w}.webp`))).toBe(false);
    expect((await get(`/images/products/${first.id}`)).statusCode).toBe(404);
  });
});

describe('who may do what', () => {
  it('lets fulfilment adjust stock but not edit a product', async () => {
    const page = `/admin/products/${productId}`;
    const html = (await get(page, fulfilment.cookie)).body;
    expect(html).toContain('Adjust stock');
    expect(html).not.toContain('Save details');
    expect(variantRow(html, variantId)).toContain(`name="delta-${variantId}"`);
    expect(variantRow(html, variantId)).not.toContain(`name="price-${variantId}"`);
    const adjusted = await saveVariants(productId, { [variantId]: { delta: '1', reason: 'returned' } }, fulfilment);
    expect(adjusted.statusCode).toBe(303);
    const last = await db().selectFrom('stock_movements').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ delta: 1, reason: 'Returned', staff_id: fulfilment.staffId });
    const edit = await post(page, productFields({ name: 'Hijacked' }), page, fulfilment);
    expect(edit.statusCode).toBe(403);
    // A price sent anyway, alongside a stock change the role may make, refuses the whole save.
    const variant = () =>
      db().selectFrom('variants').select(['price_pence', 'stock']).where('id', '=', variantId).executeTakeFirstOrThrow();
    const before = await variant();
    const priced = await saveVariants(productId, { [variantId]: { price: '1', delta: '1', reason: 'returned' } }, fulfilment);
    expect(priced.statusCode).toBe(403);
    expect(priced.body).toContain('Not part of your role');
    expect(await variant()).toEqual(before);
  });

  it('stops marketing adjusting stock', async () => {
    expect((await get(`/admin/products/${productId}`, marketing.cookie)).body).not.toContain('/variants/save');
    const res = await saveVariants(productId, { [variantId]: { delta: '5', reason: 'delivery' } }, marketing);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Not part of your role');
  });

  it('refuses to delete a category that still has products', async () => {
    const res = await post(`/admin/categories/${ringsId}/delete`, {}, '/admin/categories');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This category still has 2 products');
    expect(await db().selectFrom('categories').select('id').where('id', '=', ringsId).execute()).toHaveLength(1);
  });

  it('refuses a multipart body anywhere but the photo upload', async () => {
    const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, `/admin/products/${productId}`);
    const body = multipart({ _csrf: csrf, name: 'Sneaky' });
    const res = await shop.app.inject({
      method: 'POST',
      url: `/admin/products/${productId}`,
      headers: { cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(415);
  });
});
