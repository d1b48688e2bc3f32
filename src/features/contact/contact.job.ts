import { defineJob } from '../../jobs/job.js';
import { eraseExpiredContactMessages } from './contact.service.js';

/**
 * Policy: contact enquiries are kept for CONTACT_RETENTION (12 months) and then deleted.
 * Runs daily at 03:15 (London time) and once at start-up.
 */
export const contactRetentionJob = defineJob({
  name: 'contact.retention',
  cron: '15 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ deleted: await eraseExpiredContactMessages(app.db, now) }),
});
