import { defineJob } from '../../jobs/job.js';
import { eraseLongDisabledStaff, forgetOldNetworks, removeExpiredSessions } from './staff.service.js';

/**
 * Policy: a staff session ends after 30 minutes idle or 12 hours, and ended sessions are deleted
 * every 10 minutes (they are refused on use before that anyway). A disabled staff account is
 * deleted 6 months after it was disabled (STAFF_RETENTION); that is checked on the same run, and
 * so is what an account knows of a network (failed and completed sign-ins), forgotten 90 days
 * after its last use (KNOWN_NETWORK_DAYS). Also at start-up.
 */
export const staffHousekeepingJob = defineJob({
  name: 'staff.housekeeping',
  cron: '*/10 * * * *',
  runAtStart: true,
  run: async (app, now) => ({
    sessions: await removeExpiredSessions(app.db, now),
    networks: await forgetOldNetworks(app.db, now),
    accounts: await eraseLongDisabledStaff(app.db, now),
  }),
});
