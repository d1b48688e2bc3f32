import { defineJob } from '../../jobs/job.js';
import { cancelLongUnpaidOrders, eraseExpiredOrders, releaseExpiredReservations } from './orders.service.js';

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
 * Policy: orders are deleted ORDER_RETENTION_DAYS (6 years) after they were placed; orders never
 * paid for, UNPAID_ORDER_RETENTION_DAYS after. Daily at 03:30 (London time) and at start-up.
 */
export const orderRetentionJob = defineJob({
  name: 'orders.retention',
  cron: '30 3 * * *',
  timezone: 'Europe/London',
  runAtStart: true,
  run: async (app, now) => ({ deleted: await eraseExpiredOrders(app.db, now) }),
});
