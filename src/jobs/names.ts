/**
 * Every scheduled job of the shop, by name. A retention rule in an inventory names the job that
 * enforces it, so this union is what ties the privacy policy's promises to running code: the job
 * registry must define each name, and the retention tests must exercise each one.
 */
export type JobName =
  | 'alerts.send'
  | 'audit.retention'
  | 'audit.anchor'
  | 'backup.run'
  | 'backup.journal'
  | 'bag.retention'
  | 'breaches.retention'
  | 'campaigns.send'
  | 'consent.housekeeping'
  | 'contact.retention'
  | 'customers.housekeeping'
  | 'feedback.requests'
  | 'feedback.retention'
  | 'mail.deliver'
  | 'mail.retention'
  | 'orders.release-reservations'
  | 'orders.cancel-unpaid'
  | 'orders.retention'
  | 'privacy.erasures'
  | 'privacy.requests'
  | 'security.housekeeping'
  | 'staff.housekeeping'
  | 'statistics.rollup';
