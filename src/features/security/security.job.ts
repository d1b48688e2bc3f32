import { defineJob } from '../../jobs/job.js';
import { deleteEndedRateLimitCounters } from './security.repository.js';

/**
 * security.housekeeping — every minute: deletes the rate limits' counters whose window has ended.
 * A window is at most RATE_LIMIT_WINDOW_MINUTES (10) long, so no keyed hash of a network address
 * stays in the database longer than that and a minute.
 */
export const securityHousekeepingJob = defineJob({
  name: 'security.housekeeping',
  cron: '* * * * *',
  run: async (app, now) => ({ deleted: await deleteEndedRateLimitCounters(app.db, now.getTime()) }),
});
