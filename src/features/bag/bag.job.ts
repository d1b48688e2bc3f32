import { defineJob } from '../../jobs/job.js';
import { eraseExpiredBags } from './bag.service.js';

/** Policy: a bag nobody has changed for BAG_LIFETIME_DAYS (30) is deleted. Daily at 03:20 (London time) and at start-up. */
export const bagRetentionJob = defineJob({
  name: 'bag.retention',
  cron: '20 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ deleted: await eraseExpiredBags(app.db, now) }),
});
