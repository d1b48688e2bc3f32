import { createHash, randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import { migrations } from '../../db/migrations/index.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { readJournal } from '../privacy/erasure.journal.js';
import { longestBackupAgeDays } from './backup.policy.js';
import { deleteRunsStartedBefore, finishRun, insertRun, latestRun } from './backups.repository.js';
import { runPostgresTool } from './pg-tools.js';
import { type ResticTarget, ensureRepository, listSnapshots, restic, resticTargetOf } from './restic.js';
import { copySqliteOnline, countRowsByTable } from './snapshot.repository.js';

/**
 * Taking a backup: a consistent online snapshot of the database (SQLite through its online backup
 * API, PostgreSQL through pg_dump in custom format) and the uploaded images, stored encrypted in
 * the restic repository (BACKUP_REPOSITORY) as one snapshot tagged `assay-backup`; the staged copy
 * of the database is deleted as soon as restic has it, whatever happens. Then snapshots are pruned
 * by the keep policy (backup.policy.ts), and any older than its longest age are forgotten too.
 * The erasure journal is pushed to the repository apart (tag `assay-journal`), so a restore finds
 * erasures made after the snapshot it restores even when the live database is lost.
 */

export const BACKUP_TAG = 'assay-backup';
export const JOURNAL_TAG = 'assay-journal';

/** The host name every snapshot carries, so the keep policy groups them all together whichever machine took them. */
export const BACKUP_HOST = 'assay';
/** Journal snapshots kept: the newest is the one a restore reads; two more in case it is damaged. */
export const JOURNAL_SNAPSHOTS_KEPT = 3;
/** The files of a backup snapshot, at its root. */
export const SNAPSHOT_FILES = {
  manifest: 'manifest.json',
  sqlite: 'database.sqlite',
  postgres: 'database.pgdump',
  images: 'images',
} as const;
export const JOURNAL_FILE = 'erasure-journal.json';

/** Who started a run: the shop's schedule, the command line, or a staff member in the back office. */
export type BackupActor =
  { kind: 'schedule' } | { kind: 'command line' } | { kind: 'staff'; staffId: number; role: string; network?: string | null };

export interface BackupResult {
  runId: number;
  snapshotId: string;
  /** ISO 8601: the snapshot's time. */
  time: string;
  /** Bytes stored in the snapshot, before restic's compression and deduplication. */
  bytes: number;
  /** Bytes of the database dump alone. */
  databaseBytes: number;
  images: number;
  ms: number;
  /** Snapshots forgotten by the keep policy and the longest age. */
  forgotten: number;
}

/** What a backup snapshot says about itself (manifest.json): no personal data. */
export interface BackupManifest {
  format: 1;
  dialect: 'sqlite' | 'postgres';
  database: string;
  shop: string;
  takenAt: string;
  migrations: string[];
  /** Rows per table when the copy was taken. */
  counts: Record<string, number>;
  images: number;
}

export class BackupsNotSetUp extends Error {
  constructor() {
    super('Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD');
  }
}

/** backup_runs.actor: 'schedule', 'command line' or 'staff:<id>'. */
export function actorText(actor: BackupActor): string {
  return actor.kind === 'staff' ? `staff:${actor.staffId}` : actor.kind;
}

/** Who the audit trail names: the staff member, or the system from the schedule or the command line. */
export function auditActorOf(actor: BackupActor): AuditActor {
  return actor.kind === 'staff'
    ? { staffId: actor.staffId, role: actor.role, network: actor.network ?? null }
    : { staffId: null, role: 'system', network: actor.kind };
}

/** A failure in words fit for backup_runs, the log and an e-mail to the owners: the first line of our own messages, never a stack. */
export function safeErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : 'unknown failure';
  return (message.split('\n')[0] ?? '').slice(0, 300);
}

/** restic's --time: "YYYY-MM-DD HH:MM:SS", read in UTC (restic runs with TZ=UTC). */
const resticTime = (now: Date) => now.toISOString().slice(0, 19).replace('T', ' ');

function targetOf(app: FastifyInstance): ResticTarget {
  const target = resticTargetOf(app.config.backups);
  if (!target) throw new BackupsNotSetUp();
  return target;
}

/** Files in a folder and below, and their bytes. */
async function filesIn(dir: string): Promise<{ files: string[]; bytes: number }> {
  const found: string[] = [];
  let bytes = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], bytes: 0 };
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    found.push(path);
    bytes += (await stat(path)).size;
  }
  return { files: found, bytes };
}

