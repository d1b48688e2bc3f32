import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fieldErrors } from '../../http/views/form.js';
import { truncateIp } from '../../shared/crypto.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { staffMailContext } from '../staff/staff.mail.js';
import { exportShop } from './handover.export.js';
import {
  type LastNotice,
  type NoticeDetails,
  lastNotice,
  noticeMail,
  noticeRecipients,
  noticeSchema,
  sendNotice,
} from './handover.notice.js';
import { confirmOwner, recordExport } from './handover.service.js';
import { HandoverPage, type NoticeDraft } from './views/handover-page.js';

/**
 * /admin/export, for the owner (`shop.export`): the whole-shop export for a sale of the business,
 * given only after the password and a current two-factor code, streamed as it is made and
 * recorded; and the notice to customers that the business changes hands, previewed, then queued.
 */

const NO_TWO_FACTOR =
  'Set up two-factor sign-in first: the whole-shop export needs your password and a current code from your authenticator app.';
const WRONG =
  "That password or code isn't right, or the code has already been used. Nothing was exported. Wait for a new code and try again.";
const MISSING = 'Please enter your password and a current code from your authenticator app.';

const answersSchema = z.object({ password: z.string().min(1).max(200), code: z.string().trim().min(1).max(20) });

const againSchema = z.object({ again: z.literal('yes').optional().catch(undefined) });

const whenText = (at: string) => new Date(at).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });
const alreadySent = (last: LastNotice) =>
  `The notice was already sent on ${whenText(last.at)}${last.recipients ? ` (to ${last.recipients.accountHolders + last.recipients.guests} people)` : ''}. Nothing was sent now. To send it a second time, tick "Send it again" and send it once more.`;

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const draftOf = (body: Record<string, unknown>): NoticeDraft => ({ newOwner: text(body.newOwner), transferDate: text(body.transferDate) });

export async function handoverAdminRoutes(app: FastifyInstance): Promise<void> {
  const owner = { config: { access: 'shop.export' as const } };
  const staffMail = staffMailContext(app.config);
  const noticeShop = () => ({
    shopName: app.config.shop.name,
    shopEmail: app.config.shop.email,
    messageDomain: messageIdDomain(app.config.publicUrl),
  });

  async function page(req: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof HandoverPage>[0]> = {}, code = 200) {
    return reply.adminPage(
      { title: 'Whole-shop export', section: 'export', csrfToken: reply.csrfToken() },
      <HandoverPage
        csrf={reply.csrfToken()}
        shopName={app.config.shop.name}
        recipients={await noticeRecipients(app.db)}
        lastSent={(await lastNotice(app.db)) ?? undefined}
        whenText={whenText}
        sqlite={app.dialect === 'sqlite'}
        twoFactor={req.staffSession?.staff.twoFactor ?? false}
        {...extra}
      />,
      code,
    );
  }

  app.get('/admin/export', owner, async (req, reply) => {
    const sent = Number((req.query as Record<string, unknown>).sent);
    return page(
      req,
      reply,
      Number.isInteger(sent) && sent >= 0 && (req.query as Record<string, unknown>).sent !== undefined ? { sent } : {},
    );
  });

  app.post('/admin/export', owner, async (req: FastifyRequest, reply) => {
    const session = req.staffSession!;
    const answers = answersSchema.safeParse(req.body ?? {});
    if (!answers.success) return page(req, reply, { exportError: { text: session.staff.twoFactor ? MISSING : NO_TWO_FACTOR } }, 400);
    if (!session.staff.twoFactor) return page(req, reply, { exportError: { text: NO_TWO_FACTOR } }, 403);
    const now = app.clock();
    const confirmed = await confirmOwner(
      app.db,
      { keys: app.staffKeys, mail: staffMail, network: truncateIp(req.ip) },
      session,
      answers.data,
      now,
    );
    if (!confirmed.ok)
      return page(req, reply, { exportError: { text: confirmed.reason === 'no_two_factor' ? NO_TWO_FACTOR : WRONG } }, 403);

    const actor = actorOf(req);
    const stop = new AbortController();
    const made = exportShop(
      { db: app.db, dialect: app.dialect, dataDir: app.config.dataDir },
      { name: app.config.shop.name },
      now,
      // Recorded before the zip's last bytes are made: a download that completes was recorded.
      { signal: stop.signal, beforeEnd: (summary) => recordExport(app.db, actor, summary, app.clock()) },
    );
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) stop.abort();
    });
    made.done.catch(async (err) => {
      req.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'whole-shop export stopped');
      await recordExport(app.db, actor, null, app.clock(), true).catch((e) =>
        req.log.error({ err: e }, 'could not record the stopped export'),
      );
    });
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="shop-export-${now.toISOString().slice(0, 10)}.zip"`)
      .header('cache-control', 'no-store')
      .send(made.stream);
  });

  function parseNotice(
    req: FastifyRequest,
  ): { ok: true; details: NoticeDetails } | { ok: false; draft: NoticeDraft; errors: ReturnType<typeof fieldErrors> } {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = noticeSchema.safeParse(body);
    if (!parsed.success) return { ok: false, draft: draftOf(body), errors: fieldErrors(parsed.error.issues) };
    return { ok: true, details: parsed.data };
  }

  app.post('/admin/export/notice', owner, async (req, reply) => {
    const n = parseNotice(req);
    if (!n.ok) return page(req, reply, { draft: n.draft, noticeErrors: n.errors }, 400);
    return page(req, reply, previewOf(n.details));
  });

  function previewOf(details: NoticeDetails) {
    const mail = noticeMail(noticeShop(), details, 'Alex');
    const guest = noticeMail(noticeShop(), details, 'Alex', 'guest');
    return { draft: details, preview: { subject: mail.subject, text: mail.text, guestText: guest.text } };
  }

  app.post('/admin/export/notice/send', owner, async (req, reply) => {
    const n = parseNotice(req);
    if (!n.ok) return page(req, reply, { draft: n.draft, noticeErrors: n.errors }, 400);
    const again = againSchema.parse(req.body ?? {}).again === 'yes';
    const sent = await sendNotice(app.db, noticeShop(), n.details, actorOf(req), app.clock(), { again });
    if (!sent.ok) return page(req, reply, { ...previewOf(n.details), againError: alreadySent(sent.last) }, 400);
    return reply.redirect(`/admin/export?sent=${sent.accountHolders + sent.guests}#notice`, 303);
  });
}
