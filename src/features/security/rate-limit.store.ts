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
 * If the database cannot count (it is restarting, or locked), the request is let through rather
 * than refused or failed: a limit missed for a moment costs less than a shop that answers 500. A
 * warning is logged, naming the error's code, never the address.
 */

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

  class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly limit: string;
    constructor(limit?: unknown) {
      this.limit = typeof limit === 'string' ? limit : 'global';
    }

    incr(address: string, cb: Callback, timeWindow: number, _max: number): void {
      const now = app.clock().getTime();
      countRateLimitHit(app.db, counterKey(hmacKey, this.limit, address), timeWindow, now).then(
        ({ hits, resetsAt }) => cb(null, { current: hits, ttl: Math.max(0, resetsAt - now) }),
        (err: unknown) => {
          app.log.warn({ limit: this.limit, code: errorCode(err) }, 'rate limit could not be counted; request let through');
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
