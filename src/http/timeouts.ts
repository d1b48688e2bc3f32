import type { ServerOptions } from 'node:http';

/**
 * How long a client may take, so that slow or idle connections cannot pile up (a "slowloris"
 * holding hundreds of sockets by sending its headers a byte at a time). Node's own defaults allow
 * a minute for headers, checked only every 30 seconds, and Fastify keeps an idle connection for
 * 72 seconds. The same limits apply to the shop and to the payment sandbox.
 */

/** From the first byte of a request to the end of its headers. Browsers send them in one go. */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * From the first byte of a request to the end of its body. The largest body is a 10 MB photo
 * upload: 60 seconds allows for an upload speed of about 1.5 Mbit/s.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** A connection that sends and receives nothing for this long is closed, whatever its state. */
export const IDLE_TIMEOUT_MS = 30_000;

/** An open connection with no request in progress is kept this long for the next request. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** How often Node checks connections against the header and request limits (30 s by default). */
const CHECK_INTERVAL_MS = 1_000;

/** The Fastify server options that apply these limits. */
export function serverTimeouts(): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  return {
    connectionTimeout: IDLE_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CHECK_INTERVAL_MS },
  };
}
