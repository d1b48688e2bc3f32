import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicError } from './errors.js';

/**
 * Cross-site request forgery defence for forms that must work without cookies (the bag and
 * checkout): a browser always says where a form post comes from (Sec-Fetch-Site, Origin), so a
 * post from another site is refused. The bag's own token in the form then names what is changed.
 */
export function sameOriginOnly(publicUrl: string) {
  const shopOrigin = new URL(publicUrl).origin;
  return async function checkSameOrigin(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw refused();
    const origin = req.headers.origin;
    // Under a no-referrer policy Chromium sends "Origin: null"; Sec-Fetch-Site, which a page cannot forge, still vouches for it.
    if (origin === undefined || (origin === 'null' && site === 'same-origin')) return;
    if (origin !== shopOrigin && origin !== `${req.protocol}://${req.host}`) throw refused();
  };
}

function refused(): PublicError {
  return new PublicError(403, 'This form has to be sent from our own pages. Please go back, reload the page and try again.');
}
