import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
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
    const changed = await post(`/admin/variants/${variantId}/price`, { price }, `/admin/products/${productId}`);
    expect(changed.statusCode).toBe(400);
    expect(changed.body).toMatch(new RegExp(`id="price-${variantId}-error">[^<]*${message}`));
    expect(changed.body).toContain(`value="${price}"`);
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
    const res = await post(`/admin/variants/${variantId}/price`, { price: '1299.50' }, `/admin/products/${productId}`);
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
    const res = await post(`/admin/variants/${variantId}/stock`, { delta: '+5', reason: 'delivery', note: 'From the workshop' }, page);
    expect(res.statusCode).toBe(303);
    const v = await db().selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow();
    expect(v.stock).toBe(8);
    const sold = await post(`/admin/variants/${variantId}/stock`, { delta: '-2', reason: 'sold-in-shop', note: '' }, page);
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
    const page = `/admin/products/${productId}`;
    const before = await db().selectFrom('stock_movements').select('id').execute();
    const res = await post(`/admin/variants/${variantId}/stock`, { delta: '-7', reason: 'damaged', note: '' }, page);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(new RegExp(`id="delta-${variantId}-error">There are only 6 in stock, so you can take away at most 6.`));
    expect(res.body).toContain('value="-7"');
    const noReason = await post(`/admin/variants/${variantId}/stock`, { delta: '1', reason: '', note: '' }, page);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Please choose a reason for the change.');
    const zero = await post(`/admin/variants/${variantId}/stock`, { delta: '0', reason: 'count', note: '' }, page);
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
    expect((await post(`/admin/variants/${platinum.id}/remove`, {}, page)).statusCode).toBe(303);
    expect(await db().selectFrom('variants').select('id').where('id', '=', platinum.id).execute()).toEqual([]);
    const refused = await post(`/admin/variants/${variantId}/remove`, {}, page);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('has stock history');
    expect(await db().selectFrom('variants').select('id').where('id', '=', variantId).execute()).toHaveLength(1);
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
    const adjusted = await post(`/admin/variants/${variantId}/stock`, { delta: '1', reason: 'returned', note: '' }, page, fulfilment);
    expect(adjusted.statusCode).toBe(303);
    const last = await db().selectFrom('stock_movements').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ delta: 1, reason: 'Returned', staff_id: fulfilment.staffId });
    const edit = await post(page, productFields({ name: 'Hijacked' }), page, fulfilment);
    expect(edit.statusCode).toBe(403);
    expect((await post(`/admin/variants/${variantId}/price`, { price: '1' }, page, fulfilment)).statusCode).toBe(403);
  });

  it('stops marketing adjusting stock', async () => {
    const page = `/admin/products/${productId}`;
    const res = await post(`/admin/variants/${variantId}/stock`, { delta: '5', reason: 'delivery', note: '' }, page, marketing);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Not part of your role');
  });

  it('refuses to delete a category that still has products', async () => {
    const res = await post(`/admin/categories/${ringsId}/delete`, {}, '/admin/categories');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This category still has 1 product');
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
