import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { PublicError } from '../../http/errors.js';
import { sendHtml } from '../../http/render.js';
import { truncateIp } from '../../shared/crypto.js';
import { type Permission, PERMISSIONS, ROLE_LABELS, type RouteAccess, can } from '../staff/staff.domain.js';
import { type Actor, type SessionStage, type StaffSession, resolveSession, staffKeys, undertakingGate } from '../staff/staff.service.js';
import { type Undertaking, loadUndertaking } from '../staff/staff.undertaking.js';
import { AdminLayout, type AdminMeta } from './views/admin-layout.js';

export const STAFF_COOKIE = 'assay_staff';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /admin route: a permission, 'signed-in' or 'public'. */
    access?: RouteAccess;
    /** Session stages that may use the route (default: only fully signed-in sessions). */
    stages?: SessionStage[];
    /**
     * Whether a signed-in member may use the route before accepting the confidentiality undertaking
     * in force: only the undertaking page itself, signing out, and setting up one's own two-factor
     * sign-in (the last step of setting up an account). Public routes need no undertaking.
     */
    beforeUndertaking?: boolean;
  }
  interface FastifyRequest {
    staffSession: StaffSession | null;
  }
  interface FastifyReply {
    adminPage(meta: AdminMeta, body: VNode, status?: number): FastifyReply;
  }
  interface FastifyInstance {
    staffKeys: ReturnType<typeof staffKeys>;
    /** Whether staff must use two-factor sign-in (always in production). */
    requireTwoFactor: boolean;
    /** The confidentiality undertaking in force (read once, at start). */
    staffUndertaking: Undertaking;
  }
}

/** The signed-in staff member as an audit actor, with the network their request came from. */
export function actorOf(request: FastifyRequest): Actor {
  const s = request.staffSession;
  return { staffId: s?.staff.id ?? null, role: s?.staff.role ?? 'anonymous', network: truncateIp(request.ip) };
}

export function setStaffCookie(app: FastifyInstance, reply: FastifyReply, token: string): void {
  reply.setCookie(STAFF_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'strict', secure: app.config.secureCookies });
}

export function clearStaffCookie(app: FastifyInstance, reply: FastifyReply): void {
  reply.clearCookie(STAFF_COOKIE, { path: '/admin', httpOnly: true, sameSite: 'strict', secure: app.config.secureCookies });
}

/**
 * Only back-office paths on this site, so a sign-in or undertaking link cannot send someone
 * elsewhere; the sign-in and undertaking pages themselves are never the place to go back to.
 */
export function safeNext(next: string): string {
  return /^\/admin(\/[\w\-/?=&%.+,]*)?$/.test(next) && !/^\/admin\/(sign-in|undertaking)(\/|\?|$)/.test(next) && !next.includes('//')
    ? next
    : '/admin';
}

/**
 * The back office's gatekeeper. Staff sessions use their own cookie, scoped to /admin, and share
 * nothing with customers. Every route must say who may use it, or the shop refuses to start.
 */
export async function backofficePlugin(app: FastifyInstance): Promise<void> {
  app.decorate('staffKeys', staffKeys(app.config.secretKey));
  app.decorate('requireTwoFactor', app.config.env === 'production');
  app.decorate('staffUndertaking', loadUndertaking(app.config));
  const gate = undertakingGate(app.staffUndertaking.version);
  app.decorateRequest('staffSession', null);

  // The guard needs only the cookie, so it runs as soon as the headers are in (onRequest), before
  // any body is read: a photo upload from someone who may not make it is refused without reading
  // its 10 MB. The CSRF check needs the body, so it stays a preHandler and runs after the guard,
  // for every state-changing route, signed in or not (the sign-in forms included).
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) throw new Error(`back-office route ${route.method} ${route.url} does not declare its access`);
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, guard];
  });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-robots-tag', 'noindex, nofollow');
  });

  async function guard(request: FastifyRequest, reply: FastifyReply) {
    const config = request.routeOptions.config;
    const access = config.access as RouteAccess;
    const token = request.cookies[STAFF_COOKIE];
    // The session and its member, and whether they accepted the undertaking in force (remembered
    // once seen, so a member who has accepted costs no second query).
    request.staffSession = token ? await resolveSession(app.db, token, app.clock(), gate) : null;
    if (access === 'public') return;
    const session = request.staffSession;
    if (!session) {
      if (token) clearStaffCookie(app, reply);
      if (request.method === 'GET') {
        const next = encodeURIComponent(request.url);
        return reply.redirect(`/admin/sign-in?next=${next}`, 303);
      }
      throw new PublicError(401, 'Please sign in to the back office first.', 'Please sign in');
    }
    const stages = config.stages ?? ['full'];
    if (!stages.includes(session.stage)) {
      if (session.stage === 'second-factor') return reply.redirect('/admin/sign-in/code', 303);
      if (session.stage === 'enrol') return reply.redirect('/admin/account/two-factor', 303);
      return reply.redirect('/admin', 303);
    }
    // Before anything else the back office shows a signed-in member, they accept the undertaking
    // in force (again whenever its text changes). Half-signed-in stages reach only their sign-in step.
    if (session.stage === 'full' && !session.undertakingAcceptedAt && !config.beforeUndertaking) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        return reply.redirect(`/admin/undertaking?next=${encodeURIComponent(safeNext(request.url))}`, 303);
      }
      throw new PublicError(
        403,
        'Please read and accept the confidentiality undertaking before using the back office. It is at /admin/undertaking, the first page the back office shows you.',
        'Confidentiality undertaking not yet accepted',
      );
    }
    if (access !== 'signed-in' && !can(session.staff.role, access)) {
      throw new PublicError(
        403,
        `Your role (${ROLE_LABELS[session.staff.role]}) does not include this: ${PERMISSIONS[access as Permission].toLowerCase()}. Ask the shop's owner if you need it.`,
        'Not part of your role',
      );
    }
  }

  app.decorateReply('adminPage', function (this: FastifyReply, meta: AdminMeta, body: VNode, status = 200) {
    const session = this.request.staffSession;
    const html = `<!doctype html>${renderToString(
      <AdminLayout shopName={app.config.shop.name} session={session} meta={meta}>
        {body}
      </AdminLayout>,
    )}`;
    return sendHtml(this, html, status);
  });
}
