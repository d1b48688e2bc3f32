import type { Config } from '../../config.js';
import type { JobDefinition } from '../../jobs/job.js';
import type { JobName } from '../../jobs/names.js';
import { cronOf } from '../../jobs/runner.js';
import type { LastJobRun } from '../../jobs/runs.js';
import type { CookieDeclaration, FeatureInventory, Retention } from './inventory.js';
import { POLICY_TOPICS, partOf } from './policy.topics.js';
import { subjectsOf } from './privacy.service.js';

/**
 * The retention schedule: how long each kind of data is kept, from which event, and which job
 * removes it when, read from the inventories and the job definitions (never typed by hand). The
 * public page /privacy/retention shows it; the back office adds each job's last run.
 */

/** A job as the schedule names it: its pattern as the runner uses it (after any setting such as BACKUP_SCHEDULE). */
export interface ScheduledJobInfo {
  name: JobName;
  cron: string;
  timezone?: string;
  runAtStart?: boolean;
}

/** One period of one area: the data it covers, the period in words, from which event, and the job that keeps to it. */
export interface ScheduleRule {
  what: string[];
  period: string;
  /** The event the period is counted from, or ends with. */
  from: string;
  /** How the rule reads: a fixed period, until an event, or a financial-year rule. */
  kind: Retention['kind'];
  job: JobName;
  /** When the job runs, in words: "every day at 03:15 (London time)". */
  schedule: string;
}

export interface ScheduleArea {
  feature: string;
  title: string;
  /** Whose data: customers' (and visitors') or staff members'. */
  part: 'customers' | 'staff';
  rules: ScheduleRule[];
}

export interface ScheduleTransient {
  feature: string;
  label: string;
  period: string;
  where: string;
  job: JobName | null;
  schedule: string | null;
}

export interface RetentionSchedule {
  areas: ScheduleArea[];
  transient: ScheduleTransient[];
  cookies: (CookieDeclaration & { feature: string })[];
  /** Every job that enforces a rule, each once, in the order first named. */
  jobs: { name: JobName; schedule: string }[];
}

const two = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const isNumber = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s);

/**
 * A cron pattern in words, for the patterns the shop's jobs use: every N seconds or minutes, every
 * hour at a minute, every day (or one weekday) at a time. Any other pattern is given as written.
 */
export function cronInWords(cron: string, timezone?: string): string {
  const fields = cron.trim().split(/\s+/);
  const withSeconds = fields.length === 6;
  const [sec, min, hour, dom, mon, dow] = withSeconds ? fields : ['0', ...fields];
  const everyDay = dom === '*' && mon === '*';
  const zone = timezone === 'Europe/London' ? ' (London time)' : timezone ? ` (${timezone} time)` : '';
  const step = (f: string | undefined) => f?.match(/^\*\/(\d+)$/)?.[1];
  if (everyDay && dow === '*' && hour === '*' && min === '*') {
    if (sec === '*') return 'every second';
    const s = step(sec);
    if (s) return `every ${s} seconds`;
  }
  if (sec === '0' && everyDay && dow === '*' && hour === '*') {
    if (min === '*') return 'every minute';
    const m = step(min);
    if (m) return `every ${m} minutes`;
    if (isNumber(min)) return Number(min) === 0 ? 'every hour, on the hour' : `every hour at ${Number(min)} minutes past`;
  }
  if (sec === '0' && everyDay && isNumber(min) && isNumber(hour)) {
    const at = `${two(Number(hour))}:${two(Number(min))}`;
    if (dow === '*') return `every day at ${at}${zone}`;
    if (isNumber(dow) && Number(dow) <= 7) return `every ${DAYS[Number(dow) % 7]} at ${at}${zone}`;
  }
  return `on the schedule “${cron}”${zone}`;
}

/** A job's schedule in words, with its catch-up run when the shop starts. */
export function jobScheduleInWords(job: ScheduledJobInfo): string {
  return `${cronInWords(job.cron, job.timezone)}${job.runAtStart ? ', and when the shop starts' : ''}`;
}

const fromOf = (r: Retention) => (r.kind === 'until' ? r.event : r.from);

/** The schedule, from the inventories in force and the jobs as they run. */
export function retentionSchedule(inventories: readonly FeatureInventory[], jobs: readonly ScheduledJobInfo[]): RetentionSchedule {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const scheduleOf = (name: JobName) => {
    const job = byName.get(name);
    return job ? jobScheduleInWords(job) : 'not scheduled';
  };
  const usedJobs: JobName[] = [];
  const useJob = (name: JobName) => {
    if (!usedJobs.includes(name)) usedJobs.push(name);
  };
  const areas: ScheduleArea[] = [];
  const transient: ScheduleTransient[] = [];
  for (const inv of inventories) {
    for (const c of inv.personal) {
      const part = partOf(subjectsOf(inv, c));
      let area = areas.find((a) => a.feature === inv.feature && a.part === part);
      if (!area) {
        area = { feature: inv.feature, part, title: POLICY_TOPICS[inv.feature]?.[part] ?? inv.feature, rules: [] };
        areas.push(area);
      }
      const r = c.retention;
      useJob(r.job);
      const rule = area.rules.find((x) => x.period === r.text && x.job === r.job && x.from === fromOf(r));
      if (rule) {
        if (!rule.what.includes(c.label)) rule.what.push(c.label);
      } else area.rules.push({ what: [c.label], period: r.text, from: fromOf(r), kind: r.kind, job: r.job, schedule: scheduleOf(r.job) });
    }
    for (const t of inv.transient) {
      const job = t.retention.kind === 'not-stored' ? null : t.retention.job;
      if (job) useJob(job);
      transient.push({
        feature: inv.feature,
        label: t.label,
        period: t.retention.text,
        where: t.where,
        job,
        schedule: job ? scheduleOf(job) : null,
      });
    }
  }
  // Customers' data first, in the privacy policy's order of topics; staff data after.
  const order = Object.keys(POLICY_TOPICS);
  const rank = (a: ScheduleArea) => (a.part === 'customers' ? 0 : 1000) + Math.min(order.indexOf(a.feature) >>> 0, 999);
  areas.sort((a, b) => rank(a) - rank(b));
  return {
    areas,
    transient,
    cookies: inventories.flatMap((inv) => inv.cookies.map((c) => ({ ...c, feature: inv.feature }))),
    jobs: usedJobs.map((name) => ({ name, schedule: scheduleOf(name) })),
  };
}

/** A run's counts in words: "deleted 3, anonymised 1"; "nothing to do" when every count is 0. */
export function countsInWords(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0 || entries.every(([, n]) => n === 0)) return 'nothing to do';
  return entries
    .map(
      ([what, n]) =>
        `${what.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`)} ${n}`,
    )
    .join(', ');
}

/** Each enforcing job, by name, with its last run, or null when it has never run. */
export function enforcingJobRuns(
  schedule: RetentionSchedule,
  runs: Map<JobName, LastJobRun>,
): { name: JobName; schedule: string; last: LastJobRun | null }[] {
  return schedule.jobs.map((j) => ({ ...j, last: runs.get(j.name) ?? null })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The shop's jobs as they run with this configuration (BACKUP_SCHEDULE sets the backup job's pattern). */
export function jobsAsScheduled(definitions: readonly JobDefinition[], config: Config): ScheduledJobInfo[] {
  return definitions.map((d) => ({
    name: d.name,
    cron: cronOf(d, config),
    ...(d.timezone ? { timezone: d.timezone } : {}),
    ...(d.runAtStart ? { runAtStart: true } : {}),
  }));
}
