import { defineJob } from '../../jobs/job.js';
import { eraseExpiredBreachPeople } from './breaches.service.js';

/**
 * Policy: the people a breach affects (their addresses, account numbers and when they were told)
 * are kept while the breach is open and BREACH_PEOPLE_RETENTION_DAYS (90) after it is closed, then
 * deleted. The register's record of the breach itself names no one and is kept.
 * Runs daily at 03:45 (London time) and once at start-up.
 */
export const breachesRetentionJob = defineJob({
  name: 'breaches.retention',
  cron: '45 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ deleted: await eraseExpiredBreachPeople(app.db, now) }),
});
