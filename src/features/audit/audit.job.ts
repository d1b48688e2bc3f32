import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { eraseExpiredAuditEntries } from './audit.service.js';

/** Policy: audit entries are kept for AUDIT_RETENTION (6 years) and then deleted, daily at 03:30. */
export function scheduleAuditRetention(app: FastifyInstance): Cron {
  const run = () =>
    eraseExpiredAuditEntries(app.db, app.clock()).catch((err) => {
      app.log.error({ err }, 'audit retention failed');
      return 0;
    });
  return new Cron('30 3 * * *', { protect: true, timezone: 'Europe/London' }, () => void run());
}
