import type { FastifyInstance } from 'fastify';

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

export async function backupStatus(_app: FastifyInstance, _now: Date): Promise<BackupStatus> {
  throw new Error('being built');
}
