import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { truncateIp } from '../../shared/crypto.js';
import { STAFF_COOKIE, actorOf, clearStaffCookie, safeNext, setStaffCookie } from '../backoffice/backoffice.plugin.js';
import { Notice } from '../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, Field, type FieldErrors, SelectField, fieldErrors } from '../../http/views/form.js';
import { ROLE_LABELS, ROLES, type Role, isRole } from './staff.domain.js';
import { staffMailContext } from './staff.mail.js';
import { listStaff } from './staff.repository.js';
import { MUST_TICK, UndertakingCell, UndertakingPage } from './views/undertaking.js';
import {
  type MemberAction,
  acceptUndertaking,
  type StaffContext,
  type StaffSession,
  beginMove,
  changeRole,
  completeSetup,
  confirmEnrolment,
  createStaff,
  emailSchema,
  endSessionOfToken,
  findSetup,
  reissueSetupLink,
  passwordSchema,
  recoveryCodesLeft,
  resetTwoFactor,
  setDisabled,
  signInWithPassword,
  signOut,
  signOutEverywhere,
  twoFactorState,
  undertakingStanding,
  undertakingStandings,
  verifySecondFactor,
} from './staff.service.js';

const SIGN_IN_FAILED =
  "That e-mail address and password don't match an active account, or the account is locked for a few minutes after repeated attempts. Please try again.";
const NO_TWO_FACTOR =
  "Your password is right, but two-factor sign-in isn't set up for your account, and a password alone can't set it up. Ask the shop owner to reset your two-factor sign-in (or for a new set-up link), then sign in again.";
const WRONG_CODE = "That code isn't right, or it has already been used. Wait for a new code and try again.";
const text = (v: unknown) => (typeof v === 'string' ? v : '');

