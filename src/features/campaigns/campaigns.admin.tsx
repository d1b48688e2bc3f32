import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { type FormBody, fieldText as text, formBodyOf as bodyOf, textField } from '../../http/form-fields.js';
import { Notice, Pagination, RowLink } from '../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, Field, type FieldErrors, SelectField, fieldErrors } from '../../http/views/form.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { CONSENT_PURPOSES, familyOf } from '../consent/consent.inventory.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { can } from '../staff/staff.domain.js';
import { CAMPAIGN_LIMITS, STATUS_WORDS, fromLondonTime, londonWallClock } from './campaigns.domain.js';
import {
  type CampaignReport,
  type CampaignResult,
  type CampaignRow,
  REQUEST_CHANNELS,
  REQUEST_PURPOSES,
  audienceNow,
  campaignList,
  campaignReport,
  cancelCampaign,
  createCampaign,
  findCampaignById,
  previewOf,
  recordMarketingRequest,
  scheduleCampaign,
  testSendCampaign,
  updateCampaign,
} from './campaigns.service.js';

/**
 * The back office's campaigns (marketing.view to read, marketing.send to write, test, schedule,
 * send and cancel), and the form on which staff record a marketing request received by e-mail or
 * post (marketing.requests, which customer service has too). Every change is audited by the service.
 */

const PAGE = 25;

const wordsSchema = z.object({
  title: textField('a title', CAMPAIGN_LIMITS.title),
  subject: textField('a subject line', CAMPAIGN_LIMITS.subject),
  body: z
    .string({ message: 'Please write the e-mail.' })
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'Please write the e-mail.')
        .max(CAMPAIGN_LIMITS.body, `Please keep the e-mail under ${CAMPAIGN_LIMITS.body.toLocaleString('en-GB')} characters.`),
    ),
});

const wordsOf = (body: FormBody) => ({ title: text(body.title), subject: text(body.subject), body: text(body.body) });

const londonWhen = (iso: string | null) => {
  if (!iso) return '';
  const { date, time } = londonWallClock(new Date(iso));
  return `${date} ${time} (London)`;
};

function idOf(req: FastifyRequest<{ Params: { id: string } }>): number {
  if (!/^\d{1,12}$/.test(req.params.id)) throw notFound("We couldn't find that campaign.");
  return Number(req.params.id);
}

const NOTICES: Record<string, string> = {
  saved: 'Saved.',
  'test-sent': 'A test copy is on its way to your own address.',
  scheduled: 'Scheduled. It will be sent at the time shown, to everyone who consents then.',
  'sending-now': 'It will start going out within a minute, to everyone who consents then.',
  cancelled: 'The schedule is cancelled; nothing was sent. You can change it and schedule it again.',
};

