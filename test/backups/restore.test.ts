import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushJournal, takeBackup } from '../../src/features/backups/backup.service.js';
import { type RestoreOptions, RestoreRefused, restoreSnapshot } from '../../src/features/backups/restore.service.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, freshDatabase, testDialect } from '../support/build-app.js';
import { type TestCustomer, signedInCustomer } from '../support/customer.js';
import { DAY, JOURNEY_ENV } from '../support/privacy.js';
import { ROOT, commandLineEnv } from './command-line.js';
import { type ResticServer, startResticServer } from './restic-server.js';

/**
 * Restoring a snapshot from a real restic repository (rclone serve restic on loopback) into a new
 * database (SQLite file, or a throwaway PostgreSQL database through pg_restore), opened afterwards
 * as a shop of its own with the same SECRET_KEY. The drill case: a customer erased after the backup
 * stays erased in the restored copy, from the live journal and, with the live database gone, from
 * the journal pushed to the repository; another customer is intact.
 */
const PASSWORD = 'restore drill password, kept apart';
const run = promisify(execFile);

let now = new Date('2026-06-10T12:00:00Z');
let server: ResticServer;
let shop: TestShop;
const cleanups: (() => Promise<void> | void)[] = [];
const opened: TestShop[] = [];

beforeAll(async () => {
  server = await startResticServer();
  shop = await buildTestShop({
    clock: () => now,
    env: { ...JOURNEY_ENV, SEED_DEMO: 'false', BACKUP_REPOSITORY: server.repository, BACKUP_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  for (const s of opened) await s.close();
  await shop?.close();
  for (const c of cleanups) await c();
  await server?.stop();
});

/** A new, empty database to restore into, and a folder for its images. */
async function emptyTarget(): Promise<{ target: RestoreOptions['target']; dir: string; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-restored-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  if (testDialect === 'sqlite') return { target: { dialect: 'sqlite', file: join(dir, 'assay.db') }, dir, env: { DATA_DIR: dir } };
  const db = await freshDatabase(dir);
  cleanups.push(() => db.drop());
  const url = db.env.DATABASE_URL as string;
  return { target: { dialect: 'postgres', url }, dir, env: { DATABASE_URL: url, DATA_DIR: dir } };
}

async function openRestored(env: Record<string, string>): Promise<TestShop> {
  const restored = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', ...env } });
  opened.push(restored);
  return restored;
}

const personIn = (s: TestShop, c: TestCustomer) => exportPerson(s.app.db, { customerId: c.id, emails: [c.person.email], staffId: null });

describe(`Restore (${testDialect})`, () => {
  let kept: TestCustomer;
  let erased: TestCustomer;
  let snapshotId: string;

  it('restores a snapshot into an empty database with the same rows, and its images', async () => {
    kept = await signedInCustomer(shop.app, { first_name: 'Barnaby', surname: 'Thorne', line1: '4 Mill Lane' });
    erased = await signedInCustomer(shop.app, { first_name: 'Wilhelmina', surname: 'Ashdown', line1: '3 Quarry Hill' });
    mkdirSync(join(shop.dataDir, 'images'), { recursive: true });
    writeFileSync(join(shop.dataDir, 'images', `${'cd'.repeat(16)}-800.webp`), 'image bytes');
    const customersBefore = await shop.app.db.selectFrom('customers').selectAll().orderBy('id').execute();
    const addressesBefore = await shop.app.db.selectFrom('customer_addresses').selectAll().orderBy('id').execute();

    const backup = await takeBackup(shop.app, now, { kind: 'command line' });
    snapshotId = backup.snapshotId;

    const { target, dir, env } = await emptyTarget();
    const workDir = mkdtempSync(join(tmpdir(), 'assay-restore-work-'));
    cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
    const report = await restoreSnapshot(
      shop.config,
      { snapshot: snapshotId, target, imagesDir: join(dir, 'images'), force: false, live: null, workDir },
      now,
    );
    expect(report.snapshotId.startsWith(snapshotId)).toBe(true);
    expect(report.snapshotTime).toBe(now.toISOString());
    expect(report.tables).toBeGreaterThan(20);
    expect(report.rows).toBeGreaterThan(0);
    expect(report.images).toBe(1);
    expect(existsSync(join(dir, 'images', `${'cd'.repeat(16)}-800.webp`))).toBe(true);
    // Nobody erased yet: the journal found no one.
    expect(report.journal).toMatchObject({ matched: 0, people: 0 });
    expect(report.journal.sources.map((s) => s.from).sort()).toEqual(['backup repository', 'live database', 'restored database']);
    // Nothing of the restore's work is left in the temporary folder.
    expect(readdirSync(workDir)).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.includes('.restoring'))).toEqual([]);

    const restored = await openRestored(env);
    expect(await findPerson(restored.app.db, { customerId: erased.id })).not.toBeNull();
    expect(await restored.app.db.selectFrom('customers').selectAll().orderBy('id').execute()).toEqual(customersBefore);
    expect(await restored.app.db.selectFrom('customer_addresses').selectAll().orderBy('id').execute()).toEqual(addressesBefore);
    // The restore is audited in the restored database.
    const audit = await restored.app.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'backup').execute();
    expect(audit.map((a) => a.action)).toContain('change');
  });

  it('refuses a database that holds tables without force, and an unknown snapshot; replaces it with force', async () => {
    const { target, dir } = await emptyTarget();
    const options: RestoreOptions = { snapshot: snapshotId, target, imagesDir: join(dir, 'images'), force: false, live: null };
    await restoreSnapshot(shop.config, options, now);
    await expect(restoreSnapshot(shop.config, options, now)).rejects.toThrow(RestoreRefused);
    await expect(restoreSnapshot(shop.config, options, now)).rejects.toThrow(/already holds tables.*--force/);
    await expect(restoreSnapshot(shop.config, { ...options, snapshot: 'deadbeef' }, now)).rejects.toThrow(
      'There is no backup snapshot deadbeef in the repository',
    );
    await expect(restoreSnapshot(shop.config, { ...options, snapshot: '../etc' }, now)).rejects.toThrow('is not a snapshot ID');
    const forced = await restoreSnapshot(shop.config, { ...options, force: true }, now);
    expect(forced.rows).toBeGreaterThan(0);
  });

  it('keeps a customer erased after the backup erased: from the live journal, and from the repository with the live database gone', async () => {
    now = new Date(now.getTime() + DAY);
    const person = await findPerson(shop.app.db, { customerId: erased.id });
    expect(person).not.toBeNull();
    await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
    expect(await findPerson(shop.app.db, { customerId: erased.id })).toBeNull();

    // With the live database: its journal is read first.
    const withLive = await emptyTarget();
    const report = await restoreSnapshot(
      shop.config,
      { snapshot: snapshotId, target: withLive.target, imagesDir: null, force: false, live: shop.config.database },
      now,
    );
    expect(report.journal.sources.find((s) => s.from === 'live database')?.entries).toBeGreaterThan(0);
    expect(report.journal).toMatchObject({ matched: 1, people: 1 });
    const one = await openRestored(withLive.env);
    expect(await findPerson(one.app.db, { customerId: erased.id })).toBeNull();
    expect((await personIn(one, erased)).customers).toBeUndefined();
    expect((await personIn(one, kept)).customers?.[0]).toMatchObject({
      email: kept.person.email,
      first_name: 'Barnaby',
      surname: 'Thorne',
    });
    expect((await personIn(one, kept)).customer_addresses?.length).toBeGreaterThan(0);

    // The live database lost: the journal pushed to the repository still erases them.
    await pushJournal(shop.app, now);
    const without = await emptyTarget();
    const lost = await restoreSnapshot(
      shop.config,
      { snapshot: snapshotId, target: without.target, imagesDir: null, force: false, live: null },
      now,
    );
    expect(lost.journal.sources.find((s) => s.from === 'live database')).toMatchObject({ entries: 0 });
    expect(lost.journal.sources.find((s) => s.from === 'backup repository')?.entries).toBeGreaterThan(0);
    expect(lost.journal).toMatchObject({ matched: 1, people: 1 });
    const two = await openRestored(without.env);
    expect(await findPerson(two.app.db, { customerId: erased.id })).toBeNull();
    expect((await personIn(two, erased)).customers).toBeUndefined();
    expect((await personIn(two, kept)).customers?.[0]).toMatchObject({ email: kept.person.email });
  });

  it('npm run restore lists snapshots, refuses a live database without --force, and says so for bad arguments', async () => {
    const env = commandLineEnv(shop, { repository: server.repository, password: PASSWORD });
    const cli = (args: string[]) =>
      run('npx', ['tsx', 'src/features/backups/restore.cli.ts', ...args], { cwd: ROOT, env }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
      );
    const list = await cli(['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(snapshotId.slice(0, 8));
    const refused = await cli(['--snapshot', snapshotId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds tables');
    // Into a shop whose database is empty (a new SQLite folder, or a new PostgreSQL database): done, and said what it did.
    const fresh = await emptyTarget();
    const into = { ...env, DATA_DIR: fresh.dir, ...(fresh.target.dialect === 'postgres' ? { DATABASE_URL: fresh.target.url } : {}) };
    const restoredByCli = await run('npx', ['tsx', 'src/features/backups/restore.cli.ts', '--snapshot', snapshotId.slice(0, 8)], {
      cwd: ROOT,
      env: into,
    });
    expect(restoredByCli.stdout).toMatch(/Restored snapshot [0-9a-f]{8} of .*: \d+ tables, \d+ rows, 1 image files/);
    expect(restoredByCli.stdout).toMatch(/backup repository: [1-9]\d* entries/);
    expect(restoredByCli.stdout).toContain('1 person erased again');
    const viaCli = await openRestored(fresh.env);
    expect(await findPerson(viaCli.app.db, { customerId: erased.id })).toBeNull();
    expect(await findPerson(viaCli.app.db, { customerId: kept.id })).not.toBeNull();

    const bad = await cli(['--snapshots', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage:');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
