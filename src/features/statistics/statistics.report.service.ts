import { type Executor, inTransaction } from '../../db/database.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { ukDay } from './statistics.domain.js';
import {
  type BreakdownFigures,
  DIMENSIONS,
  type DailyFigures,
  type Dimension,
  breakdownRowsBetween,
  dailyFiguresBetween,
  topBreakdownBetween,
} from './statistics.report.repository.js';

/**
 * The statistics report: the daily figures of a chosen period, their totals and averages, and the
 * top pages, entry pages, browsers, devices and referring hosts. Daily figures hold counts only,
 * and a visitor's key changes every day by design, so "visitors" over several days is the sum of
 * each day's visitors: someone who came on three days counts three times.
 *
 * The research export (seed 001's "external agencies … for research and analysis") is the same
 * figures day by day, less every row that counts fewer than RESEARCH_MIN_VISITORS visitors, so no
 * row describes a handful of people (a rare browser, a referring personal site). Taking it needs a
 * reason and is audited, in one transaction with the read.
 */

export { DIMENSIONS, type Dimension, type DailyFigures, type BreakdownFigures };

export const PERIOD_CHOICES = ['7', '30', '90'] as const;
export type PeriodChoice = (typeof PERIOD_CHOICES)[number];
export const DEFAULT_PERIOD: PeriodChoice = '30';
/** The longest period one page or file covers. */
export const MAX_PERIOD_DAYS = 366;
/** How many values each top list shows. */
export const TOP_LIMIT = 10;
/** A research export leaves out every row counting fewer visitors than this. */
export const RESEARCH_MIN_VISITORS = 10;
export const RESEARCH_REASON_MAX = 300;

export const DIMENSION_WORDS: Record<Dimension, { title: string; column: string; csv: string }> = {
  page: { title: 'Top pages', column: 'Page', csv: 'page' },
  entry: { title: 'Entry pages', column: 'Entry page', csv: 'entry page' },
  browser: { title: 'Browsers', column: 'Browser', csv: 'browser' },
  device: { title: 'Devices', column: 'Device', csv: 'device' },
  referrer: { title: 'Referrers', column: 'Referring site', csv: 'referrer' },
};

export interface Period {
  from: string;
  to: string;
  days: number;
  /** The choice on the form: a number of days, or 'dates'. */
  choice: PeriodChoice | 'dates';
}

export type PeriodInput = { period?: string; from?: string; to?: string };
export type PeriodResult = { ok: true; period: Period } | { ok: false; errors: { period?: string; from?: string; to?: string } };

const dayMs = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / dayMs;
const dayOf = (num: number) => new Date(num * dayMs).toISOString().slice(0, 10);
export const addDays = (day: string, days: number) => dayOf(dayNumber(day) + days);

/** A real calendar date written 'YYYY-MM-DD' (2026-02-30 is not). */
function realDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/**
 * The period a query asks for: the last 7, 30 or 90 complete days (to yesterday, as a day's
 * figures are made after it ends), or from one date to another, both included.
 */
export function parsePeriod(input: PeriodInput, now: Date): PeriodResult {
  const today = ukDay(now);
  const yesterday = addDays(today, -1);
  const fromText = (input.from ?? '').trim();
  const toText = (input.to ?? '').trim();
  if (fromText === '' && toText === '') {
    const choice = (input.period ?? '').trim() || DEFAULT_PERIOD;
    if (!(PERIOD_CHOICES as readonly string[]).includes(choice))
      return { ok: false, errors: { period: 'Please choose the last 7, 30 or 90 days, or give a from and a to date.' } };
    const days = Number(choice);
    return { ok: true, period: { from: addDays(yesterday, 1 - days), to: yesterday, days, choice: choice as PeriodChoice } };
  }
  const errors: { from?: string; to?: string } = {};
  if (fromText === '') errors.from = 'Please give the first day, like 2026-11-01.';
  else if (!realDay(fromText)) errors.from = 'Please give the first day as a real date, like 2026-11-01.';
  if (toText === '') errors.to = 'Please give the last day, like 2026-11-30.';
  else if (!realDay(toText)) errors.to = 'Please give the last day as a real date, like 2026-11-30.';
  else if (toText > today) errors.to = 'Please give a last day no later than today: there are no figures for days to come.';
  if (errors.from || errors.to) return { ok: false, errors };
  if (fromText > toText) return { ok: false, errors: { from: 'Please give a first day on or before the last day.' } };
  const days = dayNumber(toText) - dayNumber(fromText) + 1;
  if (days > MAX_PERIOD_DAYS)
    return { ok: false, errors: { from: `Please choose a period of at most ${MAX_PERIOD_DAYS} days; this one has ${days}.` } };
  return { ok: true, period: { from: fromText, to: toText, days, choice: 'dates' } };
}

