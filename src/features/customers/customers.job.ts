import { defineJob } from '../../jobs/job.js';
import { eraseExpiredAccountData } from './customers.service.js';

/**
 * Policy: ended sessions and expired links are deleted, counts of wrong sign-in passwords go
 * SIGN_IN_FAILURES_KEPT_HOURS (24) after the last one, and an account whose e-mail address was
 * never confirmed is deleted UNVERIFIED_ACCOUNT_DAYS (7) after it was opened. Hourly at seven
 * minutes past, and at start-up.
 */
export const accountHousekeepingJob = defineJob({
  name: 'customers.housekeeping',
  cron: '7 * * * *',
  runAtStart: true,
  run: async (app, now) => ({ ...(await eraseExpiredAccountData(app.db, now)) }),
});
