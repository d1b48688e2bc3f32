import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { rebuildConsentState, verifyConsentLedger } from '../../src/features/consent/consent.service.js';
import { readSelections } from '../../src/features/preferences/preferences.domain.js';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { formBody } from '../support/forms.js';

let shop: TestShop;
const NOW = new Date('2026-12-07T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => NOW });
});
afterAll(async () => shop?.close());

/** A browser over app.inject that keeps cookies (deleting those the shop clears) and may send Sec-GPC. */
class Browser {
  jar = new Map<string, string>();
  setCookies: string[] = [];
  constructor(private readonly headers: Record<string, string> = {}) {}

  private remember(res: LightMyRequestResponse) {
    const raw = res.headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    this.setCookies.push(...list);
    for (const c of list) {
      const [pair = ''] = c.split(';');
      const [name = '', ...rest] = pair.split('=');
      const value = rest.join('=');
      if (value === '' || /max-age=0/i.test(c)) this.jar.delete(name.trim());
      else this.jar.set(name.trim(), value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.jar.size === 0 ? {} : { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string) {
    const res = await shop.app.inject({ method: 'GET', url, headers: { ...this.headers, ...this.cookieHeader() } });
    this.remember(res);
    return res;
  }

  async post(url: string, fields: Record<string, string>) {
    const res = await shop.app.inject({
      method: 'POST',
      url,
      headers: {
        ...this.headers,
        'content-type': 'application/x-www-form-urlencoded',
        origin: shop.config.publicUrl,
        'sec-fetch-site': 'same-origin',
        ...this.cookieHeader(),
      },
      payload: formBody(fields),
    });
    this.remember(res);
    return res;
  }

  async follow(res: LightMyRequestResponse) {
    let current = res;
    for (let i = 0; i < 5 && current.statusCode >= 300 && current.statusCode < 400; i++)
      current = await this.get(String(current.headers.location));
    return current;
  }
}

interface Ring {
  slug: string;
  metal: string;
  size: string;
}

/** Two ring products whose first metal both come in one UK size: the first to add, the second to see it preselected. */
async function twoRings(): Promise<[Ring, Ring]> {
  const slugs = await shop.app.db
    .selectFrom('products as p')
    .innerJoin('variants as v', 'v.product_id', 'p.id')
    .select('p.slug')
    .where('v.ring_size', 'is not', null)
    .where('v.stock', '>', 0)
    .where('p.archived', '=', 0)
    .groupBy('p.slug')
    .orderBy('p.slug')
    .execute();
  const rings: { slug: string; metal: string; sizes: string[] }[] = [];
  for (const { slug } of slugs) {
    const p = await shop.app.catalog.product(slug);
    const metal = p?.variants[0]?.metal;
    if (!p || !metal) continue;
    rings.push({
      slug,
      metal,
      sizes: p.variants.filter((v) => v.metal === metal && v.ringSize !== null && v.stock > 0).map((v) => v.ringSize as string),
    });
  }
  for (const a of rings)
    for (const b of rings) {
      if (a.slug === b.slug) continue;
      const size = a.sizes.find((s) => b.sizes.includes(s));
      if (size)
        return [
          { slug: a.slug, metal: a.metal, size },
          { slug: b.slug, metal: b.metal, size },
        ];
    }
  throw new Error('the demo catalogue has no two rings sharing a size');
}

const kindOf = new Map(inventories.flatMap((i) => i.cookies.map((c) => [c.name, c.kind] as const)));
const cookieName = (c: string) => c.split('=')[0] ?? '';

async function preferenceEntries() {
  return shop.app.db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
    .select(['l.action', 'l.method', 'l.policy_version', 'l.email', 'l.customer_id', 'l.subject_key', 'w.text as wording'])
    .where('l.purpose', '=', 'preferences-cookie')
    .orderBy('l.id')
    .execute();
}

async function addRing(b: Browser, ring: Ring) {
  return b.post('/bag/items', { product: ring.slug, metal: ring.metal, size: ring.size, quantity: '1' });
}

describe('remembered selections', () => {
  it('sets only strictly necessary cookies before any answer, on every kind of page and after adding to the bag', async () => {
    const [a] = await twoRings();
    const b = new Browser();
    for (const url of ['/', '/rings', `/products/${a.slug}`, '/cookies', '/privacy', '/search?q=ring', '/collections']) {
      expect((await b.get(url)).statusCode, url).toBe(200);
    }
    await b.follow(await addRing(b, a));
    expect(b.setCookies.length).toBeGreaterThan(0);
    for (const c of b.setCookies) expect(kindOf.get(cookieName(c)), c).toBe('strictly-necessary');
    expect(b.jar.has('assay_prefs')).toBe(false);
    expect(b.jar.has('assay_choice')).toBe(false);
  });

  it('asks after a size is chosen, with two equal plain forms', async () => {
    const [a] = await twoRings();
    const b = new Browser();
    const added = await addRing(b, a);
    expect(added.statusCode).toBe(303);
    const page = await b.follow(added);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Remember UK size ${a.size} on this device?`);
    const forms = [...page.body.matchAll(/<form method="post" action="\/preferences\/choice"[^>]*>([\s\S]*?)<\/form>/g)];
    expect(forms).toHaveLength(2);
    expect(forms[0]?.[1]).toContain('name="answer" value="yes"');
    expect(forms[1]?.[1]).toContain('name="answer" value="no"');
    // Equal weight: the same button style for both.
    expect(forms.map((f) => /<button type="submit" class="([^"]+)"/.exec(f[1] ?? '')?.[1])).toEqual(['button', 'button']);
    expect(page.body).not.toContain('checked');
  });

  it('a yes is recorded with its words and policy version, sets the cookie, preselects the size and shows what was viewed', async () => {
    const [a, other] = await twoRings();
    const b = new Browser();
    const before = (await preferenceEntries()).length;
    await b.follow(await addRing(b, a));
    const yes = await b.post('/preferences/choice', { answer: 'yes', remember: `size:${a.size}`, back: '/bag' });
    expect(yes.statusCode).toBe(303);
    expect(yes.headers.location).toBe('/bag');
    const set = [yes.headers['set-cookie'] ?? []].flat();
    const choice = set.find((c) => c.startsWith('assay_choice='));
    expect(choice).toMatch(/HttpOnly/i);
    expect(choice).toMatch(/SameSite=Lax/i);
    expect(choice).toMatch(/Path=\//);
    expect(b.jar.get('assay_choice')).toMatch(/^[A-Za-z0-9_-]{43}\.y$/);
    expect(readSelections(decodeURIComponent(b.jar.get('assay_prefs') ?? ''))).toEqual({ size: a.size, recent: [] });

    const entries = (await preferenceEntries()).slice(before);
    expect(entries).toHaveLength(1);
    const policy = await shop.app.privacy.policy(NOW);
    expect(entries[0]).toMatchObject({
      action: 'given',
      method: 'cookie-prompt',
      policy_version: policy.version,
      email: null,
      customer_id: null,
      wording: CONSENT_WORDING.preferencesPrompt(`UK size ${a.size}`),
    });
    expect(await verifyConsentLedger(shop.app.db)).toMatchObject({ ok: true });

    // The first piece is now remembered as viewed, the second opens at the remembered size.
    await b.get(`/products/${a.slug}`);
    const page = await b.get(`/products/${other.slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<option value="${other.size}" selected`));
    expect(page.body).toContain('Recently viewed');
    const recent = page.body.slice(page.body.indexOf('recently-viewed-title'));
    expect(recent).toContain(`href="/products/${a.slug}"`);
    expect(recent).not.toContain(`href="/products/${other.slug}"`);
    expect(page.headers['cache-control']).toBe('private, no-cache');
    // The page is the cached page for those options, with only the recently viewed block spliced in.
    // (with the same bag, whose count goes into the header as for anyone with a bag).
    const anonymous = await shop.app.inject({
      method: 'GET',
      url: `/products/${other.slug}?metal=${other.metal}&size=${encodeURIComponent(other.size)}`,
      headers: { cookie: `assay_bag=${b.jar.get('assay_bag')}` },
    });
    const withoutBlock = page.body.replace(/<section class="recently-viewed[\s\S]*?<\/section>/, '<!--assay:recently-viewed-->');
    expect(withoutBlock).toBe(anonymous.body);
    expect(readSelections(decodeURIComponent(b.jar.get('assay_prefs') ?? ''))?.recent).toEqual([other.slug, a.slug]);

    // The home page shows them too, newest first.
    const home = await b.get('/');
    const block = home.body.slice(home.body.indexOf('recently-viewed-title'));
    expect(block.indexOf(`/products/${other.slug}`)).toBeGreaterThan(0);
    expect(block.indexOf(`/products/${other.slug}`)).toBeLessThan(block.indexOf(`/products/${a.slug}`));
  });

  it('with a yes, the metal and size of a piece put in the bag are remembered, and no question is asked', async () => {
    const [a] = await twoRings();
    const b = new Browser();
    await b.post('/preferences/choice', { answer: 'yes', back: '/cookies#choices' });
    const bag = await b.follow(await addRing(b, a));
    expect(bag.body).toContain('Added to your bag.');
    expect(bag.body).not.toContain('on this device?');
    expect(readSelections(decodeURIComponent(b.jar.get('assay_prefs') ?? ''))).toEqual({ metal: a.metal, size: a.size, recent: [] });
  });

  it('a no deletes the preferences cookie and is recorded; pages are then the cached bytes again', async () => {
    const [a, other] = await twoRings();
    const b = new Browser();
    await b.post('/preferences/choice', { answer: 'yes', back: '/cookies#choices' });
    await b.get(`/products/${a.slug}`);
    expect(b.jar.has('assay_prefs')).toBe(true);
    const visitorId = b.jar.get('assay_choice')?.split('.')[0];
    const before = (await preferenceEntries()).length;
    const no = await b.post('/preferences/choice', { answer: 'no', back: '/cookies#choices' });
    expect(no.statusCode).toBe(303);
    expect(no.headers.location).toBe('/cookies#choices');
    const cleared = [no.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('assay_prefs='));
    expect(cleared).toMatch(/^assay_prefs=;/);
    expect(b.jar.has('assay_prefs')).toBe(false);
    expect(b.jar.get('assay_choice')).toBe(`${visitorId}.n`);
    const entries = (await preferenceEntries()).slice(before);
    expect(entries).toMatchObject([{ action: 'withdrawn', method: 'cookie-settings', wording: CONSENT_WORDING.preferencesSettings }]);
    // The visitor's current answer survives a rebuild of the consent state from the ledger.
    const stateOf = () =>
      shop.app.db
        .selectFrom('consent_state')
        .select(['given', 'email', 'address_hash'])
        .where('subject_key', '=', entries[0]?.subject_key ?? '')
        .execute();
    expect(await stateOf()).toEqual([{ given: 0, email: null, address_hash: null }]);
    await rebuildConsentState(shop.app.db);
    expect(await stateOf()).toEqual([{ given: 0, email: null, address_hash: null }]);
    expect(await verifyConsentLedger(shop.app.db)).toMatchObject({ ok: true });

    const page = await b.get(`/products/${other.slug}`);
    expect(page.headers['set-cookie']).toBeUndefined();
    const anonymous = await shop.app.inject({ method: 'GET', url: `/products/${other.slug}` });
    expect(page.body).toBe(anonymous.body);
    // Answered: no more questions after a size.
    const again = await b.follow(await addRing(b, a));
    expect(again.body).toContain('Added to your bag.');
    expect(again.body).not.toContain('on this device?');
  });

  it('Sec-GPC: 1 is a no: no question, nothing set even when answering, and an old preferences cookie is ignored', async () => {
    const [a, other] = await twoRings();
    const b = new Browser({ 'sec-gpc': '1' });
    const bag = await b.follow(await addRing(b, a));
    expect(bag.body).toContain('Added to your bag.');
    expect(bag.body).not.toContain('on this device?');
    const before = (await preferenceEntries()).length;
    const yes = await b.post('/preferences/choice', { answer: 'yes', remember: `size:${a.size}`, back: '/bag' });
    expect(yes.statusCode).toBe(303);
    expect([yes.headers['set-cookie'] ?? []].flat().filter((c) => !c.startsWith('assay_bag'))).toEqual([]);
    expect((await preferenceEntries()).length).toBe(before);

    // A browser that said yes before turning GPC on.
    const yesBrowser = new Browser();
    await yesBrowser.post('/preferences/choice', { answer: 'yes', remember: `size:${a.size}`, back: '/' });
    await yesBrowser.get(`/products/${a.slug}`);
    const cookie = [...yesBrowser.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const withGpc = await shop.app.inject({ method: 'GET', url: `/products/${other.slug}`, headers: { cookie, 'sec-gpc': '1' } });
    expect(withGpc.headers['set-cookie']).toBeUndefined();
    expect(withGpc.body).toBe((await shop.app.inject({ method: 'GET', url: `/products/${other.slug}` })).body);
    const cookies = await shop.app.inject({ method: 'GET', url: '/cookies', headers: { 'sec-gpc': '1' } });
    expect(cookies.body).toContain('Global Privacy Control signal, which we take as no');
    expect(cookies.body).not.toContain('action="/preferences/choice"');
  });

  it('a visitor without a yes gets exactly the cached bytes, even with a forged preferences cookie', async () => {
    const [a] = await twoRings();
    await shop.app.inject({ method: 'GET', url: '/' });
    const res = await shop.app.inject({
      method: 'GET',
      url: '/',
      headers: { cookie: `assay_prefs=${encodeURIComponent(`r=${a.slug}&s=N`)}` },
    });
    const cached = await shop.app.catalog.memo<Buffer>('page:home', () => {
      throw new Error('the home page was not cached');
    });
    expect(res.rawPayload.equals(cached)).toBe(true);
    expect(res.body).toContain('<!--assay:recently-viewed-->');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('/cookies lists every cookie with its category, and the choice', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/cookies' });
    expect(res.statusCode).toBe(200);
    for (const name of ['assay_choice', 'assay_prefs']) expect(res.body).toContain(`<code>${name}</code>`);
    const row = (name: string) =>
      res.body.slice(res.body.indexOf(`<code>${name}</code>`), res.body.indexOf('</tr>', res.body.indexOf(`<code>${name}</code>`)));
    expect(row('assay_prefs')).toContain('<td>Preferences</td>');
    expect(row('assay_choice')).toContain('<td>Strictly necessary</td>');
    expect(res.body).toContain('<th scope="col">Category</th>');
    expect(res.body).toContain('id="choices"');
    const choices = res.body.slice(res.body.indexOf('id="choices"'));
    expect(choices).toContain('You have not answered, so nothing is remembered.');
    expect(choices).toContain('name="answer" value="yes"');
    expect(choices).toContain('name="answer" value="no"');
    expect(choices).toContain('action="/statistics/objection"');
  });

  it('every cookie set by the choice route is declared; bad answers get a plain 400', async () => {
    const b = new Browser();
    await b.post('/preferences/choice', { answer: 'yes', remember: 'length:18', back: '/' });
    for (const c of b.setCookies) expect(kindOf.has(cookieName(c)), c).toBe(true);
    expect((await b.post('/preferences/choice', { answer: 'maybe', back: '/' })).statusCode).toBe(400);
    expect((await b.post('/preferences/choice', { answer: 'yes', remember: 'size:ZZ', back: '/' })).statusCode).toBe(400);
    const away = await b.post('/preferences/choice', { answer: 'no', back: '//elsewhere.example/' });
    expect(away.headers.location).toBe('/cookies#choices');
  });
});
