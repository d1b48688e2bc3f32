import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { deliverDueMail, eraseExpiredMail, MAX_MAIL_ATTEMPTS } from './outbox.service.js';

/**
 * Policy: e-mails waiting in the outbox (order and account e-mails, and enquiries from the contact
 * form forwarded to the shop's inbox) are sent every 10 seconds; a refused or failed send is
 * retried after 1, 2, 4… minutes (at most 6 hours apart) and given up after MAX_MAIL_ATTEMPTS
 * (10); one whose worker died mid-send is sent again once its claim (MAIL_CLAIM_SECONDS, 2
 * minutes) has run out. A sent e-mail is deleted SENT_MAIL_RETENTION_DAYS (30) after sending, one
 * that could not be delivered FAILED_MAIL_RETENTION_DAYS (90) after it was given up; that sweep
 * runs on the same schedule at most once an hour, and on the first run after start-up.
 */
const SWEEP_EVERY_MS = 3_600_000;

export function scheduleMailOutbox(app: FastifyInstance): Cron {
  let lastSweep: number | null = null;
  const run = async () => {
    const now = app.clock();
    try {
      const { sent, retried, failed } = await deliverDueMail(app.db, app.mailer, app.clock);
      if (sent + retried + failed > 0) app.log.info({ sent, retried, failed }, 'mail outbox delivered');
      if (failed > 0) app.log.warn({ failed }, `e-mails given up after ${MAX_MAIL_ATTEMPTS} failed attempts`);
    } catch (err) {
      app.log.error({ err }, 'mail outbox delivery failed');
    }
    if (lastSweep !== null && now.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now.getTime();
    try {
      const erased = await eraseExpiredMail(app.db, now);
      if (erased.sent + erased.failed > 0) app.log.info(erased, 'e-mails past their retention period deleted');
    } catch (err) {
      app.log.error({ err }, 'mail outbox retention failed');
    }
  };
  // protect: a slow run (a provider timing out) is never overlapped by the next one in this process.
  return new Cron('*/10 * * * * *', { protect: true }, () => run());
}
