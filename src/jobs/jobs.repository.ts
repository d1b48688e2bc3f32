import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

export type JobRunRow = Selectable<Database['job_runs']>;

/**
 * Claims the scheduled time `slot` for `job`: true when this caller moved the job's last slot
 * forward to it (so it should run), false when some process has already claimed this slot or a
 * later one. One statement, so two processes asking at once cannot both win.
 */
export async function claimJobSlot(db: Db, job: string, slot: string, startedAt: string): Promise<boolean> {
  const r = await db
    .insertInto('job_runs')
    .values({ job, slot, started_at: startedAt, finished_at: null, outcome: 'running', counts: null })
    .onConflict((oc) =>
      oc
        .column('job')
        .doUpdateSet({ slot, started_at: startedAt, finished_at: null, outcome: 'running' })
        .where('job_runs.slot', '<', slot),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function recordJobFinished(
  db: Db,
  job: string,
  slot: string,
  run: { finishedAt: string; outcome: 'done' | 'failed'; counts: string | null },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ finished_at: run.finishedAt, outcome: run.outcome, ...(run.counts === null ? {} : { counts: run.counts }) })
    .where('job', '=', job)
    .where('slot', '=', slot)
    .execute();
}

export function findJobRun(db: Db, job: string): Promise<JobRunRow | undefined> {
  return db.selectFrom('job_runs').selectAll().where('job', '=', job).executeTakeFirst();
}

/** The last run of every job that has run (one row per job), by name. */
export function listJobRuns(db: Db): Promise<JobRunRow[]> {
  return db.selectFrom('job_runs').selectAll().orderBy('job').execute();
}
