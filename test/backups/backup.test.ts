import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupJournalJob, backupRunJob } from '../../src/features/backups/backup.job.js';
import {
  BACKUP_TAG,
  BackupsNotSetUp,
  JOURNAL_TAG,
  pruneBackups,
  pushJournal,
  takeBackup,
} from '../../src/features/backups/backup.service.js';
import { latestRun } from '../../src/features/backups/backups.repository.js';
import { type ResticTarget, listSnapshots, restic } from '../../src/features/backups/restic.js';
import { eraseSomeone } from '../../src/features/privacy/erasure.service.js';
import { findPerson } from '../../src/features/privacy/subjects.service.js';
import { runJob, slotFor } from '../../src/jobs/runner.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signedInCustomer } from '../support/customer.js';
import { DAY, JOURNEY_ENV } from '../support/privacy.js';
import { ROOT, commandLineEnv } from './command-line.js';
import { type ResticServer, startResticServer } from './restic-server.js';

/**
 * Backups against a real restic repository on a loopback REST server (rclone serve restic): what
 * is stored is encrypted and nothing unencrypted stays on disk; the keep policy and its longest
 * age; the erasure journal pushed only when it changed; the shop without backups set up.
 */
const PASSWORD = 'correct horse battery staple for backups';
const run = promisify(execFile);

let now = new Date('2026-06-10T12:00:00Z');
const servers: ResticServer[] = [];
const shops: TestShop[] = [];
afterAll(async () => {
  for (const s of shops) await s.close();
  for (const s of servers) await s.stop();
});

async function shopWithBackups(env: Record<string, string> = {}): Promise<{ shop: TestShop; server: ResticServer; target: ResticTarget }> {
  const server = await startResticServer();
  servers.push(server);
  const shop = await buildTestShop({
    clock: () => now,
    env: { ...JOURNEY_ENV, SEED_DEMO: 'false', BACKUP_REPOSITORY: server.repository, BACKUP_PASSWORD: PASSWORD, ...env },
  });
  shops.push(shop);
  return { shop, server, target: { repository: server.repository, password: PASSWORD } };
}

