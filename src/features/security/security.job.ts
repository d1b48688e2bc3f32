import { defineJob } from '../../jobs/job.js';

/** security.housekeeping — every minute: deletes the rate limits' counters whose window has ended. */
export const securityHousekeepingJob = defineJob({
  name: 'security.housekeeping',
  cron: '* * * * *',
  run: async () => {
    throw new Error('being built');
  },
});