export async function staffRoutes(app: FastifyInstance): Promise<void> {
  const signInLimit = { rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 2, timeWindow: '10 minutes' } };
  const mail = staffMailContext(app.config);
  const ctxOf = (req: FastifyRequest): StaffContext => ({ keys: app.staffKeys, mail, network: truncateIp(req.ip) });
  /** Who acts on the member the path names (:id), and when. */
  const onMember = (req: FastifyRequest<{ Params: { id: string } }>): MemberAction => ({
    actor: actorOf(req),
    targetId: staffId(req.params.id),
    now: app.clock(),
  });

  // ---- Sign-in ---------------------------------------------------------------------------
  app.get('/admin/sign-in', { config: { access: 'public' } }, async (req, reply) => {
    if (req.staffSession?.stage === 'full') return reply.redirect('/admin', 303);
    const next = safeNext(text((req.query as Record<string, unknown>).next));
    return reply.adminPage({ title: 'Sign in' }, <SignInPage csrf={reply.csrfToken()} next={next} />);
  });

  app.post('/admin/sign-in', { config: { access: 'public', ...signInLimit } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(text(body.next));
    const email = emailSchema.safeParse(body.email);
    const result = email.success
      ? await signInWithPassword(app.db, ctxOf(req), email.data, text(body.password), app.requireTwoFactor, app.clock())
      : { ok: false as const, reason: 'failed' as const, record: async () => {} };
    if (!result.ok) {
      const missing = result.reason === 'two_factor_missing';
      reply.adminPage(
        { title: 'Sign in' },
        <SignInPage csrf={reply.csrfToken()} next={next} email={text(body.email)} error={missing ? NO_TWO_FACTOR : SIGN_IN_FAILED} />,
        missing ? 403 : 401,
      );
      if (result.reason === 'failed') {
        // Counted once the answer is on its way (and whether or not the client stays to read it),
        // so that a failure for a real account answers as fast as one for an unknown address.
        await new Promise((resolve) => setImmediate(resolve));
        await result.record().catch((err: unknown) => req.log.error({ err }, 'recording a failed staff sign-in failed'));
      }
      return reply;
    }
    // A sign-in replaces whatever staff session this browser had before.
    const earlier = req.cookies[STAFF_COOKIE];
    if (earlier) await endSessionOfToken(app.db, earlier);
    setStaffCookie(app, reply, result.sessionToken);
    if (result.stage === 'second-factor')
      return reply.redirect(`/admin/sign-in/code${next !== '/admin' ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
    if (result.stage === 'enrol' || result.enrol) return reply.redirect('/admin/account/two-factor', 303);
    return reply.redirect(next, 303);
  });

  app.get('/admin/sign-in/code', { config: { access: 'signed-in', stages: ['second-factor'] } }, async (req, reply) => {
    const next = safeNext(text((req.query as Record<string, unknown>).next));
    return reply.adminPage({ title: 'Enter your code' }, <CodePage csrf={reply.csrfToken()} next={next} />);
  });

  app.post('/admin/sign-in/code', { config: { access: 'signed-in', stages: ['second-factor'], ...signInLimit } }, async (req, reply) => {
    const session = req.staffSession!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(text(body.next));
    const result = await verifySecondFactor(app.db, ctxOf(req), session, text(body.code), app.clock());
    if (!result.ok) {
      if (result.ended) {
        clearStaffCookie(app, reply);
        return reply.adminPage(
          { title: 'Sign in' },
          <SignInPage
            csrf={reply.csrfToken()}
            next={next}
            error="Too many wrong codes: sign-ins from this network wait a few minutes. Then sign in again."
          />,
          401,
        );
      }
      return reply.adminPage({ title: 'Enter your code' }, <CodePage csrf={reply.csrfToken()} next={next} error={WRONG_CODE} />, 401);
    }
    setStaffCookie(app, reply, result.sessionToken);
    return reply.redirect(next, 303);
  });

  // ---- Set-up link -------------------------------------------------------------------------
  /** The member a set-up link is for, or the page saying it no longer works. */
  async function setupOf(token: string) {
    const staff = await findSetup(app.db, token, app.clock());
    if (!staff)
      throw new PublicError(
        404,
        'This set-up link has expired or has already been used. Ask the shop owner for a new one.',
        'Link expired',
      );
    return staff;
  }

  app.get<{ Params: { token: string } }>('/admin/setup/:token', { config: { access: 'public' } }, async (req, reply) => {
    const staff = await setupOf(req.params.token);
    return reply.adminPage(
      { title: 'Set your password' },
      <SetupPage csrf={reply.csrfToken()} name={staff.name} email={staff.email} errors={{}} />,
    );
  });

  app.post<{ Params: { token: string } }>('/admin/setup/:token', { config: { access: 'public', ...signInLimit } }, async (req, reply) => {
    const staff = await setupOf(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = z
      .object({ password: passwordSchema, confirm: z.string() })
      .refine((v) => v.password === v.confirm, { path: ['confirm'], message: "The two passwords don't match." })
      .safeParse(body);
    if (!parsed.success) {
      return reply.adminPage(
        { title: 'Set your password' },
        <SetupPage csrf={reply.csrfToken()} name={staff.name} email={staff.email} errors={fieldErrors(parsed.error.issues)} />,
        400,
      );
    }
    const done = await completeSetup(app.db, req.params.token, parsed.data.password, app.requireTwoFactor, app.clock(), ctxOf(req));
    if (!done.ok)
      throw new PublicError(
        404,
        'This set-up link has expired or has already been used. Ask the shop owner for a new one.',
        'Link expired',
      );
    setStaffCookie(app, reply, done.sessionToken);
    return reply.redirect('/admin/account/two-factor', 303);
  });

  // ---- Own account -------------------------------------------------------------------------
  // Reading this page changes nothing: a key is made only by a step that proves the member first.
  async function twoFactorPage(reply: FastifyReply, session: StaffSession, status = 200, error?: string) {
    const state = await twoFactorState(app.staffKeys, session);
    const csrf = reply.csrfToken();
    const body =
      state.kind === 'confirm' ? (
        <EnrolPage
          csrf={csrf}
          qrSvg={state.qrSvg}
          secret={state.secret}
          required={session.stage === 'enrol'}
          moving={state.moving}
          error={error}
        />
      ) : state.kind === 'prove' ? (
        <MovePage csrf={csrf} error={error} />
      ) : (
        <section class="admin-card narrow">
          <h1>Two-factor sign-in</h1>
          <Notice kind="info">
            Two-factor sign-in is off for your account, and a password alone can't turn it on. Ask the shop owner to reset your two-factor
            sign-in (or for a new set-up link): your next sign-in will then set it up.
          </Notice>
        </section>
      );
    return reply.adminPage({ title: 'Two-factor sign-in', csrfToken: csrf }, body, status);
  }

  // Setting up one's own two-factor sign-in ends setting up the account: it comes before the undertaking.
  app.get(
    '/admin/account/two-factor',
    { config: { access: 'signed-in', stages: ['enrol', 'full'], beforeUndertaking: true } },
    async (req, reply) => twoFactorPage(reply, req.staffSession!),
  );

  const ownTwoFactor = { access: 'signed-in', beforeUndertaking: true, ...signInLimit } as const;
  app.post('/admin/account/two-factor/move', { config: { ...ownTwoFactor, stages: ['full'] } }, async (req, reply) => {
    const session = req.staffSession!;
    const code = text((req.body as Record<string, unknown>)?.code);
    const done = await beginMove(app.db, ctxOf(req), session, code, app.clock());
    if (!done.ok) return twoFactorPage(reply, session, 401, WRONG_CODE);
    return reply.redirect('/admin/account/two-factor', 303);
  });

  app.post('/admin/account/two-factor', { config: { ...ownTwoFactor, stages: ['enrol', 'full'] } }, async (req, reply) => {
    const session = req.staffSession!;
    const code = text((req.body as Record<string, unknown>)?.code);
    const done = await confirmEnrolment(app.db, ctxOf(req), session, code, app.clock());
    if (!done.ok) {
      return twoFactorPage(
        reply,
        session,
        400,
        session.pendingTotpSecret ? "That code didn't match. Check the time on your phone is right, and enter the newest code." : undefined,
      );
    }
    if (done.sessionToken) setStaffCookie(app, reply, done.sessionToken);
    return reply.adminPage(
      { title: 'Recovery codes', csrfToken: reply.csrfToken() },
      <section class="admin-card narrow">
        <h1>Two-factor sign-in is on</h1>
        <p>
          Keep these ten recovery codes somewhere safe, away from your phone. Each works once, instead of a code from your app, if you lose
          your phone. They will not be shown again.
        </p>
        <ol class="recovery-codes">
          {done.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <p>
          <a class="button button-primary" href="/admin">
            I've saved them — continue
          </a>
        </p>
      </section>,
    );
  });

  app.get('/admin/account', { config: { access: 'signed-in' } }, async (req, reply) => {
    const session = req.staffSession!;
    const left = await recoveryCodesLeft(app.db, session.staff.id);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Your account', csrfToken: csrf },
      <section class="admin-card narrow">
        <h1>Your account</h1>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{session.staff.name}</dd>
          <dt>E-mail</dt>
          <dd>{session.staff.email}</dd>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[session.staff.role]}</dd>
          <dt>Two-factor sign-in</dt>
          <dd>{session.staff.twoFactor ? `On · ${left} recovery codes left` : 'Off'}</dd>
        </dl>
        <p>
          <a class="button" href="/admin/account/two-factor">
            {session.staff.twoFactor ? 'Move two-factor to a new phone' : 'Turn on two-factor sign-in'}
          </a>
        </p>
        <h2>Sessions</h2>
        <p>Signed in somewhere you shouldn't be? This signs you out on every device, including this one.</p>
        <ActionButton action="/admin/sign-out-everywhere" csrf={csrf} buttonClass="button">
          Sign out everywhere
        </ActionButton>
      </section>,
    );
  });

  const signOutConfig = { access: 'signed-in', beforeUndertaking: true } as const;
  app.post('/admin/sign-out', { config: { ...signOutConfig, stages: ['second-factor', 'enrol', 'full'] } }, async (req, reply) => {
    await signOut(app.db, req.staffSession!);
    clearStaffCookie(app, reply);
    return reply.redirect('/admin/sign-in?signed-out=1', 303);
  });

  app.post('/admin/sign-out-everywhere', { config: { ...signOutConfig, stages: ['enrol', 'full'] } }, async (req, reply) => {
    await signOutEverywhere(app.db, ctxOf(req), req.staffSession!, app.clock());
    clearStaffCookie(app, reply);
    return reply.redirect('/admin/sign-in?signed-out=1', 303);
  });

  // ---- Confidentiality undertaking ----------------------------------------------------------
  // The guard sends a signed-in member here until they accept the text in force (backoffice.plugin.tsx).
  const undertaking = app.staffUndertaking;
  const undertakingConfig = { access: 'signed-in', beforeUndertaking: true } as const;

  async function undertakingPage(req: FastifyRequest, reply: FastifyReply, next: string, status = 200, error?: string) {
    const standing = await undertakingStanding(app.db, req.staffSession!.staff.id, undertaking.version);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Confidentiality undertaking', csrfToken: csrf },
      <UndertakingPage undertaking={undertaking} standing={standing} csrf={csrf} next={next} error={error} />,
      status,
    );
  }

  app.get('/admin/undertaking', { config: undertakingConfig }, async (req, reply) =>
    undertakingPage(req, reply, safeNext(text((req.query as Record<string, unknown>).next))),
  );

  const acceptSchema = z.object({ accept: z.literal('yes', { message: MUST_TICK }), next: z.string().optional() });

  app.post('/admin/undertaking', { config: undertakingConfig }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(text(body.next));
    const parsed = acceptSchema.safeParse(body);
    if (!parsed.success) return undertakingPage(req, reply, next, 400, MUST_TICK);
    const session = req.staffSession!;
    await acceptUndertaking(app.db, { staffId: session.staff.id, version: undertaking.version, actor: actorOf(req), now: app.clock() });
    return reply.redirect(next, 303);
  });

  // ---- Staff management (owner) ------------------------------------------------------------
  app.get('/admin/staff', { config: { access: 'staff.manage' } }, async (req, reply) => {
    const staff = await listStaff(app.db);
    const standings = await undertakingStandings(app.db, undertaking.version);
    const csrf = reply.csrfToken();
    const me = req.staffSession!.staff.id;
    return reply.adminPage(
      { title: 'Staff', section: 'staff', csrfToken: csrf },
      <section>
        <div class="admin-head">
          <h1>Staff</h1>
          <a class="button button-primary" href="/admin/staff/new">
            Add a staff member
          </a>
        </div>
        <table class="admin-table">
          <caption class="visually-hidden">Staff accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Confidentiality undertaking</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.email}</td>
                <td>
                  {s.id === me ? (
                    (ROLE_LABELS[s.role as Role] ?? s.role)
                  ) : (
                    <form method="post" action={`/admin/staff/${s.id}/role`} class="inline-form">
                      <Csrf token={csrf} />
                      <label class="visually-hidden" for={`role-${s.id}`}>
                        Role of {s.name}
                      </label>
                      <select id={`role-${s.id}`} name="role">
                        {ROLES.map((r) => (
                          <option key={r} value={r} selected={r === s.role}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="button button-small">
                        Change
                      </button>
                    </form>
                  )}
                </td>
                <td>
                  {s.disabled_at ? 'Disabled' : s.password_hash ? (s.totp_enabled_at ? 'Active · two-factor on' : 'Active') : 'Invited'}
                </td>
                <td>
                  <UndertakingCell standing={standings.get(s.id) ?? { state: 'never' }} current={undertaking.version} />
                </td>
                <td>
                  {s.id !== me && (
                    <div class="row-actions">
                      <ActionButton action={`/admin/staff/${s.id}/${s.disabled_at ? 'enable' : 'disable'}`} csrf={csrf}>
                        {s.disabled_at ? 'Enable' : 'Disable'}
                      </ActionButton>
                      {!s.disabled_at && (
                        <ActionButton action={`/admin/staff/${s.id}/setup-link`} csrf={csrf}>
                          New set-up link
                        </ActionButton>
                      )}
                      {!s.disabled_at && s.password_hash && (
                        <ActionButton action={`/admin/staff/${s.id}/two-factor-reset`} csrf={csrf}>
                          Reset two-factor
                        </ActionButton>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>,
    );
  });

  app.get('/admin/staff/new', { config: { access: 'staff.manage' } }, async (_req, reply) =>
    reply.adminPage({ title: 'Add a staff member', section: 'staff' }, <NewStaffPage csrf={reply.csrfToken()} values={{}} errors={{}} />),
  );

  const newStaffSchema = z.object({
    name: z.string().trim().min(1, 'Please enter their name.').max(100, 'Please keep the name under 100 characters.'),
    email: emailSchema,
    role: z.string().refine(isRole, 'Please choose a role.'),
  });

  app.post('/admin/staff/new', { config: { access: 'staff.manage' } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { name: text(body.name), email: text(body.email), role: text(body.role) };
    const parsed = newStaffSchema.safeParse(body);
    if (!parsed.success) {
      return reply.adminPage(
        { title: 'Add a staff member', section: 'staff' },
        <NewStaffPage csrf={reply.csrfToken()} values={values} errors={fieldErrors(parsed.error.issues)} />,
        400,
      );
    }
    const created = await createStaff(app.db, { ...parsed.data, role: parsed.data.role as Role }, actorOf(req), app.clock());
    if (!created.ok) {
      return reply.adminPage(
        { title: 'Add a staff member', section: 'staff' },
        <NewStaffPage
          csrf={reply.csrfToken()}
          values={values}
          errors={{ email: 'Someone already has an account with that e-mail address.' }}
        />,
        400,
      );
    }
    return showSetupLink(reply, parsed.data.name, created.setupToken);
  });

  app.post<{ Params: { id: string } }>('/admin/staff/:id/role', { config: { access: 'staff.manage' } }, async (req, reply) => {
    const role = text((req.body as Record<string, unknown>)?.role);
    if (!isRole(role)) throw new PublicError(400, 'Please choose one of the roles listed.');
    const result = await changeRole(app.db, { ...onMember(req), role });
    if (!result.ok) {
      if (result.reason === 'own_role') throw new PublicError(403, 'Nobody can change their own role. Ask another owner.', 'Not allowed');
      throw notFound("We couldn't find that staff member.");
    }
    return reply.redirect('/admin/staff', 303);
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/admin/staff/:id/${action}`, { config: { access: 'staff.manage' } }, async (req, reply) => {
      const result = await setDisabled(app.db, { ...onMember(req), disabled });
      if (!result.ok) {
        if (result.reason === 'own_account') throw new PublicError(403, "You can't disable your own account.", 'Not allowed');
        throw notFound("We couldn't find that staff member.");
      }
      return reply.redirect('/admin/staff', 303);
    });
  }

  app.post<{ Params: { id: string } }>('/admin/staff/:id/setup-link', { config: { access: 'staff.manage' } }, async (req, reply) => {
    const reissued = await reissueSetupLink(app.db, { ...onMember(req), mail });
    if (!reissued.ok) throw notFound("We couldn't find that staff member.");
    return showSetupLink(reply, reissued.name, reissued.setupToken);
  });

  app.post<{ Params: { id: string } }>('/admin/staff/:id/two-factor-reset', { config: { access: 'staff.manage' } }, async (req, reply) => {
    const result = await resetTwoFactor(app.db, { ...onMember(req), mail });
    if (!result.ok) {
      if (result.reason === 'own_account')
        throw new PublicError(403, 'Nobody can reset their own two-factor sign-in. Ask another owner.', 'Not allowed');
      throw notFound("We couldn't find that staff member.");
    }
    return reply.redirect('/admin/staff', 303);
  });

  function showSetupLink(reply: FastifyReply, name: string, token: string) {
    const link = `${app.config.publicUrl}/admin/setup/${token}`;
    return reply.adminPage(
      { title: 'Set-up link', section: 'staff' },
      <section class="admin-card narrow">
        <h1>Send this link to {name}</h1>
        <p>It works once, for 3 days, and lets them choose a password and turn on two-factor sign-in. Send it privately.</p>
        <p>
          <code class="setup-link">{link}</code>
        </p>
        <p>
          <a class="button" href="/admin/staff">
            Back to staff
          </a>
        </p>
      </section>,
    );
  }
}

