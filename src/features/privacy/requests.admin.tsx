import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PublicError, notFound } from '../../http/errors.js';
import { fieldText, fieldTexts, formBodyOf } from '../../http/form-fields.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { eraseSomeone } from './erasure.service.js';
import { scanResidue } from './residue.service.js';
import { REQUEST_STATUSES, isRequestReference, todayText } from './requests.domain.js';
import { requestMailContext } from './requests.mail.js';
import {
  type ActionResult,
  acknowledgeComplaint,
  applyFlagsOfRequest,
  closeWithOutcome,
  extendRequest,
  openRequest,
  personOfRequest,
  recordErasureDone,
  recordResidueScan,
  recordStaffRequest,
  refuseRequest,
  requestForStaff,
  requestsForList,
  sendAccessAnswer,
  validateStaffIntake,
} from './requests.service.js';
import { IntakePage, type IntakeValues, RequestDetailPage, RequestListPage } from './views/request-admin.js';

const ACCESS = { config: { access: 'privacy.requests' } } as const;

/** Notices after an action, by the key the redirect carries. */
export const DONE_TEXT: Record<string, string> = {
  recorded: 'The request is recorded. With an e-mail address, the confirmation link has been sent; the clock starts when it is used.',
  answered: 'The copy’s link has been e-mailed (valid 7 days), and the request is closed.',
  erased: 'The person has been erased, the request closed, and they have been told by e-mail what was kept.',
  scanned: 'The residue scan has run: its result is below.',
  applied: 'The objection or restriction is applied, and the request closed.',
  acknowledged: 'The complaint is acknowledged by e-mail.',
  closed: 'The request is closed.',
  extended: 'The deadline is extended and the person has been told by e-mail.',
  refused: 'The request is refused, and the person has been told of their right to complain to the ICO.',
};

