import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { entryBy, keyAuditTrail, recordAudit } from '../audit/audit.service.js';
import { keyConsentLedger } from '../consent/consent.service.js';
import { type JournalEntry, type ReapplyReport, readJournal, reapplyErasures } from '../privacy/erasure.journal.js';
import {
  BACKUP_TAG,
  type BackupActor,
  type BackupManifest,
  JOURNAL_FILE,
  JOURNAL_TAG,
  type PushedJournal,
  SNAPSHOT_FILES,
  actorText,
  auditActorOf,
  safeErrorText,
} from './backup.service.js';
import { finishRun, insertRun } from './backups.repository.js';
import { runPostgresTool } from './pg-tools.js';
import { type Snapshot, listSnapshots, restic, resticTargetOf } from './restic.js';
import { countRowsByTable, databaseIsEmpty } from './snapshot.repository.js';

/**
 * Restoring a snapshot into an empty database (never over one holding tables, unless `force`),
 * then applying the erasure journal again before the shop can serve from it: the entries of the
 * restored database, of the newest journal pushed to the repository, and of the live database when
 * it can still be read, together, so that a person erased after the backup stays erased.
 */

export type RestoreTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface RestoreOptions {
  /** A snapshot ID (or its short form), or 'latest'. */
  snapshot: string;
  target: RestoreTarget;
  /** Where the images go (a DATA_DIR's images folder); null leaves them out. */
  imagesDir: string | null;
  /** Replace a database that already holds tables. */
  force: boolean;
  /** The live database, to read its erasure journal from too (skipped, and said so, when it cannot be opened). */
  live?: Config['database'] | null;
  /** Where the snapshot is unpacked for the moment of the restore (a fresh 0700 folder in it, removed after): the OS temp folder by default. */
  workDir?: string;
  /** Who restores, for the audit trail (the command line when not given). */
  actor?: BackupActor;
}

export type JournalSourceName = 'restored database' | 'backup repository' | 'live database';

export interface RestoreReport {
  snapshotId: string;
  snapshotTime: string;
  tables: number;
  rows: number;
  images: number;
  /** The journal entries applied, by where they came from, and what applying them did. */
  journal: {
    /** `note` says why a source gave nothing (the live database could not be read, no journal was pushed). */
    sources: { from: JournalSourceName; entries: number; note?: string }[];
    /** Entries left after the same erasure named by several sources is counted once. */
    distinct: number;
  } & ReapplyReport;
  ms: number;
}

/** "1 person", "3 people": how many were erased again, in the report and the audit trail. */
export function peopleText(count: number): string {
  return count === 1 ? '1 person' : `${count} people`;
}

/** Thrown for a restore refused before anything was changed (a database not empty, an unknown snapshot): the message says why. */
export class RestoreRefused extends Error {}

const SNAPSHOT_ID = /^[0-9a-f]{4,64}$/;

/** The backup snapshot a restore names: 'latest', a full ID or a prefix of one (at least 4 characters, as restic allows). */
export async function findBackupSnapshot(config: Config, wanted: string): Promise<Snapshot> {
  const target = resticTargetOf(config.backups);
  if (!target)
    throw new RestoreRefused('Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD to the repository to restore from');
  const id = wanted.trim().toLowerCase();
  if (id !== 'latest' && !SNAPSHOT_ID.test(id)) {
    throw new RestoreRefused(`"${wanted.slice(0, 80)}" is not a snapshot ID: expected 'latest' or the hexadecimal ID --list shows`);
  }
  const snapshots = await listSnapshots(target, BACKUP_TAG);
  if (id === 'latest') {
    const newest = snapshots.at(-1);
    if (!newest) throw new RestoreRefused('The backup repository holds no backup yet');
    return newest;
  }
  const matches = snapshots.filter((s) => s.id.startsWith(id));
  if (matches.length === 0)
    throw new RestoreRefused(`There is no backup snapshot ${id} in the repository: --list shows the snapshots there are`);
  if (matches.length > 1) throw new RestoreRefused(`More than one backup snapshot starts with ${id}: give more of its ID`);
  return matches[0]!;
}

function parseJournal(text: string): JournalEntry[] {
  const parsed = JSON.parse(text) as Partial<PushedJournal>;
  if (!Array.isArray(parsed.entries)) throw new Error('the journal in the backup repository is not in the expected form');
  return parsed.entries;
}

