import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formBodyOf } from '../../http/form-fields.js';
import { PublicError, notFound } from '../../http/errors.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { parseAddress, parseDetails } from '../customers/customers.forms.js';
import { type CorrectionResult, correctAddress, correctDetails, notePartnerTold, openCorrection } from './rectification.service.js';
import { type CorrectionForm, CorrectionPage } from './views/correction-page.js';

const REFERENCE = /^[A-Za-z0-9-]{1,40}$/;
const ID = /^\d{1,12}$/;
const NO_REQUEST = "We couldn't find a privacy request with that reference.";

type Params = { reference: string; id?: string };

const textValues = (body: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, typeof body[n] === 'string' ? (body[n] as string) : '']));

const NOTICES: Record<string, string> = {
  details: 'The corrected details are saved, and noted on the request.',
  address: 'The corrected address is saved, and noted on the request.',
  unchanged: 'Nothing was different, so nothing was changed.',
  told: 'Noted that the partner has been told of the correction.',
};

/** Staff correcting a person's data on request (audited), and the partners to pass the correction on to. */
export async function rectificationAdminRoutes(admin: FastifyInstance): Promise<void> {
  const access = { config: { access: 'privacy.requests' as const } };

  const page = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, sent?: CorrectionForm, status = 200) => {
    const found = await openCorrection(admin.db, req.params.reference, actorOf(req), admin.clock());
    if (!found.ok) throw found.status === 404 ? notFound(found.message) : new PublicError(409, found.message);
    const done = (req.query as Record<string, unknown>).done;
    const csrf = reply.csrfToken();
    reply.header('cache-control', 'no-store');
    return reply.adminPage(
      { title: `Correction ${found.correction.request.reference}`, section: 'privacy-requests', csrfToken: csrf },
      <CorrectionPage
        correction={found.correction}
        csrf={csrf}
        notice={typeof done === 'string' ? NOTICES[done] : undefined}
        sent={sent}
      />,
      status,
    );
  };

  const checked = (req: FastifyRequest<{ Params: Params }>) => {
    if (!REFERENCE.test(req.params.reference) || (req.params.id !== undefined && !ID.test(req.params.id))) throw notFound(NO_REQUEST);
  };

  const after = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, result: CorrectionResult, done: string) => {
    if (!result.ok) throw result.status === 404 ? notFound(result.message) : new PublicError(409, result.message);
    const shown = result.changed.length === 0 && done !== 'told' ? 'unchanged' : done;
    return reply.redirect(`/admin/privacy-requests/${encodeURIComponent(req.params.reference)}/correction?done=${shown}`, 303);
  };

  admin.get<{ Params: Params }>('/admin/privacy-requests/:reference/correction', access, async (req, reply) => {
    checked(req);
    return page(req, reply);
  });

  admin.post<{ Params: Params }>('/admin/privacy-requests/:reference/correction/details', access, async (req, reply) => {
    checked(req);
    const body = formBodyOf(req);
    const parsed = parseDetails(body);
    if (!parsed.ok)
      return page(
        req,
        reply,
        { form: 'details', values: textValues(body, ['first_name', 'surname', 'phone']), errors: parsed.errors },
        400,
      );
    return after(req, reply, await correctDetails(admin.db, req.params.reference, parsed.value, actorOf(req), admin.clock()), 'details');
  });

  admin.post<{ Params: Params }>('/admin/privacy-requests/:reference/correction/addresses/:id', access, async (req, reply) => {
    checked(req);
    const body = formBodyOf(req);
    const parsed = parseAddress(body);
    if (!parsed.ok)
      return page(
        req,
        reply,
        {
          form: `address-${req.params.id}`,
          values: textValues(body, ['first_name', 'surname', 'line1', 'line2', 'city', 'postcode']),
          errors: parsed.errors,
        },
        400,
      );
    const result = await correctAddress(admin.db, req.params.reference, Number(req.params.id), parsed.value, actorOf(req), admin.clock());
    return after(req, reply, result, 'address');
  });

  admin.post<{ Params: Params }>('/admin/privacy-requests/:reference/correction/partners/:id/told', access, async (req, reply) => {
    checked(req);
    const result = await notePartnerTold(admin.db, req.params.reference, Number(req.params.id), actorOf(req), admin.clock());
    return after(req, reply, result, 'told');
  });
}