function staffId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw notFound("We couldn't find that staff member.");
  return Number(raw);
}

function SignInPage({ csrf, next, email = '', error }: { csrf: string; next: string; email?: string; error?: string }) {
  return (
    <section class="admin-card narrow sign-in">
      <h1>Sign in to the back office</h1>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/admin/sign-in" class="stacked-form">
        <Csrf token={csrf} />
        <input type="hidden" name="next" value={next} />
        <Field name="email" label="E-mail address" type="email" autocomplete="username" value={email} required />
        <Field name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit" class="button button-primary">
          Sign in
        </button>
      </form>
      <p class="form-note">Forgotten your password? Ask the shop owner for a new set-up link.</p>
    </section>
  );
}

function CodePage({ csrf, next, error }: { csrf: string; next: string; error?: string }) {
  return (
    <section class="admin-card narrow">
      <h1>Enter your code</h1>
      <p>Open your authenticator app and enter the 6-digit code for this shop, or one of your recovery codes.</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/admin/sign-in/code" class="stacked-form">
        <Csrf token={csrf} />
        <input type="hidden" name="next" value={next} />
        <Field name="code" label="Code" autocomplete="one-time-code" inputMode="text" maxLength={20} required />
        <button type="submit" class="button button-primary">
          Continue
        </button>
      </form>
    </section>
  );
}

