import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { PublicError } from '../../http/errors.js';
import { sendHtml } from '../../http/render.js';
import { truncateIp } from '../../shared/crypto.js';
import { type Permission, PERMISSIONS, ROLE_LABELS, type RouteAccess, can } from '../staff/staff.domain.js';
import { type Actor, type SessionStage, type StaffSession, resolveSession, staffKeys } from '../staff/staff.service.js';
import { AdminLayout, type AdminMeta } from './views/admin-layout.js';

export const STAFF_COOKIE = 'assay_staff';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /admin route: a permission, 'signed-in' or 'public'. */
    access?: RouteAccess;
    /** Session stages that may use the route (default: only fully signed-in sessions). */
    stages?: SessionStage[];
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
 * The back office's gatekeeper. Staff sessions use their own cookie, scoped to /admin, and share
 * nothing with customers. Every route must say who may use it, or the shop refuses to start.
 */
export async function backofficePlugin(app: FastifyInstance): Promise<void> {
  app.decorate('staffKeys', staffKeys(app.config.secretKey));
  app.decorate('requireTwoFactor', app.config.env === 'production');
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
    request.staffSession = token ? await resolveSession(app.db, token, app.clock()) : null;
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
