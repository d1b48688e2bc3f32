import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

/** Column names that suggest personal data. A match must be declared personal or not-personal. */
const PERSONAL_LOOKING =
  /(^|_)(name|names|first_name|last_name|full_name|surname|email|e_mail|phone|mobile|telephone|tel|address|address_line\d?|line1|line2|street|city|town|county|postcode|post_code|zip|ip|ip_address|user_agent|ua|dob|birth|birthday|date_of_birth|gender|card|pan|iban|sort_code|account_number|latitude|longitude|location|device|message|note|notes|comment|gift_message|recipient|token)($|_)/;

let shop: TestShop;
let columns: { table: string; column: string }[];
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
  const tables = await shop.app.db.introspection.getTables();
  columns = tables
    .filter((t) => !t.isView && !t.name.startsWith('kysely_') && !/_fts($|_)/.test(t.name))
    .flatMap((t) => t.columns.map((c) => ({ table: t.name, column: c.name })));
});
afterAll(async () => shop?.close());

const personal = () => inventories.flatMap((i) => i.personal);
const declared = () =>
  new Set([...inventories.flatMap((i) => i.personal), ...inventories.flatMap((i) => i.notPersonal)].map((c) => `${c.table}.${c.column}`));

describe(`personal-data inventory against the live ${testDialect} schema`, () => {
  it('reads a real schema', () => {
    expect(columns.length).toBeGreaterThan(20);
    expect(columns).toContainEqual({ table: 'products', column: 'name' });
  });

  it('declares every column that looks personal', () => {
    const undeclared = columns.filter((c) => PERSONAL_LOOKING.test(c.column) && !declared().has(`${c.table}.${c.column}`));
    expect(undeclared).toEqual([]);
  });

  it('declares only columns that exist', () => {
    const live = new Set(columns.map((c) => `${c.table}.${c.column}`));
    expect([...declared()].filter((c) => !live.has(c))).toEqual([]);
  });

  it('gives every personal column a purpose, lawful basis, retention period and named recipients', () => {
    for (const c of personal()) {
      expect(c.purpose.length).toBeGreaterThan(5);
      expect(['contract', 'legal-obligation', 'legitimate-interests', 'consent']).toContain(c.lawfulBasis);
      expect(c.retention.text.length).toBeGreaterThan(5);
      const r = c.retention;
      expect(r.kind === 'until' ? 1 : r.kind === 'financial-year' ? r.years : r.days).toBeGreaterThan(0);
      expect(c.recipients.length).toBeGreaterThan(0);
      for (const r of c.recipients) expect(r).not.toMatch(/^third parties$/i);
    }
  });

  it('registers every <feature>.inventory.ts file', () => {
    const root = join(import.meta.dirname, '../../src/features');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.inventory.ts')) files.push(p);
      }
    };
    walk(root);
    const registry = readFileSync(join(root, 'privacy/inventory.registry.ts'), 'utf8');
    for (const f of files) expect(registry).toContain(`../${relative(root, f).replace(/\.ts$/, '.js')}`);
    expect(inventories.map((i) => i.feature).sort()).toEqual(files.map((f) => f.split('/').pop()?.replace('.inventory.ts', '')).sort());
  });
});

describe('privacy and cookies pages are rendered from the inventory', () => {
  it('the privacy policy lists every kind of personal data with its purpose and retention, and the shop profile', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/privacy' });
    expect(res.statusCode).toBe(200);
    const text = res.body
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
    for (const c of personal()) {
      expect(text).toContain(c.label);
      expect(text).toContain(c.purpose);
      expect(text).toContain(c.retention.text);
    }
    for (const t of inventories.flatMap((i) => i.transient)) expect(text).toContain(t.label);
    const { shop: profile } = shop.config;
    for (const v of [profile.name, profile.address, profile.email, profile.icoNumber]) expect(text).toContain(v);
    expect(text).toMatch(/Version <code>[0-9a-f]{12}<\/code>/);
  });

  it('the cookies page lists every declared cookie', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/cookies' });
    for (const c of inventories.flatMap((i) => i.cookies)) {
      expect(res.body).toContain(`<code>${c.name}</code>`);
      expect(res.body).toContain(c.duration);
    }
  });

  it('every cookie the shop sets is declared', async () => {
    const names = new Set<string>();
    for (const url of ['/', '/rings', '/contact', '/privacy', '/cookies', '/search?q=gold', '/about']) {
      const set = (await shop.app.inject({ method: 'GET', url })).headers['set-cookie'];
      for (const c of [set ?? []].flat()) names.add(c.split('=')[0] ?? '');
    }
    expect(names.size).toBeGreaterThan(0);
    const declaredCookies = new Set(inventories.flatMap((i) => i.cookies.map((c) => c.name)));
    for (const n of names) expect(declaredCookies).toContain(n);
  });

  it('a change to the inventory makes a new policy version', async () => {
    const { policyContent } = await import('../../src/features/privacy/privacy.service.js');
    const before = policyContent(inventories, shop.config.shop).version;
    const changed = inventories.map((i) => (i.feature === 'contact' ? { ...i, personal: i.personal.slice(1) } : i));
    expect(policyContent(changed, shop.config.shop).version).not.toBe(before);
  });
});
