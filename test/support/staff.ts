import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { Role } from '../../src/features/staff/staff.domain.js';
import { acceptUndertaking, completeSetup, createStaff } from '../../src/features/staff/staff.service.js';
import { loadUndertaking } from '../../src/features/staff/staff.undertaking.js';
import { cookieHeader, formBody } from './forms.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Records that the member accepted the confidentiality undertaking in force for this shop, as the
 * undertaking page does (audited), so the back office lets them in.
 */
export async function acceptUndertakingOf(app: FastifyInstance, staffId: number, role: Role): Promise<void> {
  await acceptUndertakingIn({ db: app.db, config: app.config, now: app.clock() }, staffId, role);
}

/** The same, for a shop running in another process: its database and configuration. */
export async function acceptUndertakingIn(shop: { db: Db; config: Config; now?: Date }, staffId: number, role: Role): Promise<void> {
  const version = loadUndertaking(shop.config).version;
  await acceptUndertaking(shop.db, { staffId, version, actor: { staffId, role, network: null }, now: shop.now ?? new Date() });
}

/**
 * A staff member with a password set, signed in (no two-factor, as outside production), who has
 * accepted the confidentiality undertaking unless `accept: false`.
 */
export async function signInAs(
  app: FastifyInstance,
  role: Role,
  options: { accept?: boolean } = {},
): Promise<{ cookie: string; staffId: number; email: string }> {
  const email = `${role}-${randomBytes(4).toString('hex')}@staff.example`;
  const created = await createStaff(
    app.db,
    { email, name: `Test ${role.replace('_', ' ')}`, role },
    { staffId: null, role: 'system' },
    app.clock(),
  );
  if (!created.ok) throw new Error('could not create staff');
  const done = await completeSetup(app.db, created.setupToken, TEST_PASSWORD, false, app.clock());
  if (!done.ok) throw new Error('could not complete set-up');
  if (options.accept ?? true) await acceptUndertakingOf(app, created.staffId, role);
  return { cookie: `assay_staff=${done.sessionToken}`, staffId: created.staffId, email };
}

/** Opens a back-office page as a signed-in staff member; returns its CSRF token and the cookies to send back. */
export async function openAdminForm(app: FastifyInstance, staffCookie: string, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: staffCookie } });
  const csrf = res.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error(`no CSRF field on ${url} (status ${res.statusCode})`);
  const set = cookieHeader(res.headers['set-cookie']);
  return { csrf, cookie: [staffCookie, set].filter(Boolean).join('; '), html: res.body };
}

/** Submits a back-office form after opening the page it is on. */
export async function adminPost(
  app: FastifyInstance,
  staffCookie: string,
  pageUrl: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const { csrf, cookie } = await openAdminForm(app, staffCookie, pageUrl);
  return app.inject({
    method: 'POST',
    url: action,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: formBody({ _csrf: csrf, ...fields }),
  });
}
