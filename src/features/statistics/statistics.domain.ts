/**
 * The rules of the visitor statistics, free of HTTP and of the database: which responses count,
 * what is written down for one (the path rule, the referring host, the browser and device), the
 * UK day, and the periods (a visit's 30-minute gap, the salt's and raw rows' 48 hours).
 */
import { createHmac } from 'node:crypto';
import { lazy, loadBowser } from '../../shared/lazy.js';

/** The bot list, loaded at the first page view counted rather than when the shop starts. */
const loadIsbot = lazy<typeof import('isbot')>('isbot');

/** A gap of this much or more between two events of one key starts a new visit. */
export const VISIT_GAP_MS = 30 * 60 * 1000;
/** A day's salt, and any raw row, is deleted this long after its day began (the row: after it was recorded). */
export const RAW_RETENTION_MS = 48 * 60 * 60 * 1000;
export const RAW_RETENTION_HOURS = 48;
/** A day is rolled up once it has been over this long, so the last buffered events of the day (flushed every 5 s) are in. */
export const ROLLUP_GRACE_MS = 15 * 60 * 1000;
/** The strictly necessary cookie that remembers an objection to being counted. */
export const OBJECTION_COOKIE = 'assay_no_stats';
export const OBJECTION_COOKIE_DAYS = 365;

export type EventKind = 'view' | 'leave';
export type Device = 'desktop' | 'mobile' | 'tablet' | 'other';

/**
 * Public catalogue routes whose real path is worth knowing (which piece, which collection):
 * every other route with parameters is recorded as its pattern (`/orders/:number`), so no order
 * number, token or e-mail address in a path is ever written down.
 */
export const REAL_PATH_ROUTES: ReadonlySet<string> = new Set(['/products/:slug', '/collections/:slug', '/:category']);

const ukDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The UK calendar day of an instant, as YYYY-MM-DD: 00:30 BST on 1 April (23:30 UTC on 31 March) is 1 April. */
export function ukDay(at: Date | number): string {
  return ukDayFormat.format(typeof at === 'number' ? new Date(at) : at);
}

/** The instant (epoch ms) a UK day began: midnight BST (23:00 UTC the day before) or midnight GMT. */
export function ukDayStartMs(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  return ukDay(utcMidnight - 3_600_000) === day ? utcMidnight - 3_600_000 : utcMidnight;
}

/** Whether a salt of this day is past its 48 hours at `now`. */
export function saltExpired(day: string, now: Date): boolean {
  return now.getTime() - ukDayStartMs(day) >= RAW_RETENTION_MS;
}

/** The days before this one are complete and can be rolled up. */
export function lastDayToRollUp(now: Date): string {
  return ukDay(now.getTime() - ROLLUP_GRACE_MS);
}

