import type { FastifyRequest } from 'fastify';
import { BAG_COOKIE } from '../features/bag/bag.inventory.js';
import { type Bag, isBagToken } from '../features/bag/bag.service.js';

/**
 * The bag works with or without cookies. With cookies, a strictly necessary cookie names it.
 * Without, its token travels in links (?bag=) and hidden form fields; the first redirect after
 * adding to the bag tells the two apart. Every page that deals with a bag (the bag, the product
 * page, checkout, the header's count) reads the token the same way, here.
 */

/** The bag token a request carries: the form's or the link's (the page it came from), else the cookie. */
export function bagTokenOf(req: FastifyRequest): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const query = req.query as Record<string, unknown> | undefined;
  const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[BAG_COOKIE];
  for (const candidate of [body?.bag, query?.bag, cookie]) if (isBagToken(candidate)) return candidate;
  return undefined;
}

/** True when the browser sent our bag cookie for this bag: links then need no token. */
export function cookieCarries(req: FastifyRequest, bag: Bag | null): boolean {
  return bag !== null && req.cookies[BAG_COOKIE] === bag.token;
}

/** A link that keeps the bag when cookies are refused. */
export function bagLink(path: string, token: string | null): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}bag=${encodeURIComponent(token)}`;
}
