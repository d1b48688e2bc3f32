import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { eraseExpiredAccountData } from './customers.service.js';

/**
 * Policy: ended sessions and expired links are deleted, counts of wrong sign-in passwords go
 * SIGN_IN_FAILURES_KEPT_HOURS (24) after the last one, and an account whose e-mail address was
 * never confirmed is deleted UNVERIFIED_ACCOUNT_DAYS (7) after it was opened. Hourly, and at start-up.
 */
export function scheduleAccountHousekeeping(app: FastifyInstance): Cron {
  const run = async () => {
    const n = await eraseExpiredAccountData(app.db, app.clock());
    if (n.sessions + n.tokens + n.signInFailures + n.accounts > 0) app.log.info(n, 'expired account data deleted');
  };
  void run().catch((err) => app.log.error({ err }, 'account housekeeping failed'));
  return new Cron('7 * * * *', { protect: true }, () => run().catch((err) => app.log.error({ err }, 'account housekeeping failed')));
}