function SetupPage({ csrf, name, email, errors }: { csrf: string; name: string; email: string; errors: FieldErrors }) {
  return (
    <section class="admin-card narrow">
      <h1>Welcome, {name}</h1>
      <p>
        Choose a password for <strong>{email}</strong>. Use at least 12 characters; a few unrelated words make a strong one that is easy to
        remember. Next you will turn on two-factor sign-in.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" class="stacked-form">
        <Csrf token={csrf} />
        <input
          type="text"
          name="username"
          value={email}
          autocomplete="username"
          class="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          readOnly
        />
        <Field name="password" label="New password" type="password" autocomplete="new-password" errors={errors} required />
        <Field name="confirm" label="The same password again" type="password" autocomplete="new-password" errors={errors} required />
        <button type="submit" class="button button-primary">
          Set password
        </button>
      </form>
    </section>
  );
}

function EnrolPage(props: { csrf: string; qrSvg: string; secret: string; required: boolean; moving: boolean; error?: string }) {
  return (
    <section class="admin-card narrow">
      <h1>Two-factor sign-in</h1>
      {props.required && <Notice kind="info">Two-factor sign-in is required for every member of staff. Set it up to continue.</Notice>}
      {props.moving && (
        <Notice kind="info">
          Scan this new code with the app on your new phone. Your current app keeps working until you enter a code from the new one.
        </Notice>
      )}
      <ol class="steps">
        <li>Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password).</li>
        <li>
          Scan this code with it:
          {/* The QR code is an SVG drawn by the server from the secret below; it loads nothing. */}
          <div class="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: props.qrSvg }} />
          or type this key instead: <code class="totp-secret">{props.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <form method="post" action="/admin/account/two-factor" class="stacked-form">
        <Csrf token={props.csrf} />
        <Field name="code" label="6-digit code" autocomplete="one-time-code" inputMode="numeric" maxLength={7} required />
        <button type="submit" class="button button-primary">
          {props.moving ? 'Move two-factor to this phone' : 'Turn on two-factor sign-in'}
        </button>
      </form>
    </section>
  );
}

