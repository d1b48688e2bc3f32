import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldText as text, formBodyOf as bodyOf } from '../../http/form-fields.js';
import type { FieldErrors } from '../../http/views/form.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { can } from '../staff/staff.domain.js';
import {
  CSV_COLUMNS,
  type CsvRow,
  DEFAULT_PERIOD,
  type Period,
  type PeriodInput,
  RESEARCH_REASON_MAX,
  parsePeriod,
  researchExport,
  statisticsDownload,
  statisticsReport,
} from './statistics.report.service.js';
import { type PeriodFormValues, ReportPage, type ResearchFormState } from './views/report-page.js';
import { stringifyCsv } from '../../shared/lazy.js';

/**
 * Back office > Statistics (statistics.view: marketing, managers, the owner): the visitor figures
 * of a period, drawn and tabled, and their CSV. The research export (statistics.export: managers
 * and the owner, as it leaves the shop) needs a reason and is audited by the service. The figures
 * are counts that identify nobody, so looking at them is not an audited look at personal data.
 */

const inputOf = (raw: Record<string, unknown>): PeriodInput => ({ period: text(raw.period), from: text(raw.from), to: text(raw.to) });

const valuesOf = (input: PeriodInput, period?: Period): PeriodFormValues => ({
  period: period && period.choice !== 'dates' ? period.choice : (input.period ?? '') || DEFAULT_PERIOD,
  from: input.from ?? '',
  to: input.to ?? '',
});

/** Cells that a spreadsheet would run as a formula (=, +, -, @) are escaped with a leading quote. */
const csvOf = (rows: CsvRow[]) => stringifyCsv(rows, { escape_formulas: true, bom: true });

export async function statisticsAdminRoutes(app: FastifyInstance): Promise<void> {
  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    input: PeriodInput,
    state: { research?: ResearchFormState; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const csrf = reply.csrfToken();
    const parsed = parsePeriod(input, app.clock());
    const errors: FieldErrors = parsed.ok ? (state.errors ?? {}) : parsed.errors;
    const report = parsed.ok ? await statisticsReport(app.db, parsed.period) : null;
    return reply.adminPage(
      { title: 'Statistics', section: 'statistics', csrfToken: csrf },
      <ReportPage
        report={report}
        values={valuesOf(input, parsed.ok ? parsed.period : undefined)}
        errors={errors}
        canExport={req.staffSession !== null && can(req.staffSession.staff.role, 'statistics.export')}
        csrf={csrf}
        research={state.research}
      />,
      parsed.ok ? status : 400,
    );
  }

  app.get('/admin/statistics', { config: { access: 'statistics.view' } }, async (req, reply) =>
    page(req, reply, inputOf(req.query as Record<string, unknown>)),
  );

  app.get('/admin/statistics/download', { config: { access: 'statistics.view' } }, async (req, reply) => {
    const input = inputOf(req.query as Record<string, unknown>);
    const parsed = parsePeriod(input, app.clock());
    if (!parsed.ok) return page(req, reply, input);
    const { period } = parsed;
    const rows = await statisticsDownload(app.db, period);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statistics-${period.from}-to-${period.to}.csv"`)
      .send(csvOf([[...CSV_COLUMNS], ...rows]));
  });

  app.post('/admin/statistics/research-export', { config: { access: 'statistics.export' } }, async (req, reply) => {
    const body = bodyOf(req);
    const input = inputOf(body);
    const reason = text(body.reason);
    const parsed = parsePeriod(input, app.clock());
    if (!parsed.ok) return page(req, reply, input);
    const refuse = (error: string, status = 400) => page(req, reply, input, { research: { reason, error } }, status);
    if (reason.trim() === '') return refuse('Please give the reason for this export: it is recorded in the audit trail.');
    if (reason.length > RESEARCH_REASON_MAX) return refuse(`Please keep the reason under ${RESEARCH_REASON_MAX} characters.`);
    const now = app.clock();
    const { period } = parsed;
    const result = await researchExport(app.db, { period, reason, actor: actorOf(req), shopName: app.config.shop.name }, now);
    if (!result.ok) {
      if (result.reason === 'nothing')
        return refuse('Every row of this period counts fewer than 10 visitors, so there is nothing to export. Try a longer period.', 409);
      return refuse('Please give the reason for this export: it is recorded in the audit trail.');
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="research-statistics-${period.from}-to-${period.to}.csv"`)
      .send(csvOf([...result.notes.map((n) => [n]), [], [...CSV_COLUMNS], ...result.rows]));
  });
}
