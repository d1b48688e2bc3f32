import { defineJob } from '../../jobs/job.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { sendBackInStockAlerts } from './alerts.service.js';

/**
 * Policy: every 5 minutes, each variant that is back in stock has its confirmed alerts sent — one
 * e-mail to each waiting address, through the outbox's consent gate — and each alert is withdrawn
 * as "sent" once the outbox has sent it, so it is used once. Alerts never sent are withdrawn as
 * "expired" after STOCK_ALERT_DAYS (6 months) by consent.housekeeping.
 */
export const alertsSendJob = defineJob({
  name: 'alerts.send',
  cron: '*/5 * * * *',
  run: async (app, now) => ({
    ...(await sendBackInStockAlerts(app.db, now, {
      shopName: app.config.shop.name,
      shopEmail: app.config.shop.email,
      publicUrl: app.config.publicUrl,
      messageDomain: messageIdDomain(app.config.publicUrl),
    })),
  }),
});
