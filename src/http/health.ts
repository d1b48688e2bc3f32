import type { FastifyInstance, FastifyReply } from 'fastify';
import { pingDatabase } from '../db/database.js';

/**
 * What a load balancer asks the shop, as they expect it:
 * - /livez: the process is running (a failure means restart it). Never touches the database.
 * - /readyz: send it traffic — the database answers `select 1` within READY_TIMEOUT_MS and the
 *   process is not draining (SIGTERM received). 503 otherwise, so traffic moves elsewhere.
 * - /healthz: the old name of /readyz, kept for what already probes it.
 * None is cached, logged at info or counted as a page view (their answers are JSON).
 */

/** How long the database may take to answer the readiness probe. */
export const READY_TIMEOUT_MS = 1_000;

export interface Health {
  /** Set when the process has been told to stop: /readyz answers 503 from then on. */
  draining: boolean;
  /**
   * Work to finish when the app closes, after the server has stopped accepting and its in-flight
   * requests have been answered, and before the database closes: the job runner's stop (which lets
   * a running job, such as the outbox's current send, finish).
   */
  beforeClose: (() => Promise<void>)[];
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

export type Readiness = { ready: true } | { ready: false; reason: 'draining' | 'database' };

export async function readiness(app: FastifyInstance): Promise<Readiness> {
  if (app.health.draining) return { ready: false, reason: 'draining' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([pingTwice(app).then(() => 'ok' as const), timeout]);
    return answer === 'ok' ? { ready: true } : { ready: false, reason: 'database' };
  } catch {
    return { ready: false, reason: 'database' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A connection the server ended a moment ago may still sit in the pool, not yet known to be dead:
 * the first ping can fail on it, and the pool drops it. A second on a fresh connection tells
 * whether the database itself answers.
 */
async function pingTwice(app: FastifyInstance): Promise<void> {
  try {
    await pingDatabase(app.db);
  } catch {
    await pingDatabase(app.db);
  }
}

export function installHealth(app: FastifyInstance): void {
  app.decorate('health', { draining: false, beforeClose: [] });
  // Probes come every few seconds: only a warning or worse about them is worth a line.
  const quiet = { logLevel: 'warn' as const };
  app.get('/livez', quiet, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  const ready = async (_req: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const r = await readiness(app);
    if (r.ready) return { status: 'ok' };
    return reply.code(503).send({ status: 'not ready', reason: r.reason });
  };
  app.get('/readyz', quiet, ready);
  app.get('/healthz', quiet, ready);
}

/**
 * Registers the close step that runs `health.beforeClose`. Called last in buildApp: Fastify runs
 * onClose hooks last-registered first, after its own server close, so this runs before the
 * statistics flush, the mailer's and the database's close.
 */
export function installCloseSteps(app: FastifyInstance): void {
  app.addHook('onClose', async () => {
    await Promise.all(app.health.beforeClose.map((step) => step()));
  });
}
