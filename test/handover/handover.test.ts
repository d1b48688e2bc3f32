import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillRightsData } from '../../bench/rights-data.js';
import { ROOT, commandLineEnv } from '../backups/command-line.js';
import { signUpAndConfirm } from '../support/consent.js';
import { enrolledMember, enterCode, signIn } from '../backoffice/staff-flows.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';
import { TEST_PASSWORD } from '../support/staff.js';

/**
 * The whole-shop export for a sale of the business, and `npm run import-shop`: the export asks for
 * the password and a current code; its zip checks out against its manifest and holds no password;
 * an import into an empty shop gives the same shop (its own export has the same data files, byte
 * for byte, and the storefront the same product page); a changed file or a shop that is not empty
 * is refused; the notice to customers is queued to every account holder.
 */

const run = promisify(execFile);

describe(`whole-shop export and import (${testDialect})`, () => {
  let now = new Date('2026-12-01T10:00:00Z');
  const clock = () => now;
  /** A new 30-second step, so that each code is a fresh one. */
  const tick = () => {
    now = new Date(now.getTime() + 31_000);
  };
  let source: TestShop;
  let target: TestShop;
  const work = mkdtempSync(join(tmpdir(), 'assay-handover-'));
  const PHOTO_KEY = randomBytes(16).toString('hex');

  async function ownerOf(shop: TestShop, email: string) {
    const m = await enrolledMember(shop.app, email, 'owner', now);
    tick();
    const s = await signIn(shop.app, email);
    const done = await enterCode(shop.app, s, m.totp.generate({ timestamp: now.getTime() }));
    expect(done.res.statusCode).toBe(303);
    return { cookie: done.staff, code: () => m.totp.generate({ timestamp: now.getTime() }), staffId: m.staffId };
  }
  let sourceOwner: Awaited<ReturnType<typeof ownerOf>>;

  async function exportOf(shop: TestShop, owner: { cookie: string; code: () => string }) {
    tick();
    const signInsAndSessions = () =>
      Promise.all([
        shop.app.db.selectFrom('audit_log').select('id').where('action', '=', 'sign-in').execute(),
        shop.app.db.selectFrom('staff_sessions').select('token_hash').execute(),
      ]).then(([signIns, sessions]) => ({ signIns: signIns.length, sessions: sessions.length }));
    const before = await signInsAndSessions();
    const res = await adminPost(shop.app, owner.cookie, '/admin/export', '/admin/export', { password: TEST_PASSWORD, code: owner.code() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    // Proving oneself again is not a sign-in: no session is opened and none is recorded.
    expect(await signInsAndSessions()).toEqual(before);
    return { bytes: res.rawPayload, files: unzipSync(res.rawPayload) };
  }

  const cli = (args: string[], shop: TestShop) =>
    run('npx', ['tsx', 'src/features/handover/import.cli.ts', ...args], { cwd: ROOT, env: commandLineEnv(shop) }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  beforeAll(async () => {
    source = await buildTestShop({ env: { FORM_RATE_LIMIT: '100000' }, clock });
    target = await buildTestShop({ env: { FORM_RATE_LIMIT: '100000', SEED_DEMO: 'false' }, clock });
    await fillRightsData(source.app.db, { customers: 40, orders: 120, heavyOrders: 5 }, now);
    const db = source.app.db;
    // A name a spreadsheet would run as a formula, a suppressed address, and an uploaded photo.
    await db.updateTable('customers').set({ first_name: '=HYPERLINK("http://evil.example")' }).where('id', '=', 3).execute();
    await db
      .insertInto('marketing_suppressions')
      .values({ address_hash: 'a'.repeat(64), purpose: 'general-subscription', method: 'unsubscribe-link', created_at: now.toISOString() })
      .execute();
    const product = await db.selectFrom('products').select(['id', 'slug']).orderBy('id').executeTakeFirstOrThrow();
    await db
      .insertInto('product_images')
      .values({
        product_id: product.id,
        position: 9,
        alt: 'On the hand',
        content_type: 'image/webp',
        body: '',
        file_key: PHOTO_KEY,
        widths: '400',
      })
      .execute();
    mkdirSync(join(source.dataDir, 'images'), { recursive: true });
    writeFileSync(join(source.dataDir, 'images', `${PHOTO_KEY}-400.webp`), Buffer.from('RIFF\0\0\0\0WEBPVP8 photo bytes'));
    await signUpAndConfirm(source.app, 'fan@example.test');
    sourceOwner = await ownerOf(source, 'owner@source.example');
  }, 120_000);

  afterAll(async () => {
    await source?.close();
    await target?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('asks for the password and a current code: wrong ones, no two-factor or another role get no zip', async () => {
    tick();
    const wrongPassword = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export', {
      password: 'not the password',
      code: sourceOwner.code(),
    });
    expect(wrongPassword.statusCode).toBe(403);
    expect(wrongPassword.headers['content-type']).toMatch(/text\/html/);
    expect(wrongPassword.body).toContain('Nothing was exported');
    tick();
    const wrongCode = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export', {
      password: TEST_PASSWORD,
      code: '000000',
    });
    expect(wrongCode.statusCode).toBe(403);
    expect(wrongCode.headers['content-type']).toMatch(/text\/html/);
    const missing = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export', { password: '', code: '' });
    expect(missing.statusCode).toBe(400);
    // Counted as sign-in failures, as at the sign-in page.
    const failures = await source.app.db
      .selectFrom('audit_log')
      .select('reason')
      .where('action', '=', 'sign-in')
      .where('subject_id', '=', String(sourceOwner.staffId))
      .where('reason', 'like', 'failed%')
      .execute();
    expect(failures.map((f) => f.reason)).toEqual(
      expect.arrayContaining(['failed: wrong password when confirming identity', 'failed: wrong two-factor code when confirming identity']),
    );

    const plainOwner = await signInAs(source.app, 'owner');
    const noTwoFactor = await adminPost(source.app, plainOwner.cookie, '/admin/export', '/admin/export', {
      password: TEST_PASSWORD,
      code: '123456',
    });
    expect(noTwoFactor.statusCode).toBe(403);
    expect(noTwoFactor.body).toContain('Set up two-factor sign-in first');
    const manager = await signInAs(source.app, 'manager');
    expect((await source.app.inject({ method: 'GET', url: '/admin/export', headers: { cookie: manager.cookie } })).statusCode).toBe(403);
    const exports = await source.app.db.selectFrom('audit_log').select('id').where('subject_type', '=', 'shop').execute();
    expect(exports).toEqual([]);
  });

  it('makes a zip whose manifest gives every file’s SHA-256, with a README, CSVs safe for spreadsheets and no password', async () => {
    const { files } = await exportOf(source, sourceOwner);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as {
      migration: string;
      shop: { name: string };
      tables: { table: string; rows: number }[];
      files: { path: string; bytes: number; sha256: string; rows?: number }[];
    };
    expect(manifest.shop.name).toBe(source.config.shop.name);
    expect(manifest.migration).toBe('2026-12-10-stored-search-vector');
    const listed = manifest.files.map((f) => f.path).sort();
    expect(listed).toEqual(
      Object.keys(files)
        .filter((n) => n !== 'manifest.json')
        .sort(),
    );
    for (const f of manifest.files) {
      expect(createHash('sha256').update(files[f.path]!).digest('hex'), f.path).toBe(f.sha256);
      expect(files[f.path]!.length).toBe(f.bytes);
    }
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.table, t.rows]));
    expect(rows).toMatchObject({ customers: 40, orders: 120, marketing_suppressions: 1 });
    expect(rows.products).toBeGreaterThan(40);
    for (const table of [
      'consent_ledger',
      'consent_wordings',
      'categories',
      'collections',
      'variants',
      'product_images',
      'order_lines',
      'order_events',
      'payment_attempts',
    ]) {
      expect(rows[table], table).toBeGreaterThan(0);
      expect(files[`csv/${table}.csv`], table).toBeDefined();
    }
    expect(strFromU8(files['data/customers.jsonl']!).trim().split('\n')).toHaveLength(40);
    expect(files[`images/${PHOTO_KEY}-400.webp`]).toBeDefined();
    expect(Object.keys(files).some((n) => n.startsWith('images/drawn/'))).toBe(true);

    const readme = strFromU8(files['README.txt']!);
    expect(readme).toMatch(/same\s+purposes/);
    expect(readme).toContain('suppression list');
    expect(readme).toMatch(/Tell the customers/);
    expect(readme).toMatch(/Passwords \(their one-way fingerprints\), sign-in sessions/);

    const everything = Object.entries(files)
      .filter(([n]) => n.startsWith('data/') || n.startsWith('csv/'))
      .map(([, b]) => strFromU8(b))
      .join('\n');
    expect(everything).not.toContain('password_hash');
    expect(everything).not.toContain('$argon2');
    expect(everything).not.toContain('token_hash');
    expect(Object.keys(files).some((n) => /session|token/.test(n))).toBe(false);
    expect(strFromU8(files['csv/customers.csv']!)).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const audit = await source.app.db
      .selectFrom('audit_log')
      .select(['actor_staff_id', 'action', 'reason'])
      .where('subject_type', '=', 'shop')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_staff_id: sourceOwner.staffId, action: 'export' });
    expect(audit[0]!.reason).toContain('customers 40');
    expect(audit[0]!.reason).not.toMatch(/@|HYPERLINK/);
  });

  it('loads into an empty shop the same shop: the same data files again, byte for byte, and the same product page', async () => {
    const first = await exportOf(source, sourceOwner);
    const zipPath = join(work, 'export.zip');
    writeFileSync(zipPath, first.bytes);

    const done = await cli([zipPath], target);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/customers\s+40/);
    expect(done.stdout).toMatch(/orders\s+120/);
    expect(done.stdout).toMatch(/photo files\s+1/);

    await target.app.catalog.invalidate();
    const targetOwner = await ownerOf(target, 'owner@target.example');
    const second = await exportOf(target, targetOwner);
    const dataFiles = (files: Record<string, Uint8Array>) =>
      Object.keys(files)
        .filter((n) => n !== 'manifest.json')
        .sort();
    expect(dataFiles(second.files)).toEqual(dataFiles(first.files));
    for (const name of dataFiles(first.files)) {
      if (name === 'README.txt') continue; // it says when it was made
      expect(Buffer.from(second.files[name]!).equals(Buffer.from(first.files[name]!)), name).toBe(true);
    }

    const slug = (await source.app.db.selectFrom('products').select('slug').orderBy('id').executeTakeFirstOrThrow()).slug;
    const page = (shop: TestShop) => shop.app.inject({ method: 'GET', url: `/products/${slug}` });
    const [before, after] = [await page(source), await page(target)];
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(before.body);
    const photo = await target.app.inject({ method: 'GET', url: '/search?q=ring' });
    expect(photo.statusCode).toBe(200);

    // New rows take ids after the imported ones.
    const added = await target.app.db
      .insertInto('customers')
      .values({
        email: 'new@example.test',
        first_name: 'New',
        surname: 'Customer',
        phone: '',
        password_hash: 'x',
        email_verified_at: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(added.id).toBe(41);
  }, 120_000);

  it('refuses a changed file, naming it, and a shop that is not empty, with plain messages', async () => {
    const { bytes } = await exportOf(source, sourceOwner);
    const files = unzipSync(bytes);
    files['data/customers.jsonl'] = strToU8(strFromU8(files['data/customers.jsonl']!).replace('Ada', 'Eve'));
    const tampered = join(work, 'tampered.zip');
    writeFileSync(tampered, zipSync(files));
    const fresh = await buildTestShop({ env: { SEED_DEMO: 'false' }, clock });
    try {
      const refused = await cli([tampered], fresh);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('data/customers.jsonl does not match its SHA-256');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(await fresh.app.db.selectFrom('products').select('id').execute()).toEqual([]);
    } finally {
      await fresh.close();
    }

    const good = join(work, 'good.zip');
    writeFileSync(good, bytes);
    const notEmpty = await cli([good], source);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toContain('This shop is not empty');
    expect(notEmpty.stderr).toContain('SEED_DEMO=false');
    expect(notEmpty.stderr).not.toMatch(/\n\s+at /);

    const missing = await cli([join(work, 'no-such.zip')], source);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read');
  }, 120_000);

  it('previews the notice to customers, then queues it to every account holder and records it', async () => {
    const fields = { newOwner: 'Hatton Garden Gems Ltd', transferDate: '2027-01-31' };
    const bad = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export/notice', {
      ...fields,
      transferDate: '31/01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('YYYY-MM-DD');
    const preview = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export/notice', fields);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('the shop will be owned and run by Hatton Garden Gems Ltd');
    expect(preview.body).toContain('31 January 2027');
    const sent = await adminPost(source.app, sourceOwner.cookie, '/admin/export', '/admin/export/notice/send', fields);
    expect(sent.statusCode).toBe(303);
    const queued = await source.app.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'purpose', 'text_body'])
      .where('kind', '=', 'business-transfer')
      .execute();
    const customers = await source.app.db.selectFrom('customers').select('email').execute();
    expect(queued.map((q) => q.to_address).sort()).toEqual(customers.map((c) => c.email).sort());
    expect(queued.every((q) => q.purpose === null)).toBe(true);
    expect(queued[0]!.text_body).toContain('Hatton Garden Gems Ltd');
    const audit = await source.app.db.selectFrom('audit_log').select('reason').where('subject_type', '=', 'handover-notice').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toContain(`queued to ${customers.length} account holders`);
  });
});
