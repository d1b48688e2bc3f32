import type { FastifyInstance } from 'fastify';

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

export class BackupsNotSetUp extends Error {
  constructor() {
    super('Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD');
  }
}

/** Takes a backup now, prunes, records the run (backup_runs) and audits it. Throws (after recording the failure) when it fails. */
export async function takeBackup(_app: FastifyInstance, _now: Date, _actor: BackupActor): Promise<BackupResult> {
  throw new Error('being built');
}

/** Pushes the erasure journal to the repository when it changed since the last push. */
export async function pushJournal(_app: FastifyInstance, _now: Date): Promise<{ pushed: boolean; entries: number }> {
  throw new Error('being built');
}

/** Forgets snapshots the keep policy no longer keeps, and any older than its longest age; prunes the data. */
export async function pruneBackups(_app: FastifyInstance, _now: Date): Promise<{ forgotten: number }> {
  throw new Error('being built');
}
