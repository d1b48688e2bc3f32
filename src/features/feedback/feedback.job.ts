import { defineJob } from '../../jobs/job.js';
import { deriveKey } from '../../shared/crypto.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { eraseExpiredFeedback, sendFeedbackRequests } from './feedback.service.js';

/**
 * Policy: once a day, the buyer of each order marked delivered FEEDBACK_REQUEST_DAYS (5 unless
 * configured) days before is e-mailed a feedback request — only when their address consents to
 * feedback requests now, which the outbox checks when queueing and again when sending. Daily at
 * 10:00 shop time, so no one is e-mailed in the night; each day's run asks about one day's
 * deliveries, so each order is asked about once.
 */
export const feedbackRequestsJob = defineJob({
  name: 'feedback.requests',
  cron: '0 10 * * *',
  timezone: 'Europe/London',
  run: async (app, now) => ({
    ...(await sendFeedbackRequests(app.db, now, {
      shopName: app.config.shop.name,
      shopEmail: app.config.shop.email,
      publicUrl: app.config.publicUrl,
      messageDomain: messageIdDomain(app.config.publicUrl),
      days: app.config.feedbackRequestDays,
      key: deriveKey(app.config.secretKey, 'feedback-link'),
    })),
  }),
});

/**
 * Policy: an answer to a feedback request is deleted FEEDBACK_RETENTION_YEARS (2) after it came.
 * Daily at 03:40. Not at start-up: a day missed while the shop was down is caught up by the next
 * run, which deletes everything past the period, and each start-up run holds a database connection.
 */
export const feedbackRetentionJob = defineJob({
  name: 'feedback.retention',
  cron: '40 3 * * *',
  timezone: 'Europe/London',
  run: async (app, now) => eraseExpiredFeedback(app.db, now),
});
