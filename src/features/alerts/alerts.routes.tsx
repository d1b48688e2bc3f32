import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { parseInput, singleText, singleTextOrBlank } from '../../http/form-fields.js';
import { privatePage } from '../../http/render.js';
import { ContinueShopping, Notice } from '../../http/views/components.js';
import { emailField } from '../customers/customers.forms.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import type { AlertMailContext } from './alerts.mail.js';
import { type AlertSignUp, confirmAlert, findAlertSignUp, requestBackInStockAlert } from './alerts.service.js';

const alertForm = z.object({
  variant: singleText.pipe(
    z.string({ message: 'Please choose the piece to be told about.' }).regex(/^\d{1,12}$/, 'Please choose the piece to be told about.'),
  ),
  email: singleTextOrBlank.pipe(emailField),
});
const tokenText = singleTextOrBlank.pipe(
  z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'That confirmation link is incomplete. Please open it again from the e-mail.'),
);

/**
 * "Tell me when it's back": the form under a sold-out variant, and the double opt-in. The form
 * and the Confirm button are checked by origin, not by a token tied to a cookie: the form sits in
 * a cached product page, and the confirmation link is often opened where no cookie is set yet.
 */
export async function alertsRoutes(app: FastifyInstance): Promise<void> {
  const ctx: AlertMailContext = {
    shopName: app.config.shop.name,
    shopEmail: app.config.shop.email,
    publicUrl: app.config.publicUrl,
    messageDomain: messageIdDomain(app.config.publicUrl),
  };
  const formLimit = { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' };

  app.post('/alerts', { config: { csrf: 'origin', rateLimit: formLimit } }, async (req, reply) => {
    const body = parseInput(alertForm, req.body);
    const now = app.clock();
    const result = await requestBackInStockAlert(app.db, { email: body.email, variantId: Number(body.variant) }, now, {
      ...ctx,
      policyVersion: (await app.privacy.policy(now)).version,
    });
    if (!result.ok && result.reason === 'unknown') {
      throw notFound("We couldn't find that piece. It may no longer be available — have a look at what's new instead.");
    }
    if (!result.ok) {
      throw new PublicError(
        409,
        "Good news: that piece is in stock now, so there's nothing to wait for. You can add it to your bag.",
        'In stock now',
      );
    }
    return reply.redirect('/alerts/requested', 303);
  });

  app.get('/alerts/requested', async (_req, reply) =>
    reply.page(
      { title: 'Check your e-mail', noindex: true },
      <section class="narrow">
        <h1>Check your e-mail</h1>
        <p class="lead">
          If that address can be sent alerts, we have e-mailed it a link. Open it and press Confirm, and we will e-mail you once when the
          piece is back in stock.
        </p>
        <p>Nothing is sent until you confirm, and an unconfirmed request is deleted after 7 days.</p>
        <ContinueShopping />
      </section>,
    ),
  );

  app.get('/alerts/confirm', async (req, reply) => {
    const { token } = parseInput(z.object({ token: tokenText }), req.query);
    const found = await findAlertSignUp(app.db, token, app.clock());
    privatePage(reply);
    if (!found.ok) return linkProblem(found.reason);
    return reply.page(
      { title: 'Confirm your alert', noindex: true },
      <section class="narrow">
        <h1>Confirm your alert</h1>
        <p class="lead">We will e-mail you once when {found.piece} is back in stock, and then forget the request.</p>
        <form method="post" action="/alerts/confirm" class="stacked-form">
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="button button-primary">
            Confirm
          </button>
        </form>
      </section>,
    );
  });

  app.post('/alerts/confirm', { config: { csrf: 'origin', rateLimit: formLimit } }, async (req, reply) => {
    const { token } = parseInput(z.object({ token: tokenText }), req.body);
    const confirmed = await confirmAlert(app.db, token, app.clock());
    privatePage(reply);
    if (!confirmed.ok) return linkProblem(confirmed.reason);
    return reply.page(
      { title: 'Alert confirmed', noindex: true },
      <section class="narrow">
        <Notice kind="success">Your alert is confirmed.</Notice>
        <h1>We'll tell you when it's back</h1>
        <p class="lead">
          We will e-mail you once when {confirmed.piece} is back in stock. If it hasn't come back within 6 months, the alert ends unsent.
        </p>
        <p>
          Every alert e-mail has an Unsubscribe link. See our <a href="/privacy">privacy policy</a>.
        </p>
        <p>
          <a class="button" href={`/products/${confirmed.productSlug}`}>
            Back to the piece
          </a>
        </p>
      </section>,
    );
  });
}

function linkProblem(reason: Exclude<AlertSignUp, { ok: true }>['reason']): never {
  if (reason === 'expired') {
    throw new PublicError(
      410,
      'That confirmation link has run out (links last 7 days). Please ask again from the piece’s page.',
      'Link expired',
    );
  }
  throw notFound('That confirmation link is not one we recognise, or it has already been used. Please ask again from the piece’s page.');
}
