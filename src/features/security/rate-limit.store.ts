import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { deriveKey, hmacHex } from '../../shared/crypto.js';
import { countRateLimitHit } from './security.repository.js';

/**
 * The rate limits' counters, shared by every process of the shop through the database
 * (rate_limit_hits), so that N processes allow what one would, not N times as much. A
 * @fastify/rate-limit store: one per route (`child`), named by the route's method and path.
 *
 * A counter's key is a keyed hash (HMAC-SHA256, with a key derived from SECRET_KEY) of the
 * limit's name and the network address: the address itself is never written down. The
 * housekeeping job (security.job.ts) deletes a counter once its window has ended.
 *
 * Far from its limit a network's hits are tallied in memory and written every RATE_LIMIT_FLUSH_MS
 * (100 ms unless set) in one
 * statement per counter, so a busy route (search) costs no write per request: a hit is tallied
 * in memory only while the count this process knows is at most half of the allowance's share of
 * one process (the allowance divided by WEB_CONCURRENCY). Nearer the limit every hit is written
 * as it comes, and its answer (allowed or refused) is the database's count, the other processes'
 * hits included. So a small allowance (a form's) is exact, and a large one is overrun, if ever,
 * only by hits still in other processes' memory — under half of it. Tallies are written when the
 * shop stops.
 *
 * If the database cannot count (it is restarting, or locked), the request is let through rather
 * than refused or failed: a limit missed for a moment costs less than a shop that answers 500. A
 * warning is logged, naming the error's code, never the address.
 */

/** One network's count against one limit, as this process knows it. */
interface Tally {
  /** The counter's key in the database (the keyed hash). */
  key: string;
  /** The limit's name, for a warning. */
  limit: string;
  windowMs: number;
  /** The count in the database when this process last wrote it, every process's hits included. */
  stored: number;
  /** Hits counted here and not yet written. */
  pending: number;
  /** Hits being written now. */
  writing: number;
  resetsAt: number;
}

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/** What the plugin really passes to `child`: the route's merged limit settings, the route itself under routeInfo. */
interface RouteParams {
  routeInfo?: { method?: string | string[]; url?: string };
}

/** The HMAC key of the counters' keys, one purpose of SECRET_KEY. */
export function rateLimitKey(secretKey: string): Buffer {
  return deriveKey(secretKey, 'rate-limit-counters');
}

/** What a counter is stored under: never the address, only a keyed hash of it with the limit's name. */
export function counterKey(hmacKey: Buffer, limit: string, address: string): string {
  return hmacHex(hmacKey, `${limit}\n${address}`);
}

/** The store class to give @fastify/rate-limit's `store` option, bound to this app's database and clock. */
export function sharedRateLimitStore(app: FastifyInstance): FastifyRateLimitStoreCtor {
  const hmacKey = rateLimitKey(app.config.secretKey);
  const processes = Math.max(1, app.config.webConcurrency);
  // By the counter's key (the keyed hash), so the address itself is not kept beyond the request;
  // each goes once its window has ended and nothing is left to write.
  const tallies = new Map<string, Tally>();
  let timer: NodeJS.Timeout | null = null;

  const warn = (limit: string, err: unknown) =>
    app.log.warn({ limit, code: errorCode(err) }, 'rate limit could not be counted; request let through');

  async function write(tally: Tally, now: number): Promise<void> {
    const hits = tally.pending;
    tally.pending = 0;
    tally.writing += hits;
    try {
      const counted = await countRateLimitHit(app.db, tally.key, tally.windowMs, now, hits);
      tally.stored = counted.hits;
      tally.resetsAt = counted.resetsAt;
    } catch (err) {
      warn(tally.limit, err);
    } finally {
      tally.writing -= hits;
    }
  }

  /** Writes every tally with hits pending, and forgets those whose window has ended. */
  async function flush(): Promise<void> {
    timer = null;
    const now = app.clock().getTime();
    const writes: Promise<void>[] = [];
    for (const [id, tally] of tallies) {
      if (tally.resetsAt <= now) {
        if (tally.writing === 0) tallies.delete(id);
      } else if (tally.pending > 0) writes.push(write(tally, now));
    }
    await Promise.all(writes);
  }
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
    await flush();
  });

  class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly limit: string;
    constructor(limit?: unknown) {
      this.limit = typeof limit === 'string' ? limit : 'global';
    }

    incr(address: string, cb: Callback, timeWindow: number, max: number): void {
      const now = app.clock().getTime();
      const id = counterKey(hmacKey, this.limit, address);
      let tally = tallies.get(id);
      if (tally && tally.resetsAt > now && (tally.stored + tally.writing + tally.pending + 1) * 2 * processes <= max) {
        tally.pending++;
        timer ??= setTimeout(() => void flush(), app.config.rateLimits.flushMs).unref();
        cb(null, { current: tally.stored + tally.writing + tally.pending, ttl: tally.resetsAt - now });
        return;
      }
      if (!tally || tally.resetsAt <= now) {
        tally = {
          key: id,
          limit: this.limit,
          windowMs: timeWindow,
          stored: 0,
          pending: 0,
          writing: 0,
          resetsAt: now + timeWindow,
        };
        tallies.set(id, tally);
      }
      // Near the limit (or a network's first hit in its window): this hit and any pending, written now.
      const hits = tally.pending + 1;
      tally.pending = 0;
      const counting = tally;
      countRateLimitHit(app.db, counting.key, timeWindow, now, hits).then(
        ({ hits: stored, resetsAt }) => {
          counting.stored = stored;
          counting.resetsAt = resetsAt;
          cb(null, { current: stored + counting.writing + counting.pending, ttl: Math.max(0, resetsAt - now) });
        },
        (err: unknown) => {
          warn(this.limit, err);
          cb(null, { current: 0, ttl: timeWindow });
        },
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const info = (routeOptions as unknown as RouteParams).routeInfo ?? {};
      const method = Array.isArray(info.method) ? info.method.join(',') : (info.method ?? '');
      return new SharedRateLimitStore(`${method} ${info.url ?? ''}`.trim() || 'global');
    }
  }
  return SharedRateLimitStore;
}

function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
