import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { UNPAID_CANCEL_DAYS } from './orders.domain.js';
import { cancelLongUnpaidOrders, eraseExpiredOrders, releaseExpiredReservations } from './orders.service.js';

/**
 * Policy:
 * - Stock reserved for an order whose payment has not come back within ORDER_RESERVATION_MINUTES
 *   goes back on sale (checked every minute). The order stays open, for a late result or a retry.
 * - An order still unpaid after UNPAID_CANCEL_DAYS is cancelled.
 * - Orders are deleted ORDER_RETENTION_DAYS (6 years) after they were placed; orders never paid
 *   for, UNPAID_ORDER_RETENTION_DAYS after. Daily at 03:30 and once at start-up.
 */
export function scheduleOrderJobs(app: FastifyInstance): Cron[] {
  const minutes = app.config.payments.reservationMinutes;
  const release = async () => {
    const r = await releaseExpiredReservations(app.db, app.clock(), minutes);
    if (r.released > 0) app.log.info({ released: r.released }, 'expired stock reservations released');
    if (r.lowStock) await app.catalog.invalidate();
  };
  const daily = async () => {
    const cancelled = await cancelLongUnpaidOrders(app.db, app.clock());
    if (cancelled > 0) app.log.info({ cancelled, days: UNPAID_CANCEL_DAYS }, 'long-unpaid orders cancelled');
    const erased = await eraseExpiredOrders(app.db, app.clock());
    if (erased > 0) app.log.info({ erased }, 'expired orders deleted');
  };
  const fail = (what: string) => (err: unknown) => app.log.error({ err }, `${what} failed`);
  void release().catch(fail('reservation release'));
  void daily().catch(fail('order retention'));
  return [
    new Cron('* * * * *', { protect: true }, () => release().catch(fail('reservation release'))),
    new Cron('30 3 * * *', { protect: true, timezone: 'Europe/London' }, () => daily().catch(fail('order retention'))),
  ];
}
