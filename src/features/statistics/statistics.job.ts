import { defineJob } from '../../jobs/job.js';
import { rollUp } from './statistics.service.js';

/**
 * Policy: every 10 minutes, today's salt is made if missing and salts 48
 * hours after their day began are deleted; every complete UK day (over for 15 minutes, so its last
 * buffered events are in) with raw page views is rolled up into its daily figures and its raw rows
 * deleted, in one transaction per day; and, whatever else happens, every raw row older than 48
 * hours is deleted. The daily figures are counts only and are kept.
 */
export const statisticsRollupJob = defineJob({
  name: 'statistics.rollup',
  cron: '*/10 * * * *',
  run: async (app, now) => rollUp(app.db, now, app.statistics.salts),
});