/** The live database's journal, read before anything changes; null (with why) when it cannot be read. */
async function liveJournal(live: Config['database']): Promise<{ entries: JournalEntry[] } | { note: string }> {
  if (live.dialect === 'sqlite' && !existsSync(live.file)) return { note: 'no live database file' };
  let handle;
  try {
    handle = openDatabase(live, { poolSize: 1 });
    return { entries: await readJournal(handle.db) };
  } catch {
    return { note: 'the live database could not be read' };
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** The same erasure, from whichever source: its time and keys. */
const sameErasure = (e: JournalEntry) => JSON.stringify([e.erasedAt, [...e.addressKeys].sort(), e.customerKey, e.staffKey]);

/** Restores and re-applies the journal; `config` gives the repository, password and secret key. */
export async function restoreSnapshot(config: Config, options: RestoreOptions, now: Date): Promise<RestoreReport> {
  const t0 = performance.now();
  const target = resticTargetOf(config.backups);
  const snapshot = await findBackupSnapshot(config, options.snapshot);
  if (!target) throw new RestoreRefused('Backups are not set up');
  const database: Config['database'] =
    options.target.dialect === 'sqlite'
      ? { dialect: 'sqlite', file: options.target.file }
      : { dialect: 'postgres', url: options.target.url };
  if (!options.force && !(await databaseIsEmpty(database))) {
    throw new RestoreRefused(
      'The database to restore into already holds tables: restore into an empty database, or add --force to replace it (its erasure journal is read first)',
    );
  }

  // Every journal is read before anything changes: with --force over the live database, its own
  // journal is what keeps the people erased since the backup erased.
  const sources: RestoreReport['journal']['sources'] = [];
  const entries: JournalEntry[] = [];
  if (options.live) {
    const live = await liveJournal(options.live);
    if ('entries' in live) {
      sources.push({ from: 'live database', entries: live.entries.length });
      entries.push(...live.entries);
    } else sources.push({ from: 'live database', entries: 0, note: live.note });
  } else sources.push({ from: 'live database', entries: 0, note: 'not given' });
  const pushed = (await listSnapshots(target, JOURNAL_TAG)).at(-1);
  if (pushed) {
    const fromRepository = parseJournal(await restic(target, ['dump', pushed.id, `/${JOURNAL_FILE}`]));
    sources.push({ from: 'backup repository', entries: fromRepository.length });
    entries.push(...fromRepository);
  } else sources.push({ from: 'backup repository', entries: 0, note: 'no journal has been pushed' });

  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'assay-restore-'));
  let images = 0;
  try {
    await restic(target, ['restore', snapshot.id, '--target', work]);
    const manifest = JSON.parse(await readFile(join(work, SNAPSHOT_FILES.manifest), 'utf8')) as BackupManifest;
    if (manifest.dialect !== database.dialect) {
      throw new RestoreRefused(
        `Snapshot ${snapshot.shortId} is of a ${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database: restore it into one of the same kind`,
      );
    }
    const dump = join(work, manifest.database);
    const restoredImages = join(work, SNAPSHOT_FILES.images);
    if (options.imagesDir && existsSync(restoredImages)) {
      for (const entry of await readdir(restoredImages, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile()) continue;
        const from = join(entry.parentPath, entry.name);
        const to = join(options.imagesDir, from.slice(restoredImages.length + 1));
        await mkdir(dirname(to), { recursive: true });
        await copyFile(from, to);
        images++;
      }
    }
    if (database.dialect === 'sqlite') {
      await mkdir(dirname(database.file), { recursive: true });
      // The journal is applied to the copy beside the database, which then goes into place in one
      // rename: the database is never a half-copied file, nor one that still holds erased people.
      const incoming = `${database.file}.restoring`;
      const removeIncoming = async () => {
        for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${incoming}${suffix}`, { force: true });
      };
      await removeIncoming();
      try {
        await copyFile(dump, incoming);
        const report = await openAndReapply({ dialect: 'sqlite', file: incoming });
        for (const stale of ['-wal', '-shm', '-journal']) await rm(`${database.file}${stale}`, { force: true });
        await rename(incoming, database.file);
        return report;
      } finally {
        await removeIncoming();
      }
    }
    const clean = options.force ? ['--clean', '--if-exists'] : [];
    // pg_restore restores only when given -d; the name alone, the rest (password too) from libpq's environment.
    const dbname = decodeURIComponent(new URL(database.url).pathname.replace(/^\//, ''));
    await runPostgresTool(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--single-transaction', ...clean, '-d', dbname, dump],
      database.url,
    );
    try {
      return await openAndReapply(database);
    } catch (err) {
      throw new Error(
        `The database was restored but the erasure journal could not be applied (${safeErrorText(err)}): do not start the shop on it; restore again with --force`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // Opened as the shop opens it: migrated to this version, the consent and audit keys from SECRET_KEY.
  async function openAndReapply(restored: Config['database']): Promise<RestoreReport> {
    const handle = openDatabase(restored, { poolSize: 2 });
    try {
      await migrateToLatest(handle.db);
      keyConsentLedger(handle.db, config.secretKey, config.publicUrl);
      await keyAuditTrail(handle.db, config.secretKey, now);
      const counts = await countRowsByTable(handle.db);
      const own = await readJournal(handle.db);
      sources.unshift({ from: 'restored database', entries: own.length });
      const distinct = new Map<string, JournalEntry>();
      for (const e of [...own, ...entries]) if (!distinct.has(sameErasure(e))) distinct.set(sameErasure(e), e);
      const applied = await reapplyErasures(handle.db, [...distinct.values()], now);
      const actor = options.actor ?? { kind: 'command line' };
      const ms = Math.round(performance.now() - t0);
      const report: RestoreReport = {
        snapshotId: snapshot.id,
        snapshotTime: snapshot.time,
        tables: Object.keys(counts).length,
        rows: Object.values(counts).reduce((a, b) => a + b, 0),
        images,
        journal: { sources, distinct: distinct.size, ...applied },
        ms,
      };
      const runId = await insertRun(handle.db, { kind: 'restore', startedAt: now.toISOString(), actor: actorText(actor) });
      await finishRun(handle.db, runId, {
        finishedAt: new Date(now.getTime() + ms).toISOString(),
        outcome: 'done',
        snapshotId: snapshot.id,
        ms,
        detail: {
          tables: report.tables,
          rows: report.rows,
          images,
          journal: { sources, distinct: distinct.size, entries: applied.entries, matched: applied.matched, people: applied.people },
        },
      });
      await recordAudit(
        handle.db,
        entryBy(auditActorOf(actor), {
          action: 'change',
          subject: { type: 'backup', id: snapshot.id },
          fields: ['database', 'images'],
          reason: `restored from the backup of ${snapshot.time}; erasure journal re-applied (${peopleText(applied.people)} erased again)`,
        }),
        now,
      );
      return report;
    } finally {
      await handle.close();
    }
  }
}
