import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { containsCardNumber } from '../shared/card.js';
import { PublicError } from './errors.js';

/**
 * The shop never takes a card number: payment happens on Opayo's page. A shopper who types one
 * into a form anyway (a gift message, a contact message, the search box) is stopped before the
 * handler runs, so the number is never stored, mailed or logged.
 */

export const CARD_NUMBER_TITLE = "Please don't enter card numbers";
export const CARD_NUMBER_MESSAGE = "Please don't enter card numbers here — payment happens on Opayo's secure page.";

/** Fields that only ever carry machine-made values: the CSRF token, a bag token and Opayo's result crypt. */
const MACHINE_FIELDS = new Set(['_csrf', 'bag', 'crypt']);

/** True when any text in the fields (at any depth, field names included) passes the test. */
function anyText(fields: unknown, test: (text: string) => boolean): boolean {
  // A loop with its own stack rather than recursion: a deeply nested JSON body cannot overflow it.
  const stack: unknown[] = [fields];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (test(value)) return true;
    } else if (Array.isArray(value)) {
      stack.push(...value);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (MACHINE_FIELDS.has(key)) continue;
        if (test(key)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/** True when any text in the fields (at any depth, field names included) holds a card number. */
export function holdsCardNumber(fields: unknown): boolean {
  return anyText(fields, containsCardNumber);
}

// No form needs a NUL character, and PostgreSQL text cannot hold one: refused on both databases alike.
const hasNul = (text: string) => text.includes('\u0000');
const NUL_MESSAGE = "Part of what was sent contains a character we can't accept. Please check it and try again.";

/**
 * Throws the shop's "no card numbers" error when the fields hold one. For handlers that read a
 * body themselves, after the guard has run; the error says nothing about the value, so logging it
 * is safe.
 */
export function refuseCardNumbers(fields: unknown): void {
  if (holdsCardNumber(fields)) throw new PublicError(400, CARD_NUMBER_MESSAGE, CARD_NUMBER_TITLE);
}

const cardGuard: preValidationAsyncHookHandler = async (request: FastifyRequest) => {
  refuseCardNumbers(request.query);
  refuseCardNumbers(request.body);
  if (anyText(request.params, hasNul) || anyText(request.query, hasNul) || anyText(request.body, hasNul)) {
    throw new PublicError(400, NUL_MESSAGE, 'Please check what you sent');
  }
};

/**
 * Adds the guard to every route registered after this call, as the route's own preValidation
 * hook. A route's own hooks run after those of the scopes around it, so the guard also sees bodies
 * that a scope parses in its preValidation hook (@fastify/multipart's text fields on the photo
 * upload) and still runs before the CSRF and access checks (preHandler) and the handler.
 */
export function installCardGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
    route.preValidation = [...existing, cardGuard];
  });
}
