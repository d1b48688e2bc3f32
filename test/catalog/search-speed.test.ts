import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/db/database.js';
import { searchEntry } from '../../src/features/catalog/catalog.domain.js';
import { findCardsByIds, insertProduct, listCategories, searchProductIds } from '../../src/features/catalog/catalog.repository.js';
import { PAGE_SIZE } from '../../src/features/catalog/catalog.service.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

// What search must keep while it is made fast: the ranking (name above the rest, ties by id),
// prefix terms, archived pieces left out, pages and the total over many matches, a rename found
// at once, and query syntax read as plain words. Compared with a reference that ranks every match
// the way search did before: FTS5's bm25() on SQLite, ts_rank over the vector computed from the
// text on PostgreSQL.

let shop: TestShop;
let owner: { cookie: string };
const ids: number[] = [];
const STYLES = ['Halo', 'Twist', 'Vintage', 'Classic', 'Cluster'];
const KINDS = ['ring', 'pendant', 'bracelet', 'earrings'];
const MANY = 41;

beforeAll(async () => {
  shop = await buildTestShop();
  owner = await signInAs(shop.app, 'owner');
  const db = shop.app.db;
  const categories = await listCategories(db);
  // 41 pieces share the made-up word "quillon": in the name of some, only in the description of
  // others, and twice in a few, so that their ranks differ and some tie.
  for (let i = 0; i < MANY; i++) {
    const inName = i % 3 !== 0;
    const name = `${STYLES[i % STYLES.length]} ${inName ? 'Quillon ' : ''}${KINDS[i % KINDS.length]} ${i + 1}`;
    const description = `${i % 4 === 0 ? 'A quillon cross, ' : 'A piece '}in the quillon style${i % 5 === 0 ? ', gold' : ''}.`;
    const category = categories[i % categories.length]!;
    ids.push(
      await insertProduct(db, {
        slug: `quillon-piece-${i + 1}`,
        name,
        categoryId: category.id,
        description,
        hallmark: 'Hallmarked.',
        care: 'Polish.',
        stone: null,
        featured: false,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        collectionIds: [],
        variants: [
          { sku: `QU-${i + 1}-A`, metal: '9ct-yellow-gold', ringSize: null, chainLengthIn: null, pricePence: 20_000 + i * 100, stock: 2 },
          ...(i % 2 === 0
            ? [
                {
                  sku: `QU-${i + 1}-B`,
                  metal: 'sterling-silver',
                  ringSize: null,
                  chainLengthIn: null,
                  pricePence: 9_000 + i * 100,
                  stock: 3,
                },
              ]
            : []),
        ],
        images: [],
        search: searchEntry(name, description, category.name, ['9ct-yellow-gold', ...(i % 2 === 0 ? ['sterling-silver'] : [])], null, []),
      }),
    );
  }
  await shop.app.catalog.invalidate();
});
afterAll(async () => shop?.close());

const get = (url: string) => shop.app.inject({ method: 'GET', url });
const productLinks = (html: string) => [...html.matchAll(/<a href="\/products\/([a-z0-9-]+)"/g)].map((m) => m[1]);