export interface Totals {
  /** Each day's visitors, summed: a person who came on several days counts once a day. */
  visitors: number;
  visits: number;
  pageViews: number;
  visitSeconds: number;
  bounces: number;
  /** Seconds per visit, or null with no visits. */
  averageVisitSeconds: number | null;
  pagesPerVisit: number | null;
  /** Bounces per visit, 0 to 1, or null with no visits. */
  bounceRate: number | null;
}

export interface StatisticsReport {
  period: Period;
  /** Every day of the period, oldest first, with zeros on days without figures. */
  days: DailyFigures[];
  /** How many days of the period have figures at all. */
  daysWithFigures: number;
  totals: Totals;
  top: Record<Dimension, BreakdownFigures[]>;
}

/** Seconds per visit, pages per visit and bounces per visit of some figures; each null with no visits. */
export function ratesOf(f: { visits: number; pageViews: number; visitSeconds: number; bounces: number }) {
  return {
    averageVisitSeconds: f.visits > 0 ? f.visitSeconds / f.visits : null,
    pagesPerVisit: f.visits > 0 ? f.pageViews / f.visits : null,
    bounceRate: f.visits > 0 ? f.bounces / f.visits : null,
  };
}

export function totalsOf(days: DailyFigures[]): Totals {
  const sum = (f: (d: DailyFigures) => number) => days.reduce((s, d) => s + f(d), 0);
  const visits = sum((d) => d.visits);
  const pageViews = sum((d) => d.pageViews);
  const visitSeconds = sum((d) => d.visitSeconds);
  const bounces = sum((d) => d.bounces);
  return {
    visitors: sum((d) => d.visitors),
    visits,
    pageViews,
    visitSeconds,
    bounces,
    ...ratesOf({ visits, pageViews, visitSeconds, bounces }),
  };
}

const emptyDay = (day: string): DailyFigures => ({
  day,
  visitors: 0,
  visits: 0,
  pageViews: 0,
  visitSeconds: 0,
  bounces: 0,
  rolledUpAt: '',
});

/**
 * Reports already made, per database, keyed by the period and what its days' figures are: a day's
 * figures and its breakdown rows are only ever written together, with a new rolled_up_at, so the
 * same days rolled up at the same times give the same report. Summing a period's breakdown rows
 * is the costly part of the page (tens of thousands of rows over 90 days); the day rows that make
 * the key are read on every request, so a new roll-up shows at once.
 */
const REPORTS_KEPT = 16;
const madeReports = new WeakMap<Executor, Map<string, StatisticsReport>>();

function figuresKey(period: Period, found: DailyFigures[]): string {
  let newest = '';
  for (const d of found) if (d.rolledUpAt > newest) newest = d.rolledUpAt;
  return `${period.from}|${period.to}|${found.length}|${newest}`;
}

export async function statisticsReport(db: Executor, period: Period): Promise<StatisticsReport> {
  const found = await dailyFiguresBetween(db, period.from, period.to);
  const key = figuresKey(period, found);
  let made = madeReports.get(db);
  if (!made) madeReports.set(db, (made = new Map()));
  const known = made.get(key);
  if (known) {
    // Most recently used last, so the oldest is the one dropped.
    made.delete(key);
    made.set(key, known);
    return { ...known, period };
  }
  const report = await makeReport(db, period, found);
  made.set(key, report);
  if (made.size > REPORTS_KEPT) made.delete(made.keys().next().value as string);
  return report;
}

