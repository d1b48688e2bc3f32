import { defineJob } from '../../jobs/job.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { sendDueCampaigns } from './campaigns.service.js';

/**
 * Policy: every minute, each campaign whose scheduled time has come is claimed (by one process
 * only), its audience read from the consent ledger at that moment, and its e-mails queued in the
 * outbox, due MARKETING_RATE_PER_MINUTE a minute from then, so order and account e-mails queued
 * meanwhile go first. A campaign none of whose e-mails still waits is marked sent, with its counts.
 */
export const campaignsSendJob = defineJob({
  name: 'campaigns.send',
  cron: '* * * * *',
  run: async (app, now) => ({
    ...(await sendDueCampaigns(
      app.db,
      {
        shopName: app.config.shop.name,
        publicUrl: app.config.publicUrl,
        messageDomain: messageIdDomain(app.config.publicUrl),
        ratePerMinute: app.config.marketingRatePerMinute,
      },
      now,
    )),
  }),
});
