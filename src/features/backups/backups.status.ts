import type { FastifyInstance } from 'fastify';
import { type BackupRunRow, latestRun, recentRuns } from './backups.repository.js';

/** What the dashboard says about backups. */
export interface BackupStatus {
  configured: boolean;
  /** The newest successful backup, if any. */
  last: { at: string; ageHours: number; bytes: number | null; snapshotId: string | null } | null;
  /** The newest backup run failed (after the last success). */
  lastFailed: { at: string; error: string | null } | null;
  /** The newest drill's result. */
  drill: { at: string; ok: boolean; differences: number | null; error: string | null } | null;
  /** Overdue: configured and no successful backup within BACKUP_OVERDUE_HOURS. */
  overdue: boolean;
}

export const BACKUP_OVERDUE_HOURS = 26;

/** What a drill run records as its detail (backup_runs.detail): counts only. */
export interface DrillDetail {
  differences: number;
  tables: number;
  rows: number;
  journalEntries?: number;
}

function drillDetailOf(row: BackupRunRow): DrillDetail | null {
  if (!row.detail) return null;
  try {
    const d = JSON.parse(row.detail) as Partial<DrillDetail>;
    return typeof d.differences === 'number' ? (d as DrillDetail) : null;
  } catch {
    return null;
  }
}

/** When a run ended, or started if it has not ended. */
const endOf = (row: BackupRunRow) => row.finished_at ?? row.started_at;

export async function backupStatus(app: FastifyInstance, now: Date): Promise<BackupStatus> {
  const configured = app.config.backups.repository !== null;
  const [done, newest, drill] = await Promise.all([
    latestRun(app.db, 'backup', 'done'),
    latestRun(app.db, 'backup', 'failed'),
    newestFinished(app, 'drill'),
  ]);
  const last = done
    ? {
        at: endOf(done),
        ageHours: Math.max(0, (now.getTime() - Date.parse(endOf(done))) / 3_600_000),
        bytes: done.bytes === null ? null : Number(done.bytes),
        snapshotId: done.snapshot_id,
      }
    : null;
  const lastFailed = newest && (!done || newest.id > done.id) ? { at: endOf(newest), error: newest.error } : null;
  const detail = drill ? drillDetailOf(drill) : null;
  return {
    configured,
    last,
    lastFailed,
    drill: drill
      ? {
          at: endOf(drill),
          ok: drill.outcome === 'done' && detail?.differences === 0,
          differences: detail?.differences ?? null,
          error: drill.error,
        }
      : null,
    overdue: configured && (last === null || last.ageHours > BACKUP_OVERDUE_HOURS),
  };
}

/** The newest run of a kind that has ended (a drill still running says nothing yet). */
async function newestFinished(app: FastifyInstance, kind: 'drill'): Promise<BackupRunRow | undefined> {
  const [done, failed] = await Promise.all([latestRun(app.db, kind, 'done'), latestRun(app.db, kind, 'failed')]);
  if (!done) return failed;
  if (!failed) return done;
  return done.id > failed.id ? done : failed;
}

/** The newest runs of every kind, for the back office's table. */
export function recentBackupRuns(app: FastifyInstance, limit = 20): Promise<BackupRunRow[]> {
  return recentRuns(app.db, limit);
}

/** "3 hours", "2 days": an age in words. */
export function ageInWords(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} minutes`;
  if (hours < 48) {
    const h = Math.floor(hours);
    return `${h} hour${h === 1 ? '' : 's'}`;
  }
  const d = Math.floor(hours / 24);
  return `${d} days`;
}

/** Bytes in megabytes, one decimal: "12.3 MB". */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
