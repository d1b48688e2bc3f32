import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PublicError } from '../../http/errors.js';
import { fieldText, formBodyOf } from '../../http/form-fields.js';
import { OBJECTION_COOKIE, OBJECTION_COOKIE_DAYS, isFrontPath, matchRoute, notCountedBecause, recordedPath } from './statistics.domain.js';

const choiceSchema = z.enum(['object', 'allow']);

/**
 * The leave beacon and the objection. Both are checked by origin (csrf: 'origin'), not by a token
 * tied to a cookie: the beacon carries no form, and the objection must work for someone who
 * refuses every other cookie.
 */
export async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  const ownHost = new URL(app.config.publicUrl).hostname.toLowerCase();

  // The page script's navigator.sendBeacon on pagehide: "this page was left now". It names its page
  // by the Referer, read through the same path rule as a page view; it is not a page view.
  app.post('/statistics/leave', { config: { csrf: 'origin' } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const stats = app.statistics;
    if (!stats.enabled || notCountedBecause(req.headers, req.cookies ?? {}) !== null) return reply.code(204).send();
    let page: URL | null = null;
    try {
      page = req.headers.referer ? new URL(req.headers.referer) : null;
    } catch {
      page = null;
    }
    if (!page || ![ownHost, req.hostname.toLowerCase()].includes(page.hostname.toLowerCase())) return reply.code(204).send();
    const path = page.pathname;
    if (!isFrontPath(path)) return reply.code(204).send();
    const pattern = matchRoute(stats.routePatterns, path);
    if (pattern === null) return reply.code(204).send();
    stats.record({
      atMs: app.clock().getTime(),
      kind: 'leave',
      path: recordedPath(pattern, path),
      referrerHost: null,
      address: req.ip,
      userAgent: req.headers['user-agent'] ?? '',
    });
    return reply.code(204).send();
  });

  // "Don't count my visits" / "Count them again": a strictly necessary cookie remembers the objection.
  app.post(
    '/statistics/objection',
    { config: { csrf: 'origin', rateLimit: { max: app.config.rateLimits.formsPer10Minutes, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      const parsed = choiceSchema.safeParse(fieldText(formBodyOf(req).choice));
      if (!parsed.success) throw new PublicError(400, 'Please choose whether your visits may be counted, with one of the two buttons.');
      if (parsed.data === 'object')
        reply.setCookie(OBJECTION_COOKIE, '1', {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: app.config.secureCookies,
          maxAge: OBJECTION_COOKIE_DAYS * 86_400,
        });
      else reply.clearCookie(OBJECTION_COOKIE, { path: '/' });
      reply.header('cache-control', 'no-store');
      return reply.redirect('/cookies#statistics', 303);
    },
  );
}
