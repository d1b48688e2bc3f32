import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import type { FeatureInventory } from '../../src/features/privacy/inventory.js';
import { inventoriesInForce } from '../../src/features/privacy/records.service.js';
import {
  countsInWords,
  cronInWords,
  jobScheduleInWords,
  jobsAsScheduled,
  retentionSchedule,
} from '../../src/features/privacy/retention.schedule.js';
import { allJobs, jobRegistry } from '../../src/jobs/registry.js';
import { runJob } from '../../src/jobs/runner.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';
import { signInAs } from '../support/staff.js';

/**
 * The retention schedule is read from the inventories and the job definitions: the public page
 * lists every kind of data with its period, its event and the job that removes it (and when it
 * runs); the back office shows each of those jobs' last run from job_runs.
 */

/** Text as the page escapes it. */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('schedules in words', () => {
  it.each([
    ['15 3 * * *', 'Europe/London', 'every day at 03:15 (London time)'],
    ['0 10 * * *', 'Europe/London', 'every day at 10:00 (London time)'],
    ['*/10 * * * * *', undefined, 'every 10 seconds'],
    ['*/5 * * * *', undefined, 'every 5 minutes'],
    ['* * * * *', undefined, 'every minute'],
    ['7 * * * *', undefined, 'every hour at 7 minutes past'],
    ['0 * * * *', undefined, 'every hour, on the hour'],
    ['30 4 * * 0', 'Europe/London', 'every Sunday at 04:30 (London time)'],
    ['0 0 1 * *', undefined, 'on the schedule “0 0 1 * *”'],
  ])('%s is %s', (cron, timezone, words) => {
    expect(cronInWords(cron, timezone)).toBe(words);
  });

  it('says when a job also runs at start-up, and takes the backup schedule from the configuration', () => {
    expect(jobScheduleInWords({ name: 'contact.retention', cron: '15 3 * * *', timezone: 'Europe/London', runAtStart: true })).toBe(
      'every day at 03:15 (London time), and when the shop starts',
    );
    const config = { backups: { schedule: '45 1 * * *' } } as Parameters<typeof jobsAsScheduled>[1];
    expect(jobsAsScheduled(allJobs, config).find((j) => j.name === 'backup.run')).toMatchObject({ cron: '45 1 * * *' });
  });

  it('gives counts in words', () => {
    expect(countsInWords({ deleted: 3, anonymised: 0 })).toBe('deleted 3, anonymised 0');
    expect(countsInWords({ deleted: 0 })).toBe('nothing to do');
    expect(countsInWords({})).toBe('nothing to do');
  });
});

describe('the schedule, as a pure function', () => {
  const jobs = jobsAsScheduled(allJobs, { backups: { schedule: '15 2 * * *' } } as Parameters<typeof jobsAsScheduled>[1]);
  const schedule = retentionSchedule(inventories, jobs);

  it('files every personal column under its period, event and job, with the job’s schedule', () => {
    for (const inv of inventories)
      for (const c of inv.personal) {
        const rules = schedule.areas.filter((a) => a.feature === inv.feature).flatMap((a) => a.rules);
        const rule = rules.find((r) => r.what.includes(c.label) && r.period === c.retention.text);
        expect(rule, `${c.table}.${c.column}`).toMatchObject({ job: c.retention.job, kind: c.retention.kind });
        expect(rule!.schedule).toBe(jobScheduleInWords(jobs.find((j) => j.name === c.retention.job)!));
        expect(schedule.jobs.map((j) => j.name)).toContain(c.retention.job);
      }
  });

  it('is computed: one more column in an inventory is one more line', () => {
    const extra: FeatureInventory = {
      feature: 'engraving',
      subjects: [],
      tables: [],
      personal: [
        {
          table: 'orders',
          column: 'gift_message',
          category: 'communication',
          label: 'The words to engrave',
          purpose: 'To engrave your ring',
          lawfulBasis: 'contract',
          retention: { kind: 'period', days: 30, from: 'the ring is engraved', text: '30 days after engraving', job: 'feedback.retention' },
          recipients: ['Our engraver'],
          erasure: { action: 'delete' },
        },
      ],
      notPersonal: [],
      cookies: [{ name: 'assay_engraving', kind: 'strictly-necessary', purpose: 'Remembers the words', duration: '1 hour' }],
      transient: [],
    };
    const extended = retentionSchedule([...inventories, extra], jobs);
    expect(extended.areas.find((a) => a.feature === 'engraving')?.rules).toEqual([
      {
        what: ['The words to engrave'],
        period: '30 days after engraving',
        from: 'the ring is engraved',
        kind: 'period',
        job: 'feedback.retention',
        schedule: 'every day at 03:40 (London time)',
      },
    ]);
    expect(extended.cookies.map((c) => c.name)).toContain('assay_engraving');
    expect(schedule.areas.some((a) => a.feature === 'engraving')).toBe(false);
  });
});

