import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../../src/jobs/job.js';
import { findJobRun } from '../../src/jobs/jobs.repository.js';
import { runJob, scheduleJob } from '../../src/jobs/runner.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

/** Two processes of the shop on one PostgreSQL database, each with its own clock. */
let first: TestShop;
let second: TestShop;
let third: TestShop;
let firstNow = new Date('2026-12-01T03:30:00Z');
let secondNow = firstNow;
const postgres = testDialect === 'postgres';

beforeAll(async () => {
  if (!postgres) return;
  first = await buildTestShop({ env: { SEED_DEMO: 'false' }, clock: () => firstNow });
  second = await buildTestShop({ env: { SEED_DEMO: 'false' }, clock: () => secondNow, sharingDatabaseOf: first });
  third = await buildTestShop({ env: { SEED_DEMO: 'false' }, clock: () => secondNow, sharingDatabaseOf: first });
});
afterAll(async () => {
  await third?.close();
  await second?.close();
  await first?.close();
});

describe('a job runs once across processes that share a database', () => {
  it.skipIf(!postgres)(
    'two processes triggering the same job for the same time run it once (needs PostgreSQL: advisory locks)',
    async () => {
      const runs: string[] = [];
      const job = defineJob({
        name: 'orders.retention',
        cron: '30 3 * * *',
        timezone: 'Europe/London',
        run: async (app) => {
          runs.push(app === first.app ? 'first' : 'second');
          await new Promise((r) => setTimeout(r, 50));
          return { deleted: runs.length };
        },
      });
      const outcomes = await Promise.all([runJob(first.app, job), runJob(second.app, job)]);
      expect(runs).toHaveLength(1);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'skipped']);

      // The second process's timer fires a little later, after the first has finished: still once.
      secondNow = new Date(firstNow.getTime() + 2_000);
      expect(await runJob(second.app, job)).toEqual({ status: 'skipped', why: 'already run' });
      expect(runs).toHaveLength(1);
      expect(await findJobRun(first.app.db, 'orders.retention')).toMatchObject({ slot: '2026-12-01T03:30:00.000Z', outcome: 'done' });

      // The next night either process may run it, once.
      firstNow = new Date('2026-12-02T03:30:00Z');
      secondNow = firstNow;
      await Promise.all([runJob(second.app, job), runJob(first.app, job)]);
      expect(runs).toHaveLength(2);
    },
  );

  it.skipIf(!postgres)(
    'a process skips a run while another still holds the job for an earlier time (needs PostgreSQL: advisory locks)',
    async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const runs: Date[] = [];
      const job = defineJob({
        name: 'mail.deliver',
        cron: '*/10 * * * * *',
        run: async (_app, now) => {
          runs.push(now);
          await gate;
          return { sent: 1 };
        },
      });
      firstNow = new Date('2026-12-03T10:00:00Z');
      secondNow = new Date('2026-12-03T10:00:10Z');
      const slow = scheduleJob(first.app, job);
      try {
        const running = slow.trigger();
        while (runs.length === 0) await new Promise((r) => setTimeout(r, 5));
        // A later slot, which no one has claimed: only the lock stops it.
        expect(await runJob(second.app, job)).toEqual({ status: 'skipped', why: 'running elsewhere' });
        release();
        expect(await running).toMatchObject({ status: 'done' });
      } finally {
        release();
        await slow.stop();
      }
      expect(runs).toEqual([new Date('2026-12-03T10:00:00Z')]);
      // Once the first process lets go, the later time runs.
      expect(await runJob(second.app, job)).toMatchObject({ status: 'done' });
      expect(runs).toHaveLength(2);
    },
  );

  it.skipIf(!postgres)(
    'three processes firing together for 30 scheduled times, with requests in flight, run each time once (needs PostgreSQL)',
    async () => {
      const slots: string[] = [];
      const job = defineJob({
        name: 'campaigns.send',
        cron: '* * * * *',
        run: async (_app, now) => {
          slots.push(now.toISOString());
          await new Promise((r) => setTimeout(r, 5));
          return { sent: 0 };
        },
      });
      const shops = [first, second, third];
      for (let minute = 0; minute < 30; minute++) {
        firstNow = new Date(Date.UTC(2026, 11, 5, 9, minute, 0));
        secondNow = new Date(firstNow.getTime() + 1_000);
        // Pages served by each process while the job runs, each taking pooled connections.
        const load = shops.map((s) => s.app.inject({ method: 'GET', url: '/search?q=ring' }));
        const outcomes = await Promise.all([...shops.map((s) => runJob(s.app, job)), ...shops.map((s) => runJob(s.app, job))]);
        expect(outcomes.filter((o) => o.status === 'done')).toHaveLength(1);
        for (const res of await Promise.all(load)) expect(res.statusCode).toBe(200);
      }
      expect(slots).toHaveLength(30);
      expect(new Set(slots.map((t) => t.slice(0, 16))).size).toBe(30);
    },
  );
});
