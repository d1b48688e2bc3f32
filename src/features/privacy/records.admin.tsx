import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { allJobs } from '../../jobs/registry.js';
import { lastJobRuns } from '../../jobs/runs.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { activePartners } from '../partners/partners.service.js';
import { inventories } from './inventory.registry.js';
import { processorsInUse } from './processors.js';
import { type RecordsOfProcessing, inventoriesInForce, recordsCsvRows, recordsOfProcessing } from './records.service.js';
import { enforcingJobRuns, jobsAsScheduled, retentionSchedule } from './retention.schedule.js';
import { RecordsPage } from './views/records-page.js';
import { RecordsRetentionPage } from './views/records-retention.js';
import { stringifyCsv } from '../../shared/lazy.js';

/**
 * Back office > Records of processing (records.view: the owner). The record (UK GDPR Art. 30(1))
 * as a page and as CSV and JSON downloads, each download recorded in the audit trail; and the
 * retention schedule with each enforcing job's last run. The record names no one (it describes
 * the processing), so looking at the page is not an audited look at personal data; a download
 * leaves the shop, so it is recorded with a fixed reason.
 */

const DOWNLOAD_REASON = 'Records of processing (UK GDPR Art. 30) downloaded; they describe the processing and name no one';

function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export async function recordsAdminRoutes(app: FastifyInstance): Promise<void> {
  const view = { config: { access: 'records.view' as const } };
  // The inventories and processors are fixed while the shop runs; the partners may change, so they are read each time.
  const inForce = inventoriesInForce(inventories, app.config.backups);
  const processors = processorsInUse(app.config);
  const schedule = retentionSchedule(inForce, jobsAsScheduled(allJobs, app.config));

  // Built again only when the partners change (one small query a request); the page's body is kept rendered with it.
  let cached: { partners: string; record: RecordsOfProcessing; html: string | null } | null = null;
  const current = async () => {
    const partners = await activePartners(app.db);
    const key = JSON.stringify(partners);
    if (cached?.partners !== key)
      cached = { partners: key, record: recordsOfProcessing(inForce, app.config.shop, processors, partners), html: null };
    return cached;
  };
  const record = async (): Promise<RecordsOfProcessing> => (await current()).record;

  const audit = (req: FastifyRequest, format: 'csv' | 'json', rec: RecordsOfProcessing, now: Date) => {
    const actor: AuditActor = actorOf(req);
    return recordAudit(
      app.db,
      entryBy(actor, {
        action: 'export',
        subject: { type: 'records_of_processing', id: format },
        fields: [`activities:${rec.activities.length}`, `processors:${rec.processors.length}`, `partners:${rec.partners.length}`],
        reason: DOWNLOAD_REASON,
      }),
      now,
    );
  };

  app.get('/admin/records', view, async (_req, reply) => {
    const entry = await current();
    entry.html ??= renderToString(<RecordsPage record={entry.record} />);
    return reply.adminPage(
      { title: 'Records of processing', section: 'records', csrfToken: reply.csrfToken() },
      <div class="records-body" dangerouslySetInnerHTML={{ __html: entry.html }} />,
    );
  });

  app.get('/admin/records.csv', view, async (req, reply) => {
    const now = app.clock();
    const rec = await record();
    await audit(req, 'csv', rec, now);
    // Cells that a spreadsheet would run as a formula (=, +, -, @) are escaped with a leading quote.
    const csv = stringifyCsv(recordsCsvRows(rec), { escape_formulas: true, bom: true });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="records-of-processing-${dayOf(now)}.csv"`)
      .send(csv);
  });

  app.get('/admin/records.json', view, async (req, reply) => {
    const now = app.clock();
    const rec = await record();
    await audit(req, 'json', rec, now);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="records-of-processing-${dayOf(now)}.json"`)
      .send(JSON.stringify({ generatedAt: now.toISOString(), ...rec }, null, 2));
  });

  app.get('/admin/records/retention', view, async (_req, reply) => {
    const jobs = enforcingJobRuns(schedule, await lastJobRuns(app.db));
    return reply.adminPage(
      { title: 'Retention schedule: the last runs', section: 'records', csrfToken: reply.csrfToken() },
      <RecordsRetentionPage schedule={schedule} jobs={jobs} />,
    );
  });
}
