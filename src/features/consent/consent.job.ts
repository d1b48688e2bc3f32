import { defineJob } from '../../jobs/job.js';
import { consentHousekeeping } from './consent.service.js';

/**
 * Policy: a newsletter or alert sign-up not confirmed within SIGN_UP_CONFIRM_DAYS (7 days) is
 * deleted; an alert not sent within STOCK_ALERT_DAYS (6 months) is withdrawn as expired; the
 * address and account on the ledger entries of a person whose every consent ended over
 * LEDGER_IDENTITY_YEARS (6 years) ago are emptied, and their state deleted.
 * Runs hourly at 25 minutes past, and once at start-up.
 */
export const consentHousekeepingJob = defineJob({
  name: 'consent.housekeeping',
  cron: '25 * * * *',
  runAtStart: true,
  run: (app, now) => consentHousekeeping(app.db, now),
});
