import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { eraseLongDisabledStaff, forgetOldNetworks, removeExpiredSessions } from './staff.service.js';

/**
 * Policy: a staff session ends after 30 minutes idle or 12 hours, and ended sessions are deleted
 * every 10 minutes (they are refused on use before that anyway). A disabled staff account is
 * deleted 6 months after it was disabled (STAFF_RETENTION); that is checked on the same run, and
 * so is what an account knows of a network (failed and completed sign-ins), forgotten 90 days
 * after its last use (KNOWN_NETWORK_DAYS).
 */
export function scheduleStaffHousekeeping(app: FastifyInstance): Cron {
  const run = async () => {
    try {
      await removeExpiredSessions(app.db, app.clock());
      await forgetOldNetworks(app.db, app.clock());
      const erased = await eraseLongDisabledStaff(app.db, app.clock());
      if (erased > 0) app.log.info({ erased }, 'staff accounts past their retention period deleted');
    } catch (err) {
      app.log.error({ err }, 'staff housekeeping failed');
    }
  };
  void run();
  return new Cron('*/10 * * * *', { protect: true }, () => void run());
}
