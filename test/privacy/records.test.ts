import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { type FeatureInventory, SUBJECT_TEXT } from '../../src/features/privacy/inventory.js';
import { processorsInUse } from '../../src/features/privacy/processors.js';
import { ALL_SECURITY_MEASURES } from '../../src/features/privacy/records.security.js';
import {
  RECORDS_CSV_COLUMNS,
  type RecordsPartnerInput,
  inventoriesInForce,
  recordsOfProcessing,
} from '../../src/features/privacy/records.service.js';
import { activePartners } from '../../src/features/partners/partners.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';
import { ACME, declareAsOwner } from '../partners/support.js';

/**
 * The records of processing (UK GDPR Art. 30) are computed from the inventories, the processors
 * in use, the partners and the shop profile: everything an inventory declares is in the record,
 * and an inventory with one more column gives a record with one more item.
 */

const profile = {
  name: 'Test Jewellers Ltd',
  address: '1 Vyse Street, Birmingham B18 6NF',
  email: 'privacy@test.example',
  icoNumber: 'ZA123456',
};

/** Every processor, as a shop with SMTP and backups set up, one of them outside the UK. */
const everyProcessor = processorsInUse({
  ...loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    SMTP_URL: 'smtp://mail.example:587',
    MAIL_PROCESSOR: 'Postmark (ActiveCampaign LLC); United States; uk-us-data-bridge',
  }),
  backups: { repository: 'rest:http://backups.example:8000/' },
});

const partners: RecordsPartnerInput[] = [
  {
    name: 'Acme Catalogues Ltd',
    receives: ['first_name', 'email'],
    why: 'to post a catalogue',
    country: 'United Kingdom',
    policyUrl: 'https://acme.example/p',
  },
  {
    name: 'Bergmann GmbH',
    receives: ['surname', 'town'],
    why: 'to offer engraving',
    country: 'Germany',
    policyUrl: 'https://bergmann.example/p',
  },
  { name: 'Far Away Inc', receives: ['postcode'], why: 'to send offers', country: 'Brazil', policyUrl: 'https://far.example/p' },
];

