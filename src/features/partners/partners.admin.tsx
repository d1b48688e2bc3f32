import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldText as text, fieldTexts as texts, formBodyOf as bodyOf, type FormBody } from '../../http/form-fields.js';
import { notFound } from '../../http/errors.js';
import { fieldErrors } from '../../http/views/form.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { can } from '../staff/staff.domain.js';
import { REASON_MAX, exportAudienceSize, exportToPartner } from './partners.export.js';
import { allPartners, declarePartner, editPartner, partnerById, partnerFormSchema, retirePartner } from './partners.service.js';
import {
  NewPartnerPage,
  PartnerListPage,
  type PartnerFormValues,
  PartnerPage,
  type PartnerPageState,
  emptyPartnerValues,
} from './views/partners-admin.js';
import { stringifyCsv } from '../../shared/lazy.js';

const DONE: Record<string, string> = {
  declared: 'Partner declared. Customers are offered it in Account Home, and the privacy page names it.',
  saved: 'Changes saved. The privacy page shows them now.',
  unchanged: 'Nothing was changed, so nothing was saved.',
  retired: 'Partner retired. It is no longer offered or exported to, and the privacy page no longer names it.',
};

function idParam(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw notFound("We couldn't find that partner.");
  return Number(raw);
}

function noticeFrom(req: FastifyRequest): string | undefined {
  const done = (req.query as Record<string, unknown>).done;
  return typeof done === 'string' ? DONE[done] : undefined;
}

function formValues(body: FormBody): PartnerFormValues {
  return {
    name: text(body.name),
    receives: texts(body.receives),
    why: text(body.why),
    country: text(body.country),
    policyUrl: text(body.policyUrl),
  };
}

/** `partner-3-acme-ltd-2026-12-01.csv` */
function fileName(partner: { id: number; name: string }, now: Date): string {
  const slug = partner.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `partner-${partner.id}${slug ? `-${slug}` : ''}-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * The partners the shop may share with (declared, corrected and retired by the owner; seen by
 * managers too), and the partner export.
 */
export async function partnersAdminRoutes(app: FastifyInstance): Promise<void> {
  const view = { config: { access: 'partners.view' as const } };
  const manage = { config: { access: 'partners.manage' as const } };
  const canManage = (req: FastifyRequest) => req.staffSession !== null && can(req.staffSession.staff.role, 'partners.manage');

  app.get('/admin/partners', view, async (req, reply) =>
    reply.adminPage(
      { title: 'Partners', section: 'partners', csrfToken: reply.csrfToken() },
      <PartnerListPage partners={await allPartners(app.db)} canManage={canManage(req)} notice={noticeFrom(req)} />,
    ),
  );

  const newPage = (reply: FastifyReply, values: PartnerFormValues, errors: Record<string, string | undefined>, status = 200) => {
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Declare a partner', section: 'partners', csrfToken: csrf },
      <NewPartnerPage csrf={csrf} values={values} errors={errors} />,
      status,
    );
  };

  app.get('/admin/partners/new', manage, async (_req, reply) => newPage(reply, emptyPartnerValues, {}));

  app.post('/admin/partners', manage, async (req, reply) => {
    const body = bodyOf(req);
    const parsed = partnerFormSchema.safeParse(body);
    if (!parsed.success) return newPage(reply, formValues(body), fieldErrors(parsed.error.issues), 400);
    const result = await declarePartner(app.db, parsed.data, actorOf(req), app.clock());
    if (!result.ok) return newPage(reply, formValues(body), result.reason === 'invalid' ? result.errors : {}, 400);
    return reply.redirect(`/admin/partners/${result.id}?done=declared`, 303);
  });

  async function partnerPage(req: FastifyRequest, reply: FastifyReply, id: number, state: PartnerPageState, status = 200) {
    const partner = await partnerById(app.db, id);
    if (!partner) throw notFound("We couldn't find that partner.");
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: partner.name, section: 'partners', csrfToken: csrf },
      <PartnerPage
        partner={partner}
        consenting={partner.retiredAt ? 0 : await exportAudienceSize(app.db, id)}
        canManage={canManage(req)}
        csrf={csrf}
        state={state}
      />,
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/partners/:id', view, async (req, reply) =>
    partnerPage(req, reply, idParam(req.params.id), { notice: noticeFrom(req) }),
  );

  app.post<{ Params: { id: string } }>('/admin/partners/:id', manage, async (req, reply) => {
    const id = idParam(req.params.id);
    const body = bodyOf(req);
    const parsed = partnerFormSchema.safeParse(body);
    const result = parsed.success
      ? await editPartner(app.db, id, parsed.data, actorOf(req), app.clock())
      : ({ ok: false, reason: 'invalid', errors: fieldErrors(parsed.error.issues) } as const);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound("We couldn't find that partner, or it has been retired.");
      return partnerPage(req, reply, id, { edit: { values: formValues(body), errors: result.errors } }, 400);
    }
    return reply.redirect(`/admin/partners/${id}?done=${result.changed ? 'saved' : 'unchanged'}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/partners/:id/retire', manage, async (req, reply) => {
    const id = idParam(req.params.id);
    if (!(await retirePartner(app.db, id, actorOf(req), app.clock())))
      throw notFound("We couldn't find that partner, or it is already retired.");
    return reply.redirect(`/admin/partners?done=retired`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/partners/:id/export', manage, async (req, reply) => {
    const id = idParam(req.params.id);
    const reason = text(bodyOf(req).reason);
    const refuse = (message: string, status = 400) => partnerPage(req, reply, id, { exportError: message, reason }, status);
    if (reason.trim() === '') return refuse('Please give the reason for this export: it is recorded in the audit trail.');
    if (reason.length > REASON_MAX) return refuse(`Please keep the reason under ${REASON_MAX} characters.`);
    const now = app.clock();
    const result = await exportToPartner(app.db, { partnerId: id, reason, actor: actorOf(req) }, now);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound("We couldn't find that partner, or it has been retired.");
      if (result.reason === 'nobody')
        return refuse('No customer agrees to share their details with this partner now, so there is nothing to export.', 409);
      return refuse('Please give the reason for this export: it is recorded in the audit trail.');
    }
    // Cells that a spreadsheet would run as a formula (=, +, -, @) are escaped with a leading quote.
    const csv = stringifyCsv(result.rows, { header: true, columns: result.columns, escape_formulas: true, bom: true });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName(result.partner, now)}"`)
      .send(csv);
  });
}
