import { randomBytes } from 'node:crypto';
import { type Executor, inTransaction } from '../../db/database.js';
import {
  DayTally,
  RAW_RETENTION_MS,
  VISIT_GAP_MS,
  type EventKind,
  browserAndDevice,
  isBot,
  lastDayToRollUp,
  saltExpired,
  ukDay,
  visitorKey,
} from './statistics.domain.js';
import {
  type PageViewRow,
  browsersOf,
  dayEventsFrom,
  deleteRawBefore,
  deleteRawDay,
  deleteSalts,
  ensureSalt,
  insertPageViews,
  rawDaysBefore,
  replaceDayFigures,
  saltDays,
} from './statistics.repository.js';

/**
 * One counted response as the request hook leaves it in memory, until the next flush (at most a
 * few seconds): the network address and User-Agent are held only here, never written down.
 */
export interface PendingEvent {
  atMs: number;
  kind: EventKind;
  path: string;
  referrerHost: string | null;
  address: string;
  userAgent: string;
}

/** The day's salt, made when first needed and kept in memory; one per day, shared by every process through the database. */
export class SaltCache {
  private readonly salts = new Map<string, string>();

  async saltFor(db: Executor, day: string, now: Date): Promise<string> {
    const known = this.salts.get(day);
    if (known !== undefined) return known;
    const salt = await ensureSalt(db, day, randomBytes(32).toString('hex'), now.toISOString());
    this.salts.set(day, salt);
    // Only today's and yesterday's can still be needed; forget the rest (the job deletes them).
    for (const d of this.salts.keys()) if (saltExpired(d, now)) this.salts.delete(d);
    return salt;
  }

  forget(): void {
    this.salts.clear();
  }
}

/**
 * Turns pending events into rows: bots dropped, the User-Agent reduced to a browser family and a
 * device type, the address and User-Agent to the day's keyed hash. Writes them in multi-row inserts.
 */
export async function recordEvents(db: Executor, salts: SaltCache, events: PendingEvent[], now: Date): Promise<number> {
  const parsed = new Map<string, { browser: string; device: string } | null>();
  const rows: PageViewRow[] = [];
  for (const e of events) {
    let ua = parsed.get(e.userAgent);
    if (ua === undefined) {
      ua = isBot(e.userAgent) ? null : browserAndDevice(e.userAgent);
      parsed.set(e.userAgent, ua);
    }
    if (ua === null) continue;
    const day = ukDay(e.atMs);
    const salt = await salts.saltFor(db, day, now);
    rows.push({
      at_ms: e.atMs,
      day,
      visitor_key: visitorKey(salt, e.address, e.userAgent),
      kind: e.kind,
      path: e.path,
      referrer_host: e.referrerHost,
      browser: ua.browser,
      device: ua.device,
    });
  }
  return insertPageViews(db, rows);
}

/** Makes sure today's salt exists; deletes the salts 48 hours after their day began. */
export async function rotateSalts(db: Executor, salts: SaltCache | null, now: Date): Promise<{ saltsDeleted: number }> {
  await (salts ?? new SaltCache()).saltFor(db, ukDay(now), now);
  const expired = (await saltDays(db)).filter((d) => saltExpired(d, now));
  return { saltsDeleted: await deleteSalts(db, expired) };
}

/** How many events the roll-up reads at a time. */
const ROLL_UP_PAGE = 20_000;

/**
 * Rolls up one day, in one transaction: its figures replaced by those of its raw rows, which are
 * then deleted. The events are read a page at a time in key order (the visit index gives that
 * order for nothing) and counted a visitor at a time, so a day of a million page views is never
 * held whole: a page is cut before its last visitor, whose events the next page starts with.
 */
export async function rollUpDay(
  db: Executor,
  day: string,
  now: Date,
  pageSize = ROLL_UP_PAGE,
): Promise<{ pageViews: number; rawDeleted: number }> {
  return inTransaction(db, async (trx) => {
    const tally = new DayTally(VISIT_GAP_MS);
    let fromKey = '';
    let limit = pageSize;
    for (;;) {
      const events = await dayEventsFrom(trx, day, fromKey, limit);
      const full = events.length === limit;
      const lastKey = events.at(-1)?.visitor_key;
      if (full && events[0]?.visitor_key === lastKey) {
        // One visitor fills the page: read more of them at once.
        limit *= 2;
        continue;
      }
      const browsers = lastKey === undefined ? new Map() : await browsersOf(trx, day, fromKey, lastKey);
      let start = 0;
      for (let i = 1; i <= events.length; i++) {
        const key = events[i]?.visitor_key;
        if (key === events[start]?.visitor_key) continue;
        // The page's last visitor may go on in the next page: counted there, whole.
        if (full && key === undefined) break;
        const key0 = events[start]?.visitor_key ?? '';
        tally.addVisitor(browsers.get(key0) ?? { browser: 'Other', device: 'other' }, events, start, i);
        start = i;
      }
      if (!full || lastKey === undefined) break;
      fromKey = lastKey;
      limit = pageSize;
    }
    const figures = tally.figures();
    const total = figures.find((f) => f.dimension === 'day');
    const { visitors = 0, visits = 0, page_views = 0, visit_seconds = 0, bounces = 0 } = total ?? {};
    await replaceDayFigures(
      trx,
      day,
      { visitors, visits, page_views, visit_seconds, bounces, rolled_up_at: now.toISOString() },
      figures
        .filter((f) => f.dimension !== 'day')
        .map((f) => ({ dimension: f.dimension, value: f.value, visitors: f.visitors, visits: f.visits, page_views: f.page_views })),
    );
    return { pageViews: page_views, rawDeleted: await deleteRawDay(trx, day) };
  });
}

/**
 * The roll-up job's work: today's salt made, old salts deleted, every complete day with raw rows
 * rolled up, and — whatever happens to those — every raw row older than 48 hours deleted.
 */
export async function rollUp(
  db: Executor,
  now: Date,
  salts: SaltCache | null = null,
): Promise<{ daysRolledUp: number; pageViews: number; rawDeleted: number; expiredDeleted: number; saltsDeleted: number }> {
  let daysRolledUp = 0;
  let pageViews = 0;
  let rawDeleted = 0;
  let saltsDeleted = 0;
  let expiredDeleted = 0;
  try {
    ({ saltsDeleted } = await rotateSalts(db, salts, now));
    for (const day of await rawDaysBefore(db, lastDayToRollUp(now))) {
      const done = await rollUpDay(db, day, now);
      daysRolledUp += 1;
      pageViews += done.pageViews;
      rawDeleted += done.rawDeleted;
    }
  } finally {
    expiredDeleted = await deleteRawBefore(db, now.getTime() - RAW_RETENTION_MS);
  }
  return { daysRolledUp, pageViews, rawDeleted, expiredDeleted, saltsDeleted };
}
