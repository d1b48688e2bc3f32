import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { JobName } from './names.js';

/** What a run did, as counts ({ deleted: 3 }): logged and kept in job_runs. Never personal data. */
export type JobCounts = Record<string, number>;

/**
 * One scheduled job, defined in its feature's `<feature>.job.ts` with its policy stated at the top,
 * listed once in `registry.ts` and started by the runner (`runner.ts`).
 */
export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  /** A cron pattern (croner's: an optional leading seconds field). */
  cron: string;
  /** A schedule set by the shop's configuration (BACKUP_SCHEDULE): when present, the runner uses it instead of `cron`. */
  cronFrom?(config: Config): string;
  /** For daily jobs, the shop's own time ('Europe/London'), so 03:30 stays 03:30 across the clock change. */
  timezone?: string;
  /** Also run once when the process starts (catching up a scheduled time missed while the shop was down). */
  runAtStart?: boolean;
  /** When a run's counts call for attention, its line is logged as a warning rather than at info. */
  warnWhen?: (counts: JobCounts) => boolean;
  /** Does the work for the time `now` (the app's clock when the run starts) and says what it did. */
  run(app: FastifyInstance, now: Date): Promise<JobCounts>;
}

/** Types a job's definition, its name checked against `JobName`. */
export function defineJob<N extends JobName>(definition: JobDefinition<N>): JobDefinition<N> {
  return definition;
}
