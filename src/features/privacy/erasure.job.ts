import { defineJob } from '../../jobs/job.js';
import { finishWaitingErasures } from './erasure.service.js';

/**
 * Policy: every night at 03:35 (London), and at start, erasures waiting for open orders are
 * finished once those orders are delivered and past the returns window (the person is told), and
 * journal entries 120 days after their erasure finished are deleted.
 */
export const privacyErasuresJob = defineJob({
  name: 'privacy.erasures',
  cron: '35 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ ...(await finishWaitingErasures(app, now)) }),
});
