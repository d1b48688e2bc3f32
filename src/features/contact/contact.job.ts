import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { eraseExpiredContactMessages } from './contact.service.js';

/**
 * Policy: contact enquiries are kept for CONTACT_RETENTION (12 months) and then deleted.
 * Runs daily at 03:15 and once at start-up.
 */
export function scheduleContactRetention(app: FastifyInstance): Cron {
  const run = async () => {
    const n = await eraseExpiredContactMessages(app.db, app.clock());
    if (n > 0) app.log.info({ deleted: n }, 'expired contact messages deleted');
  };
  void run().catch((err) => app.log.error({ err }, 'contact retention failed'));
  return new Cron('15 3 * * *', { protect: true, timezone: 'Europe/London' }, () =>
    run().catch((err) => app.log.error({ err }, 'contact retention failed')),
  );
}
