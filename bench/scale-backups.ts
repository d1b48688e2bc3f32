/**
 * The scale benchmark's backup and restore times, on the privacy-rights data set (bench/rights-data.ts:
 * 100,000 customers, 1,000,000 orders): a backup to a restic repository served by `rclone serve
 * restic` on loopback, a few erasures made after it (journalled), the journal pushed, and the
 * snapshot restored into an empty database through the shop's own services, which apply the
 * journal again. Then a check that nobody erased after the backup came back.
 */
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { pushJournal, takeBackup } from '../src/features/backups/backup.service.js';
import { type RestoreTarget, restoreSnapshot } from '../src/features/backups/restore.service.js';
import { keyConsentLedger } from '../src/features/consent/consent.service.js';
import { readJournal, reapplyErasures } from '../src/features/privacy/erasure.journal.js';
import { eraseSomeone } from '../src/features/privacy/erasure.service.js';
import { exportPerson, findPerson } from '../src/features/privacy/subjects.service.js';
import type { SubjectExport } from '../src/features/privacy/inventory.js';
import { fillRightsData } from './rights-data.js';
import { postgresDatabase, startRcloneRestic, tempDir } from './scale-processes.js';

export interface BackupSettings {
  dialect: 'sqlite' | 'postgres';
  serverUrl: string;
  customers: number;
  orders: number;
  /** People erased after the backup, whose erasures the restore must apply again. */
  erasures: number;
}

const NOW = new Date('2026-12-01T12:00:00Z');
const LATER = new Date(NOW.getTime() + 3_600_000);
const MB = 1024 * 1024;

/** A step failed and has been reported as a row of the table. */
class StepFailed extends Error {}

/** Whether every row of copy `a` is also in copy `b`, table by table. */
function within(a: SubjectExport, b: SubjectExport): boolean {
  const rows = (x: unknown) => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]).map((r) => JSON.stringify(r));
  return Object.entries(a).every(([table, value]) => {
    const theirs = new Set(rows((b as Record<string, unknown>)[table]));
    return rows(value).every((r) => theirs.has(r));
  });
}

