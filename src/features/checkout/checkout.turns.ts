import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';

/**
 * Browsing first. A checkout step (adding to the bag, the checkout form, placing the order, the
 * order page, the return from the payment page) costs several times a product page, and on SQLite
 * every statement runs on the event loop. Two things keep page views quick while orders are placed:
 *
 * - `nextTurn()` between a step's parts — its reads, its one transaction, its page — ends the
 *   step's slice of the event loop, so the page views already waiting are answered first. With
 *   nothing waiting it costs a few microseconds. Never await it inside a transaction: on SQLite
 *   that would hold the write lock (and the one connection) across the turn.
 * - `checkoutStep` (a route's hooks) lets at most STEPS_AT_ONCE checkout steps run at once in a
 *   process; the others wait their turn in order, which costs nothing while they wait. However
 *   many buyers there are, a page view then shares the event loop with two steps' slices, not with
 *   every buyer's.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How many checkout steps one process runs at once: two keep the process busy while a buyer's browser is between steps. */
export const STEPS_AT_ONCE = 2;

/** At most `limit` at once; the others wait, first come first served. */
export class StepQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  /** Resolves when it is this step's turn, with the function that ends the step (once; again does nothing). */
  async enter(): Promise<() => void> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line, or the place is free.
      if (next) next();
      else this.running--;
    };
  }

  /** Steps running and waiting, for tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** One queue per process: the event loop it protects is the process's. */
export const checkoutSteps = new StepQueue(STEPS_AT_ONCE);

const leaving = new WeakMap<FastifyRequest, () => void>();
function leave(req: FastifyRequest): void {
  leaving.get(req)?.();
  leaving.delete(req);
}

/**
 * A route's hooks that make it a checkout step: its turn is taken once its body is in (before the
 * handler), and given up when the answer has been sent or the browser has gone.
 */
export const checkoutStep: Pick<RouteShorthandOptions, 'preHandler' | 'onResponse' | 'onRequestAbort'> = {
  preHandler: async (req: FastifyRequest) => {
    leaving.set(req, await checkoutSteps.enter());
  },
  onResponse: async (req: FastifyRequest, _reply: FastifyReply) => leave(req),
  onRequestAbort: async (req: FastifyRequest) => leave(req),
};
