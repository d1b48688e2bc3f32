import type { FastifyInstance } from 'fastify';
import { TOTP } from 'otpauth';
import { type Role } from '../../src/features/staff/staff.domain.js';
import { createStaff } from '../../src/features/staff/staff.service.js';
import { PRODUCTION_PAYMENTS } from '../support/build-app.js';
import { cookieHeader, formBody, openForm } from '../support/forms.js';
import { TEST_PASSWORD, acceptUndertakingOf } from '../support/staff.js';

/**
 * The back office's sign-in journeys as a browser walks them, for the staff security tests: each
 * step a real request to the app, from a network of the test's choosing.
 */

/** How the shop runs in each mode these tests cover: two-factor optional (development) or mandatory (production). */
export const MODES = {
  development: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' },
  production: {
    SEED_DEMO: 'false',
    FORM_RATE_LIMIT: '100000',
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://shop.example',
    ...PRODUCTION_PAYMENTS,
  },
} as const;

export const HOME_NETWORK = '198.51.100.7';
export const STRANGER_NETWORK = '203.0.113.9';

export type Reply = Awaited<ReturnType<FastifyInstance['inject']>>;

export function staffCookieFrom(res: { headers: Record<string, unknown> }): string {
  const header = cookieHeader(res.headers['set-cookie'] as string[] | string | undefined);
  return header.split('; ').find((c) => c.startsWith('assay_staff=') && c !== 'assay_staff=') ?? '';
}

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('; ');

export function post(app: FastifyInstance, url: string, cookie: string, fields: Record<string, string>, ip = HOME_NETWORK) {
  return app.inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody(fields),
  });
}

export function get(app: FastifyInstance, url: string, cookie: string, ip = HOME_NETWORK) {
  return app.inject({ method: 'GET', url, remoteAddress: ip, headers: { cookie } });
}

/** Opens a page and submits its form (CSRF token and cookie from the page), as a signed-in member. */
export async function submit(
  app: FastifyInstance,
  staff: string,
  pageUrl: string,
  action: string,
  fields: Record<string, string>,
  ip = HOME_NETWORK,
) {
  const page = await get(app, pageUrl, staff, ip);
  const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error(`no form on ${pageUrl} (status ${page.statusCode})`);
  return post(app, action, join(staff, cookieHeader(page.headers['set-cookie'])), { _csrf: csrf, ...fields }, ip);
}

/** How many audit entries name the staff member with this address (null: no member who can sign in). */
async function entriesAbout(app: FastifyInstance, email: string): Promise<number | null> {
  const staff = await app.db
    .selectFrom('staff')
    .select(['id', 'password_hash', 'disabled_at'])
    .where('email', '=', email)
    .executeTakeFirst();
  // An address with no account that can sign in is answered like an unknown one, and nothing is recorded.
  if (!staff?.password_hash || staff.disabled_at) return null;
  return (await auditOf(app, staff.id)).length;
}

/**
 * A failed sign-in for a real account is counted and recorded just after the answer is sent (so
 * that it answers as fast as an unknown address): wait for that, as the next attempt would.
 */
export async function recorded<T extends { res: Reply }>(app: FastifyInstance, email: string, attempt: () => Promise<T>): Promise<T> {
  const before = await entriesAbout(app, email);
  const done = await attempt();
  if (done.res.statusCode !== 401 || before === null) return done;
  for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((r) => setTimeout(r, 2))) {
    if (((await entriesAbout(app, email)) ?? 0) > before) return done;
  }
  throw new Error(`the failed sign-in for ${email} was never recorded`);
}

/** A password sign-in; `earlier` is a staff cookie the browser already holds. */
export async function signIn(app: FastifyInstance, email: string, password = TEST_PASSWORD, ip = HOME_NETWORK, earlier = '') {
  return recorded(app, email, async () => {
    const form = await openForm(app, '/admin/sign-in');
    const res = await post(app, '/admin/sign-in', join(earlier, form.cookie), { _csrf: form.csrf, email, password, next: '/admin' }, ip);
    return { res, staff: staffCookieFrom(res), csrf: form.csrf, csrfCookie: form.cookie };
  });
}

