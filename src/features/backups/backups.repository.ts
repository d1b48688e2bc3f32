import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** The only queries of backup_runs (owned by the backups feature). */

export type BackupRunRow = Database['backup_runs'] & { id: number };
export type BackupRunKind = Database['backup_runs']['kind'];

export async function insertRun(db: Executor, run: { kind: BackupRunKind; startedAt: string; actor: string }): Promise<number> {
  const row = await db
    .insertInto('backup_runs')
    .values({ kind: run.kind, started_at: run.startedAt, outcome: 'running', actor: run.actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Executor,
  id: number,
  end: {
    finishedAt: string;
    outcome: 'done' | 'failed';
    snapshotId?: string | null;
    bytes?: number | null;
    ms: number;
    detail?: unknown;
    error?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('backup_runs')
    .set({
      finished_at: end.finishedAt,
      outcome: end.outcome,
      snapshot_id: end.snapshotId ?? null,
      bytes: end.bytes ?? null,
      ms: end.ms,
      detail: end.detail === undefined ? null : JSON.stringify(end.detail),
      error: end.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** The newest run of a kind, finished or not; with `outcome`, the newest that ended so. */
export async function latestRun(db: Executor, kind: BackupRunKind, outcome?: 'done' | 'failed'): Promise<BackupRunRow | undefined> {
  let q = db.selectFrom('backup_runs').selectAll().where('kind', '=', kind);
  if (outcome) q = q.where('outcome', '=', outcome);
  return (await q.orderBy('id', 'desc').limit(1).executeTakeFirst()) as BackupRunRow | undefined;
}

/** The newest runs of every kind, newest first. */
export async function recentRuns(db: Executor, limit: number): Promise<BackupRunRow[]> {
  return (await db.selectFrom('backup_runs').selectAll().orderBy('id', 'desc').limit(limit).execute()) as BackupRunRow[];
}

/** Runs started before `before` (ISO): the run history is kept a year. */
export async function deleteRunsStartedBefore(db: Executor, before: string): Promise<number> {
  const r = await db.deleteFrom('backup_runs').where('started_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
