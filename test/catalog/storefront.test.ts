import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts } from '../../src/features/catalog/demo/demo-catalogue.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop();
});
afterAll(async () => shop?.close());

const get = (url: string) => shop.app.inject({ method: 'GET', url });
const productLinks = (html: string) => [...html.matchAll(/<a href="\/products\/([a-z0-9-]+)"/g)].map((m) => m[1]);
const prices = (html: string) =>
  [...html.matchAll(/class="card-price">(?:From )?£([\d,]+\.\d\d)/g)].map((m) => Number((m[1] ?? '').replace(/,/g, '')));

describe('demo catalogue', () => {
  it('seeds at least 40 products across the four categories, each with several images', async () => {
    const products = await shop.app.db.selectFrom('products').select(['id', 'category_id']).execute();
    expect(products.length).toBeGreaterThanOrEqual(40);
    const categories = await shop.app.db.selectFrom('categories').select('name').orderBy('position').execute();
    expect(categories.map((c) => c.name)).toEqual(['Rings', 'Necklaces', 'Earrings', 'Bracelets']);
    const images = await shop.app.db
      .selectFrom('product_images')
      .select((eb) => ['product_id', eb.fn.countAll<number>().as('n')])
      .groupBy('product_id')
      .execute();
    expect(images.length).toBe(products.length);
    expect(images.every((i) => Number(i.n) >= 3)).toBe(true);
  });

  it('gives rings UK sizes, necklaces chain lengths, and every variant a SKU, stock and VAT-inclusive price', async () => {
    const variants = await shop.app.db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .innerJoin('categories as c', 'c.id', 'p.category_id')
      .select(['c.slug', 'v.sku', 'v.ring_size', 'v.chain_length_in', 'v.price_pence', 'v.stock'])
      .execute();
    for (const v of variants) {
      expect(v.sku).toMatch(/^ASY-/);
      expect(Number.isInteger(v.price_pence) && v.price_pence > 0).toBe(true);
      expect(v.stock).toBeGreaterThanOrEqual(0);
      if (v.slug === 'rings') expect(v.ring_size).toMatch(/^[H-Z]½?$/);
      else expect(v.ring_size).toBeNull();
      if (v.slug === 'necklaces') expect(v.chain_length_in).toBeGreaterThan(0);
    }
    expect(new Set(variants.map((v) => v.sku)).size).toBe(variants.length);
  });

  it('serves the drawn product images as SVG with a long cache life', async () => {
    const img = await shop.app.db.selectFrom('product_images').select('id').orderBy('id').executeTakeFirstOrThrow();
    const res = await get(`/images/products/${img.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.body).not.toMatch(/<script|href="http|xlink:href="http/);
  });
});

describe('storefront pages', () => {
  it('home shows featured pieces and featured collections', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Featured pieces');
    expect(productLinks(res.body).length).toBeGreaterThanOrEqual(4);
    expect(res.body).toMatch(/href="\/collections\/[a-z-]+"/);
    expect(res.body).toContain(`<link rel="canonical" href="${shop.config.publicUrl}/"`);
    expect(res.body).toMatch(/<meta name="description" content="[^"]{20,}"/);
  });

  it('a category page lists its pieces with pagination', async () => {
    const rings = demoProducts.filter((p) => p.category === 'rings');
    const first = await get('/rings');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<h1>Rings</h1>');
    expect(first.body).toContain(`${rings.length} pieces`);
    const page1 = productLinks(first.body);
    expect(page1.length).toBe(Math.min(12, rings.length));
    const ringSlugs = new Set(rings.map((r) => r.slug));
    expect(page1.every((s) => ringSlugs.has(s ?? ''))).toBe(true);
    if (rings.length > 12) {
      expect(first.body).toContain('href="/rings?page=2"');
      const second = await get('/rings?page=2');
      expect(second.statusCode).toBe(200);
      const page2 = productLinks(second.body);
      expect(page2.some((s) => page1.includes(s))).toBe(false);
      expect(second.body).toContain(`<link rel="canonical" href="${shop.config.publicUrl}/rings?page=2"`);
    }
  });

  it('filters by metal, stone and price range', async () => {
    const metal = '18ct-yellow-gold';
    const res = await get(`/necklaces?metal=${metal}`);
    expect(res.statusCode).toBe(200);
    const expected = demoProducts.filter((p) => p.category === 'necklaces' && p.metals.includes(metal));
    expect(res.body).toContain(`${expected.length} piece`);
    for (const slug of productLinks(res.body)) expect(expected.map((p) => p.slug)).toContain(slug);

    const stone = 'sapphire';
    const byStone = demoProducts.filter((p) => p.stone === stone);
    const all = await Promise.all(['rings', 'necklaces', 'earrings', 'bracelets'].map((c) => get(`/${c}?stone=${stone}`)));
    const found = all.flatMap((r) => (r.statusCode === 200 ? productLinks(r.body) : []));
    expect(new Set(found)).toEqual(new Set(byStone.map((p) => p.slug)));

    const cheap = await get('/earrings?min=0&max=150&sort=price-asc');
    expect(cheap.statusCode).toBe(200);
    const cheapPrices = prices(cheap.body);
    expect(cheapPrices.length).toBeGreaterThan(0);
    expect(cheapPrices.every((p) => p <= 150)).toBe(true);
  });

  it('sorts by price both ways and by name', async () => {
    const asc = prices((await get('/bracelets?sort=price-asc')).body);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = prices((await get('/bracelets?sort=price-desc')).body);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBeGreaterThan(asc[0] ?? 0);
    const names = [...(await get('/bracelets?sort=name')).body.matchAll(/<h3 class="card-title">([^<]+)</g)].map((m) => m[1] ?? '');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  });

  it('a product page shows variants, stock, price, gallery, JSON-LD and an Add to bag form', async () => {
    const p = demoProducts.find((x) => x.category === 'rings' && x.metals.length > 1) ?? demoProducts[0];
    if (!p) throw new Error('no demo product');
    const res = await get(`/products/${p.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1 id="product-title">${p.name.replace(/&/g, '&amp;')}</h1>`);
    expect(res.body).toContain('action="/bag/items"');
    expect(res.body).not.toContain('name="_csrf"');
    expect(res.body).toContain('Ring size (UK)');
    expect((res.body.match(/<img src="\/images\/products\/\d+"/g) ?? []).length).toBeGreaterThanOrEqual(3);
    const ld = res.body.match(/<script type="application\/ld\+json">(.+?)<\/script>/)?.[1];
    const data = JSON.parse(ld ?? '{}');
    expect(data['@type']).toBe('Product');
    expect(data.name).toBe(p.name);
    expect(data.offers.priceCurrency).toBe('GBP');
    expect(Number(data.offers.lowPrice)).toBe(Math.min(...Object.values(p.prices)) / 100);
    expect(res.body).toContain(`<link rel="canonical" href="${shop.config.publicUrl}/products/${p.slug}"`);
  });

  it('choosing a variant without JavaScript shows its price and stock', async () => {
    const p = demoProducts.find((x) => x.category === 'rings' && x.metals.length > 1);
    if (!p) throw new Error('no multi-metal ring');
    const metal = p.metals[1] as string;
    const res = await get(`/products/${p.slug}?metal=${metal}&size=N`);
    expect(res.statusCode).toBe(200);
    const price = (p.prices[metal as keyof typeof p.prices] ?? 0) / 100;
    expect(res.body).toContain(`£${price.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`);
    expect(res.body).toMatch(/data-stock[^>]*>(In stock|Only \d left|Sold out)</);
    expect(res.body).toMatch(/data-sku[^>]*>ASY-[^<]+-N</);
  });

  it('collections are browsable', async () => {
    const index = await get('/collections');
    expect(index.statusCode).toBe(200);
    const slug = index.body.match(/href="\/collections\/([a-z-]+)"/)?.[1];
    const res = await get(`/collections/${slug}`);
    expect(res.statusCode).toBe(200);
    expect(productLinks(res.body).length).toBeGreaterThanOrEqual(5);
  });

  it.each(['/about', '/contact', '/delivery-returns', '/terms', '/privacy', '/cookies'])(
    '%s is a finished page linked from the footer',
    async (path) => {
      const res = await get(path);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/coming soon|lorem ipsum|TODO/i);
      expect(res.body).toMatch(/<h1[^>]*>[^<]+<\/h1>/);
      const home = await get('/');
      expect(home.body).toContain(`href="${path}"`);
    },
  );

  it('serves sitemap.xml with every product, and robots.txt pointing at it', async () => {
    const sitemap = await get('/sitemap.xml');
    expect(sitemap.statusCode).toBe(200);
    expect(sitemap.headers['content-type']).toMatch(/application\/xml/);
    for (const p of demoProducts) expect(sitemap.body).toContain(`<loc>${shop.config.publicUrl}/products/${p.slug}</loc>`);
    const robots = await get('/robots.txt');
    expect(robots.body).toContain(`Sitemap: ${shop.config.publicUrl}/sitemap.xml`);
  });

  it('answers /healthz', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('search', () => {
  it('finds by whole words and by prefix, ranked', async () => {
    const target = demoProducts.find((p) => p.stone === 'sapphire');
    if (!target) throw new Error('no sapphire piece');
    const full = await get('/search?q=sapphire');
    expect(full.statusCode).toBe(200);
    const slugs = productLinks(full.body);
    expect(slugs).toContain(target.slug);
    const prefix = await get('/search?q=sapph');
    expect(productLinks(prefix.body)).toEqual(slugs);
    const byName = await get(`/search?q=${encodeURIComponent(target.name.toLowerCase())}`);
    expect(productLinks(byName.body)[0]).toBe(target.slug);
  });

  it('combines words, and says so kindly when nothing matches', async () => {
    const both = await get('/search?q=ring+sapphire');
    for (const slug of productLinks(both.body)) {
      const p = demoProducts.find((x) => x.slug === slug);
      expect(p?.stone === 'sapphire' || p?.description.toLowerCase().includes('sapphire')).toBe(true);
    }
    const none = await get('/search?q=zzqqxx');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('Nothing matched');
  });

  it('treats query syntax as plain words', async () => {
    for (const q of ['"', 'NEAR(', 'ring*', 'a OR b', "'; drop table products; --", ':*&|!']) {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
    }
    const count = await shop.app.db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(demoProducts.length);
  });
});

describe('the page cache is honest', () => {
  it('serves a changed product at once after the catalogue is invalidated', async () => {
    const p = demoProducts[0];
    if (!p) throw new Error('no product');
    const before = await get(`/products/${p.slug}`);
    expect(before.body).toContain(p.name);
    await shop.app.db.updateTable('products').set({ name: 'Renamed Test Ring' }).where('slug', '=', p.slug).execute();
    await shop.app.catalog.invalidate();
    const after = await get(`/products/${p.slug}`);
    expect(after.body).toContain('Renamed Test Ring');
    expect(after.body).not.toContain(`<h1 id="product-title">${p.name}</h1>`);
    await shop.app.db.updateTable('products').set({ name: p.name }).where('slug', '=', p.slug).execute();
    await shop.app.catalog.invalidate();
  });

  it('serves every visitor the same cached page, and sets no cookie while they browse', async () => {
    const slug = demoProducts[1]?.slug;
    const [a, b] = await Promise.all([1, 2].map(() => get(`/products/${slug}`)));
    expect(a?.body).toContain('action="/bag/items"');
    expect(a?.body).toBe(b?.body);
    expect(a?.headers['set-cookie']).toBeUndefined();
  });
});

describe('uploaded photos', () => {
  it('are offered in their stored widths, with the smallest as the thumbnail', async () => {
    const p = await shop.app.db.selectFrom('products').select(['id', 'slug']).orderBy('id').executeTakeFirstOrThrow();
    const { id } = await shop.app.db
      .insertInto('product_images')
      .values({
        product_id: p.id,
        position: -1,
        alt: 'A photographed ring',
        content_type: 'image/webp',
        body: '',
        file_key: 'test',
        widths: '400,800,1600',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await shop.app.catalog.invalidate();
    const page = await get(`/products/${p.slug}`);
    expect(page.body).toContain(
      `srcset="/images/products/${id}?w=400 400w, /images/products/${id}?w=800 800w, /images/products/${id}?w=1600 1600w"`,
    );
    expect(page.body).toContain(`<img src="/images/products/${id}?w=400" alt width="96"`);
    const listing = await get('/rings?sort=name');
    if (listing.body.includes(`/products/${p.slug}"`)) expect(listing.body).toContain(`src="/images/products/${id}?w=400"`);
    // Drawn images have no widths and no srcset.
    const drawn = await shop.app.db
      .selectFrom('product_images')
      .select('id')
      .where('product_id', '=', p.id)
      .where('file_key', 'is', null)
      .executeTakeFirstOrThrow();
    expect(page.body).toMatch(new RegExp(`<img src="/images/products/${drawn.id}" alt=`));
    await shop.app.db.deleteFrom('product_images').where('id', '=', id).execute();
    await shop.app.catalog.invalidate();
  });
});
