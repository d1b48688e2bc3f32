import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { fieldText, formBodyOf } from '../../http/form-fields.js';
import { Notice } from '../../http/views/components.js';
import { Checkbox, Csrf, ErrorSummary, Field, type FieldErrors } from '../../http/views/form.js';
import { REMEMBER_DAYS, deviceLabel, SESSION_COOKIE, tooManyAttempts } from './customers.domain.js';
import { CONSENT_WORDING } from '../consent/consent.inventory.js';
import { parseEmail, parseNewPassword, parseRegistration, parseSignIn } from './customers.forms.js';
import {
  confirmEmailChange,
  register,
  requestPasswordReset,
  resetLinkIsLive,
  resetPassword,
  signIn,
  signInAddressKey,
  signOut,
  verifyEmail,
} from './customers.service.js';
import { EmailField, NameFields, PhoneField, PostalFields } from '../../http/views/person-fields.js';
import { NewPasswordField } from './views/password-field.js';
import { accountMailContext, clearSessionCookie, safeNext, setSessionCookie } from './customers.session.js';

/**
 * Registration, e-mail confirmation, sign-in and out, and password reset. Every answer is the
 * same whether or not an address has an account, so the forms cannot be used to find customers.
 */
export async function customerAuthRoutes(app: FastifyInstance): Promise<void> {
  const mail = accountMailContext(app.config);
  const addressKey = signInAddressKey(app.config.secretKey);
  // Per network, on top of the per-address wait that grows after wrong passwords.
  const limit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };

  // Work that must not make an answer slower for some addresses than for others runs once the
  // answer is sent; closing the shop waits for it.
  const afterAnswer = new WeakMap<FastifyRequest, () => Promise<void>>();
  const running = new Set<Promise<void>>();
  app.addHook('onResponse', async (req) => {
    const work = afterAnswer.get(req);
    if (!work) return;
    afterAnswer.delete(req);
    // On a later turn of the event loop, so that none of it runs before the answer has gone.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err: unknown) => req.log.error({ err }, 'account work after the answer failed'))
      .finally(() => running.delete(done));
    running.add(done);
  });
  app.addHook('onClose', async () => {
    await Promise.all([...running]);
  });

  const page = (reply: FastifyReply, title: string, body: ComponentChildren, status = 200) => {
    reply.header('cache-control', 'no-store');
    return reply.page({ title, noindex: true }, <section class="auth-page">{body}</section>, status);
  };

  // ——— Registration ———

  const registerForm = (reply: FastifyReply, values: Record<string, string>, errors: FieldErrors, status = 200) =>
    page(
      reply,
      'Open an account',
      <>
        <h1>Open an account</h1>
        <p class="lead">
          An account keeps your details, addresses and orders in one place. You never need one to buy: you can always check out as a guest.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/register" novalidate>
          <Csrf token={reply.csrfToken()} />
          <NameFields values={values} errors={errors} />
          <EmailField value={values.email} errors={errors} hint="We'll send a link to confirm it." />
          <PhoneField values={values} errors={errors} />
          <PostalFields values={values} errors={errors} />
          <NewPasswordField label="Password" errors={errors} advice=". A few unrelated words together make a strong, memorable password." />
          <Checkbox name="general_subscription" checked={values.general_subscription === 'yes'} label={CONSENT_WORDING.registration} />
          <p class="form-note">
            We keep these details to run your account, as our <a href="/privacy">privacy policy</a> explains. You can correct them, download
            them or delete your account at any time.
          </p>
          <button type="submit" class="button button-primary">
            Open my account
          </button>
        </form>
        <p>
          Already have an account? <a href="/account/sign-in">Sign in</a>
        </p>
      </>,
      status,
    );

  app.get('/account/register', async (_req, reply) => registerForm(reply, {}, {}));

  app.post('/account/register', { config: limit }, async (req, reply) => {
    const body = formBodyOf(req);
    const parsed = parseRegistration(body);
    if (!parsed.ok) {
      const values = Object.fromEntries(
        ['first_name', 'surname', 'email', 'phone', 'line1', 'line2', 'city', 'postcode', 'general_subscription'].map((k) => [
          k,
          fieldText(body[k]),
        ]),
      );
      return registerForm(reply, values, parsed.errors, 400);
    }
    const now = app.clock();
    await register(app.db, { ...parsed.value, policyVersion: (await app.privacy.policy(now)).version }, now, mail);
    return reply.redirect('/account/register/sent', 303);
  });

  app.get('/account/register/sent', async (_req, reply) =>
    page(
      reply,
      'Check your inbox',
      <>
        <h1>Check your inbox</h1>
        <p class="lead">We've sent a link to the address you gave. Open it to confirm your address, then sign in.</p>
        <p>Nothing arrived within a few minutes? Check your spam folder, or try signing in: we'll send a new link.</p>
      </>,
    ),
  );

  // ——— Confirming an address (the link asks for a click, so a mail scanner opening it changes nothing) ———

  const confirmPage = (reply: FastifyReply, action: string, token: string, heading: string) =>
    page(
      reply,
      heading,
      <>
        <h1>{heading}</h1>
        <form method="post" action={action}>
          <Csrf token={reply.csrfToken()} />
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="button button-primary">
            Confirm
          </button>
        </form>
      </>,
    );
  const linkFailed = (reply: FastifyReply) =>
    page(
      reply,
      'That link has expired',
      <>
        <h1>That link has expired or was already used</h1>
        <p class="lead">Links work once, for a limited time. Sign in and we'll send you a fresh one if you still need it.</p>
        <p>
          <a class="button" href="/account/sign-in">
            Sign in
          </a>
        </p>
      </>,
      400,
    );

  app.get('/account/verify', async (req, reply) =>
    confirmPage(reply, '/account/verify', fieldText((req.query as Record<string, unknown>).token), 'Confirm your e-mail address'),
  );
  app.post('/account/verify', { config: limit }, async (req, reply) => {
    const result = await verifyEmail(app.db, fieldText(formBodyOf(req).token), app.clock());
    return result.ok ? reply.redirect('/account/sign-in?confirmed=1', 303) : linkFailed(reply);
  });

  app.get('/account/email/confirm', async (req, reply) =>
    confirmPage(
      reply,
      '/account/email/confirm',
      fieldText((req.query as Record<string, unknown>).token),
      'Confirm your new e-mail address',
    ),
  );
  app.post('/account/email/confirm', { config: limit }, async (req, reply) => {
    const result = await confirmEmailChange(app.db, fieldText(formBodyOf(req).token), app.clock(), mail);
    if (result.ok) return reply.redirect('/account/details?email=changed', 303);
    if (result.reason === 'taken') {
      return page(
        reply,
        'Address in use',
        <Notice kind="error">That address now belongs to another account, so it can't be used for yours.</Notice>,
        409,
      );
    }
    return linkFailed(reply);
  });

  // ——— Signing in and out ———

  const signInForm = (
    reply: FastifyReply,
    q: { next?: string; email?: string; notice?: string; error?: string; waitMinutes?: number },
    status = 200,
  ) =>
    page(
      reply,
      'Sign in',
      <>
        <h1>Sign in</h1>
        {q.notice && <Notice kind="success">{q.notice}</Notice>}
        {q.error && <Notice kind="error">{q.error}</Notice>}
        {q.waitMinutes !== undefined && (
          <Notice kind="error">
            {tooManyAttempts(q.waitMinutes).replace(/reset your password\.$/, '')}
            <a href="/account/reset">reset your password</a>.
          </Notice>
        )}
        <form method="post" action="/account/sign-in" novalidate>
          <Csrf token={reply.csrfToken()} />
          <input type="hidden" name="next" value={safeNext(q.next)} />
          <EmailField value={q.email} autocomplete="username" />
          <Field name="password" label="Password" type="password" autocomplete="current-password" maxLength={200} required />
          <Checkbox name="remember" label={`Keep me signed in on this device for ${REMEMBER_DAYS} days`} />
          <button type="submit" class="button button-primary">
            Sign in
          </button>
        </form>
        <p>
          <a href="/account/reset">Forgotten your password?</a> · <a href="/account/register">Open an account</a>
        </p>
      </>,
      status,
    );

  app.get('/account/sign-in', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    if (await req.customerSession()) return reply.redirect(safeNext(fieldText(q.next)), 303);
    const notice = q.confirmed
      ? 'Thank you — your e-mail address is confirmed. Please sign in.'
      : q.reset
        ? 'Your new password is set. Please sign in.'
        : q['signed-out']
          ? 'You are signed out.'
          : undefined;
    return signInForm(reply, { next: fieldText(q.next), notice });
  });

  app.post('/account/sign-in', { config: limit }, async (req, reply) => {
    const body = formBodyOf(req);
    const next = safeNext(fieldText(body.next));
    const parsed = parseSignIn(body);
    const generic =
      "That e-mail address and password don't match an account. Please check them and try again — after several tries, please wait a few minutes.";
    if (!parsed.ok)
      return signInForm(reply, { next, email: fieldText(body.email), error: Object.values(parsed.errors)[0] ?? generic }, 400);
    const result = await signIn(
      app.db,
      { ...parsed.value, userAgentLabel: deviceLabel(req.headers['user-agent']) },
      app.clock(),
      mail,
      addressKey,
    );
    if (!result.ok && result.reason === 'waiting') {
      reply.header('retry-after', String(result.minutes * 60));
      return signInForm(reply, { next, email: parsed.value.email, waitMinutes: result.minutes }, 429);
    }
    if (!result.ok) {
      const error = result.reason === 'unverified' ? "Please confirm your e-mail address first: we've just sent you a new link." : generic;
      return signInForm(reply, { next, email: parsed.value.email, error }, result.reason === 'unverified' ? 403 : 401);
    }
    // A new session, and so a new id, at every sign-in: an id known before cannot be carried over.
    const old = req.cookies[SESSION_COOKIE];
    if (old) await signOut(app.db, old);
    setSessionCookie(reply, app.config, result.token, parsed.value.remember);
    return reply.redirect(next, 303);
  });

  app.post('/account/sign-out', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await signOut(app.db, token);
    clearSessionCookie(reply, app.config);
    return reply.redirect('/account/sign-in?signed-out=1', 303);
  });

  // ——— Password reset ———

  const resetForm = (reply: FastifyReply, email: string, errors: FieldErrors, status = 200) =>
    page(
      reply,
      'Reset your password',
      <>
        <h1>Reset your password</h1>
        <p class="lead">Enter the e-mail address of your account and we'll send a link to choose a new password. It works for one hour.</p>
        <form method="post" action="/account/reset" novalidate>
          <Csrf token={reply.csrfToken()} />
          <EmailField value={email} errors={errors} />
          <button type="submit" class="button button-primary">
            Send the link
          </button>
        </form>
      </>,
      status,
    );

  app.get('/account/reset', async (_req, reply) => resetForm(reply, '', {}));
  app.post('/account/reset', { config: limit }, async (req, reply) => {
    const body = formBodyOf(req);
    const parsed = parseEmail(body);
    if (!parsed.ok) return resetForm(reply, fieldText(body.email), parsed.errors, 400);
    // The address is looked up only once this answer is sent, so it takes as long either way.
    afterAnswer.set(req, () => requestPasswordReset(app.db, parsed.value, app.clock(), mail));
    return page(
      reply,
      'Check your inbox',
      <>
        <h1>Check your inbox</h1>
        <p class="lead">If an account uses that address, we've sent it a link to choose a new password. The link works for one hour.</p>
      </>,
    );
  });

  const chooseForm = (reply: FastifyReply, token: string, errors: FieldErrors, status = 200) =>
    page(
      reply,
      'Choose a new password',
      <>
        <h1>Choose a new password</h1>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/reset/choose" novalidate>
          <Csrf token={reply.csrfToken()} />
          <input type="hidden" name="token" value={token} />
          <NewPasswordField errors={errors} advice=". Choosing a new password signs you out on every device." />
          <button type="submit" class="button button-primary">
            Save my new password
          </button>
        </form>
      </>,
      status,
    );

  app.get('/account/reset/choose', async (req, reply) => {
    const token = fieldText((req.query as Record<string, unknown>).token);
    return (await resetLinkIsLive(app.db, token, app.clock())) ? chooseForm(reply, token, {}) : linkFailed(reply);
  });
  app.post('/account/reset/choose', { config: limit }, async (req, reply) => {
    const body = formBodyOf(req);
    const token = fieldText(body.token);
    const parsed = parseNewPassword(body);
    if (!parsed.ok) return chooseForm(reply, token, parsed.errors, 400);
    const result = await resetPassword(app.db, token, parsed.value, app.clock(), mail, addressKey);
    if (!result.ok) return linkFailed(reply);
    clearSessionCookie(reply, app.config);
    return reply.redirect('/account/sign-in?reset=1', 303);
  });
}