/** Bytes of the files under a folder. */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export async function measureBackups(s: BackupSettings): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const dataDir = tempDir('assay-bench-scale-backup-');
  const repositoryDir = tempDir('assay-bench-scale-repository-');
  const restoreDir = tempDir('assay-bench-scale-restored-');
  const live = s.dialect === 'postgres' ? await postgresDatabase(s.serverUrl) : null;
  const scratch = s.dialect === 'postgres' ? await postgresDatabase(s.serverUrl) : null;
  const rclone = await startRcloneRestic(repositoryDir);
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
    BACKUP_REPOSITORY: rclone.repository,
    BACKUP_PASSWORD: 'bench-backup-password',
    ...(live ? { DATABASE_URL: live.url } : {}),
  };
  const config = loadConfig(env);
  const handle = openDatabase(config.database);
  let restored: DatabaseHandle | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    await migrateToLatest(handle.db);
    let started = performance.now();
    await fillRightsData(handle.db, { customers: s.customers, orders: s.orders, heavyOrders: 500 }, NOW);
    const fillMs = performance.now() - started;
    app = await buildApp(config, { database: handle, logger: false, clock: () => NOW });
    const dialect = s.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    say(
      `\nBackup and restore — ${dialect}, ${s.customers.toLocaleString('en-GB')} customers, ${s.orders.toLocaleString('en-GB')} orders ` +
        `(filled in ${seconds(fillMs)}), restic to \`rclone serve restic\` on loopback; each row printed as its step ends\n`,
    );
    say('| step | time | size | rate | |');
    say('|---|---:|---:|---:|---|');
    /** Runs a step; a failure is a row of the table (its message's first line), and the steps after it are not run. */
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const began = performance.now();
      try {
        return await work();
      } catch (err) {
        say(`| ${name} | FAILED after ${seconds(performance.now() - began)} | | | ${String((err as Error).message).split('\n')[0]} |`);
        throw new StepFailed();
      }
    };

    const backup = await step('backup', () => takeBackup(app as NonNullable<typeof app>, NOW, { kind: 'command line' }));
    const stored = sizeOf(repositoryDir);
    say(
      `| backup: consistent copy, restic, prune | ${seconds(backup.ms)} | ${(backup.bytes / MB).toFixed(1)} MB (database ${(backup.databaseBytes / MB).toFixed(1)} MB) | ${(backup.bytes / MB / (backup.ms / 1000)).toFixed(1)} MB/s | snapshot ${backup.snapshotId.slice(0, 8)}, ${(stored / MB).toFixed(1)} MB in the repository, encrypted |`,
    );

    // Erasures after the backup: the restored database holds these people until the journal is applied again.
    const erased: { email: string; before: string; after: SubjectExport }[] = [];
    const candidates = await app.db.selectFrom('customers').select('email').orderBy('id', 'desc').limit(s.erasures).execute();
    let eraseMs = 0;
    for (const { email } of candidates) {
      const person = await findPerson(app.db, { email });
      if (!person) continue;
      const before = JSON.stringify(await exportPerson(app.db, person));
      started = performance.now();
      await eraseSomeone(app, person, LATER, { requestId: null, actor: { kind: 'person' } });
      eraseMs += performance.now() - started;
      erased.push({ email, before, after: await exportPerson(app.db, person) });
    }
    say(`| ${erased.length} erasures after the backup, journalled | ${(eraseMs / Math.max(1, erased.length)).toFixed(0)} ms each | | | |`);
    started = performance.now();
    const pushed = await step('journal pushed to the repository', () => pushJournal(app as NonNullable<typeof app>, LATER));
    say(
      `| journal pushed to the repository | ${((performance.now() - started) / 1000).toFixed(2)} s | | | ${pushed.entries} entries, ${pushed.pushed ? 'pushed' : 'unchanged'} |`,
    );

    const target: RestoreTarget = scratch
      ? { dialect: 'postgres', url: scratch.url }
      : { dialect: 'sqlite', file: join(restoreDir, 'assay.db') };
    const report = await step('restore into an empty database, journal applied', () =>
      restoreSnapshot(
        config,
        { snapshot: backup.snapshotId, target, imagesDir: join(restoreDir, 'images'), force: false, live: config.database },
        LATER,
      ),
    );
    say(
      `| restore into an empty database, journal applied | ${seconds(report.ms)} | ${report.tables} tables, ${report.rows.toLocaleString('en-GB')} rows | ${(report.rows / (report.ms / 1000)).toFixed(0)} rows/s | journal: ${report.journal.sources.map((j) => `${j.entries} from the ${j.from}`).join(', ')}; ${report.journal.people} people erased again |`,
    );

    // Each person erased after the backup: the restored database holds of them what the live one does, not what the backup did.
    restored = openDatabase(target);
    keyConsentLedger(restored.db, config.secretKey, config.publicUrl);
    let cameBack = 0;
    let asLive = 0;
    for (const e of erased) {
      const person = await findPerson(restored.db, { email: e.email });
      const copy = person ? await exportPerson(restored.db, person) : {};
      if (JSON.stringify(copy) === e.before) cameBack++;
      if (within(copy, e.after)) asLive++;
    }
    // The journal applied once more to the restored database: the cost of looking everyone up, with nobody left to erase.
    const journal = await readJournal(handle.db);
    started = performance.now();
    const again = await step('the journal applied once more', () => reapplyErasures((restored as DatabaseHandle).db, journal, LATER));
    say(
      `| the journal applied once more (nobody left to erase) | ${((performance.now() - started) / 1000).toFixed(2)} s | | | ${again.entries} entries, ${again.people} people |`,
    );
    say(
      `\nPeople erased after the backup: in the restored database, ${asLive} of ${erased.length} hold nothing the live database does not ` +
        `(their copies compared, row by row; the live one also holds the e-mail telling them, written after the backup); ` +
        `${cameBack} came back as the backup had them${cameBack ? ' — WRONG' : ''}.`,
    );
    if (cameBack > 0 || asLive < erased.length) process.exitCode = 1;
    return lines;
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    process.exitCode = 1;
    return lines;
  } finally {
    await restored?.close().catch(() => undefined);
    await app?.close();
    await handle.close().catch(() => undefined);
    await rclone.stop();
  }
}
