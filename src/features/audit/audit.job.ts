import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { messageIdDomain } from '../mail/outbox.service.js';
import { eraseExpiredAuditEntries, mailAuditAnchor } from './audit.service.js';

/**
 * Policy, daily at 03:30 (London time):
 * - Retention: audit entries older than AUDIT_RETENTION (6 years) are deleted, oldest first; the
 *   deletion is recorded in the trail itself, with the seal of the last entry removed.
 * - Anchor: then every active owner is e-mailed, through the outbox, the chain's head (the newest
 *   entry's id, day and seal), how many entries the trail holds, and whether it verified. The
 *   e-mail is kept outside the shop, so that pasting its anchor into "Verify the chain" shows a
 *   rewrite even by someone holding the database and SECRET_KEY. Nothing is sent while the trail
 *   is empty.
 */
export function scheduleAuditRetention(app: FastifyInstance): Cron {
  const run = async () => {
    const now = app.clock();
    try {
      const erased = await eraseExpiredAuditEntries(app.db, now);
      if (erased > 0) app.log.info({ erased }, 'audit entries past their retention period deleted');
    } catch (err) {
      app.log.error({ err }, 'audit retention failed');
    }
    try {
      await mailAuditAnchor(app.db, now, { name: app.config.shop.name, domain: messageIdDomain(app.config.publicUrl) });
    } catch (err) {
      app.log.error({ err }, 'audit anchor e-mail failed');
    }
  };
  return new Cron('30 3 * * *', { protect: true, timezone: 'Europe/London' }, () => run());
}
