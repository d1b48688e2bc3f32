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

describe(`each inventory is its feature's privacy contract (${testDialect})`, () => {
  const tables = () => inventories.flatMap((i) => i.tables.map((t) => ({ ...t, feature: i.feature })));

  it('declares, in some feature, every table that holds a personal column, and each table in one feature only', () => {
    const withPersonal = [...new Set(personal().map((c) => c.table))];
    const declaredTables = tables().map((t) => t.table);
    expect(withPersonal.filter((t) => !declaredTables.includes(t))).toEqual([]);
    expect(new Set(declaredTables).size).toBe(declaredTables.length);
  });

  it('links each declared table to people through columns that exist, and declares the subjects it holds', () => {
    const live = new Set(columns.map((c) => `${c.table}.${c.column}`));
    for (const t of tables()) {
      expect(t.linkedBy.length, t.table).toBeGreaterThan(0);
      for (const c of t.linkedBy) expect(live, `${t.table}.${c}`).toContain(`${t.table}.${c}`);
    }
    for (const inv of inventories) {
      for (const s of inv.subjects) expect(live, `${inv.feature}: ${s.table}.${s.column}`).toContain(`${s.table}.${s.column}`);
      if (inv.tables.length > 0) expect(inv.subjects.length, inv.feature).toBeGreaterThan(0);
    }
  });

  it('says what erasure does to every personal column, in line with its table, and keeps nothing without a basis, a reason and an end', () => {
    for (const c of personal()) {
      const where = `${c.table}.${c.column}`;
      expect(['delete', 'anonymise', 'keep'], where).toContain(c.erasure.action);
      const table = tables().find((t) => t.table === c.table);
      // A table whose rows are deleted keeps none of its columns; one whose rows stay must say which column stays or is emptied.
      if (table?.rows === 'delete') expect(c.erasure.action, where).toBe('delete');
      if (c.erasure.action === 'keep') {
        expect(c.erasure.reason.length, where).toBeGreaterThan(20);
        expect(['contract', 'legal-obligation', 'legitimate-interests', 'consent'], where).toContain(c.erasure.basis);
        expect(c.erasure.until.kind, where).toBeDefined();
      }
      if (c.subjects) expect(c.subjects.length, where).toBeGreaterThan(0);
    }
  });

  it('gives every retention a typed rule naming its job: none is a bare number of days', () => {
    const rules = [
      ...personal().map((c) => c.retention),
      ...inventories.flatMap((i) => i.transient.map((t) => t.retention)).filter((r) => r.kind !== 'not-stored'),
    ];
    for (const r of rules) {
      expect(['period', 'until', 'financial-year'], r.text).toContain(r.kind);
      expect('job' in r && r.job.length > 0, r.text).toBe(true);
    }
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
    // The cookie choice: a yes sets the choice cookie and the preferences cookie.
    const answer = await shop.app.inject({
      method: 'POST',
      url: '/preferences/choice',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.config.publicUrl, 'sec-fetch-site': 'same-origin' },
      payload: 'answer=yes&back=%2F',
    });
    const answered = [answer.headers['set-cookie'] ?? []].flat();
    for (const c of answered) names.add(c.split('=')[0] ?? '');
    expect(names).toContain('assay_prefs');
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
