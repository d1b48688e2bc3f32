import { defineJob } from '../../jobs/job.js';

/** Policy: to be stated by the breach register (placeholder while it is built). */
export const breachesRetentionJob = defineJob({
  name: 'breaches.retention',
  cron: '45 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async () => ({ deleted: 0 }),
});
