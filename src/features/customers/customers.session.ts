import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { REMEMBER_DAYS, SESSION_COOKIE } from './customers.domain.js';
import type { AccountMailContext } from './customers.mail.js';
import { type CustomerSession, resolveSession } from './customers.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in customer, looked up once per request and only by routes that ask. */
    customerSession(): Promise<CustomerSession | null>;
  }
  interface FastifyContextConfig {
    /**
     * 'signed-in': only for a signed-in customer. Anyone else is sent to sign in as soon as the
     * request's headers are in, before its body is read (the handler still asks requireCustomer).
     */
    customer?: 'signed-in';
  }
}

/**
 * Customer sessions live in the database; the browser holds only a random token in the
 * `assay_session` cookie (HttpOnly, SameSite=Lax, Secure on https), set at sign-in and never
 * before. Catalogue pages never look at it, so they stay cached and identical for everyone.
 */
export function installCustomerSessions(app: FastifyInstance): void {
  const resolved = new WeakMap<FastifyRequest, Promise<CustomerSession | null>>();
  app.decorateRequest('customerSession', function (this: FastifyRequest) {
    let session = resolved.get(this);
    if (!session) {
      session = resolveSession(app.db, this.cookies[SESSION_COOKIE], app.clock());
      resolved.set(this, session);
    }
    return session;
  });
  app.addHook('onRoute', (route) => {
    if (route.config?.customer !== 'signed-in') return;
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, signedInCustomerOnly];
  });
}

async function signedInCustomerOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  // The session is remembered for the request, so the handler's own requireCustomer reads no more.
  await requireCustomer(req, reply);
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, remember: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    ...(remember ? { maxAge: REMEMBER_DAYS * 86_400 } : {}),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
}

/** The signed-in customer, or a redirect to sign in (and back here afterwards). */
export async function requireCustomer(req: FastifyRequest, reply: FastifyReply): Promise<CustomerSession | null> {
  const session = await req.customerSession();
  if (!session) {
    const next = req.method === 'GET' ? req.url.split('?')[0] : '/account';
    await reply.redirect(`/account/sign-in?next=${encodeURIComponent(next ?? '/account')}`, 303);
    return null;
  }
  reply.header('cache-control', 'no-store');
  return session;
}

/** Only paths inside the shop, so a sign-in link cannot send anyone elsewhere. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(account|checkout|bag)(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : '/account';
}

export function accountMailContext(config: Config): AccountMailContext {
  return {
    shopName: config.shop.name,
    shopEmail: config.shop.email,
    publicUrl: config.publicUrl,
    messageDomain: messageIdDomain(config.publicUrl),
  };
}
