import type { FastifyInstance, FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { fieldText, formBodyOf } from '../../http/form-fields.js';
import { CARD_NUMBER_MESSAGE, CARD_NUMBER_TITLE, holdsCardNumber } from '../../http/card-guard.js';
import { PublicError } from '../../http/errors.js';
import { privatePage } from '../../http/render.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { emailField } from '../customers/customers.forms.js';
import { CONSENT_PURPOSES, CONSENT_WORDING, familyOf } from './consent.inventory.js';
import { type ConsentMailContext, newsletterConfirmMail } from './consent.mail.js';
import { confirmSignUp, findSignUp, readUnsubscribeToken, requestSignUp, unsubscribeWithToken } from './consent.service.js';
import {
  CheckInboxPage,
  ConfirmSignUpPage,
  NewsletterPage,
  SignUpLinkFailedPage,
  SubscribedPage,
  UnsubscribeLinkFailedPage,
  UnsubscribePage,
  UnsubscribedPage,
} from './views/consent-pages.js';

/**
 * The newsletter's double opt-in (the footer form, the e-mail, the page with the Confirm button)
 * and the unsubscribe link of every marketing e-mail, which works without signing in. Opening a
 * link never changes anything — mail scanners open links — only pressing the page's button does.
 */
export async function consentRoutes(app: FastifyInstance): Promise<void> {
  const mail: ConsentMailContext = { shopName: app.config.shop.name, shopEmail: app.config.shop.email, publicUrl: app.config.publicUrl };
  const domain = messageIdDomain(app.config.publicUrl);
  const formLimit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' } };

  const page = (reply: FastifyReply, title: string, body: VNode, status = 200) => {
    privatePage(reply);
    return reply.page({ title, noindex: true }, body, status);
  };

  // ——— Signing up ———

  app.get('/newsletter', async (_req, reply) => page(reply, 'Sign up for our newsletter', <NewsletterPage />));

  // The footer's form is on cached pages, which carry no per-visitor token: the post must come
  // from the shop's own pages instead (csrf: 'origin', as for the bag).
  app.post('/newsletter', { config: { csrf: 'origin', ...formLimit } }, async (req, reply) => {
    const typed = fieldText(formBodyOf(req).email);
    const parsed = emailField.safeParse(typed);
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'Please check your e-mail address.';
      return page(reply, 'Sign up for our newsletter', <NewsletterPage value={typed.slice(0, 80)} error={error} />, 400);
    }
    const email = parsed.data;
    const now = app.clock();
    await requestSignUp(
      app.db,
      {
        email,
        purpose: 'general-subscription',
        method: 'newsletter-confirmation',
        wording: CONSENT_WORDING.newsletterForm,
        policyVersion: (await app.privacy.policy(now)).version,
      },
      now,
      { compose: (token) => newsletterConfirmMail(mail, email, token), domain },
    );
    // The same answer whatever the address's state: new, subscribed, suppressed or asked a minute ago.
    return reply.redirect('/newsletter/check-your-inbox', 303);
  });

  app.get('/newsletter/check-your-inbox', async (_req, reply) => page(reply, 'Check your inbox', <CheckInboxPage />));

  // ——— Confirming ———

  const linkFailed = (reply: FastifyReply, reason: 'unknown' | 'expired') =>
    page(
      reply,
      reason === 'expired' ? 'That link has expired' : 'Sign-up not found',
      <SignUpLinkFailedPage expired={reason === 'expired'} />,
      reason === 'expired' ? 410 : 404,
    );

  app.get('/newsletter/confirm', async (req, reply) => {
    const token = fieldText((req.query as Record<string, unknown>).token);
    const found = token === '' ? ({ ok: false, reason: 'unknown' } as const) : await findSignUp(app.db, token, app.clock());
    if (!found.ok) return linkFailed(reply, found.reason);
    return page(reply, 'Confirm your sign-up', <ConfirmSignUpPage csrf={reply.csrfToken()} token={token} email={found.email} />);
  });

  // Checked by origin, like the alert's Confirm button: someone who refuses cookies can confirm too.
  app.post('/newsletter/confirm', { config: { csrf: 'origin', ...formLimit } }, async (req, reply) => {
    const token = fieldText(formBodyOf(req).token);
    const confirmed = token === '' ? ({ ok: false, reason: 'unknown' } as const) : await confirmSignUp(app.db, token, app.clock());
    if (!confirmed.ok) return linkFailed(reply, confirmed.reason);
    return reply.redirect('/newsletter/subscribed', 303);
  });

  app.get('/newsletter/subscribed', async (_req, reply) => page(reply, "You're subscribed", <SubscribedPage />));

  // ——— Unsubscribing ———

  const purposeName = (purpose: string) => CONSENT_PURPOSES[familyOf(purpose)].name;
  const from = (query: unknown) => {
    const text = fieldText((query as Record<string, unknown> | undefined)?.from);
    return /^[a-z0-9-]{1,40}$/.test(text) ? text : null;
  };
  const badLink = (reply: FastifyReply) =>
    page(reply, 'Unsubscribe link not recognised', <UnsubscribeLinkFailedPage shopEmail={app.config.shop.email} />, 404);

  app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const read = readUnsubscribeToken(app.db, req.params.token);
    if (!read) return badLink(reply);
    const campaign = from(req.query);
    const action = `/unsubscribe/${encodeURIComponent(req.params.token)}${campaign ? `?from=${campaign}` : ''}`;
    return page(reply, 'Unsubscribe', <UnsubscribePage action={action} purposeName={purposeName(read.purpose)} />);
  });

  // Both the page's button and RFC 8058 one-click, which a mail provider sends from its own
  // servers: no cookie, no CSRF token, no Origin of ours and no sign-in, so csrf: false — the
  // signed token in the address is what names the one address and purpose it can unsubscribe.
  // No rate limit either: a large provider sends many people's one-clicks from a few addresses.
  // Its own scope, so that only this route reads a body of any type: a provider may send a form
  // (read as every form is), or multipart/form-data, plain text or JSON, each reduced to the one
  // field that matters once the card guard has seen it.
  await app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      const text = String(body);
      if (holdsCardNumber(text)) return done(new PublicError(400, CARD_NUMBER_MESSAGE, CARD_NUMBER_TITLE), undefined);
      done(null, { 'List-Unsubscribe': /List-Unsubscribe[\s\S]{0,200}?One-Click/.test(text) ? 'One-Click' : '' });
    });
    scope.post<{ Params: { token: string } }>('/unsubscribe/:token', { config: { csrf: false } }, async (req, reply) => {
      const oneClick = fieldText(formBodyOf(req)['List-Unsubscribe']) === 'One-Click';
      const done = await unsubscribeWithToken(
        app.db,
        req.params.token,
        oneClick ? 'one-click' : 'unsubscribe-link',
        app.clock(),
        from(req.query),
      );
      if (oneClick) {
        reply.header('cache-control', 'no-store');
        return done.ok
          ? reply
              .code(200)
              .type('text/plain; charset=utf-8')
              .send(`Unsubscribed from ${purposeName(done.purpose)}.\n`)
          : reply.code(404).type('text/plain; charset=utf-8').send('Unsubscribe link not recognised.\n');
      }
      if (!done.ok) return badLink(reply);
      return page(reply, "You're unsubscribed", <UnsubscribedPage purposeName={purposeName(done.purpose)} />);
    });
  });
}