/** Every unarchived match in the order search ranked them before it was made fast. */
async function referenceOrder(terms: string[]): Promise<number[]> {
  const db = shop.app.db;
  if (dialectOf(db) === 'postgres') {
    const r = await sql<{ id: number }>`
      select s.product_id as id
      from product_search s join products p on p.id = s.product_id and p.archived = 0,
           to_tsquery('english', ${terms.map((t) => `${t}:*`).join(' & ')}) q
      where (setweight(to_tsvector('english', s.name), 'A') || setweight(to_tsvector('english', s.document), 'B')) @@ q
      order by ts_rank(setweight(to_tsvector('english', s.name), 'A') || setweight(to_tsvector('english', s.document), 'B'), q) desc,
               s.product_id`.execute(db);
    return r.rows.map((x) => Number(x.id));
  }
  const r = await sql<{ id: number }>`
    select f.rowid as id from product_fts f join products p on p.id = f.rowid and p.archived = 0
    where product_fts match ${terms.map((t) => `"${t}"*`).join(' AND ')}
    order by bm25(product_fts, 10.0, 1.0), f.rowid`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

/** Every page of a search, one after the other. */
async function allPages(terms: string[]): Promise<{ ids: number[]; totals: number[] }> {
  const out: number[] = [];
  const totals: number[] = [];
  for (let n = 1; ; n++) {
    const page = await shop.app.catalog.search(terms.join(' '), n);
    totals.push(page.total);
    out.push(...page.cards.map((c) => c.id));
    if (n >= page.pages) return { ids: out, totals };
  }
}

describe('search results, page by page', () => {
  it('ranks exactly as every match ranked one by one: the name above the description, ties by id', async () => {
    for (const terms of [
      ['quillon'],
      ['quil'],
      ['quillon', 'ring'],
      ['quillon', 'gold'],
      ['gold'],
      ['ring'],
      ['sapph'],
      ['silver', 'quil'],
    ]) {
      const reference = await referenceOrder(terms);
      const found = await allPages(terms);
      expect(found.ids, terms.join(' ')).toEqual(reference);
      expect(new Set(found.totals), terms.join(' ')).toEqual(new Set([reference.length]));
    }
    // The name weighs more: every piece with "quillon" in its name comes before every one without.
    const order = (await allPages(['quillon'])).ids;
    const named = ids.filter((_, i) => i % 3 !== 0);
    expect(order.slice(0, named.length).sort((a, b) => a - b)).toEqual(named);
  });

  it('prices each card from its variants and names its metals, as a listing card does', async () => {
    const cards = await findCardsByIds(shop.app.db, ids);
    expect(cards.map((c) => c.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    const first = cards.find((c) => c.id === ids[0]);
    expect(first).toMatchObject({ slug: 'quillon-piece-1', fromPence: 9_000, stock: 5, imageId: null, imageAlt: first?.name });
    expect([...(first?.metals ?? [])].sort()).toEqual(['9ct-yellow-gold', 'sterling-silver']);
    const single = cards.find((c) => c.id === ids[5]);
    expect(single).toMatchObject({ fromPence: 20_500, stock: 2, metals: ['9ct-yellow-gold'] });
    // A demo piece keeps its first image.
    const demo = await shop.app.catalog.search('ring', 1);
    expect(demo.cards.some((c) => c.imageId !== null)).toBe(true);
    // Search's cards are these same cards, in ranked order.
    const found = await shop.app.catalog.search('quillon', 1);
    expect(found.cards).toEqual(found.cards.map((c) => cards.find((d) => d.id === c.id)));
  });

  it('shows a new price and stock in the results at once, though the piece was already on a page of results', async () => {
    const id = ids[19]!;
    const before = await get('/search?q=quillon+cluster');
    expect(productLinks(before.body)).toContain('quillon-piece-20');
    const variant = await shop.app.db.selectFrom('variants').select(['id']).where('product_id', '=', id).executeTakeFirstOrThrow();
    const page = `/admin/products/${id}`;
    const action = `${page}/variants/save`;
    const res = await adminPost(shop.app, owner.cookie, page, action, {
      row: String(variant.id),
      [`price-${variant.id}`]: '345.67',
      [`delta-${variant.id}`]: '-2',
      [`reason-${variant.id}`]: 'sold-in-shop',
    });
    expect(res.statusCode).toBe(303);
    const after = await get('/search?q=quillon+cluster');
    const card = after.body.slice(after.body.indexOf('href="/products/quillon-piece-20"'));
    expect(card.slice(0, card.indexOf('</li>'))).toMatch(/£345\.67[\s\S]*Sold out/);
    const card2 = before.body.slice(before.body.indexOf('href="/products/quillon-piece-20"'));
    expect(card2.slice(0, card2.indexOf('</li>'))).not.toContain('£345.67');
  });

  it('finds by the beginning of a word as by the word, and by several words together', async () => {
    expect((await allPages(['quil'])).ids).toEqual((await allPages(['quillon'])).ids);
    const both = await allPages(['quillon', 'pend']);
    expect(both.ids.length).toBeGreaterThan(0);
    expect(both.ids.every((id) => KINDS[ids.indexOf(id) % KINDS.length] === 'pendant')).toBe(true);
  });

  it('pages many matches twelve at a time with the total, and answers 404 past the last page', async () => {
    const first = await get('/search?q=quillon');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(`${MANY} pieces found`);
    const seen: string[] = [];
    const pages = Math.ceil(MANY / PAGE_SIZE);
    for (let n = 1; n <= pages; n++) {
      const res = await get(`/search?q=quillon&page=${n}`);
      expect(res.statusCode).toBe(200);
      const links = productLinks(res.body);
      expect(links.length).toBe(n < pages ? PAGE_SIZE : MANY - PAGE_SIZE * (pages - 1));
      seen.push(...links.map(String));
    }
    expect(new Set(seen).size).toBe(MANY);
    expect((await get(`/search?q=quillon&page=${pages + 1}`)).statusCode).toBe(404);
    // Past the end the total is still known, so the page can say there is no such page.
    expect(await searchProductIds(shop.app.db, ['quillon'], PAGE_SIZE, PAGE_SIZE * 10)).toEqual({ ids: [], total: MANY });
    expect(await searchProductIds(shop.app.db, ['zzqqxx'], PAGE_SIZE, 0)).toEqual({ ids: [], total: 0 });
  });

  it('leaves archived pieces out of the results and out of the total, at once', async () => {
    const archived = [ids[1]!, ids[2]!];
    for (const id of archived) {
      const res = await adminPost(shop.app, owner.cookie, `/admin/products/${id}`, `/admin/products/${id}/archive`, {});
      expect(res.statusCode).toBe(303);
    }
    const page = await get('/search?q=quillon');
    expect(page.body).toContain(`${MANY - 2} pieces found`);
    const found = await allPages(['quillon']);
    expect(found.ids).toEqual(await referenceOrder(['quillon']));
    expect(found.ids.some((id) => archived.includes(id))).toBe(false);
    expect(found.totals[0]).toBe(MANY - 2);
    for (const id of archived) {
      await adminPost(shop.app, owner.cookie, `/admin/products/${id}`, `/admin/products/${id}/restore`, {});
    }
    expect((await get('/search?q=quillon')).body).toContain(`${MANY} pieces found`);
  });

  it('finds a renamed piece by its new name at once, and no longer by the old one', async () => {
    const id = ids[5]!;
    const before = await get('/search?q=zephyrine');
    expect(before.body).toContain('Nothing matched');
    const category = (await listCategories(shop.app.db))[0]!;
    const res = await adminPost(shop.app, owner.cookie, `/admin/products/${id}`, `/admin/products/${id}`, {
      name: 'Zephyrine Locket',
      slug: 'quillon-piece-6',
      category: String(category.id),
      description: 'An oval locket that opens on a hinge.',
      hallmark: 'Hallmarked.',
      care: 'Polish.',
      stone: '',
    });
    expect(res.statusCode).toBe(303);
    const after = await get('/search?q=zephyr');
    expect(productLinks(after.body)).toEqual(['quillon-piece-6']);
    expect(after.body).toContain('1 piece found');
    expect(productLinks((await get('/search?q=quillon+cluster')).body)).not.toContain('quillon-piece-6');
    expect((await allPages(['quillon'])).ids).not.toContain(id);
  });

  it('reads query syntax of either engine as plain words, never as an error', async () => {
    for (const q of [
      'quillon"',
      'quil*',
      'quillon OR zzz',
      'NEAR(quillon)',
      'quillon:*',
      '!quillon',
      'quillon & | ( )',
      "quillon'; --",
      '-quillon',
    ]) {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
    }
    // Reduced to its words, each still finds what the plain word finds.
    expect(productLinks((await get(`/search?q=${encodeURIComponent('quil*')}`)).body)).toEqual(
      productLinks((await get('/search?q=quil')).body),
    );
    expect((await get(`/search?q=${encodeURIComponent('quillon OR zzz')}`)).body).toContain('Nothing matched');
  });
});
