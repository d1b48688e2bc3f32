import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { withLock } from '../db/locks.js';
import type { JobCounts, JobDefinition } from './job.js';
import { claimJobSlot, recordJobFinished } from './jobs.repository.js';

/**
 * The one job runner. Every scheduled job goes through `runJob`, which:
 *
 * 1. takes the time from the app's clock and works out the scheduled time (the "slot") that run is
 *    for: the latest time the job's cron pattern names, at or before now;
 * 2. waits for one of JOB_CONCURRENCY places in this process, then takes a lock named after the job (a PostgreSQL advisory lock, see `db/locks.ts`), skipping the
 *    run if another process holds it, so a job never overlaps itself across processes (croner's
 *    `protect` does the same within one process);
 * 3. claims the slot in `job_runs` by moving the job's last slot forward in one statement, skipping
 *    the run if some process already claimed it. The lock alone would not do: the timers of two
 *    processes firing for 03:20 need not fire together, and a daily job that finished in one
 *    process before another asked for the lock would run twice. The slot makes "once per scheduled
 *    time" hold however the processes interleave, and a process started after a missed 03:20 (the
 *    shop was down) catches it up with its start-up run while one started after it ran does not;
 * 4. runs the job, records how it ended, and logs exactly one line: the job's name, its counts and
 *    how long it took, or at error level the error (through the logger's error serializer, which
 *    keeps no message or value). A run never throws.
 *
 * A run that fails is not retried until its next scheduled time (or a start-up run after it).
 */

export type RunOutcome =
  | { status: 'done'; counts: JobCounts; ms: number }
  | { status: 'failed'; ms: number }
  | { status: 'skipped'; why: 'running here' | 'running elsewhere' | 'already run' };

export interface ScheduledJob {
  name: JobDefinition['name'];
  /** The start-up run's outcome, for a job that runs at start-up; null otherwise. */
  started: Promise<RunOutcome | null>;
  /** Runs the job now, as its timer would. */
  trigger(): Promise<RunOutcome>;
  /** The next time the timer will fire, or null once stopped. */
  nextRun(): Date | null;
  /** Stops the timer and waits for a run in progress to end. */
  stop(): Promise<void>;
}

export interface RunningJobs {
  jobs: ScheduledJob[];
  /** Settles when every start-up run has ended. */
  started: Promise<void>;
  stop(): Promise<void>;
}

const SKIP_REASON: Record<Extract<RunOutcome, { status: 'skipped' }>['why'], string> = {
  'running here': 'its previous run has not finished',
  'running elsewhere': 'another process is running it',
  'already run': 'already run for this scheduled time',
};

/**
 * How many job runs one process lets hold their lock at once. On PostgreSQL each run keeps a pooled
 * connection for its lock and uses another for its work; a dozen start-up runs at once on a pool
 * of 10 would each hold a lock connection and wait for ever for a second one. Four runs use at
 * most eight, and the rest wait their turn (a run's slot is fixed before it waits).
 */
export const JOB_CONCURRENCY = 4;

