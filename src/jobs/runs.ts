import type { Db } from '../db/database.js';
import type { JobCounts } from './job.js';
import { listJobRuns } from './jobs.repository.js';
import type { JobName } from './names.js';

/**
 * What the last run of each job did, for the pages that show it (the retention schedule's runs in
 * the back office). A job's one row in job_runs is its latest run: a run in progress has no end
 * yet, and a failed run records no counts of its own (the row still holds the last done run's), so
 * counts are given only for a run that ended done.
 */
export interface LastJobRun {
  job: JobName;
  /** The scheduled time the run was for. */
  slot: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'running' | 'done' | 'failed';
  /** What it did ({ deleted: 3 }), for a run that ended done; null otherwise. */
  counts: JobCounts | null;
}

function countsOf(text: string | null): JobCounts | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return null;
  }
}

/** The last run of every job that has ever run, by name; a job missing from the map has never run. */
export async function lastJobRuns(db: Db): Promise<Map<JobName, LastJobRun>> {
  const runs = new Map<JobName, LastJobRun>();
  for (const row of await listJobRuns(db)) {
    const outcome = row.outcome;
    runs.set(row.job as JobName, {
      job: row.job as JobName,
      slot: row.slot,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      outcome,
      counts: outcome === 'done' ? countsOf(row.counts) : null,
    });
  }
  return runs;
}