export async function campaignsAdminRoutes(app: FastifyInstance): Promise<void> {
  const sending = () => ({ shopName: app.config.shop.name, messageDomain: messageIdDomain(app.config.publicUrl) });

  /** A failed action on a campaign, in words. */
  function refuse(result: Exclude<CampaignResult, { ok: true }>): never {
    if (result.reason === 'not_found') throw notFound("We couldn't find that campaign.");
    if (result.reason === 'not_scheduled')
      throw new PublicError(409, 'That campaign is not scheduled, so there is nothing to cancel.', 'Not scheduled');
    if (result.reason === 'in_past') throw new PublicError(400, 'Please choose a time from now on.');
    throw new PublicError(
      409,
      'That campaign has been scheduled or sent, so it can no longer change. Cancel its schedule first.',
      'Cannot change',
    );
  }

  async function showCampaign(
    req: FastifyRequest,
    reply: FastifyReply,
    c: CampaignRow,
    form: { words?: Record<string, string>; errors?: FieldErrors; schedule?: { date: string; time: string }; scheduleError?: string } = {},
    status = 200,
  ) {
    const role = req.staffSession?.staff.role ?? '';
    const notice = NOTICES[text((req.query as Record<string, unknown>).done)];
    return reply.adminPage(
      { title: c.title, section: 'campaigns', csrfToken: reply.csrfToken() },
      <CampaignPage
        campaign={c}
        csrf={reply.csrfToken()}
        canSend={can(role, 'marketing.send')}
        report={await campaignReport(app.db, c)}
        audience={c.status === 'draft' || c.status === 'cancelled' || c.status === 'scheduled' ? await audienceNow(app.db) : null}
        text={previewOf(c, app.config.shop.name).text}
        notice={status === 200 ? notice : undefined}
        ownEmail={req.staffSession?.staff.email ?? ''}
        form={form}
      />,
      status,
    );
  }

  app.get('/admin/campaigns', { config: { access: 'marketing.view' } }, async (req, reply) => {
    const raw = text((req.query as Record<string, unknown>).page);
    const page = /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
    const { rows, total } = await campaignList(app.db, page, PAGE);
    const role = req.staffSession?.staff.role ?? '';
    return reply.adminPage(
      { title: 'Campaigns', section: 'campaigns', csrfToken: reply.csrfToken() },
      <section>
        <h1>Campaigns</h1>
        <p>
          Marketing e-mails to the people who consent to our {CONSENT_PURPOSES['general-subscription'].name} — {await audienceNow(app.db)}{' '}
          at the moment. Who receives a campaign is decided when it is sent, from the consent record, and each e-mail carries its
          recipient's own Unsubscribe link.
        </p>
        {can(role, 'marketing.send') && (
          <p>
            <a class="button button-primary" href="/admin/campaigns/new">
              Write a campaign
            </a>
          </p>
        )}
        <table class="admin-table">
          <caption class="visually-hidden">Campaigns, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">When</th>
              <th scope="col" class="num">
                Audience
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <RowLink href={`/admin/campaigns/${c.id}`}>{c.title}</RowLink>
                <td>{STATUS_WORDS[c.status] ?? c.status}</td>
                <td>{londonWhen(c.finished_at ?? c.started_at ?? c.scheduled_for)}</td>
                <td class="num">{c.audience ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p>No campaigns yet.</p>}
        <Pagination page={page} pages={Math.max(1, Math.ceil(total / PAGE))} hrefFor={(n) => `/admin/campaigns?page=${n}`} />
      </section>,
    );
  });

  app.get('/admin/campaigns/new', { config: { access: 'marketing.send' } }, async (_req, reply) =>
    reply.adminPage(
      { title: 'Write a campaign', section: 'campaigns', csrfToken: reply.csrfToken() },
      <section class="admin-card">
        <h1>Write a campaign</h1>
        <WordsForm action="/admin/campaigns/new" csrf={reply.csrfToken()} values={{}} errors={{}} button="Save draft" />
      </section>,
    ),
  );

  app.post('/admin/campaigns/new', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const body = bodyOf(req);
    const parsed = wordsSchema.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error.issues);
      return reply.adminPage(
        { title: 'Write a campaign', section: 'campaigns', csrfToken: reply.csrfToken() },
        <section class="admin-card">
          <h1>Write a campaign</h1>
          <ErrorSummary errors={errors} />
          <WordsForm action="/admin/campaigns/new" csrf={reply.csrfToken()} values={wordsOf(body)} errors={errors} button="Save draft" />
        </section>,
        400,
      );
    }
    const id = await createCampaign(app.db, parsed.data, actorOf(req), app.clock());
    return reply.redirect(`/admin/campaigns/${id}?done=saved`, 303);
  });

  app.get<{ Params: { id: string } }>('/admin/campaigns/:id', { config: { access: 'marketing.view' } }, async (req, reply) => {
    const c = await findCampaignById(app.db, idOf(req));
    if (!c) throw notFound("We couldn't find that campaign.");
    return showCampaign(req, reply, c);
  });

  // The e-mail's HTML alone, for the sandboxed frame on the campaign's page: no script can run in
  // it, nothing it names is fetched but https images, and only our own pages may frame it.
  app.get<{ Params: { id: string } }>('/admin/campaigns/:id/preview', { config: { access: 'marketing.view' } }, async (req, reply) => {
    const c = await findCampaignById(app.db, idOf(req));
    if (!c) throw notFound("We couldn't find that campaign.");
    return reply
      .header(
        'content-security-policy',
        "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox",
      )
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(previewOf(c, app.config.shop.name).html);
  });

  app.post<{ Params: { id: string } }>('/admin/campaigns/:id', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const id = idOf(req);
    const body = bodyOf(req);
    const parsed = wordsSchema.safeParse(body);
    if (!parsed.success) {
      const c = await findCampaignById(app.db, id);
      if (!c) throw notFound("We couldn't find that campaign.");
      return showCampaign(req, reply, c, { words: wordsOf(body), errors: fieldErrors(parsed.error.issues) }, 400);
    }
    const result = await updateCampaign(app.db, id, parsed.data, actorOf(req), app.clock());
    if (!result.ok) refuse(result);
    return reply.redirect(`/admin/campaigns/${id}?done=saved`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/campaigns/:id/test-send', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const id = idOf(req);
    const staff = req.staffSession?.staff;
    if (!staff) throw new PublicError(401, 'Please sign in to the back office first.', 'Please sign in');
    const result = await testSendCampaign(app.db, id, { staffId: staff.id, email: staff.email }, sending(), actorOf(req), app.clock());
    if (!result.ok) refuse(result);
    return reply.redirect(`/admin/campaigns/${id}?done=test-sent`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/campaigns/:id/schedule', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const id = idOf(req);
    const body = bodyOf(req);
    const schedule = { date: text(body.date).trim(), time: text(body.time).trim() };
    const now = app.clock();
    const at = fromLondonTime(schedule.date, schedule.time);
    const problem =
      schedule.date === '' || schedule.time === ''
        ? 'Please give the date and the time (London) to send it.'
        : !at
          ? 'Please give a real date and time, like 2026-12-24 and 09:30 (a time the clocks skip in spring does not exist).'
          : at.getTime() < now.getTime()
            ? 'Please choose a time from now on, or send it now.'
            : undefined;
    if (problem || !at) {
      const c = await findCampaignById(app.db, id);
      if (!c) throw notFound("We couldn't find that campaign.");
      return showCampaign(req, reply, c, { schedule, scheduleError: problem }, 400);
    }
    const result = await scheduleCampaign(app.db, id, at, actorOf(req), now);
    if (!result.ok) refuse(result);
    return reply.redirect(`/admin/campaigns/${id}?done=scheduled`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/campaigns/:id/send-now', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const id = idOf(req);
    const now = app.clock();
    const result = await scheduleCampaign(app.db, id, now, actorOf(req), now);
    if (!result.ok) refuse(result);
    return reply.redirect(`/admin/campaigns/${id}?done=sending-now`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/campaigns/:id/cancel', { config: { access: 'marketing.send' } }, async (req, reply) => {
    const id = idOf(req);
    const result = await cancelCampaign(app.db, id, actorOf(req), app.clock());
    if (!result.ok) refuse(result);
    return reply.redirect(`/admin/campaigns/${id}?done=cancelled`, 303);
  });

  // ——— Marketing requests received by e-mail or post ———

  const requestSchema = z.object({
    email: z
      .string({ message: 'Please enter the e-mail address the request is about.' })
      .trim()
      .min(1, 'Please enter the e-mail address the request is about.')
      .max(254, 'Please keep the e-mail address under 254 characters.')
      .pipe(z.email({ message: 'Please enter a valid e-mail address, like name@example.co.uk.' })),
    purpose: z.enum(REQUEST_PURPOSES, { message: 'Please choose what they want to stop.' }),
    channel: z.enum(['email', 'post'], { message: 'Please say how the request arrived: by e-mail or by post.' }),
    reason: textField('the reason, as the person gave it', 500),
  });

  const requestPage = (reply: FastifyReply, values: Record<string, string>, errors: FieldErrors, done?: string, status = 200) =>
    reply.adminPage(
      { title: 'Record a marketing request', section: 'marketing-requests', csrfToken: reply.csrfToken() },
      <RequestPage csrf={reply.csrfToken()} values={values} errors={errors} done={done} />,
      status,
    );

  app.get('/admin/marketing-requests', { config: { access: 'marketing.requests' } }, async (req, reply) => {
    const done = text((req.query as Record<string, unknown>).done);
    return requestPage(reply, {}, {}, done === 'recorded' ? 'recorded' : undefined);
  });

  app.post('/admin/marketing-requests', { config: { access: 'marketing.requests' } }, async (req, reply) => {
    const body = bodyOf(req);
    const values = { email: text(body.email), purpose: text(body.purpose), channel: text(body.channel), reason: text(body.reason) };
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return requestPage(reply, values, fieldErrors(parsed.error.issues), undefined, 400);
    await recordMarketingRequest(app.db, parsed.data, actorOf(req), app.clock());
    return reply.redirect('/admin/marketing-requests?done=recorded', 303);
  });
}

function WordsForm(props: { action: string; csrf: string; values: Record<string, string>; errors: FieldErrors; button: string }) {
  return (
    <form method="post" action={props.action} class="stacked-form" novalidate>
      <Csrf token={props.csrf} />
      <Field
        name="title"
        label="Title"
        hint="For the back office only; recipients never see it."
        value={props.values.title}
        errors={props.errors}
        maxLength={CAMPAIGN_LIMITS.title}
      />
      <Field name="subject" label="Subject line" value={props.values.subject} errors={props.errors} maxLength={CAMPAIGN_LIMITS.subject} />
      <Field
        name="body"
        label="The e-mail, in Markdown"
        hint="Headings with #, **bold**, *italic*, lists with -, links as [words](https://…). HTML is shown as text, not used. The Unsubscribe link is added at the bottom."
        rows={18}
        value={props.values.body}
        errors={props.errors}
        spellcheck
      />
      <button type="submit" class="button button-primary">
        {props.button}
      </button>
    </form>
  );
}

function CampaignPage(props: {
  campaign: CampaignRow;
  csrf: string;
  canSend: boolean;
  report: CampaignReport;
  audience: number | null;
  text: string;
  notice?: string;
  ownEmail: string;
  form: { words?: Record<string, string>; errors?: FieldErrors; schedule?: { date: string; time: string }; scheduleError?: string };
}) {
  const c = props.campaign;
  const editable = c.status === 'draft' || c.status === 'cancelled';
  const r = props.report;
  const errors = props.form.errors ?? {};
  return (
    <section>
      <h1>{c.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{STATUS_WORDS[c.status] ?? c.status}</dd>
        <dt>Sent to</dt>
        <dd>Everyone who consents to our {CONSENT_PURPOSES[familyOf(c.purpose)].name} when it is sent</dd>
        {c.scheduled_for && (
          <>
            <dt>Scheduled for</dt>
            <dd>{londonWhen(c.scheduled_for)}</dd>
          </>
        )}
        {c.started_at && (
          <>
            <dt>Started</dt>
            <dd>{londonWhen(c.started_at)}</dd>
          </>
        )}
        {c.finished_at && (
          <>
            <dt>Finished</dt>
            <dd>{londonWhen(c.finished_at)}</dd>
          </>
        )}
        {props.audience !== null && (
          <>
            <dt>Audience now</dt>
            <dd>{props.audience}</dd>
          </>
        )}
      </dl>

      {(c.status === 'sending' || c.status === 'sent') && (
        <section class="admin-card">
          <h2>Report</h2>
          <table class="admin-table campaign-report">
            <tbody>
              <tr>
                <th scope="row">Audience (consenting when it was sent)</th>
                <td class="num">{r.audience ?? 0}</td>
              </tr>
              <tr>
                <th scope="row">Queued</th>
                <td class="num">{r.queued}</td>
              </tr>
              {c.status === 'sending' && (
                <tr>
                  <th scope="row">Waiting their turn</th>
                  <td class="num">{r.waiting}</td>
                </tr>
              )}
              <tr>
                <th scope="row">Sent</th>
                <td class="num">{r.sent}</td>
              </tr>
              <tr>
                <th scope="row">Failed</th>
                <td class="num">{r.failed}</td>
              </tr>
              <tr>
                <th scope="row">Withheld (consent withdrawn before their turn)</th>
                <td class="num">{r.withheld}</td>
              </tr>
              <tr>
                <th scope="row">Unsubscribed with this campaign's link</th>
                <td class="num">{r.unsubscribed}</td>
              </tr>
            </tbody>
          </table>
        </section>
      )}

      <section class="admin-card">
        <h2>Preview</h2>
        <p>
          Subject: <strong>{c.subject}</strong>
        </p>
        <iframe class="campaign-preview" sandbox="" src={`/admin/campaigns/${c.id}/preview`} title="The e-mail as recipients will see it" />
        <details>
          <summary>The plain-text part</summary>
          <pre class="campaign-text">{props.text}</pre>
        </details>
      </section>

      {props.canSend && editable && (
        <>
          <section class="admin-card">
            <h2>Test, schedule or send</h2>
            <ActionButton action={`/admin/campaigns/${c.id}/test-send`} csrf={props.csrf} buttonClass="button">
              Send a test to {props.ownEmail}
            </ActionButton>
            <form method="post" action={`/admin/campaigns/${c.id}/schedule`} class="stacked-form" novalidate>
              <Csrf token={props.csrf} />
              {props.form.scheduleError && <Notice kind="error">{props.form.scheduleError}</Notice>}
              <Field name="date" label="Date (London)" hint="Like 2026-12-24" value={props.form.schedule?.date} />
              <Field name="time" label="Time (London, 24-hour)" hint="Like 09:30" value={props.form.schedule?.time} />
              <button type="submit" class="button">
                Schedule
              </button>
            </form>
            <ActionButton
              action={`/admin/campaigns/${c.id}/send-now`}
              csrf={props.csrf}
              buttonClass="button button-primary"
              confirm={`Send "${c.subject}" now to everyone who consents (${props.audience ?? 0} at the moment)?`}
            >
              Send now
            </ActionButton>
          </section>
          <section class="admin-card">
            <h2>Change it</h2>
            <ErrorSummary errors={errors} />
            <WordsForm
              action={`/admin/campaigns/${c.id}`}
              csrf={props.csrf}
              values={props.form.words ?? { title: c.title, subject: c.subject, body: c.body_markdown }}
              errors={errors}
              button="Save changes"
            />
          </section>
        </>
      )}

      {props.canSend && c.status === 'scheduled' && (
        <section class="admin-card">
          <h2>Scheduled</h2>
          <p>It can no longer change. Cancel the schedule to change it, send a test, or choose another time.</p>
          <ActionButton action={`/admin/campaigns/${c.id}/cancel`} csrf={props.csrf} buttonClass="button">
            Cancel the schedule
          </ActionButton>
        </section>
      )}

      <p>
        <a href="/admin/campaigns">← All campaigns</a>
      </p>
    </section>
  );
}

function RequestPage(props: { csrf: string; values: Record<string, string>; errors: FieldErrors; done?: string }) {
  return (
    <section class="admin-card narrow">
      <h1>Record a marketing request</h1>
      <p>
        When someone writes to us, by e-mail or by post, to be removed from our marketing, record it here. It takes effect at once: every
        consent of that address to what they name is withdrawn, and the address goes on the suppression list so that it is never sent that
        kind of e-mail again unless they sign up afresh. The request and your reason are kept in the consent record and the audit trail.
      </p>
      {props.done === 'recorded' && <Notice kind="success">Recorded. That address will not be sent it again.</Notice>}
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/admin/marketing-requests" class="stacked-form" novalidate>
        <Csrf token={props.csrf} />
        <Field name="email" label="Their e-mail address" type="email" value={props.values.email} errors={props.errors} autocomplete="off" />
        <SelectField
          name="purpose"
          label="They want to stop"
          value={props.values.purpose}
          errors={props.errors}
          options={[
            { value: '', label: 'Choose one' },
            ...REQUEST_PURPOSES.map((p) => ({ value: p, label: CONSENT_PURPOSES[familyOf(p)].name })),
          ]}
        />
        <p>What happens: withdraw (the only thing a request to stop can do).</p>
        <SelectField
          name="channel"
          label="How the request arrived"
          value={props.values.channel}
          errors={props.errors}
          options={[{ value: '', label: 'Choose one' }, ...Object.entries(REQUEST_CHANNELS).map(([value, label]) => ({ value, label }))]}
        />
        <Field
          name="reason"
          label="Reason"
          hint="What they asked, in a few words, and where the letter or e-mail is filed."
          value={props.values.reason}
          errors={props.errors}
        />
        <button type="submit" class="button button-primary">
          Withdraw and suppress
        </button>
      </form>
    </section>
  );
}
