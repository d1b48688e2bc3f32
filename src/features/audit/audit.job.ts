import { defineJob } from '../../jobs/job.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { eraseExpiredAuditEntries, mailAuditAnchor } from './audit.service.js';

/**
 * Policy, retention, daily at 03:30 (London time): audit entries older than AUDIT_RETENTION
 * (6 years) are deleted, oldest first; the deletion is recorded in the trail itself, with the seal
 * of the last entry removed.
 */
export const auditRetentionJob = defineJob({
  name: 'audit.retention',
  cron: '30 3 * * *',
  timezone: 'Europe/London',
  run: async (app, now) => ({ deleted: await eraseExpiredAuditEntries(app.db, now) }),
});

/**
 * Policy, anchor, daily at 03:45 (London time), after retention so that the anchor is the trail as
 * retention left it (retention's own record included), and a job of its own so that a failed
 * retention still sends it: every active owner is e-mailed, through the outbox, the chain's head
 * (the newest entry's id, day and seal), how many entries the trail holds, and whether it
 * verified. The e-mail is kept outside the shop, so that pasting its anchor into "Verify the
 * chain" shows a rewrite even by someone holding the database and SECRET_KEY. Nothing is sent
 * while the trail is empty.
 */
export const auditAnchorJob = defineJob({
  name: 'audit.anchor',
  cron: '45 3 * * *',
  timezone: 'Europe/London',
  run: async (app, now) => ({
    queued: await mailAuditAnchor(app.db, now, { name: app.config.shop.name, domain: messageIdDomain(app.config.publicUrl) }),
  }),
});
