import { defineJob } from '../../jobs/job.js';
import { requestMailContext } from './requests.mail.js';
import { privacyRequestsHousekeeping } from './requests.service.js';

/**
 * Policy: every morning at 07:50 (London), requests whose confirmation link has expired unconfirmed
 * (24 hours) are closed as expired, the owner is sent the day's due-soon and overdue requests and
 * complaints to acknowledge (references, kinds and dates only, and only when there are any), closed
 * requests are minimised REQUEST_DETAILS_RETENTION (30 days) after closing (at once for an erasure),
 * answer links past their 7 days are emptied, and records are deleted REQUEST_RECORD_RETENTION
 * (6 years) after closing.
 */
export const privacyRequestsJob = defineJob({
  name: 'privacy.requests',
  cron: '50 7 * * *',
  timezone: 'Europe/London',
  run: async (app, now) => ({ ...(await privacyRequestsHousekeeping(app.db, requestMailContext(app), now)) }),
});
