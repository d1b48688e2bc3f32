import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Notice } from '../../http/views/components.js';
import { Csrf, Field } from '../../http/views/form.js';
import { fieldText, formBodyOf } from '../../http/form-fields.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { countMailByReference, messageIdDomain } from '../mail/outbox.service.js';
import { policyChangeReference } from './policy.mail.js';
import {
  MATERIAL_NOTICE_DAYS,
  MATERIAL_SUMMARY_MAX,
  type PolicyNoticeSending,
  type PolicyVersion,
  comparePath,
  noticeDate,
} from './privacy.service.js';

/**
 * /admin/policy, for the owner: the version of the privacy policy in force and every one before
 * it; marking the version in force as a material change, with a summary in plain English, shows a
 * notice on every storefront page for MATERIAL_NOTICE_DAYS and sends every account holder a
 * service notice (queued in the background, at the marketing rate). Audited by the service.
 */

const summarySchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'Please say in a sentence or two what changed, in plain English: it goes on the notice and in the e-mail.')
      .max(MATERIAL_SUMMARY_MAX, `Please keep the summary to ${MATERIAL_SUMMARY_MAX} characters: a few plain sentences.`)
      .refine((s) => !/[<>]/.test(s), 'Please write the summary as plain text, without < or > (no HTML).'),
  );

const markSchema = z.object({
  version: z.string().regex(/^[0-9a-f]{12}$/, 'Please mark the version shown on this page.'),
  summary: summarySchema,
});

const REFUSED: Record<'not_found' | 'not_current' | 'already_marked', { status: number; text: string }> = {
  not_found: { status: 400, text: 'There is no such version of the privacy policy. Please mark the version in force, shown below.' },
  not_current: {
    status: 409,
    text: 'Only the version in force can be marked as a material change: that version is no longer in force. Please mark the current one, shown below.',
  },
  already_marked: {
    status: 409,
    text: 'That version is already marked as a material change: its notice is showing and its e-mails have been queued. It cannot be marked twice.',
  },
};

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

