import type { FastifyInstance, FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { fieldText, fieldTexts, formBodyOf } from '../../http/form-fields.js';
import { privatePage } from '../../http/render.js';
import { copyDay, zipOfCopy } from './copy.service.js';
import { requestMailContext } from './requests.mail.js';
import { answerCopy, confirmRequest, findConfirmation, receivePublicRequest, validateRequestForm } from './requests.service.js';
import { CopyDocument } from './views/copy-page.js';
import {
  CheckYourEmailPage,
  ConfirmRequestPage,
  LinkFailedPage,
  RequestConfirmedPage,
  RequestFormPage,
  type RequestFormValues,
} from './views/request-pages.js';

/**
 * The public "Your privacy rights" form, its confirmation link, and the answer link of an access
 * request. No account is needed; what the form answers never tells whether the address is known.
 * Opening a link changes nothing (mail scanners open links): the Confirm button does.
 */
export async function privacyRequestRoutes(app: FastifyInstance): Promise<void> {
  const mail = requestMailContext(app);
  const formLimit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' } };

  const page = (reply: FastifyReply, title: string, body: VNode, status = 200) => {
    privatePage(reply);
    return reply.page({ title, noindex: true }, body, status);
  };
  const form = (reply: FastifyReply, values: RequestFormValues, errors: Record<string, string | undefined>, status = 200) =>
    page(
      reply,
      'Your privacy rights',
      <RequestFormPage
        csrf={reply.csrfToken()}
        values={values}
        errors={errors}
        shopEmail={app.config.shop.email}
        shopAddress={app.config.shop.address}
      />,
      status,
    );

  app.get('/privacy/rights', async (_req, reply) => form(reply, {}, {}));

  app.post('/privacy/rights', { config: formLimit }, async (req, reply) => {
    const body = formBodyOf(req);
    const input = {
      kind: fieldText(body.kind) || undefined,
      email: fieldText(body.email),
      name: fieldText(body.name),
      details: fieldText(body.details),
      objections: fieldTexts(body.objections),
    };
    const checked = validateRequestForm(input);
    if (!checked.ok) {
      const values = { ...input, email: input.email.slice(0, 254), name: input.name.slice(0, 100), details: input.details.slice(0, 5000) };
      return form(reply, values, checked.errors, 400);
    }
    await receivePublicRequest(app.db, mail, checked.value, app.clock());
    // The same answer for every address: with an account, with orders, or unknown to the shop.
    return reply.redirect('/privacy/rights/check-your-email', 303);
  });

  app.get('/privacy/rights/check-your-email', async (_req, reply) => page(reply, 'Check your e-mail', <CheckYourEmailPage />));

  const linkFailed = (reply: FastifyReply, reason: 'unknown' | 'expired', kind: 'confirm' | 'answer') =>
    page(
      reply,
      reason === 'expired' ? 'That link has expired' : 'Link not found',
      <LinkFailedPage expired={reason === 'expired'} kind={kind} />,
      reason === 'expired' ? 410 : 404,
    );

  app.get('/privacy/rights/confirm', async (req, reply) => {
    const token = fieldText((req.query as Record<string, unknown>).token).slice(0, 200);
    const found = await findConfirmation(app.db, token, app.clock());
    if (!found.ok) return linkFailed(reply, found.reason, 'confirm');
    return page(
      reply,
      'Confirm your privacy request',
      <ConfirmRequestPage csrf={reply.csrfToken()} token={token} reference={found.reference} kind={found.kind} />,
    );
  });

  // Checked by origin, as the newsletter's Confirm button is: someone who refuses cookies can confirm too.
  app.post('/privacy/rights/confirm', { config: { csrf: 'origin', ...formLimit } }, async (req, reply) => {
    const token = fieldText(formBodyOf(req).token).slice(0, 200);
    const done = await confirmRequest(app.db, token, app.clock());
    if (!done.ok) return linkFailed(reply, done.reason, 'confirm');
    return page(reply, 'Request confirmed', <RequestConfirmedPage reference={done.reference} due={done.due} />);
  });

  // ——— The answer to an access request: the token is the key to one person's copy ———

  const answerLimit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };
  const answerOf = (token: string, form: 'page' | 'zip') => answerCopy(app.db, token, form, app.clock());

  app.get('/privacy/requests/answer', { config: answerLimit }, async (req, reply) => {
    const token = fieldText((req.query as Record<string, unknown>).token).slice(0, 200);
    const answer = await answerOf(token, 'page');
    if (!answer.ok) return linkFailed(reply, answer.reason, 'answer');
    return page(
      reply,
      'Your data',
      <section class="account-main">
        <h1>Your data</h1>
        <p class="lead">The answer to your request {answer.reference}: everything we hold about you.</p>
        <CopyDocument copy={answer.copy} zipHref={`/privacy/requests/answer/zip?token=${encodeURIComponent(token)}`} />
      </section>,
    );
  });

  app.get('/privacy/requests/answer/zip', { config: answerLimit }, async (req, reply) => {
    const token = fieldText((req.query as Record<string, unknown>).token).slice(0, 200);
    const answer = await answerOf(token, 'zip');
    if (!answer.ok) return linkFailed(reply, answer.reason, 'answer');
    const zip = await zipOfCopy(answer.copy, app.config.shop.name);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="my-data-${copyDay(answer.copy)}.zip"`)
      .header('cache-control', 'no-store')
      .send(zip);
  });
}
