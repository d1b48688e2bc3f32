import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { eraseExpiredBags } from './bag.service.js';

/** Policy: a bag nobody has changed for BAG_LIFETIME_DAYS (30) is deleted. Daily at 03:20 and at start-up. */
export function scheduleBagRetention(app: FastifyInstance): Cron {
  const run = async () => {
    const n = await eraseExpiredBags(app.db, app.clock());
    if (n > 0) app.log.info({ deleted: n }, 'expired bags deleted');
  };
  void run().catch((err) => app.log.error({ err }, 'bag retention failed'));
  return new Cron('20 3 * * *', { protect: true, timezone: 'Europe/London' }, () =>
    run().catch((err) => app.log.error({ err }, 'bag retention failed')),
  );
}
