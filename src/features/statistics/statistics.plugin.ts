import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPageResponse, notCountedBecause, recordedPath, referrerHost } from './statistics.domain.js';
import { statisticsRoutes } from './statistics.routes.js';
import { type PendingEvent, SaltCache, recordEvents } from './statistics.service.js';
import { SESSION_COOKIE } from '../customers/customers.domain.js';
import { loadStatisticsExclusions, statisticsExclusionsNow } from '../privacy/flags.service.js';

/** What the app knows of its visitor statistics' recording (see CONTEXT.md). */
export interface StatisticsRecorder {
  /** True unless turned off (a benchmark compares on and off in one run); when false nothing is counted. */
  enabled: boolean;
  /** Writes what is buffered, now; resolves to the number of rows written (bots are dropped here). */
  flush(): Promise<number>;
  /** Events waiting in memory for the next flush. */
  pending(): number;
  /** Buffers one event; flushes at once when the buffer is full. */
  record(event: PendingEvent): void;
  /** The day's salts, cached in memory (the roll-up job makes and deletes them in the database). */
  salts: SaltCache;
  /** The shop's GET route patterns, to name the page a leave beacon comes from. */
  routePatterns: readonly string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    statistics: StatisticsRecorder;
  }
}

/** Buffered events are written every 5 seconds, when 500 are waiting, and when the app closes. */
export const FLUSH_EVERY_MS = 5_000;
export const FLUSH_AT = 500;
/** The most events kept in memory while flushes fail; beyond it the oldest are dropped. */
export const MAX_PENDING = 10_000;

function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * Records page views for the visitor statistics (see CONTEXT.md): a hook on every response that
 * only reads headers and pushes to a buffer in memory — no database work, no await — and a
 * timer that writes the buffer in multi-row inserts. The beacon and objection routes are
 * registered here too.
 */
export async function installStatistics(app: FastifyInstance): Promise<void> {
  let buffer: PendingEvent[] = [];
  const salts = new SaltCache();
  const routePatterns: string[] = [];
  const ownHost = new URL(app.config.publicUrl).hostname.toLowerCase();

  // Page views of signed-in customers waiting on the check for an objection or a restriction.
  const checks = new Set<Promise<void>>();
  // While the database is away every page view past FLUSH_AT would start a flush; one at a time.
  let flushing = false;

  const flush = async (): Promise<number> => {
    if (checks.size > 0) await Promise.all([...checks]);
    if (buffer.length === 0) return 0;
    const taken = buffer;
    buffer = [];
    try {
      return await recordEvents(app.db, salts, taken, app.clock());
    } catch (err) {
      // Kept for the next flush (the database may be restarting), in memory only and at most
      // MAX_PENDING of them, the oldest dropped first: they hold addresses and User-Agents, which
      // must not pile up.
      buffer = [...taken, ...buffer];
      const dropped = Math.max(0, buffer.length - MAX_PENDING);
      if (dropped > 0) buffer = buffer.slice(dropped);
      app.log.warn({ code: errorCode(err), kept: buffer.length, dropped }, 'statistics flush failed');
      return 0;
    }
  };

  const recorder: StatisticsRecorder = {
    enabled: true,
    flush,
    pending: () => buffer.length + checks.size,
    record(event) {
      buffer.push(event);
      if (buffer.length >= FLUSH_AT && !flushing) {
        flushing = true;
        void flush().finally(() => (flushing = false));
      }
    },
    salts,
    routePatterns,
  };
  app.decorate('statistics', recorder);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('GET') && !routePatterns.includes(route.url)) routePatterns.push(route.url);
  });

  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (recorder.enabled) countPageView(req, reply);
    done();
  });

  function countPageView(req: FastifyRequest, reply: FastifyReply): void {
    if (!isPageResponse(req.method, reply.statusCode, reply.getHeader('content-type'), req.url)) return;
    const pattern = req.routeOptions.url;
    if (pattern === undefined) return;
    if (notCountedBecause(req.headers, req.cookies ?? {}) !== null) return;
    const event: PendingEvent = {
      atMs: app.clock().getTime(),
      kind: 'view',
      path: recordedPath(pattern, req.url),
      referrerHost: referrerHost(req.headers.referer, [ownHost, req.hostname.toLowerCase()]),
      address: req.ip,
      userAgent: req.headers['user-agent'] ?? '',
    };
    // Only a signed-in customer can have objected (or asked for restriction) by address, and
    // while nobody has, the set in memory is empty: a visitor without a session costs nothing.
    const excluded = req.cookies?.[SESSION_COOKIE] ? statisticsExclusionsNow(app.db) : undefined;
    if (excluded === undefined || excluded?.size === 0) {
      recorder.record(event);
      return;
    }
    const check: Promise<void> = (async () => {
      const set = excluded ?? (await loadStatisticsExclusions(app.db));
      const session = set.size === 0 ? null : await req.customerSession();
      if (!session || !set.has(session.email)) recorder.record(event);
    })()
      .catch(() => {
        // Not counted when the check cannot be made: the safe side for a person who objected.
      })
      .finally(() => checks.delete(check));
    checks.add(check);
  }

  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    recorder.enabled = false;
    await flush();
  });

  // Not awaited: the routes load with the app's other plugins, after its CSRF hook is in place.
  void app.register(statisticsRoutes);
}
