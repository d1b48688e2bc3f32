import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineJob } from '../../src/jobs/job.js';
import { findJobRun } from '../../src/jobs/jobs.repository.js';
import { JOB_CONCURRENCY, runJob, scheduleJob, slotFor } from '../../src/jobs/runner.js';
import type { JobName } from '../../src/jobs/names.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { captureLog } from './log-capture.js';

const log = captureLog();
let now = new Date('2026-12-01T10:00:00Z');
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', LOG_LEVEL: 'debug' }, logger: true, logStream: log.stream, clock: () => now });
});
afterAll(async () => shop?.close());
beforeEach(() => log.clear());

const linesOf = (job: string) => log.lines().filter((l) => l.job === job);
const DAY = 86_400_000;

describe(`the job runner on ${testDialect}`, () => {
  it('gives each run the time from the app clock and logs one line with the job, its counts and how long it took', async () => {
    const seen: Date[] = [];
    const job = defineJob({
      name: 'contact.retention',
      cron: '15 3 * * *',
      timezone: 'Europe/London',
      run: async (_app, at) => {
        seen.push(at);
        return { deleted: 3, kept: 0 };
      },
    });
    expect(await runJob(shop.app, job)).toMatchObject({ status: 'done', counts: { deleted: 3, kept: 0 } });
    expect(seen).toEqual([now]);
    const lines = linesOf('contact.retention');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'contact.retention: deleted 3', counts: { deleted: 3, kept: 0 } });
    expect(lines[0]?.ms).toEqual(expect.any(Number));
    expect(await findJobRun(shop.app.db, 'contact.retention')).toMatchObject({
      slot: '2026-12-01T03:15:00.000Z',
      outcome: 'done',
      counts: JSON.stringify({ deleted: 3, kept: 0 }),
      finished_at: now.toISOString(),
    });
  });

  it('runs once per scheduled time: asked again for the same 03:20 it skips, the next day it runs', async () => {
    let runs = 0;
    const job = defineJob({
      name: 'bag.retention',
      cron: '20 3 * * *',
      timezone: 'Europe/London',
      run: async () => ({ deleted: ++runs }),
    });
    expect(await runJob(shop.app, job)).toMatchObject({ status: 'done' });
    now = new Date(now.getTime() + 3_600_000);
    expect(await runJob(shop.app, job)).toEqual({ status: 'skipped', why: 'already run' });
    expect(runs).toBe(1);
    now = new Date(now.getTime() + DAY);
    expect(await runJob(shop.app, job)).toMatchObject({ status: 'done', counts: { deleted: 2 } });
    const lines = linesOf('bag.retention');
    expect(lines.map((l) => l.level)).toEqual([30, 20, 30]);
    expect(lines[1]?.msg).toBe('bag.retention skipped: already run for this scheduled time');
  });

  it('logs a run that found nothing to do at debug, and one whose counts call for it as a warning', async () => {
    let failed = 0;
    const job = defineJob({
      name: 'mail.deliver',
      cron: '*/10 * * * * *',
      warnWhen: (c) => (c.failed ?? 0) > 0,
      run: async () => ({ sent: 0, failed }),
    });
    now = new Date(now.getTime() + 10_000);
    await runJob(shop.app, job);
    failed = 1;
    now = new Date(now.getTime() + 10_000);
    await runJob(shop.app, job);
    expect(linesOf('mail.deliver').map((l) => [l.level, l.msg])).toEqual([
      [20, 'mail.deliver: nothing to do'],
      [40, 'mail.deliver: failed 1'],
    ]);
  });

  it('survives a failing run: one line at error level, without the message, recorded as failed, and the next time runs again', async () => {
    let fail = true;
    const job = defineJob({
      name: 'staff.housekeeping',
      cron: '*/10 * * * *',
      run: async () => {
        if (fail) throw new Error('could not remove jane.doe@example.com', { cause: new TypeError('bad row for Jane Doe') });
        return { sessions: 1 };
      },
    });
    now = new Date('2026-12-05T10:00:00Z');
    expect(await runJob(shop.app, job)).toMatchObject({ status: 'failed', ms: expect.any(Number) });
    const [line, ...more] = linesOf('staff.housekeeping');
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 50, msg: 'staff.housekeeping failed', err: { type: 'Error', cause: { type: 'TypeError' } } });
    const err = line?.err as { stack: string; cause: { stack: string } };
    expect(err.stack).toMatch(/^\s+at .*runner\.test\.ts:\d+:\d+/m);
    expect(err.cause.stack).toMatch(/^\s+at /);
    expect(log.text()).not.toContain('jane.doe@example.com');
    expect(log.text()).not.toContain('Jane Doe');
    expect(await findJobRun(shop.app.db, 'staff.housekeeping')).toMatchObject({ outcome: 'failed', slot: now.toISOString() });

    fail = false;
    now = new Date(now.getTime() + 600_000);
    expect(await runJob(shop.app, job)).toMatchObject({ status: 'done', counts: { sessions: 1 } });
  });

  it('never overlaps itself within a process, and stopping waits for the run in progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const job = scheduleJob(
      shop.app,
      defineJob({
        name: 'orders.release-reservations',
        cron: '* * * * *',
        run: async () => {
          runs++;
          await gate;
          return { released: 1 };
        },
      }),
    );
    now = new Date('2026-12-06T10:00:00Z');
    const first = job.trigger();
    now = new Date(now.getTime() + 60_000);
    expect(await job.trigger()).toEqual({ status: 'skipped', why: 'running here' });
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await first).toMatchObject({ status: 'done', counts: { released: 1 } });
    expect(runs).toBe(1);
    expect(job.nextRun()).toBeNull();
  });

  it('knows which scheduled time a run is for, in London time for the daily jobs', () => {
    const daily = { cron: '30 3 * * *', timezone: 'Europe/London' };
    expect(slotFor(daily, new Date('2026-12-01T03:30:00Z')).toISOString()).toBe('2026-12-01T03:30:00.000Z');
    expect(slotFor(daily, new Date('2026-12-01T03:29:59Z')).toISOString()).toBe('2026-11-30T03:30:00.000Z');
    expect(slotFor(daily, new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-01T02:30:00.000Z');
    expect(slotFor({ cron: '*/10 * * * * *' }, new Date('2026-12-01T10:00:09.999Z')).toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it(`lets at most ${JOB_CONCURRENCY} runs hold their locks at once in a process, the rest in turn, so the pool is never all locks`, async () => {
    now = new Date('2026-12-07T10:00:00Z');
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const names: JobName[] = [
      'bag.retention',
      'contact.retention',
      'mail.retention',
      'orders.retention',
      'staff.housekeeping',
      'customers.housekeeping',
    ];
    const runs = names.map((name) =>
      runJob(
        shop.app,
        defineJob({
          name,
          cron: '* * * * *',
          run: async () => {
            running++;
            most = Math.max(most, running);
            await gate;
            running--;
            return { done: 1 };
          },
        }),
      ),
    );
    await expect.poll(() => running).toBe(JOB_CONCURRENCY);
    await new Promise((r) => setTimeout(r, 50));
    expect(running).toBe(JOB_CONCURRENCY);
    release();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.status)).toEqual(names.map(() => 'done'));
    expect(most).toBe(JOB_CONCURRENCY);
  });
});
