import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers (Content-Security-Policy, Referrer-Policy, HSTS and the rest) on every
 * answer of this app, error pages and 404s included. The middleware is built once, when the app
 * is: @fastify/helmet builds it again for every request, parsing the policy each time, which cost
 * a page view as much as a database lookup.
 */
export function securityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const apply = helmet(options);
  app.addHook('onRequest', (req, reply, done) => {
    apply(req.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
}