function MovePage({ csrf, error }: { csrf: string; error?: string }) {
  return (
    <section class="admin-card narrow">
      <h1>Move two-factor to a new phone</h1>
      <p>
        Two-factor sign-in is on. To move it to a new phone, first enter a code from your current app, or one of your recovery codes if the
        old phone is gone. Your current app keeps working until the new one is confirmed.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action="/admin/account/two-factor/move" class="stacked-form">
        <Csrf token={csrf} />
        <Field name="code" label="Code from your current app, or a recovery code" autocomplete="one-time-code" maxLength={20} required />
        <button type="submit" class="button button-primary">
          Continue
        </button>
      </form>
    </section>
  );
}

function NewStaffPage({ csrf, values, errors }: { csrf: string; values: Record<string, string>; errors: FieldErrors }) {
  return (
    <section class="admin-card narrow">
      <h1>Add a staff member</h1>
      <p>They will get a one-time link to choose a password and set up two-factor sign-in.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/staff/new" class="stacked-form" novalidate>
        <Csrf token={csrf} />
        <Field name="name" label="Name" value={values.name} errors={errors} autocomplete="off" />
        <Field name="email" label="Work e-mail address" type="email" value={values.email} errors={errors} autocomplete="off" />
        <SelectField
          name="role"
          label="Role"
          value={values.role}
          errors={errors}
          hint="Give the smallest role that lets them do their job."
          options={[{ value: '', label: 'Choose a role' }, ...ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))]}
        />
        <button type="submit" class="button button-primary">
          Add and get set-up link
        </button>
      </form>
    </section>
  );
}
