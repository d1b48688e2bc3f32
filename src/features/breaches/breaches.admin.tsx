import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { fieldText, fieldTexts, formBodyOf } from '../../http/form-fields.js';
import { listPageCount, listPageNumber, listPageRows } from '../../http/query.js';
import type { FieldErrors } from '../../http/views/form.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import {
  type BreachFormInput,
  categoriesOf,
  clockOf,
  icoReferenceSchema,
  momentText,
  noticeSchema,
  parseAddressList,
  parseUkDateTime,
  reasonSchema,
  ukDateTimeValue,
  validateBreachForm,
} from './breaches.domain.js';
import { breachMailContext, breachNoticeMail, draftNotice } from './breaches.mail.js';
import { icoReportDraft, reportText } from './breaches.report.js';
import {
  type BreachResult,
  type BreachRow,
  addAction,
  addPeople,
  breachForStaff,
  closeBreach,
  decideNotToReport,
  decideNotToTell,
  editBreach,
  openBreachPeople,
  recordBreach,
  recordReport,
  registerPage,
  removePerson,
  reviewNotice,
  saveNotice,
  sendNotice,
} from './breaches.service.js';
import {
  BreachFormPage,
  BreachPage,
  NoticeFormPage,
  NoticePreviewPage,
  PeoplePage,
  RegisterPage,
  ReportDraftPage,
  staffName,
} from './views/breach-pages.js';

/**
 * /admin/breaches: the breach register for the owner and managers. Services decide and audit;
 * these routes read the forms, turn results into pages, redirects and plain 4xx answers.
 */

const ACCESS = { config: { access: 'breaches.manage' } } as const;

/** Notices after an action, by the key its redirect carries. */
const DONE: Record<string, string> = {
  recorded: 'The breach is recorded. The 72 hours to report it to the ICO run from its discovery.',
  changed: 'The record is changed.',
  action: 'The action is added.',
  reported: 'The report to the ICO is recorded.',
  'not-reported': 'The decision not to report is recorded, with its reason; the breach stays in the register.',
  'not-told': 'The reason for not telling the people affected is recorded.',
  people: 'The people are added.',
  notice: 'The notice is saved. Preview it and mark it reviewed before sending it.',
  reviewed: 'The notice is marked reviewed by you. It can now be sent.',
  sent: 'The notice is queued: one e-mail to each person not told before.',
  closed: 'The breach is closed.',
};

const idSchema = z.string().regex(/^\d{1,9}$/);

const REMOVED = 'The address is removed from the people affected.';

/** The address of the person to remove, as the list's Remove button sends it. */
const removeSchema = z
  .string()
  .trim()
  .min(1, 'Please choose the person to remove from the list.')
  .max(320, 'That is not an address on the list.');

function formInputOf(req: FastifyRequest): BreachFormInput {
  const body = formBodyOf(req);
  return {
    title: fieldText(body.title),
    what_happened: fieldText(body.what_happened),
    occurred_at: fieldText(body.occurred_at),
    discovered_at: fieldText(body.discovered_at),
    categories: fieldTexts(body.categories),
    data_affected: fieldText(body.data_affected),
    people_affected: fieldText(body.people_affected),
    people_count: fieldText(body.people_count),
    risk: fieldText(body.risk),
    risk_assessment: fieldText(body.risk_assessment),
    actions: fieldText(body.actions),
  };
}

function formValuesOf(b: BreachRow): BreachFormInput {
  return {
    title: b.title,
    what_happened: b.what_happened,
    occurred_at: ukDateTimeValue(b.occurred_at),
    discovered_at: ukDateTimeValue(b.discovered_at),
    categories: categoriesOf(b.categories),
    data_affected: b.data_affected,
    people_affected: b.people_affected,
    people_count: b.people_count === null ? '' : String(b.people_count),
    risk: b.risk,
    risk_assessment: b.risk_assessment,
    actions: b.actions,
  };
}

/** The first problem of a zod parse, by field. */
function problemOf<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; message: string } {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0]?.message ?? 'Please check what you entered.' };
}