/** Every file under a folder, with its bytes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe(`Backups (${testDialect})`, () => {
  let main: Awaited<ReturnType<typeof shopWithBackups>>;
  beforeAll(async () => {
    main = await shopWithBackups();
  });

  it('stores the database and images encrypted in the repository, and leaves nothing unencrypted behind', async () => {
    const { shop, server, target } = main;
    const customer = await signedInCustomer(shop.app, { first_name: 'Perpetua', surname: 'Quillfeather', line1: '9 Saltmarsh Row' });
    mkdirSync(join(shop.dataDir, 'images'), { recursive: true });
    writeFileSync(join(shop.dataDir, 'images', `${'ab'.repeat(16)}-400.webp`), Buffer.from('an image, as far as this test cares'));

    const result = await takeBackup(shop.app, now, { kind: 'command line' });
    expect(result.snapshotId).toMatch(/^[0-9a-f]{8,64}$/);
    expect(result.images).toBe(1);
    expect(result.databaseBytes).toBeGreaterThan(10_000);
    expect(result.bytes).toBeGreaterThan(result.databaseBytes);

    const snapshots = await listSnapshots(target, BACKUP_TAG);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.time).toBe(now.toISOString());
    expect(snapshots[0]!.id.startsWith(result.snapshotId)).toBe(true);

    // The snapshot holds the dump, the images and a manifest that names no one.
    const listing = await restic(target, ['ls', snapshots[0]!.id]);
    const dumpName = testDialect === 'sqlite' ? '/database.sqlite' : '/database.pgdump';
    expect(listing).toContain(dumpName);
    expect(listing).toContain(`/images/${'ab'.repeat(16)}-400.webp`);
    const manifest = JSON.parse(await restic(target, ['dump', snapshots[0]!.id, '/manifest.json'])) as Record<string, unknown>;
    expect(manifest).toMatchObject({ dialect: testDialect, shop: shop.config.shop.name, images: 1 });
    expect((manifest.counts as Record<string, number>).customers).toBe(1);
    expect(manifest.migrations).toContain('2026-12-08-backups-and-shared-limits');
    expect(JSON.stringify(manifest)).not.toContain(customer.person.email);

    // The control: the dump itself holds the customer (SQLite's file stores text as it is).
    const dump = await restic(target, ['dump', snapshots[0]!.id, dumpName]);
    if (testDialect === 'sqlite') expect(dump).toContain(customer.person.email);
    // The repository's files (what the other data centre holds) never do.
    const stored = filesUnder(server.dir);
    expect(stored.length).toBeGreaterThan(3);
    for (const file of stored) {
      const bytes = readFileSync(file);
      expect(bytes.includes(customer.person.email), file).toBe(false);
      expect(bytes.includes('Quillfeather'), file).toBe(false);
    }
    // Nothing staged is left in the data folder, or anywhere else a backup staged it.
    expect(readdirSync(shop.dataDir).filter((n) => n.startsWith('.backup-'))).toEqual([]);

    const recorded = await latestRun(shop.app.db, 'backup');
    expect(recorded).toMatchObject({ outcome: 'done', actor: 'command line', bytes: result.bytes });
    expect(recorded!.snapshot_id).toBe(result.snapshotId);
    const audit = await shop.app.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'backup').execute();
    expect(audit).toMatchObject([{ action: 'create', actor_role: 'system', network: 'command line', subject_id: result.snapshotId }]);
  });

  it('pushes the erasure journal only when it changed, with keyed hashes only', async () => {
    const { shop, target } = main;
    const before = (await listSnapshots(target, JOURNAL_TAG)).length;
    const first = await pushJournal(shop.app, now);
    expect(first.pushed).toBe(true);
    expect(await pushJournal(shop.app, now)).toEqual({ pushed: false, entries: first.entries });
    expect(await listSnapshots(target, JOURNAL_TAG)).toHaveLength(before + 1);

    now = new Date(now.getTime() + 60_000);
    const erased = await signedInCustomer(shop.app, { first_name: 'Octavia', surname: 'Brambleby' });
    const person = await findPerson(shop.app.db, { customerId: erased.id });
    await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
    const second = await pushJournal(shop.app, now);
    expect(second).toEqual({ pushed: true, entries: first.entries + 1 });
    expect(await pushJournal(shop.app, now)).toEqual({ pushed: false, entries: first.entries + 1 });
    const journals = await listSnapshots(target, JOURNAL_TAG);
    expect(journals).toHaveLength(before + 2);
    const text = await restic(target, ['dump', journals.at(-1)!.id, '/erasure-journal.json']);
    const pushed = JSON.parse(text) as { entries: { customerKey: string | null; addressKeys: string[] }[] };
    expect(pushed.entries).toHaveLength(first.entries + 1);
    expect(pushed.entries.at(-1)!.customerKey).toMatch(/^[0-9a-f]{16,}$/);
    expect(text).not.toContain(erased.person.email);
    expect(text).not.toContain('Brambleby');

    // The journal job pushes nothing more while it is unchanged (and a stub alert cannot break it).
    now = new Date(now.getTime() + 5 * 60_000);
    const outcome = await runJob(shop.app, backupJournalJob);
    expect(outcome).toMatchObject({ status: 'done', counts: { pushed: 0 } });
  });

  it('backup.run takes a backup on its schedule, and npm run backup from the command line', async () => {
    const { shop, server, target } = main;
    now = new Date(now.getTime() + DAY);
    const before = (await listSnapshots(target, BACKUP_TAG)).length;
    expect(await runJob(shop.app, backupRunJob)).toMatchObject({ status: 'done', counts: { backups: 1, forgotten: 0 } });
    expect(await latestRun(shop.app.db, 'backup')).toMatchObject({ outcome: 'done', actor: 'schedule' });
    const env = commandLineEnv(shop, { repository: server.repository, password: PASSWORD });
    const cli = await run('npx', ['tsx', 'src/features/backups/backup.cli.ts'], { cwd: ROOT, env });
    expect(cli.stdout).toMatch(/^Backed up to snapshot [0-9a-f]{8,}/);
    // The command line takes the real time: every snapshot of this test's June is past the longest age by then.
    expect(cli.stdout).toContain(`${before + 1} old snapshot(s) forgotten`);
    const left = await listSnapshots(target, BACKUP_TAG);
    expect(left).toHaveLength(1);
    expect(Math.abs(new Date(left[0]!.time).getTime() - Date.now())).toBeLessThan(5 * 60_000);
    expect(await latestRun(shop.app.db, 'backup')).toMatchObject({ outcome: 'done', actor: 'command line' });
  }, 60_000);

  it('a failed backup is recorded with a safe reason, leaves nothing staged, and the job fails without hiding it', async () => {
    const { shop, server } = main;
    const wrong = await buildTestShop({
      clock: () => now,
      sharingDatabaseOf: shop,
      env: { SEED_DEMO: 'false', BACKUP_REPOSITORY: server.repository, BACKUP_PASSWORD: 'not the password' },
    });
    try {
      await expect(takeBackup(wrong.app, now, { kind: 'schedule' })).rejects.toThrow('the backup password does not open the repository');
      const failed = await latestRun(shop.app.db, 'backup');
      expect(failed).toMatchObject({ outcome: 'failed', actor: 'schedule' });
      expect(failed!.error).toContain('password does not open');
      expect(failed!.error).not.toContain('not the password');
      expect(readdirSync(shop.dataDir).filter((n) => n.startsWith('.backup-'))).toEqual([]);
      now = new Date(now.getTime() + DAY);
      expect(await runJob(wrong.app, backupRunJob)).toMatchObject({ status: 'failed' });
      expect(await latestRun(shop.app.db, 'backup')).toMatchObject({ outcome: 'failed', actor: 'schedule' });
    } finally {
      await wrong.close();
    }
  });

  it('runs backup.run at BACKUP_SCHEDULE', async () => {
    const shop = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', BACKUP_SCHEDULE: '40 4 * * *' } });
    shops.push(shop);
    expect(slotFor(backupRunJob, new Date('2026-07-01T12:00:00Z'), shop.config).toISOString()).toBe('2026-07-01T03:40:00.000Z');
    // Without the configuration, the definition's own pattern.
    expect(slotFor(backupRunJob, new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-01T01:15:00.000Z');
  });
});

describe(`Pruning (${testDialect})`, () => {
  it('forgets what the keep policy does not keep, and anything past its longest age even if the policy would keep it', async () => {
    // 1 daily, no weekly, 3 monthly: the longest age is 93 days.
    const { shop, target } = await shopWithBackups({ BACKUP_KEEP_DAILY: '1', BACKUP_KEEP_WEEKLY: '0', BACKUP_KEEP_MONTHLY: '3' });
    const end = new Date('2026-06-10T12:00:00Z');
    const oldest = new Date(end.getTime() - 94 * DAY); // 8 March: the newest of its month, so the policy keeps it
    const may = new Date('2026-05-15T12:00:00Z');
    const june8 = new Date('2026-06-08T12:00:00Z'); // not the newest of June, nor of the newest day
    for (const at of [oldest, may, june8]) {
      now = at;
      const r = await takeBackup(shop.app, at, { kind: 'schedule' });
      expect(r.forgotten).toBe(0);
    }
    expect((await listSnapshots(target, BACKUP_TAG)).map((s) => s.time)).toEqual([oldest, may, june8].map((d) => d.toISOString()));
    now = end;
    const last = await takeBackup(shop.app, end, { kind: 'schedule' });
    expect(last.forgotten).toBe(2);
    expect((await listSnapshots(target, BACKUP_TAG)).map((s) => s.time)).toEqual([may.toISOString(), end.toISOString()]);

    // Journal snapshots: the last three are kept.
    for (let i = 0; i < 5; i++) {
      await restic(
        target,
        [
          'backup',
          '--host',
          'assay',
          '--tag',
          JOURNAL_TAG,
          '--time',
          `2026-06-0${i + 1} 10:00:00`,
          '--stdin',
          '--stdin-filename',
          'erasure-journal.json',
        ],
        { stdin: JSON.stringify({ format: 1, entries: [], n: i }) },
      );
    }
    expect(await pruneBackups(shop.app, end)).toEqual({ forgotten: 0 });
    expect((await listSnapshots(target, JOURNAL_TAG)).map((s) => s.time.slice(0, 10))).toEqual(['2026-06-03', '2026-06-04', '2026-06-05']);
    expect(await listSnapshots(target, BACKUP_TAG)).toHaveLength(2);
  }, 180_000);
});

describe(`Without backups set up (${testDialect})`, () => {
  it('the jobs skip, takeBackup refuses, and npm run backup says so plainly', async () => {
    const shop = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false' } });
    shops.push(shop);
    now = new Date(now.getTime() + DAY);
    expect(await runJob(shop.app, backupRunJob)).toMatchObject({ status: 'done', counts: { skipped: 1 } });
    expect(await runJob(shop.app, backupJournalJob)).toMatchObject({ status: 'done', counts: { skipped: 1 } });
    await expect(takeBackup(shop.app, now, { kind: 'command line' })).rejects.toBeInstanceOf(BackupsNotSetUp);

    const env = commandLineEnv(shop);
    const cli = await run('npx', ['tsx', 'src/features/backups/backup.cli.ts'], { cwd: ROOT, env }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe('Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD');
    expect(statSync(shop.dataDir).isDirectory()).toBe(true);
  }, 60_000);
});