/** A counting gate per app: at most JOB_CONCURRENCY runs past it at once, the others in order. */
class RunGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  async enter(): Promise<void> {
    if (this.running < JOB_CONCURRENCY) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
const gates = new WeakMap<FastifyInstance, RunGate>();
function gateOf(app: FastifyInstance): RunGate {
  let gate = gates.get(app);
  if (!gate) gates.set(app, (gate = new RunGate()));
  return gate;
}

/** Each job's pattern, parsed once: the mail job asks for its slot every 10 seconds. */
const patterns = new WeakMap<object, { cron: string; pattern: Cron }>();

/** The cron pattern a job runs at: the one the configuration gives (`cronFrom`), or its own. */
export function cronOf(definition: Pick<JobDefinition, 'cron' | 'cronFrom'>, config?: FastifyInstance['config']): string {
  return definition.cronFrom && config ? definition.cronFrom(config) : definition.cron;
}

/** The scheduled time a run at `now` is for: the latest time the pattern names at or before now. */
export function slotFor(
  definition: Pick<JobDefinition, 'cron' | 'timezone' | 'cronFrom'>,
  now: Date,
  config?: FastifyInstance['config'],
): Date {
  const cron = cronOf(definition, config);
  let cached = patterns.get(definition);
  if (!cached || cached.cron !== cron) {
    cached = { cron, pattern: new Cron(cron, { paused: true, ...(definition.timezone ? { timezone: definition.timezone } : {}) }) };
    patterns.set(definition, cached);
  }
  // previousRuns looks strictly before its reference; one millisecond on includes a run due exactly now.
  return cached.pattern.previousRuns(1, new Date(now.getTime() + 1))[0] ?? now;
}

/**
 * Runs a job once, now: lock, slot, run, record, one log line. Never throws. Tests call it with a
 * fixed clock; a second run on the same database needs a clock past the job's next scheduled time
 * (a day on, for a daily job), or it is skipped as already run.
 */
export async function runJob(app: FastifyInstance, definition: JobDefinition): Promise<RunOutcome> {
  const { name } = definition;
  const now = app.clock();
  const slot = slotFor(definition, now, app.config).toISOString();
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const gate = gateOf(app);
  await gate.enter();
  try {
    const locked = await withLock(app.db, `job:${name}`, async (): Promise<RunOutcome> => {
      if (!(await claimJobSlot(app.db, name, slot, now.toISOString()))) return { status: 'skipped', why: 'already run' };
      let counts: JobCounts;
      try {
        counts = await definition.run(app, now);
      } catch (err) {
        await recordJobFinished(app.db, name, slot, { finishedAt: app.clock().toISOString(), outcome: 'failed', counts: null }).catch(
          () => {},
        );
        throw err;
      }
      await recordJobFinished(app.db, name, slot, {
        finishedAt: app.clock().toISOString(),
        outcome: 'done',
        counts: JSON.stringify(counts),
      });
      return { status: 'done', counts, ms: ms() };
    });
    const outcome: RunOutcome = locked.locked ? locked.value : { status: 'skipped', why: 'running elsewhere' };
    log(app, definition, slot, outcome);
    return outcome;
  } catch (err) {
    const outcome: RunOutcome = { status: 'failed', ms: ms() };
    app.log.error({ job: name, slot, ms: outcome.ms, err }, `${name} failed`);
    return outcome;
  } finally {
    gate.leave();
  }
}

/**
 * Logs the one line of a run. A run that did something is at info (a warning when its counts call
 * for one); a run that found nothing to do, or was skipped, is at debug: the mail outbox is looked
 * at every 10 seconds, 8,640 times a day, and idle lines would bury the ones that matter. Every
 * job's last run, idle or not, is in job_runs.
 */
function log(app: FastifyInstance, definition: JobDefinition, slot: string, outcome: RunOutcome): void {
  const { name } = definition;
  if (outcome.status === 'skipped') {
    app.log.debug({ job: name, slot, skipped: outcome.why }, `${name} skipped: ${SKIP_REASON[outcome.why]}`);
    return;
  }
  if (outcome.status !== 'done') return;
  const { counts } = outcome;
  const did = Object.entries(counts).filter(([, n]) => n > 0);
  const level = did.length === 0 ? 'debug' : definition.warnWhen?.(counts) ? 'warn' : 'info';
  const summary = did.length === 0 ? 'nothing to do' : did.map(([what, n]) => `${what} ${n}`).join(', ');
  app.log[level]({ job: name, slot, counts, ms: outcome.ms }, `${name}: ${summary}`);
}

/**
 * Starts a job's timer (and, if it runs at start-up, a first run now). Within the process, a run
 * never overlaps the previous one: croner's `protect` for the timer, and the same guard for
 * `trigger()`.
 */
export function scheduleJob(app: FastifyInstance, definition: JobDefinition): ScheduledJob {
  let running: Promise<RunOutcome> | null = null;
  const trigger = (): Promise<RunOutcome> => {
    if (running) {
      const outcome: RunOutcome = { status: 'skipped', why: 'running here' };
      log(app, definition, slotFor(definition, app.clock(), app.config).toISOString(), outcome);
      return Promise.resolve(outcome);
    }
    const run = runJob(app, definition).finally(() => {
      running = null;
    });
    running = run;
    return run;
  };
  const timer = new Cron(
    cronOf(definition, app.config),
    { protect: true, ...(definition.timezone ? { timezone: definition.timezone } : {}) },
    async () => {
      await trigger();
    },
  );
  const started = definition.runAtStart ? trigger() : Promise.resolve(null);
  return {
    name: definition.name,
    started,
    trigger,
    nextRun: () => timer.nextRun(),
    async stop() {
      timer.stop();
      await running;
    },
  };
}

/** Starts every job given (main.ts passes the registry's), and stops them all together. */
export function startJobs(app: FastifyInstance, definitions: readonly JobDefinition[]): RunningJobs {
  const jobs = definitions.map((d) => scheduleJob(app, d));
  return {
    jobs,
    started: Promise.all(jobs.map((j) => j.started)).then(() => {}),
    async stop() {
      await Promise.all(jobs.map((j) => j.stop()));
    },
  };
}