describe(`/privacy/retention and the back office's last runs (${testDialect})`, () => {
  const DAY = 86_400_000;
  let now = new Date('2026-01-10T10:00:00Z');
  let shop: TestShop;
  let owner: { cookie: string };

  beforeAll(async () => {
    shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => now });
    owner = await signInAs(shop.app, 'owner');
  });
  afterAll(async () => shop?.close());

  const runsPage = () => shop.app.inject({ method: 'GET', url: '/admin/records/retention', headers: { cookie: owner.cookie } });
  /** The row of the back-office table for one job. */
  const rowOf = (body: string, job: string) =>
    body.match(new RegExp(`<tr id="job-${job.replace('.', '\\.')}">([\\s\\S]*?)</tr>`))?.[1] ?? '';

  it('shows everyone every kind of data, how long it is kept, from when, and the job that removes it and when it runs', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/privacy/retention' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const schedule = retentionSchedule(inventoriesInForce(inventories, shop.config.backups), jobsAsScheduled(allJobs, shop.config));
    for (const inv of inventories) {
      for (const c of inv.personal) {
        expect(res.body, c.label).toContain(html(c.label));
        expect(res.body, c.retention.text).toContain(html(c.retention.text));
        expect(res.body).toContain(`<code>${c.retention.job}</code>`);
      }
      for (const t of inv.transient) {
        expect(res.body).toContain(html(t.label));
        expect(res.body).toContain(html(t.retention.text));
      }
      for (const k of inv.cookies) {
        expect(res.body).toContain(`<code>${k.name}</code>`);
        expect(res.body).toContain(html(k.duration));
      }
    }
    for (const j of schedule.jobs) expect(res.body).toContain(html(j.schedule));
    expect(res.body).toContain('every day at 03:15 (London time), and when the shop starts');
    expect(res.body).not.toMatch(/<script(?! src=)/);
  });

  it('shows the owner each enforcing job as never run, then a run through the job runner with when it ran and what it deleted', async () => {
    const before = await runsPage();
    expect(before.statusCode).toBe(200);
    expect(rowOf(before.body, 'contact.retention')).toContain('Never run yet');
    expect(rowOf(before.body, 'orders.retention')).toContain('Never run yet');

    for (const email of ['old-one@example.org', 'old-two@example.org']) {
      const sent = await submitForm(shop.app, '/contact', '/contact', { name: 'Ada', email, subject: 'other', message: 'Hello' });
      expect(sent.statusCode).toBeLessThan(400);
    }
    // A year and a day on, the daily job deletes both.
    now = new Date(now.getTime() + 366 * DAY);
    now.setUTCHours(3, 20, 0, 0);
    expect(await runJob(shop.app, jobRegistry['contact.retention'])).toMatchObject({ status: 'done', counts: { deleted: 2 } });
    expect(await runJob(shop.app, jobRegistry['feedback.retention'])).toMatchObject({ status: 'done' });

    // The owner's session ended long ago (30 minutes idle): they sign in again.
    owner = await signInAs(shop.app, 'owner');
    const after = await runsPage();
    expect(after.statusCode).toBe(200);
    const contact = rowOf(after.body, 'contact.retention');
    expect(contact).not.toContain('Never run yet');
    expect(contact).toContain('11 Jan 2027');
    expect(contact).toContain('Done');
    expect(contact).toContain('deleted 2');
    expect(contact).toContain('every day at 03:15 (London time), and when the shop starts');
    expect(contact).toContain(html('Your name, as you give it on the contact form'));
    expect(rowOf(after.body, 'feedback.retention')).toContain('nothing to do');
    expect(rowOf(after.body, 'orders.retention')).toContain('Never run yet');
  });

  it('shows the last runs to the owner only', async () => {
    const manager = await signInAs(shop.app, 'manager');
    const res = await shop.app.inject({ method: 'GET', url: '/admin/records/retention', headers: { cookie: manager.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('contact.retention');
  });
});
