import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { singleTextOrBlank } from '../../http/form-fields.js';
import { privatePage } from '../../http/render.js';
import { ContinueShopping, Notice } from '../../http/views/components.js';
import { ErrorSummary, type FieldErrors, fieldErrors } from '../../http/views/form.js';
import { deriveKey } from '../../shared/crypto.js';
import { type FeedbackInput, MAX_COMMENTS, answerFeedback, readFeedbackToken } from './feedback.service.js';

const answerForm = z.object({
  rating: singleTextOrBlank.pipe(
    z
      .string()
      .regex(/^[1-5]?$/, 'Please choose a rating from 1 to 5, or none.')
      .transform((v) => (v === '' ? null : Number(v))),
  ),
  comments: singleTextOrBlank.pipe(
    z
      .string()
      .transform((v) => v.trim())
      .pipe(z.string().max(MAX_COMMENTS, `Please keep your comments under ${MAX_COMMENTS} characters.`)),
  ),
});

/**
 * The answer page of a feedback request: a rating (optional) and a comments box. The link comes
 * from an e-mail and needs no sign-in or cookie, so the post is checked by origin; what is kept
 * is only what the person typed.
 */
export async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  const key = deriveKey(app.config.secretKey, 'feedback-link');
  const formLimit = { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' };

  function checkLink(token: string) {
    const link = readFeedbackToken(key, token, app.clock());
    if (link.ok) return;
    if (link.reason === 'expired') {
      throw new PublicError(
        410,
        'This feedback link has run out: each works for 30 days after we send it. Thank you all the same.',
        'Link expired',
      );
    }
    throw notFound(
      "That feedback link isn't one we recognise. Please open it again from the e-mail, or write to us from the Contact page.",
    );
  }

  app.get<{ Params: { token: string } }>('/feedback/:token', async (req, reply) => {
    checkLink(req.params.token);
    privatePage(reply);
    return reply.page({ title: 'Your feedback', noindex: true }, <FeedbackPage token={req.params.token} values={{}} errors={{}} />);
  });

  app.post<{ Params: { token: string } }>('/feedback/:token', { config: { csrf: 'origin', rateLimit: formLimit } }, async (req, reply) => {
    checkLink(req.params.token);
    privatePage(reply);
    const parsed = answerForm.safeParse(req.body ?? {});
    const values = formValues(req.body);
    const errors: FieldErrors = parsed.success
      ? parsed.data.rating === null && parsed.data.comments === ''
        ? { comments: 'Please choose a rating or write a few words — or simply close this page.' }
        : {}
      : fieldErrors(parsed.error.issues);
    if (!parsed.success || Object.keys(errors).length > 0) {
      return reply.page(
        { title: 'Your feedback', noindex: true },
        <FeedbackPage token={req.params.token} values={values} errors={errors} />,
        400,
      );
    }
    const input: FeedbackInput = parsed.data;
    const saved = await answerFeedback(app.db, key, req.params.token, input, app.clock());
    if (!saved.ok) checkLink(req.params.token);
    return reply.page(
      { title: 'Thank you', noindex: true },
      <section class="narrow">
        <Notice kind="success">Thank you — your feedback has reached us.</Notice>
        <h1>Thank you</h1>
        <p class="lead">We read every answer. We kept only what you wrote, not who wrote it.</p>
        <ContinueShopping />
      </section>,
    );
  });
}

function formValues(body: unknown): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(['rating', 'comments'].map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']));
}

function FeedbackPage({ token, values, errors }: { token: string; values: Record<string, string>; errors: FieldErrors }) {
  return (
    <section class="narrow">
      <h1>What did you think of your order?</h1>
      <p class="lead">A rating, a few words, or both. We keep only what you type here: not your name, your address or your order.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/feedback/${token}`} class="stacked-form" novalidate>
        <fieldset class="plain-fieldset" aria-describedby={errors.rating ? 'rating-error' : undefined}>
          <legend>Your rating (optional)</legend>
          {['1', '2', '3', '4', '5'].map((r) => (
            <label class="check" for={`rating-${r}`} key={r}>
              <input type="radio" id={`rating-${r}`} name="rating" value={r} checked={values.rating === r} />
              {r} {r === '1' ? '(poor)' : r === '5' ? '(excellent)' : ''}
            </label>
          ))}
          {errors.rating && (
            <p class="field-error" id="rating-error">
              {errors.rating}
            </p>
          )}
        </fieldset>
        <label for="comments">Your comments (optional)</label>
        <textarea
          id="comments"
          name="comments"
          rows={6}
          maxLength={MAX_COMMENTS}
          aria-invalid={errors.comments ? 'true' : undefined}
          aria-describedby={errors.comments ? 'comments-error' : 'comments-hint'}
        >
          {values.comments ?? ''}
        </textarea>
        <p class="form-note" id="comments-hint">
          Please don't include your name, address or card details: we want the answer, not who gave it.
        </p>
        {errors.comments && (
          <p class="field-error" id="comments-error">
            {errors.comments}
          </p>
        )}
        <button type="submit" class="button button-primary">
          Send my feedback
        </button>
      </form>
    </section>
  );
}