export async function policyAdminRoutes(app: FastifyInstance): Promise<void> {
  const manage = { config: { access: 'policy.manage' as const } };

  const sending = (): PolicyNoticeSending => ({
    shopName: app.config.shop.name,
    shopEmail: app.config.shop.email,
    publicUrl: app.config.publicUrl,
    messageDomain: messageIdDomain(app.config.publicUrl),
    ratePerMinute: app.config.marketingRatePerMinute,
  });

  /** The notices being queued after the answer: shutdown waits for them, so the database is not closed under a batch. */
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.all([...running]);
  });
  function inBackground(notifying: Promise<number>): void {
    const done: Promise<void> = notifying
      .then(
        (queued) => app.log.info({ queued }, 'privacy policy change notices queued'),
        (err: unknown) => app.log.error({ err }, 'queueing the privacy policy change notices failed'),
      )
      .finally(() => running.delete(done));
    running.add(done);
  }

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    form: { summary?: string; error?: string; notice?: { kind: 'success' | 'error'; text: string } } = {},
    status = 200,
  ) {
    const policy = await app.privacy.policy(app.clock());
    const versions = await app.privacy.versions();
    const current = versions.find((v) => v.version === policy.version);
    const marked = versions.filter((v) => v.materialAt !== null);
    const counts = new Map(
      await Promise.all(
        marked.map(async (v) => [v.version, await countMailByReference(app.db, policyChangeReference(v.version))] as const),
      ),
    );
    const done = fieldText((req.query as Record<string, unknown>).done);
    const shown = form.notice ?? (done === 'marked' ? { kind: 'success' as const, text: MARKED_TEXT } : undefined);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Privacy policy', section: 'policy', csrfToken: csrf },
      <section>
        <h1>Privacy policy</h1>
        {shown && <Notice kind={shown.kind}>{shown.text}</Notice>}
        <p>
          The privacy policy is generated from what the shop actually stores: each change to it makes a new version, kept in full and listed
          publicly at <a href="/privacy/versions">/privacy/versions</a>.
        </p>
        <h2>The version in force</h2>
        <p>
          Version <code>{policy.version}</code>, published {dateTime.format(new Date(policy.publishedAt))}. <a href="/privacy">Read it</a>
          {versions[1] && (
            <>
              {' · '}
              <a href={comparePath(versions[1].version, policy.version)}>What changed from the version before</a>
            </>
          )}
        </p>
        {current?.materialAt ? (
          <>
            <p>
              Marked as a material change on {dateTime.format(new Date(current.materialAt))}: “{current.materialSummary}”
            </p>
            {!current.notifiedAt && !app.privacy.isNotifying(current.version) && (
              <form method="post" action="/admin/policy/notify" class="admin-form">
                <Csrf token={csrf} />
                <input type="hidden" name="version" value={current.version} />
                <p>
                  The e-mails to account holders stopped being queued before all were (the shop was restarted). Queue the rest: nobody
                  already queued is e-mailed twice.
                </p>
                <button type="submit" class="button">
                  Queue the remaining e-mails
                </button>
              </form>
            )}
          </>
        ) : (
          <form method="post" action="/admin/policy/material" class="admin-form">
            <Csrf token={csrf} />
            <input type="hidden" name="version" value={policy.version} />
            <h3>Mark this version as a material change</h3>
            <p>
              Do this when the change matters to customers (new purposes, a new company receiving their data, data kept longer). A notice
              shows on every page of the shop for {MATERIAL_NOTICE_DAYS} days, linking to what changed, and every account holder is e-mailed
              your summary (a service message: sent whatever their marketing choices, at the marketing sending rate). It cannot be undone.
            </p>
            <Field
              name="summary"
              label="What changed, in plain English"
              hint={`Shown on the notice and in the e-mail. At most ${MATERIAL_SUMMARY_MAX} characters.`}
              rows={4}
              maxLength={MATERIAL_SUMMARY_MAX}
              required
              value={form.summary ?? ''}
              error={form.error}
            />
            <button type="submit" class="button">
              Mark as material and tell customers
            </button>
          </form>
        )}
        <h2>Every version</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Published</th>
              <th scope="col">Version</th>
              <th scope="col">Material change</th>
              <th scope="col">Account holders told</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>{noticeDate(v.publishedAt)}</td>
                <td>
                  <a href={`/privacy/versions/${v.version}`}>
                    <code>{v.version}</code>
                  </a>
                  {v.hasText ? '' : ' (text not kept)'}
                </td>
                <td>{v.materialSummary ?? 'No'}</td>
                <td>{v.materialAt ? <ToldText version={v} counts={counts.get(v.version)} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
      status,
    );
  }

  app.get('/admin/policy', manage, async (req, reply) => page(req, reply));

  app.post('/admin/policy/material', manage, async (req, reply) => {
    const body = formBodyOf(req);
    const parsed = markSchema.safeParse({ version: fieldText(body.version), summary: fieldText(body.summary) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue?.message ?? 'Please check the form.';
      if (issue?.path[0] === 'summary') return page(req, reply, { summary: fieldText(body.summary).slice(0, 2000), error: message }, 400);
      return page(req, reply, { notice: { kind: 'error', text: message } }, 400);
    }
    const now = app.clock();
    const result = await app.privacy.markMaterial(parsed.data.version, parsed.data.summary, actorOf(req), sending(), now);
    if (!result.ok) {
      const refused = REFUSED[result.reason];
      return page(req, reply, { notice: { kind: 'error', text: refused.text } }, refused.status);
    }
    // Queued in the background, a batch per transaction: the owner need not wait for 100,000 accounts.
    inBackground(result.notifying);
    return reply.redirect('/admin/policy?done=marked', 303);
  });

  app.post('/admin/policy/notify', manage, async (req, reply) => {
    const version = fieldText(formBodyOf(req).version);
    const resumed = /^[0-9a-f]{12}$/.test(version) ? await app.privacy.resumeNotices(version, actorOf(req), sending(), app.clock()) : null;
    if (!resumed) {
      return page(
        req,
        reply,
        {
          notice: { kind: 'error', text: 'There is nothing left to queue for that version: its e-mails are all queued, or being queued.' },
        },
        409,
      );
    }
    inBackground(resumed.notifying);
    return reply.redirect('/admin/policy?done=marked', 303);
  });
}

const MARKED_TEXT =
  'Marked as a material change: the notice now shows on every page of the shop, and the e-mails to account holders are being queued.';

function ToldText({ version, counts }: { version: PolicyVersion; counts?: { waiting: number; sent: number; failed: number } }) {
  const tally = counts
    ? `${counts.sent} sent, ${counts.waiting} waiting${counts.failed > 0 ? `, ${counts.failed} undeliverable` : ''}`
    : '';
  return (
    <>
      {version.notifiedAt ? `All queued ${dateTime.format(new Date(version.notifiedAt))}: ` : 'Being queued: '}
      {tally}
      {version.noticeEndsAt && `. Notice shown until ${dateTime.format(new Date(version.noticeEndsAt))}`}
    </>
  );
}
