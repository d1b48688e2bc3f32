import { defineJob } from '../../jobs/job.js';
import { applyOrderRetention, cancelLongUnpaidOrders, releaseExpiredReservations } from './orders.service.js';

/**
 * Policy: stock reserved for an order whose payment has not come back within
 * ORDER_RESERVATION_MINUTES goes back on sale (checked every minute, and at start-up). The order
 * stays open, for a late result or a retry. When a release leaves a piece low in stock, the
 * catalogue's cached pages are dropped so that they show it.
 */
export const releaseReservationsJob = defineJob({
  name: 'orders.release-reservations',
  cron: '* * * * *',
  runAtStart: true,
  run: async (app, now) => {
    const r = await releaseExpiredReservations(app.db, now, app.config.payments.reservationMinutes);
    if (r.lowStock) await app.catalog.invalidate();
    return { released: r.released };
  },
});

/** Policy: an order still unpaid after UNPAID_CANCEL_DAYS is cancelled. Daily at 03:30 (London time) and at start-up. */
export const cancelUnpaidOrdersJob = defineJob({
  name: 'orders.cancel-unpaid',
  cron: '30 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ cancelled: await cancelLongUnpaidOrders(app.db, now) }),
});

/**
 * Policy: a finished order's buyer details are anonymised ORDER_DETAILS_DAYS (180) after its last
 * change; its tax record is deleted TAX_RECORD_YEARS (6) after the end of its financial year
 * (FINANCIAL_YEAR_END); an order never paid for is deleted UNPAID_ORDER_RETENTION_DAYS after it
 * was placed. See applyOrderRetention. Daily at 03:30 (London time) and at start-up.
 */
export const orderRetentionJob = defineJob({
  name: 'orders.retention',
  cron: '30 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: (app, now) => applyOrderRetention(app.db, now, app.config.financialYearEnd),
});
