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
 *   process (one on SQLite, two on PostgreSQL); the others wait their turn in order, which costs
 *   nothing while they wait. However many buyers there are, a page view then shares the event loop
 *   with one or two steps' slices, not with every buyer's.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * How many checkout steps one process runs at once, by database. On SQLite one: every statement
 * runs on the event loop, so a second step beside it only adds to what a page view waits behind
 * (measured: checkouts/s alone the same, 136–148 against 134–148 with two, and the product page
 * during eight buyers' checkouts at 0.54–0.57 of alone against 0.47–0.50). On PostgreSQL two: the
 * database works in its own process while a step waits for it, and a second step keeps this one
 * busy meanwhile (70 checkouts/s alone against 49 with one).
 */
export const STEPS_AT_ONCE = { sqlite: 1, postgres: 2 } as const;

/** At most `limit` at once; the others wait, first come first served. */
export class StepQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private limit: number) {}

  /** Changes how many run at once; with more places, steps waiting take them at once. */
  allow(limit: number): void {
    this.limit = limit;
    while (this.running < this.limit && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!();
    }
  }

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

/** One queue per process: the event loop it protects is the process's. The app sets its size for its database (`allow`). */
export const checkoutSteps = new StepQueue(STEPS_AT_ONCE.sqlite);

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