export async function breachesAdminRoutes(app: FastifyInstance): Promise<void> {
  const mail = breachMailContext(app);
  const organisation = () => ({ ...app.config.shop });

  const idOf = (req: FastifyRequest) => {
    const raw = (req.params as { id: string }).id;
    if (!idSchema.safeParse(raw).success) throw notFound('We couldn’t find that breach in the register.');
    return Number(raw);
  };

  async function viewOf(id: number) {
    const view = await breachForStaff(app.db, id, app.clock());
    if (!view) throw notFound('We couldn’t find that breach in the register.');
    return view;
  }

  /** The breach's page, with a notice, or with a form's problem beside its field and what was typed kept (status 400/409). */
  async function breachPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    problem?: { field: string; message: string; status: number; values: Record<string, string> },
  ) {
    const view = await viewOf(id);
    const done = DONE[fieldText((req.query as Record<string, unknown>).done)];
    const errors: FieldErrors = problem ? { [problem.field]: problem.message } : {};
    const notice = problem
      ? { kind: 'error' as const, text: problem.message }
      : done
        ? { kind: 'success' as const, text: done }
        : undefined;
    return reply.adminPage(
      { title: `Breach #${id}`, section: 'breaches', csrfToken: reply.csrfToken() },
      <BreachPage csrf={reply.csrfToken()} view={view} now={app.clock()} notice={notice} errors={errors} values={problem?.values ?? {}} />,
      problem?.status ?? 200,
    );
  }

  const form = (reply: FastifyReply, values: BreachFormInput, errors: FieldErrors, editing: number | null, status = 200) =>
    reply.adminPage(
      {
        title: editing === null ? 'Record a suspected breach' : `Change breach #${editing}`,
        section: 'breaches',
        csrfToken: reply.csrfToken(),
      },
      <BreachFormPage csrf={reply.csrfToken()} values={values} errors={errors} editing={editing} />,
      status,
    );

  /** A service's result as a redirect to the breach with its notice, or the page again with the refusal. */
  async function after(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    result: BreachResult,
    done: string,
    field = 'form',
    values: Record<string, string> = {},
  ) {
    if (result.ok) return reply.redirect(`/admin/breaches/${id}?done=${done}`, 303);
    if (result.status === 404) throw notFound(result.message);
    return breachPage(req, reply, id, { field, message: result.message, status: result.status, values });
  }

  // ——— The register ———

  app.get('/admin/breaches', ACCESS, async (req, reply) => {
    const parsed = listPageNumber.safeParse((req.query as Record<string, unknown>).page);
    if (!parsed.success) throw new PublicError(400, parsed.error.issues[0]?.message ?? 'Please check the page number.');
    const page = parsed.data;
    const { limit, offset } = listPageRows(page);
    const now = app.clock();
    const { rows, total } = await registerPage(app.db, limit, offset);
    const pages = listPageCount(total, page);
    return reply.adminPage(
      { title: 'Breach register', section: 'breaches', csrfToken: reply.csrfToken() },
      <RegisterPage
        rows={rows.map((r) => ({ ...r, clock: clockOf(r, now) }))}
        total={total}
        page={page}
        pages={pages}
        done={DONE[fieldText((req.query as Record<string, unknown>).done)]}
      />,
    );
  });

  // ——— Recording and editing ———

  app.get('/admin/breaches/new', ACCESS, async (_req, reply) =>
    form(
      reply,
      {
        title: '',
        what_happened: '',
        occurred_at: '',
        discovered_at: ukDateTimeValue(app.clock()),
        categories: [],
        data_affected: '',
        people_affected: '',
        people_count: '',
        risk: 'unassessed',
        risk_assessment: '',
        actions: '',
      },
      {},
      null,
    ),
  );

  app.post('/admin/breaches/new', ACCESS, async (req, reply) => {
    const input = formInputOf(req);
    const now = app.clock();
    const checked = validateBreachForm(input, now);
    if (!checked.ok) return form(reply, input, checked.errors, null, 400);
    const id = await recordBreach(app.db, checked.value, actorOf(req), now);
    return reply.redirect(`/admin/breaches/${id}?done=recorded`, 303);
  });

  app.get<{ Params: { id: string } }>('/admin/breaches/:id', ACCESS, async (req, reply) => breachPage(req, reply, idOf(req)));

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/edit', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const { row } = await viewOf(id);
    if (row.closed_at)
      return breachPage(req, reply, id, {
        field: 'form',
        message: 'This breach is closed: its record can no longer be changed.',
        status: 409,
        values: {},
      });
    return form(reply, formValuesOf(row), {}, id);
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/edit', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const input = formInputOf(req);
    const now = app.clock();
    const checked = validateBreachForm(input, now);
    if (!checked.ok) {
      await viewOf(id);
      return form(reply, input, checked.errors, id, 400);
    }
    return after(req, reply, id, await editBreach(app.db, id, checked.value, actorOf(req), now), 'changed');
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/actions', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const text = fieldText(formBodyOf(req).new_action);
    const checked = problemOf(
      z
        .string()
        .transform((v) => v.trim().replace(/\s+/g, ' '))
        .pipe(z.string().min(1, 'Please describe the action taken.').max(1000, 'Please keep the action under 1,000 characters.')),
      text,
    );
    if (!checked.ok)
      return breachPage(req, reply, id, { field: 'new_action', message: checked.message, status: 400, values: { new_action: text } });
    return after(req, reply, id, await addAction(app.db, id, checked.value, actorOf(req), app.clock()), 'action', 'new_action', {
      new_action: text,
    });
  });

  // ——— Reporting, or not; closing ———

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/report', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const body = formBodyOf(req);
    const values = {
      reported_at: fieldText(body.reported_at),
      ico_reference: fieldText(body.ico_reference),
      late_reason: fieldText(body.late_reason),
    };
    const now = app.clock();
    const bad = (field: string, message: string) => breachPage(req, reply, id, { field, message, status: 400, values });
    const reportedAt = values.reported_at.trim() === '' ? now : parseUkDateTime(values.reported_at);
    if (!reportedAt) return bad('reported_at', 'Please give when it was reported as a day and time, such as 2027-03-03 14:20.');
    const reference = problemOf(icoReferenceSchema, values.ico_reference);
    if (!reference.ok) return bad('ico_reference', reference.message);
    let lateReason: string | null = null;
    if (values.late_reason.trim() !== '') {
      const reason = problemOf(reasonSchema('for the delay'), values.late_reason);
      if (!reason.ok) return bad('late_reason', reason.message);
      lateReason = reason.value;
    }
    const result = await recordReport(app.db, id, { reportedAt, reference: reference.value, lateReason }, actorOf(req), now);
    return after(req, reply, id, result, 'reported', result.ok || !/72 hours/.test(result.message) ? 'form' : 'late_reason', values);
  });

  /** A form of one reason: checked, then given to the service. */
  const reasonRoute = (
    path: string,
    field: string,
    what: string,
    run: (id: number, reason: string, req: FastifyRequest) => Promise<BreachResult>,
    done: string,
  ) =>
    app.post<{ Params: { id: string } }>(`/admin/breaches/:id/${path}`, ACCESS, async (req, reply) => {
      const id = idOf(req);
      const text = fieldText(formBodyOf(req)[field]);
      const checked = problemOf(reasonSchema(what), text);
      if (!checked.ok) return breachPage(req, reply, id, { field, message: checked.message, status: 400, values: { [field]: text } });
      return after(req, reply, id, await run(id, checked.value, req), done, field, { [field]: text });
    });

  reasonRoute(
    'not-reported',
    'not_reported_reason',
    'for not reporting it',
    (id, reason, req) => decideNotToReport(app.db, id, reason, actorOf(req), app.clock()),
    'not-reported',
  );
  reasonRoute(
    'not-told',
    'not_told_reason',
    'for not telling them',
    (id, reason, req) => decideNotToTell(app.db, id, reason, actorOf(req), app.clock()),
    'not-told',
  );

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/close', ACCESS, async (req, reply) => {
    const id = idOf(req);
    return after(req, reply, id, await closeBreach(app.db, id, actorOf(req), app.clock()), 'closed');
  });

  // ——— The ICO draft ———

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/report', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const view = await viewOf(id);
    return reply.adminPage(
      { title: `Draft report to the ICO: breach #${id}`, section: 'breaches', csrfToken: reply.csrfToken() },
      <ReportDraftPage id={id} sections={icoReportDraft(organisation(), view.row, view.people, app.clock())} />,
    );
  });

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/report.txt', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const view = await viewOf(id);
    const text = reportText(
      icoReportDraft(organisation(), view.row, view.people, app.clock()),
      `Personal data breach report to the ICO — draft — breach #${id}`,
    );
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="breach-${id}-ico-report.txt"`)
      .send(text);
  });

  // ——— The people affected and their notice ———

  /** Who is listed (an audited read), with a notice after a removal or its refusal (status 400/409). */
  async function peoplePage(req: FastifyRequest, reply: FastifyReply, id: number, problem?: { message: string; status: number }) {
    const view = await viewOf(id);
    const people = await openBreachPeople(app.db, id, actorOf(req), app.clock());
    const done = fieldText((req.query as Record<string, unknown>).done) === 'removed' ? REMOVED : undefined;
    const notice = problem
      ? { kind: 'error' as const, text: problem.message }
      : done
        ? { kind: 'success' as const, text: done }
        : undefined;
    return reply.adminPage(
      { title: `People affected by breach #${id}`, section: 'breaches', csrfToken: reply.csrfToken() },
      <PeoplePage csrf={reply.csrfToken()} id={id} title={view.row.title} people={people} open={!view.row.closed_at} notice={notice} />,
      problem?.status ?? 200,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/people', ACCESS, async (req, reply) => peoplePage(req, reply, idOf(req)));

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/people/remove', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const checked = problemOf(removeSchema, fieldText(formBodyOf(req).email));
    if (!checked.ok) return peoplePage(req, reply, id, { message: checked.message, status: 400 });
    const result = await removePerson(app.db, id, checked.value, actorOf(req), app.clock());
    if (result.ok) return reply.redirect(`/admin/breaches/${id}/people?done=removed`, 303);
    // A breach that does not exist answers 404 from the page itself; an address not listed, beside the list.
    return peoplePage(req, reply, id, { message: result.message, status: result.status });
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/people', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const text = fieldText(formBodyOf(req).emails);
    const parsed = parseAddressList(text);
    if (!parsed.ok) return breachPage(req, reply, id, { field: 'emails', message: parsed.error, status: 400, values: { emails: text } });
    const result = await addPeople(app.db, id, parsed.emails, actorOf(req), app.clock());
    return after(req, reply, id, result, 'people', 'emails', { emails: text });
  });

  const noticeForm = (
    reply: FastifyReply,
    id: number,
    values: { subject: string; body: string },
    errors: FieldErrors,
    reviewed: boolean,
    status = 200,
  ) =>
    reply.adminPage(
      { title: `The notice of breach #${id}`, section: 'breaches', csrfToken: reply.csrfToken() },
      <NoticeFormPage csrf={reply.csrfToken()} id={id} values={values} errors={errors} reviewed={reviewed} />,
      status,
    );

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/notice', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const { row } = await viewOf(id);
    const values = row.notice_subject && row.notice_body ? { subject: row.notice_subject, body: row.notice_body } : draftNotice(mail, row);
    return noticeForm(reply, id, values, {}, row.notice_reviewed_at !== null);
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/notice', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const body = formBodyOf(req);
    const values = { subject: fieldText(body.subject), body: fieldText(body.body) };
    const checked = noticeSchema.safeParse(values);
    if (!checked.success) {
      const { row } = await viewOf(id);
      const errors: FieldErrors = {};
      for (const i of checked.error.issues) errors[String(i.path[0])] ??= i.message;
      return noticeForm(reply, id, values, errors, row.notice_reviewed_at !== null, 400);
    }
    const result = await saveNotice(app.db, id, checked.data, actorOf(req), app.clock());
    if (!result.ok) return after(req, reply, id, result, 'notice');
    return reply.redirect(`/admin/breaches/${id}/notice/preview?done=notice`, 303);
  });

  async function savedNotice(id: number) {
    const view = await viewOf(id);
    const { notice_subject: subject, notice_body: body } = view.row;
    if (!subject || !body) throw notFound('The notice has not been written yet.');
    return { view, mail: breachNoticeMail(mail, { subject, body }) };
  }

  app.get<{ Params: { id: string } }>('/admin/breaches/:id/notice/preview', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const { view, mail: message } = await savedNotice(id);
    const done = fieldText((req.query as Record<string, unknown>).done);
    return reply.adminPage(
      { title: `Preview: the notice of breach #${id}`, section: 'breaches', csrfToken: reply.csrfToken() },
      <NoticePreviewPage
        csrf={reply.csrfToken()}
        id={id}
        subject={message.subject}
        text={message.text}
        reviewed={
          view.row.notice_reviewed_at
            ? `${momentText(view.row.notice_reviewed_at)} by ${staffName(view, view.row.notice_reviewed_by)}`
            : null
        }
        open={!view.row.closed_at}
        done={DONE[done]}
      />,
    );
  });

  // The e-mail's HTML alone, for the sandboxed frame of the preview (as the campaigns' preview is served).
  app.get<{ Params: { id: string } }>('/admin/breaches/:id/notice/preview.html', ACCESS, async (req, reply) => {
    const { mail: message } = await savedNotice(idOf(req));
    return reply
      .header(
        'content-security-policy',
        "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox",
      )
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(message.html);
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/notice/review', ACCESS, async (req, reply) => {
    const id = idOf(req);
    const result = await reviewNotice(app.db, id, actorOf(req), app.clock());
    if (!result.ok) return after(req, reply, id, result, 'reviewed');
    return reply.redirect(`/admin/breaches/${id}/notice/preview?done=reviewed`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/breaches/:id/notice/send', ACCESS, async (req, reply) => {
    const id = idOf(req);
    return after(req, reply, id, await sendNotice(app.db, mail, id, actorOf(req), app.clock()), 'sent');
  });
}
