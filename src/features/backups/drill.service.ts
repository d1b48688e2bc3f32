import type { FastifyInstance } from 'fastify';
import { type DatabaseHandle, type Db, openDatabase } from '../../db/database.js';
import { currentAnchor, entryBy, recordAudit } from '../audit/audit.service.js';
import {
  type BackupActor,
  type BackupResult,
  BackupsNotSetUp,
  actorText,
  auditActorOf,
  safeErrorText,
  takeBackup,
} from './backup.service.js';
import { alertOwners } from './backups.mail.js';
import { finishRun, insertRun } from './backups.repository.js';
import type { DrillDetail } from './backups.status.js';
import { type TableComparison, compareDatabases, unexplainedDifferences } from './compare.js';
import { type RestoreReport, restoreSnapshot } from './restore.service.js';
import { type ScratchDatabase, createScratchDatabase } from './scratch.repository.js';

/**
 * The restore drill: back up, restore that snapshot into a scratch database, apply the erasure
 * journal, compare every table row by row with the live database (erasures aside), report, and
 * drop the scratch database. Recorded (backup_runs, kind 'drill') and audited.
 */
export interface DrillReport {
  runId: number;
  backup: BackupResult;
  restore: RestoreReport;
  tables: TableComparison[];
  /** Rows that differ without an explanation: 0 for a passing drill. */
  differences: number;
  ok: boolean;
  ms: number;
}

/**
 * Tables the drill leaves out: both are written by the drill itself and by the schedule while it
 * runs (the backup's and the restore's runs, the job runner's slots), so they differ by design.
 */
export const DRILL_SKIPS: Record<string, string> = {
  backup_runs: 'the record of backups, restores and drills, which the drill itself writes',
  job_runs: "the job runner's record of its runs, written by the schedule while the drill runs",
};

export interface DrillOptions {
  /** Called with the restored copy before it is compared: for a test that makes it differ. */
  beforeCompare?: (restored: Db) => Promise<void>;
}

/**
 * Runs the drill. Throws BackupsNotSetUp when there is no repository (nothing recorded); any other
 * failure is recorded as a failed drill, audited and e-mailed to the owners, then thrown.
 */
export async function runDrill(app: FastifyInstance, now: Date, actor: BackupActor, options: DrillOptions = {}): Promise<DrillReport> {
  if (app.config.backups.repository === null) throw new BackupsNotSetUp();
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  // The audit trail's newest entry before the drill: the backup's entry (in the live trail) and the
  // restore's (in the restored one) come after it, and are set aside as written after the snapshot.
  const auditBound = (await currentAnchor(app.db))?.id ?? 0;
  const runId = await insertRun(app.db, { kind: 'drill', startedAt: now.toISOString(), actor: actorText(actor) });
  let scratch: ScratchDatabase | null = null;
  let restored: DatabaseHandle | null = null;
  try {
    // Page views waiting in memory go in first, so the snapshot and the live tables start level.
    await app.statistics.flush();
    const backup = await takeBackup(app, now, actor);
    scratch = await createScratchDatabase(app.config.database, app.config.dataDir);
    const restore = await restoreSnapshot(
      app.config,
      {
        snapshot: backup.snapshotId,
        target: scratch.target,
        imagesDir: `${scratch.dir}/images`,
        force: false,
        live: app.config.database,
        actor,
      },
      now,
    );
    restored = openDatabase(scratch.database, { poolSize: 2 });
    await options.beforeCompare?.(restored.db);
    const tables = await compareDatabases(app.db, restored.db, { skip: DRILL_SKIPS, writtenAfter: { audit_log: auditBound } });
    // The images are compared by count: every image the backup took must come back.
    const missingImages = Math.max(0, backup.images - restore.images);
    if (missingImages > 0) {
      tables.push({
        table: 'images (files)',
        liveRows: backup.images,
        restoredRows: restore.images,
        changed: 0,
        onlyLive: missingImages,
        onlyRestored: 0,
      });
    }
    const differences = unexplainedDifferences(tables);
    const ok = differences === 0;
    const detail: DrillDetail = {
      differences,
      tables: tables.length,
      rows: restore.rows,
      journalEntries: restore.journal.distinct,
    };
    const differing = tables.filter((t) => t.explained === undefined && t.changed + t.onlyLive + t.onlyRestored > 0).map((t) => t.table);
    const error = ok ? null : `${differences} row${differences === 1 ? '' : 's'} differ, in ${differing.join(', ')}`.slice(0, 300);
    const took = ms();
    await finishRun(app.db, runId, {
      finishedAt: new Date(now.getTime() + took).toISOString(),
      outcome: ok ? 'done' : 'failed',
      snapshotId: backup.snapshotId,
      bytes: backup.bytes,
      ms: took,
      detail,
      error,
    });
    await audit(app, actor, runId, now, ok ? 'passed' : 'differences found');
    if (!ok) await alertOwners(app, { kind: 'drill failed', detail: error ?? 'differences found' }, now);
    return { runId, backup, restore, tables, differences, ok, ms: took };
  } catch (err) {
    const error = safeErrorText(err);
    const took = ms();
    await finishRun(app.db, runId, { finishedAt: new Date(now.getTime() + took).toISOString(), outcome: 'failed', ms: took, error }).catch(
      () => {},
    );
    await audit(app, actor, runId, now, 'failed').catch(() => {});
    await alertOwners(app, { kind: 'drill failed', detail: error }, now).catch(() => {});
    throw err;
  } finally {
    await restored?.close().catch(() => {});
    await scratch
      ?.drop()
      .catch((err: unknown) => app.log.error({ err: { message: safeErrorText(err) } }, 'the drill could not drop its scratch database'));
  }
}

function audit(app: FastifyInstance, actor: BackupActor, runId: number, now: Date, outcome: string): Promise<void> {
  return recordAudit(
    app.db,
    entryBy(auditActorOf(actor), {
      action: 'create',
      subject: { type: 'backup drill', id: runId },
      fields: ['database', 'images'],
      reason: `restore drill ${outcome}`,
    }),
    now,
  );
}