/** The code step after a password sign-in; returns the reply and the staff cookie the browser holds afterwards. */
export async function enterCode(
  app: FastifyInstance,
  s: { staff: string; csrf: string; csrfCookie: string },
  code: string,
  ip = HOME_NETWORK,
) {
  const res = await post(app, '/admin/sign-in/code', join(s.staff, s.csrfCookie), { _csrf: s.csrf, code, next: '/admin' }, ip);
  return { res, staff: staffCookieFrom(res) || s.staff };
}

/** The key shown on the two-factor page, if any. */
export function shownSecret(html: string): string | null {
  return html.match(/class="totp-secret">([A-Z2-7 ]+)</)?.[1]?.replace(/ /g, '') ?? null;
}

export const totpOf = (secret: string) => new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });

/** Confirms the key shown on the two-factor page with its code; returns the recovery codes. */
export async function confirmShownKey(app: FastifyInstance, staff: string, now: Date, ip = HOME_NETWORK) {
  const page = await get(app, '/admin/account/two-factor', staff, ip);
  const secret = shownSecret(page.body);
  if (!secret) throw new Error(`no key on the two-factor page (status ${page.statusCode})`);
  const totp = totpOf(secret);
  const res = await submit(
    app,
    staff,
    '/admin/account/two-factor',
    '/admin/account/two-factor',
    { code: totp.generate({ timestamp: now.getTime() }) },
    ip,
  );
  const codes = [...res.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1] as string);
  return { res, totp, codes };
}

/**
 * A member created as the CLI or an owner would, with the one-time set-up link used to choose a
 * password, who has accepted the confidentiality undertaking unless `accept: false`.
 */
export async function newMember(
  app: FastifyInstance,
  email: string,
  role: Role,
  now: Date,
  ip = HOME_NETWORK,
  options: { accept?: boolean } = {},
) {
  const created = await createStaff(app.db, { email, name: `Member ${role}`, role }, { staffId: null, role: 'system' }, now);
  if (!created.ok) throw new Error('could not create staff');
  const url = `/admin/setup/${created.setupToken}`;
  const form = await openForm(app, url);
  const done = await post(app, url, form.cookie, { _csrf: form.csrf, password: TEST_PASSWORD, confirm: TEST_PASSWORD }, ip);
  if (done.statusCode !== 303) throw new Error(`set-up failed: ${done.statusCode}`);
  if (options.accept ?? true) await acceptUndertakingOf(app, created.staffId, role);
  return { staffId: created.staffId, email, staff: staffCookieFrom(done) };
}

/** A member who has set a password and enrolled two-factor from the set-up link's session. */
export async function enrolledMember(app: FastifyInstance, email: string, role: Role, now: Date, ip = HOME_NETWORK) {
  const m = await newMember(app, email, role, now, ip);
  const enrolled = await confirmShownKey(app, m.staff, now, ip);
  if (enrolled.res.statusCode !== 200 || enrolled.codes.length !== 10) throw new Error(`enrolment failed: ${enrolled.res.statusCode}`);
  return { ...m, totp: enrolled.totp, codes: enrolled.codes };
}

/** Mail queued for an address, oldest first. */
export function mailTo(app: FastifyInstance, to: string) {
  return app.db.selectFrom('mail_outbox').select(['kind', 'subject', 'text_body']).where('to_address', '=', to).orderBy('id').execute();
}

/** Audit entries about a staff member, oldest first. */
export function auditOf(app: FastifyInstance, staffId: number) {
  return app.db
    .selectFrom('audit_log')
    .select(['action', 'actor_staff_id', 'actor_role', 'fields', 'reason', 'network'])
    .where('subject_type', '=', 'staff')
    .where('subject_id', '=', String(staffId))
    .orderBy('id')
    .execute();
}
