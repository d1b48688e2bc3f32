import { Cron } from 'croner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobName } from '../../src/jobs/names.js';
import { allJobs, jobRegistry } from '../../src/jobs/registry.js';
import { startJobs } from '../../src/jobs/runner.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { captureLog } from './log-capture.js';

/** Every JobName, kept in step with the union by its type: a name added to or removed from it fails to compile here. */
const EVERY_NAME: Record<JobName, true> = {
  'alerts.send': true,
  'audit.retention': true,
  'audit.anchor': true,
  'backup.run': true,
  'backup.journal': true,
  'bag.retention': true,
  'breaches.retention': true,
  'campaigns.send': true,
  'consent.housekeeping': true,
  'contact.retention': true,
  'customers.housekeeping': true,
  'feedback.requests': true,
  'feedback.retention': true,
  'mail.deliver': true,
  'mail.retention': true,
  'orders.release-reservations': true,
  'orders.cancel-unpaid': true,
  'orders.retention': true,
  'privacy.erasures': true,
  'privacy.requests': true,
  'security.housekeeping': true,
  'staff.housekeeping': true,
  'statistics.rollup': true,
};

describe('the job registry', () => {
  it('defines every job name once, each under its own name, with a schedule croner accepts', () => {
    expect(Object.keys(jobRegistry).sort()).toEqual(Object.keys(EVERY_NAME).sort());
    expect(allJobs.map((j) => j.name).sort()).toEqual(Object.keys(EVERY_NAME).sort());
    for (const [name, job] of Object.entries(jobRegistry)) {
      expect(job.name).toBe(name);
      expect(() => new Cron(job.cron, { paused: true, timezone: job.timezone })).not.toThrow();
    }
  });

  it('keeps the schedules: daily jobs in London time, the outbox every 10 seconds, staff every 10 minutes, reservations every minute', () => {
    const schedule = Object.fromEntries(allJobs.map((j) => [j.name, [j.cron, j.timezone ?? null, j.runAtStart ?? false]]));
    expect(schedule).toEqual({
      'alerts.send': ['*/5 * * * *', null, false],
      'audit.retention': ['30 3 * * *', 'Europe/London', false],
      'audit.anchor': ['45 3 * * *', 'Europe/London', false],
      'backup.run': ['15 2 * * *', 'Europe/London', true],
      'backup.journal': ['*/5 * * * *', null, false],
      'bag.retention': ['20 3 * * *', 'Europe/London', true],
      'breaches.retention': ['45 3 * * *', 'Europe/London', true],
      'campaigns.send': ['* * * * *', null, false],
      'consent.housekeeping': ['25 * * * *', null, true],
      'contact.retention': ['15 3 * * *', 'Europe/London', true],
      'customers.housekeeping': ['7 * * * *', null, true],
      'feedback.requests': ['0 10 * * *', 'Europe/London', false],
      'feedback.retention': ['40 3 * * *', 'Europe/London', false],
      'mail.deliver': ['*/10 * * * * *', null, false],
      'mail.retention': ['5 * * * *', null, true],
      'orders.release-reservations': ['* * * * *', null, true],
      'orders.cancel-unpaid': ['30 3 * * *', 'Europe/London', true],
      'orders.retention': ['30 3 * * *', 'Europe/London', true],
      'privacy.erasures': ['35 3 * * *', 'Europe/London', true],
      'privacy.requests': ['50 7 * * *', 'Europe/London', false],
      'security.housekeeping': ['* * * * *', null, false],
      'staff.housekeeping': ['*/10 * * * *', null, true],
      'statistics.rollup': ['*/10 * * * *', null, false],
    });
  });
});

describe(`starting and stopping every job as main.ts does, on ${testDialect}`, () => {
  const log = captureLog();
  const now = new Date('2026-12-01T10:00:00Z');
  let shop: TestShop;
  beforeAll(async () => {
    shop = await buildTestShop({ env: { SEED_DEMO: 'false', LOG_LEVEL: 'debug' }, logger: true, logStream: log.stream, clock: () => now });
  });
  afterAll(async () => shop?.close());

  it('runs the start-up jobs once each for the scheduled time before the clock, one line each, then stops every timer', async () => {
    const jobs = startJobs(shop.app, allJobs);
    try {
      await jobs.started;
    } finally {
      await jobs.stop();
    }
    expect(jobs.jobs.map((j) => j.nextRun())).toEqual(allJobs.map(() => null));

    const runs = await shop.app.db.selectFrom('job_runs').select(['job', 'slot', 'outcome']).orderBy('job').execute();
    // The outbox's 10-second timer may also have fired while the jobs were starting; it starts no run itself.
    expect(runs.filter((r) => r.job !== 'mail.deliver')).toEqual([
      // Backups are not set up here: the run is recorded as done, having nothing to do.
      { job: 'backup.run', slot: '2026-12-01T02:15:00.000Z', outcome: 'done' },
      { job: 'bag.retention', slot: '2026-12-01T03:20:00.000Z', outcome: 'done' },
      { job: 'breaches.retention', slot: '2026-12-01T03:45:00.000Z', outcome: 'done' },
      { job: 'consent.housekeeping', slot: '2026-12-01T09:25:00.000Z', outcome: 'done' },
      { job: 'contact.retention', slot: '2026-12-01T03:15:00.000Z', outcome: 'done' },
      { job: 'customers.housekeeping', slot: '2026-12-01T09:07:00.000Z', outcome: 'done' },
      { job: 'mail.retention', slot: '2026-12-01T09:05:00.000Z', outcome: 'done' },
      { job: 'orders.cancel-unpaid', slot: '2026-12-01T03:30:00.000Z', outcome: 'done' },
      { job: 'orders.release-reservations', slot: '2026-12-01T10:00:00.000Z', outcome: 'done' },
      { job: 'orders.retention', slot: '2026-12-01T03:30:00.000Z', outcome: 'done' },
      { job: 'privacy.erasures', slot: '2026-12-01T03:35:00.000Z', outcome: 'done' },
      { job: 'staff.housekeeping', slot: '2026-12-01T10:00:00.000Z', outcome: 'done' },
    ]);
    const started = allJobs.filter((j) => j.runAtStart).map((j) => j.name);
    // The timers run on the real clock: one may fire at a minute's turn while its start-up run is
    // still going, and is then skipped with a line of its own. Those lines are left out here.
    const runLines = () => log.lines().filter((l) => l.skipped !== 'running here');
    for (const name of started) expect(runLines().filter((l) => l.job === name)).toHaveLength(1);
    expect(log.lines().filter((l) => l.level >= 50)).toEqual([]);

    // A second process started for the same minute finds every start-up run done.
    log.clear();
    const again = startJobs(shop.app, allJobs);
    const outcomes = await Promise.all(again.jobs.filter((j) => started.includes(j.name)).map((j) => j.started));
    await again.stop();
    expect(outcomes).toEqual(started.map(() => ({ status: 'skipped', why: 'already run' })));
    const skipped = runLines().filter((l) => started.includes(l.job as JobName));
    expect(skipped.map((l) => l.skipped)).toEqual(started.map(() => 'already run'));
  });
});
