import type { FastifyInstance } from 'fastify';
import { allJobs } from '../../jobs/registry.js';
import { inventories } from './inventory.registry.js';
import { inventoriesInForce } from './records.service.js';
import { jobsAsScheduled, retentionSchedule } from './retention.schedule.js';
import { RetentionPage } from './views/retention-page.js';

/**
 * /privacy/retention, for everyone: the retention schedule, from the inventories in force and the
 * jobs as this shop runs them. Both are fixed while the shop runs, so it is worked out once.
 */
export async function retentionRoutes(app: FastifyInstance): Promise<void> {
  const schedule = retentionSchedule(inventoriesInForce(inventories, app.config.backups), jobsAsScheduled(allJobs, app.config));

  // Nothing on the page is per visitor, so it is kept rendered (with the catalogue's pages, as its header names the categories).
  app.get('/privacy/retention', async (_req, reply) =>
    reply.cachedPage(
      'privacy-retention',
      () => ({
        title: 'Retention schedule',
        canonicalPath: '/privacy/retention',
        description: `How long ${app.config.shop.name} keeps each kind of personal data, and when it is removed.`,
      }),
      () => <RetentionPage schedule={schedule} shopName={app.config.shop.name} />,
    ),
  );
}
