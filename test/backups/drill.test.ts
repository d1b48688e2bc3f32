import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupsNotSetUp } from '../../src/features/backups/backup.service.js';
import { latestRun } from '../../src/features/backups/backups.repository.js';
import { runDrill } from '../../src/features/backups/drill.service.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { findPerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { JOURNEY_ENV, customerAcrossTheShop } from '../support/privacy.js';
import { signInAs } from '../support/staff.js';
import { signedInCustomer } from '../support/customer.js';
import { type ResticServer, startResticServer } from './restic-server.js';

/**
 * The restore drill against a real restic repository (rclone serve restic on loopback) and a real
 * scratch database (a SQLite file, or a new PostgreSQL database dropped afterwards): a shop with a
 * customer's data across it and a person erased passes, with every table compared; a restored
 * copy made to differ fails, says where, and e-mails the owners; the command line prints the
 * report and exits 0 or 1.
 */
const PASSWORD = 'correct horse battery staple for the drill';
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let now = new Date('2026-06-10T12:00:00Z');
/** Each drill an hour after the one before: snapshots of the same second would leave the keep policy to choose between them. */
const later = () => (now = new Date(now.getTime() + 3_600_000));

let server: ResticServer;
let shop: TestShop;

/** The PostgreSQL databases whose names the drill uses, to see that its scratch database is gone. */
async function drillDatabases(): Promise<string[]> {
  if (testDialect !== 'postgres') return [];
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  const r = await c.query<{ datname: string }>("select datname from pg_database where datname like 'assay_drill_%'");
  await c.end();
  return r.rows.map((row) => row.datname);
}

beforeAll(async () => {
  server = await startResticServer();
  shop = await buildTestShop({
    clock: () => now,
    env: { ...JOURNEY_ENV, BACKUP_REPOSITORY: server.repository, BACKUP_PASSWORD: PASSWORD },
  });
  await customerAcrossTheShop(shop.app, now);
  const erased = await signedInCustomer(shop.app, { first_name: 'Octavia', surname: 'Brambleby' });
  const person = await findPerson(shop.app.db, { customerId: erased.id });
  await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
  mkdirSync(join(shop.dataDir, 'images'), { recursive: true });
  writeFileSync(join(shop.dataDir, 'images', `${'cd'.repeat(16)}-400.webp`), Buffer.from('an image, as far as this test cares'));
  await shop.app.statistics.flush();
}, 120_000);

afterAll(async () => {
  await shop?.close();
  await server?.stop();
});

describe(`the restore drill (${testDialect})`, () => {
  it('passes on a shop with customers, orders and an erased person, having compared every table, and records it', async () => {
    const before = await drillDatabases();
    const report = await runDrill(shop.app, now, { kind: 'command line' });
    const different = report.tables.filter((t) => t.explained === undefined && t.changed + t.onlyLive + t.onlyRestored > 0);
    expect(different).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.differences).toBe(0);
    expect(report.restore.images).toBe(1);
    expect(report.restore.journal.distinct).toBeGreaterThan(0);
    // Real rows were compared, and only the drill's own tables were left out.
    expect(report.tables.find((t) => t.table === 'orders')?.liveRows).toBe(2);
    expect(report.tables.filter((t) => t.explained !== undefined).map((t) => t.table)).toEqual(['backup_runs', 'job_runs']);
    expect(report.tables.find((t) => t.table === 'audit_log')?.afterSnapshot).toBeGreaterThan(0);

    const drill = await latestRun(shop.app.db, 'drill');
    expect(drill?.outcome).toBe('done');
    expect(drill?.snapshot_id).toBe(report.backup.snapshotId);
    expect(JSON.parse(drill!.detail!)).toMatchObject({ differences: 0 });
    const audited = await shop.app.db
      .selectFrom('audit_log')
      .select(['subject_type', 'reason'])
      .where('subject_type', '=', 'backup drill')
      .execute();
    expect(audited).toEqual([{ subject_type: 'backup drill', reason: 'restore drill passed' }]);
    // The scratch copy is gone.
    expect(await drillDatabases()).toEqual(before);
    expect(readdirSync(shop.dataDir).filter((f) => f.startsWith('.drill-'))).toEqual([]);
  }, 120_000);

  it('fails when the restored copy differs, names the table, records the failure and e-mails the owners once', async () => {
    await signInAs(shop.app, 'owner');
    const report = await runDrill(
      shop.app,
      later(),
      { kind: 'command line' },
      {
        beforeCompare: async (restored) => {
          const first = await restored.selectFrom('customers').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
          await restored.updateTable('customers').set({ first_name: 'Tampered' }).where('id', '=', first.id).execute();
          await restored
            .deleteFrom('order_events')
            .where(
              'id',
              '=',
              (await restored.selectFrom('order_events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id,
            )
            .execute();
        },
      },
    );
    expect(report.ok).toBe(false);
    expect(report.differences).toBe(2);
    const byTable = Object.fromEntries(
      report.tables
        .filter((t) => t.changed + t.onlyLive + t.onlyRestored > 0 && t.explained === undefined)
        .map((t) => [t.table, [t.changed, t.onlyLive, t.onlyRestored]]),
    );
    expect(byTable).toEqual({ customers: [1, 0, 0], order_events: [0, 1, 0] });

    const drill = await latestRun(shop.app.db, 'drill');
    expect(drill?.outcome).toBe('failed');
    expect(drill?.error).toBe('2 rows differ, in customers, order_events');
    const alerts = await shop.app.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('kind', '=', 'backup-alert')
      .execute();
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.subject).toContain('restore drill failed');
    // It names no customer.
    expect(alerts[0]!.text_body).not.toContain('Rosalind');
    expect(alerts[0]!.text_body).not.toContain('Franklin');

    // A second failing drill the same day e-mails nobody again.
    await runDrill(
      shop.app,
      later(),
      { kind: 'command line' },
      {
        beforeCompare: async (restored) => {
          await restored.updateTable('customers').set({ first_name: 'Tampered again' }).execute();
        },
      },
    );
    const again = await shop.app.db.selectFrom('mail_outbox').select('id').where('kind', '=', 'backup-alert').execute();
    expect(again).toHaveLength(alerts.length);
  }, 180_000);

  it('refuses, recording nothing, when backups are not set up', async () => {
    const bare = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false' } });
    try {
      await expect(runDrill(bare.app, now, { kind: 'command line' })).rejects.toBeInstanceOf(BackupsNotSetUp);
      expect(await latestRun(bare.app.db, 'drill')).toBeUndefined();
    } finally {
      await bare.close();
    }
  });

  it('prints a readable report from npm run backup:drill and exits 0 when it passes', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: shop.dataDir,
      SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      LOG_LEVEL: 'silent',
      BACKUP_REPOSITORY: server.repository,
      BACKUP_PASSWORD: PASSWORD,
      ...(shop.config.database.dialect === 'postgres' ? { DATABASE_URL: shop.config.database.url } : { DATABASE_URL: '' }),
    };
    const out = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/features/backups/drill.cli.ts')], {
      env,
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(out.stdout).toMatch(/^Restore drill: passed/m);
    expect(out.stdout).toMatch(/^\s+orders\s+2 rows\s+0 differences/m);
    expect(out.stdout).toContain('backup_runs');
    expect(existsSync(join(shop.dataDir, 'images'))).toBe(true);
  }, 180_000);
});