async function makeReport(db: Executor, period: Period, found: DailyFigures[]): Promise<StatisticsReport> {
  const byDay = new Map(found.map((d) => [d.day, d]));
  const days: DailyFigures[] = [];
  for (let i = 0; i < period.days; i++) {
    const day = addDays(period.from, i);
    days.push(byDay.get(day) ?? emptyDay(day));
  }
  const top = {} as Record<Dimension, BreakdownFigures[]>;
  for (const dimension of DIMENSIONS) top[dimension] = await topBreakdownBetween(db, dimension, period.from, period.to, TOP_LIMIT);
  return { period, days, daysWithFigures: found.length, totals: totalsOf(days), top };
}

/** "2 min 5 s", "45 s", "1 h 2 min". */
export function durationInWords(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);
export const perVisit = (value: number | null) => (value === null ? '—' : value.toFixed(1));

/** The columns of both downloads: one row per day for the whole shop, then one per day and breakdown value. */
export const CSV_COLUMNS = ['Day', 'Figure', 'Value', 'Visitors', 'Visits', 'Page views', 'Time on site (seconds)', 'Bounces'] as const;
export type CsvRow = (string | number)[];

function csvRows(days: DailyFigures[], breakdown: (BreakdownFigures & { day: string })[]): CsvRow[] {
  const rows: CsvRow[] = days.map((d) => [d.day, 'whole shop', '', d.visitors, d.visits, d.pageViews, d.visitSeconds, d.bounces]);
  for (const b of breakdown)
    rows.push([b.day, DIMENSION_WORDS[b.dimension]?.csv ?? b.dimension, b.value, b.visitors, b.visits, b.pageViews, '', '']);
  return rows;
}

/** The period's daily figures and breakdowns, for the shop's own use. */
export async function statisticsDownload(db: Executor, period: Period): Promise<CsvRow[]> {
  return csvRows(await dailyFiguresBetween(db, period.from, period.to), await breakdownRowsBetween(db, period.from, period.to));
}

export type ResearchExport =
  { ok: true; notes: string[]; rows: CsvRow[]; leftOut: number } | { ok: false; reason: 'no_reason' | 'nothing' };

/**
 * The research export of a period: the download's rows less every one counting fewer than
 * RESEARCH_MIN_VISITORS visitors. Each row is one day, so its visitors are distinct people that
 * day (never a sum over days, which could reach 10 with one person). Audited with its reason.
 */
export function researchExport(
  db: Executor,
  input: { period: Period; reason: string; actor: AuditActor; shopName: string },
  now: Date,
): Promise<ResearchExport> {
  const reason = input.reason.trim().replace(/\s+/g, ' ');
  if (reason === '') return Promise.resolve({ ok: false, reason: 'no_reason' });
  const { period } = input;
  return inTransaction(db, async (trx): Promise<ResearchExport> => {
    const days = await dailyFiguresBetween(trx, period.from, period.to);
    const breakdown = await breakdownRowsBetween(trx, period.from, period.to);
    const kept = [...days.filter((d) => d.visitors >= RESEARCH_MIN_VISITORS)];
    const keptBreakdown = breakdown.filter((b) => b.visitors >= RESEARCH_MIN_VISITORS);
    const leftOut = days.length - kept.length + breakdown.length - keptBreakdown.length;
    const rows = csvRows(kept, keptBreakdown);
    if (rows.length === 0) return { ok: false, reason: 'nothing' };
    await recordAudit(
      trx,
      entryBy(input.actor, {
        action: 'export',
        subject: { type: 'statistics', id: `${period.from}..${period.to}` },
        fields: ['research', `rows:${rows.length}`, `left-out:${leftOut}`],
        reason: reason.slice(0, RESEARCH_REASON_MAX),
      }),
      now,
    );
    const notes = [
      `Visitor statistics of ${input.shopName}, ${period.from} to ${period.to}: daily counts only, identifying nobody. No personal information is included.`,
      `Rows of fewer than ${RESEARCH_MIN_VISITORS} visitors are left out (${leftOut} ${leftOut === 1 ? 'row' : 'rows'} in this period).`,
      'Visitors are counted per day: the shop cannot tell that two days were the same person.',
    ];
    return { ok: true, notes, rows, leftOut };
  });
}