/** Stages the images as hard links (no copy, same disk), or copies where links cannot be made. */
async function stageImages(from: string, to: string): Promise<{ count: number; bytes: number }> {
  const { files, bytes } = await filesIn(from);
  for (const file of files) {
    const dest = join(to, file.slice(from.length + 1));
    await mkdir(join(dest, '..'), { recursive: true, mode: 0o700 });
    try {
      await link(file, dest);
    } catch {
      await copyFile(file, dest);
    }
  }
  return { count: files.length, bytes };
}

/** Takes a backup now, prunes, records the run (backup_runs) and audits it. Throws (after recording the failure) when it fails. */
export async function takeBackup(app: FastifyInstance, now: Date, actor: BackupActor): Promise<BackupResult> {
  const target = targetOf(app);
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const runId = await insertRun(app.db, { kind: 'backup', startedAt: now.toISOString(), actor: actorText(actor) });
  // The staged copy is the one unencrypted copy of the database outside the database itself: in a
  // folder only the shop's user can read, on the shop's own disk, removed whatever happens.
  const staged = join(app.config.dataDir, `.backup-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(staged, { mode: 0o700 });
    await ensureRepository(target);
    const database = app.config.database;
    const dumpName = database.dialect === 'sqlite' ? SNAPSHOT_FILES.sqlite : SNAPSHOT_FILES.postgres;
    const dumpFile = join(staged, dumpName);
    if (database.dialect === 'sqlite') await copySqliteOnline(database.file, dumpFile);
    else await runPostgresTool('pg_dump', ['-Fc', '--no-owner', '-f', dumpFile], database.url);
    const databaseBytes = (await stat(dumpFile)).size;
    // Where catalog.images.ts keeps the uploaded images.
    const images = await stageImages(join(app.config.dataDir, 'images'), join(staged, SNAPSHOT_FILES.images));
    const manifest: BackupManifest = {
      format: 1,
      dialect: database.dialect,
      database: dumpName,
      shop: app.config.shop.name,
      takenAt: now.toISOString(),
      migrations: Object.keys(migrations),
      counts: await countRowsByTable(app.db),
      images: images.count,
    };
    await writeFile(join(staged, SNAPSHOT_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    const out = await restic(target, ['backup', '--json', '--host', BACKUP_HOST, '--tag', BACKUP_TAG, '--time', resticTime(now), '.'], {
      cwd: staged,
    });
    const summary = out
      .split('\n')
      .filter((l) => l.includes('"summary"'))
      .map((l) => JSON.parse(l) as { snapshot_id?: string; total_bytes_processed?: number })
      .at(-1);
    if (!summary?.snapshot_id) throw new Error('restic backup made no snapshot');
    await rm(staged, { recursive: true, force: true });
    const { forgotten } = await pruneBackups(app, now);
    const result: BackupResult = {
      runId,
      snapshotId: summary.snapshot_id,
      time: now.toISOString(),
      bytes: summary.total_bytes_processed ?? databaseBytes + images.bytes,
      databaseBytes,
      images: images.count,
      ms: ms(),
      forgotten,
    };
    await finishRun(app.db, runId, {
      finishedAt: new Date(now.getTime() + result.ms).toISOString(),
      outcome: 'done',
      snapshotId: result.snapshotId,
      bytes: result.bytes,
      ms: result.ms,
      detail: { databaseBytes, images: images.count, forgotten, tables: Object.keys(manifest.counts).length, dialect: database.dialect },
    });
    await recordAudit(
      app.db,
      entryBy(auditActorOf(actor), {
        action: 'create',
        subject: { type: 'backup', id: result.snapshotId },
        fields: ['database', 'images'],
        reason: `backup taken (${actorText(actor)}); ${forgotten} old snapshot(s) forgotten`,
      }),
      now,
    );
    return result;
  } catch (err) {
    const error = safeErrorText(err);
    await finishRun(app.db, runId, { finishedAt: new Date(now.getTime() + ms()).toISOString(), outcome: 'failed', ms: ms(), error }).catch(
      () => {},
    );
    await recordAudit(
      app.db,
      entryBy(auditActorOf(actor), {
        action: 'create',
        subject: { type: 'backup', id: `run:${runId}` },
        fields: ['database', 'images'],
        reason: `backup failed: ${error}`,
      }),
      now,
    ).catch(() => {});
    throw err;
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

/** The journal as pushed: keyed hashes only (erasure.journal.ts). */
export interface PushedJournal {
  format: 1;
  pushedAt: string;
  digest: string;
  entries: Awaited<ReturnType<typeof readJournal>>;
}

/** How long the history of backup runs (backup_runs: times, sizes, outcomes, counts) is kept. */
export const BACKUP_RUNS_KEPT_DAYS = 400;

/** Deletes the runs that started more than BACKUP_RUNS_KEPT_DAYS before `now`. */
export function deleteOldBackupRuns(db: Db, now: Date): Promise<number> {
  return deleteRunsStartedBefore(db, new Date(now.getTime() - BACKUP_RUNS_KEPT_DAYS * 86_400_000).toISOString());
}

/** Pushes the erasure journal to the repository when it changed since the last push. */
export async function pushJournal(app: FastifyInstance, now: Date): Promise<{ pushed: boolean; entries: number }> {
  const target = targetOf(app);
  const entries = await readJournal(app.db);
  const digest = createHash('sha256').update(JSON.stringify(entries)).digest('hex');
  const last = await latestRun(app.db, 'journal', 'done');
  const lastDigest = last?.detail ? (JSON.parse(last.detail) as { digest?: string }).digest : undefined;
  if (lastDigest === digest) return { pushed: false, entries: entries.length };
  const t0 = performance.now();
  const runId = await insertRun(app.db, { kind: 'journal', startedAt: now.toISOString(), actor: 'schedule' });
  try {
    await ensureRepository(target);
    const body: PushedJournal = { format: 1, pushedAt: now.toISOString(), digest, entries };
    const text = JSON.stringify(body);
    const out = await restic(
      target,
      [
        'backup',
        '--json',
        '--host',
        BACKUP_HOST,
        '--tag',
        JOURNAL_TAG,
        '--time',
        resticTime(now),
        '--stdin',
        '--stdin-filename',
        JOURNAL_FILE,
      ],
      { stdin: text },
    );
    const summary = out
      .split('\n')
      .filter((l) => l.includes('"summary"'))
      .map((l) => JSON.parse(l) as { snapshot_id?: string })
      .at(-1);
    const ms = Math.round(performance.now() - t0);
    await finishRun(app.db, runId, {
      finishedAt: new Date(now.getTime() + ms).toISOString(),
      outcome: 'done',
      snapshotId: summary?.snapshot_id ?? null,
      bytes: Buffer.byteLength(text),
      ms,
      detail: { digest, entries: entries.length },
    });
    return { pushed: true, entries: entries.length };
  } catch (err) {
    const ms = Math.round(performance.now() - t0);
    await finishRun(app.db, runId, {
      finishedAt: new Date(now.getTime() + ms).toISOString(),
      outcome: 'failed',
      ms,
      error: safeErrorText(err),
    }).catch(() => {});
    throw err;
  }
}

/** Forgets snapshots the keep policy no longer keeps, and any older than its longest age; prunes the data. */
export async function pruneBackups(app: FastifyInstance, now: Date): Promise<{ forgotten: number }> {
  const target = targetOf(app);
  const { keep } = app.config.backups;
  const before = await listSnapshots(target, BACKUP_TAG);
  // Every snapshot of the shop is one group (the staged folder's name differs each time).
  const group = ['--group-by', 'host'];
  const journals = (await listSnapshots(target, JOURNAL_TAG)).length;
  if (journals > JOURNAL_SNAPSHOTS_KEPT) {
    await restic(target, ['forget', '--tag', JOURNAL_TAG, ...group, '--keep-last', String(JOURNAL_SNAPSHOTS_KEPT)]);
  }
  if (before.length > 0) {
    await restic(target, [
      'forget',
      '--tag',
      BACKUP_TAG,
      ...group,
      '--keep-daily',
      String(keep.daily),
      '--keep-weekly',
      String(keep.weekly),
      '--keep-monthly',
      String(keep.monthly),
    ]);
  }
  // The policy keeps the newest of each period, however old: past the longest age, a snapshot goes anyway.
  const oldest = now.getTime() - longestBackupAgeDays(keep) * 86_400_000;
  const tooOld = (await listSnapshots(target, BACKUP_TAG)).filter((s) => new Date(s.time).getTime() < oldest).map((s) => s.id);
  if (tooOld.length > 0) await restic(target, ['forget', ...tooOld]);
  const after = await listSnapshots(target, BACKUP_TAG);
  const forgotten = before.length - after.length;
  // Pruning rewrites the repository's packs: only worth it when something was forgotten.
  if (forgotten > 0 || journals > JOURNAL_SNAPSHOTS_KEPT) await restic(target, ['prune']);
  return { forgotten };
}