/** The rows of a CSV file (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      endCell();
      rows.push(row);
      row = [];
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe('the record of processing, as a pure function', () => {
  const withBackups = inventoriesInForce(inventories, {
    repository: 'rest:http://backups.example:8000/',
    keep: { daily: 7, weekly: 4, monthly: 3 },
  });
  const record = recordsOfProcessing(withBackups, profile, everyProcessor, partners);
  const json = JSON.stringify(record);
  const has = (text: string) =>
    expect(json, `the record should contain ${JSON.stringify(text)}`).toContain(JSON.stringify(text).slice(1, -1));

  it('names the controller from the profile', () => {
    expect(record.controller).toEqual(profile);
  });

  it('holds every personal column of every inventory, with its label, purpose, basis, retention rule, job and recipients', () => {
    let n = 0;
    for (const inv of inventories)
      for (const c of inv.personal) {
        n++;
        const activity = record.activities.find((a) => a.feature === inv.feature && a.purpose === c.purpose);
        expect(activity, `${c.table}.${c.column}`).toBeDefined();
        const item = activity!.items.find((i) => i.column === `${c.table}.${c.column}` && i.label === c.label);
        expect(item, `${c.table}.${c.column}`).toMatchObject({ category: c.category, lawfulBasis: c.lawfulBasis });
        expect(item!.retention).toMatchObject({ text: c.retention.text, job: c.retention.job });
        expect(activity!.lawfulBases.map((b) => b.basis)).toContain(c.lawfulBasis);
        for (const r of c.recipients) expect(activity!.recipients).toContain(r);
        expect(record.retentionRules.some((r) => r.text === c.retention.text && r.job === c.retention.job)).toBe(true);
      }
    expect(n).toBeGreaterThan(50);
    expect(record.activities.flatMap((a) => a.items).filter((i) => i.column !== null)).toHaveLength(n);
  });

  it('holds every transient processing and every kind of person', () => {
    for (const inv of withBackups) {
      for (const t of inv.transient) {
        const item = record.activities.flatMap((a) => a.items).find((i) => i.column === null && i.label === t.label);
        expect(item, t.label).toMatchObject({ where: t.where, lawfulBasis: t.lawfulBasis });
        has(t.retention.text);
      }
      for (const s of inv.subjects) expect(record.subjects.map((x) => x.kind)).toContain(s.subject);
    }
    for (const s of record.subjects) if (s.kind !== 'visitor') expect(s.text).toBe(SUBJECT_TEXT[s.kind]);
  });

  it('names every processor in use, with its country and safeguard, and the transfers out of the UK', () => {
    expect(everyProcessor.map((p) => p.role).sort()).toEqual(['backups', 'email', 'hosting', 'payments']);
    for (const p of everyProcessor) {
      has(p.name);
      expect(record.processors).toContainEqual(expect.objectContaining({ name: p.name, country: p.country, safeguard: p.safeguardText }));
    }
    // The hosting provider holds everything stored; the e-mail provider what goes out by e-mail.
    const hosting = everyProcessor.find((p) => p.role === 'hosting')!.name;
    for (const a of record.activities) if (a.items.some((i) => i.column !== null)) expect(a.processors).toContain(hosting);
    const mail = record.activities.filter((a) => a.feature === 'mail');
    expect(mail.length).toBeGreaterThan(0);
    for (const a of mail) {
      expect(a.processors).toContain('Postmark (ActiveCampaign LLC)');
      expect(a.transfers.join()).toContain('United States');
    }
    expect(record.transfers).toContainEqual(
      expect.objectContaining({ to: 'Postmark (ActiveCampaign LLC)', kind: 'processor', country: 'United States' }),
    );
    // With backups set up, their copies of the database are listed, and encrypted backups are a measure.
    has('Encrypted copies of the database (backups), holding the data above');
    expect(record.security.map((m) => m.id)).toContain('backups');
  });

  it('names every partner, only with consent, with its country and safeguard', () => {
    const sharing = record.activities.find((a) => a.feature === 'partners')!;
    expect(sharing.partners).toEqual(['Acme Catalogues Ltd', 'Bergmann GmbH', 'Far Away Inc']);
    expect(sharing.lawfulBases.map((b) => b.basis)).toEqual(['consent']);
    for (const r of sharing.recipients) expect(r).toMatch(/only with the person’s consent/);
    expect(record.partners.find((p) => p.name === 'Acme Catalogues Ltd')).toMatchObject({ transfer: false });
    expect(record.partners.find((p) => p.name === 'Bergmann GmbH')).toMatchObject({
      transfer: true,
      safeguard: expect.stringMatching(/adequacy/),
    });
    expect(record.partners.find((p) => p.name === 'Far Away Inc')).toMatchObject({
      transfer: true,
      safeguard: expect.stringMatching(/No UK adequacy for Brazil/),
    });
    expect(record.transfers.filter((t) => t.kind === 'partner').map((t) => t.to)).toEqual(['Bergmann GmbH', 'Far Away Inc']);
  });

  it('is computed: an inventory with one more column gives a record with it, and without it the record has none', () => {
    const extra: FeatureInventory = {
      feature: 'engraving',
      subjects: [{ subject: 'customer', table: 'orders', column: 'customer_id', how: 'Their orders' }],
      tables: [],
      personal: [
        {
          table: 'orders',
          column: 'gift_message',
          category: 'communication',
          label: 'The words you asked us to engrave',
          purpose: 'To engrave your ring',
          lawfulBasis: 'contract',
          retention: { kind: 'period', days: 30, from: 'the ring is engraved', text: '30 days after engraving', job: 'orders.retention' },
          recipients: ['Our engraver, Fine Lines Ltd'],
          erasure: { action: 'delete' },
        },
      ],
      notPersonal: [],
      cookies: [],
      transient: [],
    };
    const extended = recordsOfProcessing([...withBackups, extra], profile, everyProcessor, partners);
    const added = extended.activities.find((a) => a.feature === 'engraving');
    expect(added).toMatchObject({
      purpose: 'To engrave your ring',
      subjects: [{ kind: 'customer', text: SUBJECT_TEXT.customer }],
      recipients: ['Our engraver, Fine Lines Ltd'],
      retention: [{ text: '30 days after engraving', from: 'the ring is engraved', job: 'orders.retention' }],
    });
    expect(added!.items).toEqual([
      expect.objectContaining({ label: 'The words you asked us to engrave', column: 'orders.gift_message', erasure: 'Deleted' }),
    ]);
    expect(extended.retentionRules).toContainEqual({
      text: '30 days after engraving',
      from: 'the ring is engraved',
      job: 'orders.retention',
    });
    expect(json).not.toContain('Fine Lines');
    expect(extended.activities).toHaveLength(record.activities.length + 1);
  });

  it('lists without SMTP, backups or partners only what the shop then uses', () => {
    const plain = processorsInUse(loadConfig({ NODE_ENV: 'test', SECRET_KEY: 'test-secret-key-test-secret-key-0123456789' }));
    const bare = recordsOfProcessing(
      inventoriesInForce(inventories, { repository: null, keep: { daily: 7, weekly: 4, monthly: 3 } }),
      profile,
      plain,
      [],
    );
    expect(bare.processors.map((p) => p.role)).toEqual(['payments', 'hosting']);
    expect(bare.partners).toEqual([]);
    expect(bare.activities.some((a) => a.feature === 'partners')).toBe(false);
    expect(bare.transfers).toEqual([]);
    expect(bare.security.map((m) => m.id)).not.toContain('backups');
    expect(JSON.stringify(bare)).not.toContain('Encrypted copies of the database');
  });
});

describe('the security measures', () => {
  it('each name files that exist and show what the measure says', () => {
    for (const m of ALL_SECURITY_MEASURES) {
      for (const path of m.where) expect(existsSync(path), `${m.id}: ${path}`).toBe(true);
      expect(m.evidence.length, m.id).toBeGreaterThan(0);
      for (const { file, pattern } of m.evidence) {
        expect(m.where, m.id).toContain(file);
        expect(statSync(file).isFile(), `${m.id}: ${file}`).toBe(true);
        expect(readFileSync(file, 'utf8'), `${m.id}: ${file} should show ${pattern}`).toMatch(new RegExp(pattern));
      }
    }
  });
});

describe('/admin/records over HTTP', () => {
  let shop: TestShop;
  let owner: { cookie: string; staffId: number };
  const now = new Date('2026-12-09T10:00:00Z');

  beforeAll(async () => {
    shop = await buildTestShop({
      env: { SEED_DEMO: 'false', SHOP_NAME: 'Records Test Jewellers', SHOP_ICO_NUMBER: 'ZB765432' },
      clock: () => now,
    });
    owner = await signInAs(shop.app, 'owner');
    await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: '=HYPERLINK("https://evil.example")', country: 'United States' });
  });
  afterAll(async () => shop?.close());

  const get = (url: string, cookie = owner.cookie) => shop.app.inject({ method: 'GET', url, headers: { cookie } });
  const recordNow = async () =>
    recordsOfProcessing(
      inventoriesInForce(inventories, shop.config.backups),
      shop.config.shop,
      processorsInUse(shop.config),
      await activePartners(shop.app.db),
    );
  const auditedDownloads = () =>
    shop.app.db
      .selectFrom('audit_log')
      .select(['subject_id', 'action', 'actor_staff_id', 'reason'])
      .where('subject_type', '=', 'records_of_processing')
      .orderBy('id')
      .execute();

  it(`shows the record to the owner, from the profile, the inventories, processors and partners (${testDialect})`, async () => {
    const res = await get('/admin/records');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Records Test Jewellers');
    expect(res.body).toContain('ZB765432');
    expect(res.body).toContain(shop.config.shop.email);
    for (const inv of inventories) for (const c of inv.personal) expect(res.body).toContain(`<code>${c.table}.${c.column}</code>`);
    for (const p of processorsInUse(shop.config)) expect(res.body).toContain(p.name.replace(/’/g, '’'));
    expect(res.body).toContain('=HYPERLINK(&quot;https://evil.example&quot;)');
    expect(res.body).toContain('No UK adequacy for United States');
    expect(res.body).toContain('Passwords hashed with Argon2id');
    expect(res.body).not.toMatch(/<script(?! src=)/);
    // A partner declared since is in the record at once.
    expect(res.body).not.toContain('Second Thoughts Ltd');
    await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: 'Second Thoughts Ltd' });
    const again = await get('/admin/records');
    expect(again.body).toContain('Second Thoughts Ltd, only with the person’s consent to it by name');
    // Looking names no one, so it is not audited; only downloads are.
    expect(await auditedDownloads()).toEqual([]);
  });

  it('gives the record as JSON, the same as the function computes, and audits the download', async () => {
    const res = await get('/admin/records.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="records-of-processing-2026-12-09.json"');
    const { generatedAt, ...body } = JSON.parse(res.body) as Record<string, unknown>;
    expect(generatedAt).toBe(now.toISOString());
    expect(body).toEqual(JSON.parse(JSON.stringify(await recordNow())));
    expect(await auditedDownloads()).toEqual([
      { subject_id: 'json', action: 'export', actor_staff_id: owner.staffId, reason: expect.stringMatching(/name no one/) },
    ]);
  });

  it('gives it as CSV, one row per item, with formulas defused, and audits the download', async () => {
    const res = await get('/admin/records.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="records-of-processing-2026-12-09.csv"');
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual([...RECORDS_CSV_COLUMNS]);
    const record = await recordNow();
    const processing = rows.filter((r) => r[0] === 'Processing');
    expect(processing).toHaveLength(record.activities.flatMap((a) => a.items).length);
    for (const inv of inventories)
      for (const c of inv.personal) expect(processing.some((r) => r[5]?.endsWith(`(${c.table}.${c.column})`))).toBe(true);
    expect(rows).toContainEqual(expect.arrayContaining(['Controller', 'ICO registration number', 'ZB765432']));
    // The partner's name would run as a formula in a spreadsheet: it is escaped with a leading quote.
    const partner = rows.find((r) => r[0] === 'Partner')!;
    expect(partner[7]).toMatch(/^'=HYPERLINK/);
    expect(res.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect((await auditedDownloads()).map((a) => a.subject_id)).toEqual(['json', 'csv']);
  });

  it('is for the owner only: other roles are refused, and a visitor is sent to sign in', async () => {
    for (const role of ['manager', 'customer_service', 'fulfilment', 'marketing'] as const) {
      const staff = await signInAs(shop.app, role);
      for (const url of ['/admin/records', '/admin/records.csv', '/admin/records.json', '/admin/records/retention']) {
        const res = await get(url, staff.cookie);
        expect(res.statusCode, `${role} ${url}`).toBe(403);
        expect(res.body).toContain('Not part of your role');
      }
    }
    const anonymous = await shop.app.inject({ method: 'GET', url: '/admin/records.csv' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/admin\/sign-in/);
    expect((await auditedDownloads()).map((a) => a.subject_id)).toEqual(['json', 'csv']);
  });
});
