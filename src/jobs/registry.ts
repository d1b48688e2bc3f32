import { alertsSendJob } from '../features/alerts/alerts.job.js';
import { auditAnchorJob, auditRetentionJob } from '../features/audit/audit.job.js';
import { backupJournalJob, backupRunJob } from '../features/backups/backup.job.js';
import { bagRetentionJob } from '../features/bag/bag.job.js';
import { breachesRetentionJob } from '../features/breaches/breaches.job.js';
import { campaignsSendJob } from '../features/campaigns/campaigns.job.js';
import { consentHousekeepingJob } from '../features/consent/consent.job.js';
import { contactRetentionJob } from '../features/contact/contact.job.js';
import { accountHousekeepingJob } from '../features/customers/customers.job.js';
import { feedbackRequestsJob, feedbackRetentionJob } from '../features/feedback/feedback.job.js';
import { mailDeliveryJob, mailRetentionJob } from '../features/mail/outbox.job.js';
import { cancelUnpaidOrdersJob, orderRetentionJob, releaseReservationsJob } from '../features/orders/orders.job.js';
import { privacyErasuresJob } from '../features/privacy/erasure.job.js';
import { privacyRequestsJob } from '../features/privacy/requests.job.js';
import { securityHousekeepingJob } from '../features/security/security.job.js';
import { staffHousekeepingJob } from '../features/staff/staff.job.js';
import { statisticsRollupJob } from '../features/statistics/statistics.job.js';
import type { JobDefinition } from './job.js';
import type { JobName } from './names.js';

/**
 * Every job of the shop, one definition per name: the type refuses a name with no definition, a
 * key that is not a `JobName`, and a definition filed under another job's name. main.ts starts
 * them all.
 */
export const jobRegistry = {
  'alerts.send': alertsSendJob,
  'audit.retention': auditRetentionJob,
  'audit.anchor': auditAnchorJob,
  'backup.run': backupRunJob,
  'backup.journal': backupJournalJob,
  'bag.retention': bagRetentionJob,
  'breaches.retention': breachesRetentionJob,
  'campaigns.send': campaignsSendJob,
  'consent.housekeeping': consentHousekeepingJob,
  'contact.retention': contactRetentionJob,
  'customers.housekeeping': accountHousekeepingJob,
  'feedback.requests': feedbackRequestsJob,
  'feedback.retention': feedbackRetentionJob,
  'mail.deliver': mailDeliveryJob,
  'mail.retention': mailRetentionJob,
  'orders.release-reservations': releaseReservationsJob,
  'orders.cancel-unpaid': cancelUnpaidOrdersJob,
  'orders.retention': orderRetentionJob,
  'privacy.erasures': privacyErasuresJob,
  'privacy.requests': privacyRequestsJob,
  'security.housekeeping': securityHousekeepingJob,
  'staff.housekeeping': staffHousekeepingJob,
  'statistics.rollup': statisticsRollupJob,
} as const satisfies { [N in JobName]: JobDefinition<N> };

/** The registry's definitions, in a list (the order jobs start in). */
export const allJobs: readonly JobDefinition[] = Object.values(jobRegistry);
