import { defineJob } from '../../jobs/job.js';
import { deliverDueMail, eraseExpiredMail } from './outbox.service.js';

/**
 * Policy: e-mails waiting in the outbox (order and account e-mails, and enquiries from the contact
 * form forwarded to the shop's inbox) are sent every 10 seconds; a refused or failed send is
 * retried after 1, 2, 4… minutes (at most 6 hours apart) and given up after MAX_MAIL_ATTEMPTS
 * (10); one whose worker died mid-send is sent again once its claim (MAIL_CLAIM_SECONDS, 2
 * minutes) has run out. A marketing e-mail whose recipient no longer consents is withheld, not
 * sent. A run's line is a warning when it gave an e-mail up.
 */
export const mailDeliveryJob = defineJob({
  name: 'mail.deliver',
  cron: '*/10 * * * * *',
  warnWhen: (counts) => (counts.failed ?? 0) > 0,
  // The clock, not one time: each send is stamped when it happens, and a slow provider can take a while.
  // A marketing e-mail's List-Unsubscribe header names the shop's address as well as its one-click link.
  run: async (app) => ({ ...(await deliverDueMail(app.db, app.mailer, app.clock, { unsubscribeMailto: app.config.shop.email })) }),
});

/**
 * Policy: a sent e-mail is deleted SENT_MAIL_RETENTION_DAYS (30) after sending, one that could not
 * be delivered (given up after MAX_MAIL_ATTEMPTS) FAILED_MAIL_RETENTION_DAYS (90) after it was
 * given up. Hourly at five past, and at start-up.
 */
export const mailRetentionJob = defineJob({
  name: 'mail.retention',
  cron: '5 * * * *',
  runAtStart: true,
  run: async (app, now) => ({ ...(await eraseExpiredMail(app.db, now)) }),
});