/** The back office's privacy requests: intake of requests received by e-mail or post, handling, the clock. */
export async function privacyRequestsAdminRoutes(admin: FastifyInstance): Promise<void> {
  const app = admin;
  const mail = requestMailContext(app);

  const intake = (reply: FastifyReply, values: IntakeValues, errors: Record<string, string | undefined>, status = 200) =>
    reply.adminPage(
      { title: 'Record a privacy request', section: 'privacy-requests', csrfToken: reply.csrfToken() },
      <IntakePage csrf={reply.csrfToken()} values={values} errors={errors} />,
      status,
    );

  app.get('/admin/privacy-requests', ACCESS, async (req, reply) => {
    const raw = fieldText((req.query as Record<string, unknown>).status);
    const status = raw === 'live' ? ['open', 'extended'] : (REQUEST_STATUSES as readonly string[]).includes(raw) ? [raw] : null;
    const rows = await requestsForList(app.db, status);
    return reply.adminPage(
      { title: 'Privacy requests', section: 'privacy-requests', csrfToken: reply.csrfToken() },
      <RequestListPage rows={rows} status={status ? raw : ''} now={app.clock()} />,
    );
  });

  app.get('/admin/privacy-requests/new', ACCESS, async (_req, reply) => intake(reply, { received: todayText(app.clock()) }, {}));

  app.post('/admin/privacy-requests/new', ACCESS, async (req, reply) => {
    const body = formBodyOf(req);
    const input = {
      kind: fieldText(body.kind) || undefined,
      channel: fieldText(body.channel) || undefined,
      received: fieldText(body.received),
      email: fieldText(body.email),
      name: fieldText(body.name),
      details: fieldText(body.details),
      objections: fieldTexts(body.objections),
      identity: fieldText(body.identity) || undefined,
      identityNote: fieldText(body.identityNote),
    };
    const now = app.clock();
    const checked = validateStaffIntake(input, now);
    if (!checked.ok) return intake(reply, input, checked.errors, 400);
    const ref = await recordStaffRequest(app.db, mail, checked.value, checked.receivedAt, actorOf(req), now);
    return reply.redirect(`/admin/privacy-requests/${ref.reference}?done=recorded`, 303);
  });

  const referenceOf = (req: FastifyRequest) => {
    const reference = String((req.params as { reference: string }).reference).toUpperCase();
    if (!isRequestReference(reference)) throw notFound('We couldn’t find that privacy request.');
    return reference;
  };

  app.get<{ Params: { reference: string } }>('/admin/privacy-requests/:reference', ACCESS, async (req, reply) => {
    const reference = referenceOf(req);
    const now = app.clock();
    const view = await openRequest(app.db, reference, actorOf(req), now);
    if (!view) throw notFound('We couldn’t find that privacy request. Its record may have been deleted after 6 years.');
    const doneKey = fieldText((req.query as Record<string, unknown>).done);
    return reply.adminPage(
      { title: `Privacy request ${reference}`, section: 'privacy-requests', csrfToken: reply.csrfToken() },
      <RequestDetailPage csrf={reply.csrfToken()} view={view} now={now} done={DONE_TEXT[doneKey]} />,
    );
  });

  /** A POST on a request: the action's result turned into a redirect with its notice, or a plain 4xx. */
  const action = (path: string, run: (req: FastifyRequest, reference: string) => Promise<ActionResult>, done: string) =>
    app.post<{ Params: { reference: string } }>(`/admin/privacy-requests/:reference/${path}`, ACCESS, async (req, reply) => {
      const reference = referenceOf(req);
      const result = await run(req, reference);
      if (!result.ok) throw new PublicError(result.status, result.message);
      return reply.redirect(`/admin/privacy-requests/${reference}?done=${done}`, 303);
    });
  const text = (req: FastifyRequest, name: string) => fieldText(formBodyOf(req)[name]).slice(0, 2000);

  action('answer', (req, ref) => sendAccessAnswer(app.db, mail, ref, actorOf(req), app.clock()), 'answered');
  action('apply', (req, ref) => applyFlagsOfRequest(app.db, ref, actorOf(req), app.clock()), 'applied');
  action('acknowledge', (req, ref) => acknowledgeComplaint(app.db, mail, ref, actorOf(req), app.clock()), 'acknowledged');
  action('close', (req, ref) => closeWithOutcome(app.db, ref, text(req, 'outcome'), actorOf(req), app.clock()), 'closed');
  action('refuse', (req, ref) => refuseRequest(app.db, mail, ref, text(req, 'reason'), actorOf(req), app.clock()), 'refused');
  action(
    'extend',
    (req, ref) => {
      const months = Number(text(req, 'months') || '0');
      return extendRequest(app.db, mail, ref, months, text(req, 'reason'), actorOf(req), app.clock());
    },
    'extended',
  );

  action(
    'erase',
    async (req, reference) => {
      const now = app.clock();
      const actor = actorOf(req);
      const r = await requestForStaff(app.db, reference);
      if (!r) return { ok: false, status: 404, message: 'We couldn’t find that privacy request.' };
      if (r.kind !== 'erasure') return { ok: false, status: 409, message: 'Only an erasure request is carried out by erasing.' };
      if (r.status !== 'open' && r.status !== 'extended')
        return { ok: false, status: 409, message: 'This request is not open: it is awaiting confirmation or already closed.' };
      const person = await personOfRequest(app.db, { email: r.email, customer_id: r.customerId });
      if (!person) return { ok: false, status: 409, message: 'There is no e-mail address or account on this request to erase.' };
      const outcome = await eraseSomeone(app, person, now, {
        requestId: r.id,
        actor: { kind: 'staff', staffId: actor.staffId ?? 0, role: actor.role },
      });
      return recordErasureDone(app.db, r.id, outcome, actor, now);
    },
    'erased',
  );

  action(
    'residue-scan',
    async (req, reference) => {
      const now = app.clock();
      const r = await requestForStaff(app.db, reference);
      if (!r) return { ok: false, status: 404, message: 'We couldn’t find that privacy request.' };
      const view = await openRequest(app.db, reference, actorOf(req), now);
      const stored = view?.row.residue_scan ? (JSON.parse(view.row.residue_scan) as { traceKeys?: string[] }) : null;
      if (r.kind !== 'erasure' || !stored?.traceKeys || (r.status !== 'completed' && r.status !== 'refused'))
        return { ok: false, status: 409, message: 'A residue scan runs on a closed erasure request that erased someone.' };
      const scan = await scanResidue(app, stored.traceKeys, now);
      await recordResidueScan(app.db, r.id, JSON.stringify({ traceKeys: stored.traceKeys, scan }), scan.clean, actorOf(req), now);
      return { ok: true, message: 'scanned' };
    },
    'scanned',
  );
}