export type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string => {
  const v = h[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim();
};

/**
 * Why a request is not counted, from its headers alone (cheap: no parsing of the User-Agent), or
 * null when it may be. Bots are recognised later, at the flush.
 */
export function notCountedBecause(h: Headers, cookies: Record<string, string | undefined>): string | null {
  if (header(h, 'sec-gpc') === '1') return 'gpc';
  if (header(h, 'dnt') === '1') return 'dnt';
  if (cookies[OBJECTION_COOKIE] !== undefined) return 'objected';
  const purpose = `${header(h, 'sec-purpose')} ${header(h, 'purpose')} ${header(h, 'x-moz')} ${header(h, 'x-purpose')}`.toLowerCase();
  if (purpose.includes('prefetch') || purpose.includes('preview')) return 'prefetch';
  return null;
}

/** Whether a response is a page view: a successful GET of an HTML page of the shop's front, not the back office or a file. */
export function isPageResponse(method: string, status: number, contentType: unknown, url: string): boolean {
  if (method !== 'GET' || status !== 200) return false;
  if (typeof contentType !== 'string' || !contentType.startsWith('text/html')) return false;
  return isFrontPath(url);
}

/** Whether a path (or URL within the shop) is of the shop's front: not the back office, not a file. */
export function isFrontPath(url: string): boolean {
  return !(url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?') || url.startsWith('/assets/'));
}

/**
 * The path written down for a page: the route pattern for a route with parameters (never what
 * filled them), the real path (without its query string or a trailing slash) only for the public
 * catalogue routes of `REAL_PATH_ROUTES`, and the route itself for a fixed one.
 */
export function recordedPath(routePattern: string, url: string): string {
  if (!REAL_PATH_ROUTES.has(routePattern)) return routePattern;
  const path = url.split(/[?#]/, 1)[0] ?? '/';
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.toLowerCase().slice(0, 200);
}

/** The host of the page the visitor came from; null when there is none, it cannot be read, or it is the shop itself. */
export function referrerHost(referer: string | undefined, ownHosts: readonly string[]): string | null {
  if (!referer) return null;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase();
  if (host === '' || ownHosts.includes(host)) return null;
  return host.slice(0, 253);
}

/** Whether the User-Agent is a bot's (or missing: browsers always send one). */
export function isBot(userAgent: string): boolean {
  return userAgent.trim() === '' || loadIsbot().isbot(userAgent);
}

/** The browser family and device type: all that is kept of a User-Agent. */
export function browserAndDevice(userAgent: string): { browser: string; device: Device } {
  const parsed = loadBowser().parse(userAgent);
  const type = parsed.platform.type;
  const device: Device = type === 'desktop' || type === 'mobile' || type === 'tablet' ? type : 'other';
  return { browser: (parsed.browser.name ?? '').slice(0, 60) || 'Other', device };
}

/** The visitor key: HMAC-SHA256 with the day's salt over the network address and the User-Agent, 32 hex characters. */
export function visitorKey(salt: string, address: string, userAgent: string): string {
  return createHmac('sha256', salt).update(`${address}\n${userAgent}`).digest('hex').slice(0, 32);
}

/**
 * A route pattern that a page's path matches, among the shop's GET routes: fixed segments win over
 * parameters, as in the router. Used for the leave beacon, which names its page by the Referer.
 */
export function matchRoute(patterns: readonly string[], path: string): string | null {
  const segs = path.split(/[?#]/, 1)[0]?.replace(/\/+$/, '').split('/') ?? [];
  let best: { pattern: string; score: number } | null = null;
  for (const pattern of patterns) {
    const ps = pattern.replace(/\/+$/, '').split('/');
    let score = 0;
    let ok = true;
    if (ps.at(-1) === '*') {
      if (segs.length < ps.length - 1) ok = false;
    } else if (ps.length !== segs.length) ok = false;
    for (let i = 0; ok && i < ps.length; i++) {
      const p = ps[i] ?? '';
      if (p === '*') break;
      if (p.startsWith(':')) ok = (segs[i] ?? '') !== '';
      else if (p === segs[i]) score += 1 << (16 - Math.min(i, 16));
      else ok = false;
    }
    if (ok && (best === null || score > best.score)) best = { pattern, score };
  }
  return best?.pattern ?? null;
}

/** One event of a visitor, as the roll-up counts it. */
export interface TallyEvent {
  at_ms: number;
  /** A page view, not a leave beacon. */
  viewed: boolean | number;
  path: string;
  referrer_host: string | null;
}

/** A day's figures by dimension ('day' with value '' for the totals; 'page', 'entry', 'referrer', 'browser', 'device'). */
export interface DayFigure {
  dimension: string;
  value: string;
  visitors: number;
  visits: number;
  page_views: number;
  visit_seconds: number;
  bounces: number;
}

type Counts = { visitors: number; visits: number; page_views: number };
type Seen = { visits: number; views: number; lastVisit: number };

/**
 * A day's counting, one visitor at a time (their events in time order): a visit is a run of events
 * with every gap under `gapMs`; it lasts from its first event to its last (leave beacons included)
 * and holds at least one page view (a leave alone is no visit). Its entry page and referring host
 * are those of its first event. Each breakdown counts a visitor once per value, a visit once per
 * value, and the page views in it; the browser and device are the visitor's (a key is one browser).
 * A million events are counted in well under a second: one pass per visitor, no copies.
 */
export class DayTally {
  private readonly totals = { visitors: 0, visits: 0, page_views: 0, visit_ms: 0, bounces: 0 };
  private readonly breakdown = new Map<string, Map<string, Counts>>(
    ['page', 'entry', 'referrer', 'browser', 'device'].map((d) => [d, new Map<string, Counts>()]),
  );
  // One visitor's values, cleared for the next.
  private readonly pages = new Map<string, Seen>();
  private readonly entries = new Map<string, Seen>();
  private readonly referrers = new Map<string, Seen>();

  constructor(private readonly gapMs: number) {}

  /** Counts one visitor of this browser and device: their events `events[start]` to `events[end - 1]`, in time order. */
  addVisitor(who: { browser: string; device: string }, events: readonly TallyEvent[], start = 0, end = events.length): void {
    const first = events[start];
    if (!first || start >= end) return;
    let visitNo = 0;
    let views = 0;
    let firstAt = 0;
    let lastAt = 0;
    let entry = '';
    let referrer: string | null = null;
    let visitorVisits = 0;
    let visitorViews = 0;
    const seenIn = (map: Map<string, Seen>, value: string, n: number) => {
      const s = map.get(value);
      if (s) {
        s.visits++;
        s.views += n;
      } else map.set(value, { visits: 1, views: n, lastVisit: visitNo });
    };
    const endVisit = () => {
      if (views === 0) return;
      visitorVisits++;
      visitorViews += views;
      this.totals.visits++;
      this.totals.page_views += views;
      this.totals.visit_ms += lastAt - firstAt;
      if (views === 1) this.totals.bounces++;
      seenIn(this.entries, entry, views);
      if (referrer !== null) seenIn(this.referrers, referrer, views);
    };
    for (let i = start; i < end; i++) {
      const e = events[i] as TallyEvent;
      if (visitNo === 0 || e.at_ms - lastAt >= this.gapMs) {
        endVisit();
        visitNo++;
        views = 0;
        firstAt = e.at_ms;
        entry = e.path;
        referrer = e.referrer_host;
      }
      lastAt = e.at_ms;
      if (!e.viewed) continue;
      views++;
      const page = this.pages.get(e.path);
      if (!page) this.pages.set(e.path, { visits: 1, views: 1, lastVisit: visitNo });
      else {
        page.views++;
        if (page.lastVisit !== visitNo) {
          page.lastVisit = visitNo;
          page.visits++;
        }
      }
    }
    endVisit();
    if (visitorVisits > 0) {
      this.totals.visitors++;
      this.merge('page', this.pages);
      this.merge('entry', this.entries);
      this.merge('referrer', this.referrers);
      this.count('browser', who.browser, visitorVisits, visitorViews);
      this.count('device', who.device, visitorVisits, visitorViews);
    }
    this.pages.clear();
    this.entries.clear();
    this.referrers.clear();
  }

  private merge(dimension: string, values: Map<string, Seen>): void {
    for (const [value, s] of values) this.count(dimension, value, s.visits, s.views);
  }

  private count(dimension: string, value: string, visits: number, views: number): void {
    const values = this.breakdown.get(dimension) as Map<string, Counts>;
    const c = values.get(value);
    if (c) {
      c.visitors++;
      c.visits += visits;
      c.page_views += views;
    } else values.set(value, { visitors: 1, visits, page_views: views });
  }

  figures(): DayFigure[] {
    const { visitors, visits, page_views, visit_ms, bounces } = this.totals;
    const rows: DayFigure[] = [
      { dimension: 'day', value: '', visitors, visits, page_views, visit_seconds: Math.floor(visit_ms / 1000), bounces },
    ];
    for (const [dimension, values] of this.breakdown)
      for (const [value, c] of values) rows.push({ dimension, value, ...c, visit_seconds: 0, bounces: 0 });
    return rows;
  }
}
