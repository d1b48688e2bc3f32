import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { removeExpiredSessions } from './staff.service.js';

/**
 * Policy: a staff session ends after 30 minutes idle or 12 hours; ended sessions are deleted
 * every 10 minutes (they are refused on use before that anyway).
 */
export function scheduleStaffHousekeeping(app: FastifyInstance): Cron {
  const run = () =>
    removeExpiredSessions(app.db, app.clock()).catch((err) => {
      app.log.error({ err }, 'staff session clean-up failed');
      return 0;
    });
  void run();
  return new Cron('*/10 * * * *', { protect: true }, () => void run());
}
