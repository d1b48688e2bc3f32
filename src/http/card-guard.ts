import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify';
import { containsCardNumber } from '../shared/card.js';
import { HIDDEN_CHARACTER_MESSAGE, HIDDEN_CHARACTER_TITLE, MULTILINE_FIELDS, hasHiddenCharacter } from '../shared/text.js';
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

/**
 * True when any text in the fields (at any depth, field names included) passes the test, which is
 * told the name of the top-level field the text belongs to ('' for the names themselves).
 */
function anyText(fields: unknown, test: (text: string, field: string) => boolean): boolean {
  // A loop with its own stack rather than recursion: a deeply nested JSON body cannot overflow it.
  const stack: [unknown, string][] = [[fields, '']];
  while (stack.length > 0) {
    const [value, field] = stack.pop()!;
    if (typeof value === 'string') {
      if (test(value, field)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push([item, field]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (MACHINE_FIELDS.has(key)) continue;
        if (test(key, '')) return true;
        stack.push([item, field || key]);
      }
    }
  }
  return false;
}

/** True when any text in the fields (at any depth, field names included) holds a card number. */
export function holdsCardNumber(fields: unknown): boolean {
  return anyText(fields, containsCardNumber);
}

// No field takes control or text-direction characters (PostgreSQL text cannot even hold a NUL);
// tab and line breaks only in multi-line fields. Refused alike on both databases, before anything is stored.
const hidden = (text: string, field: string) => hasHiddenCharacter(text, MULTILINE_FIELDS.has(field));

/**
 * Throws the shop's "no card numbers" error when the fields hold one. For handlers that read a
 * body themselves, after the guard has run; the error says nothing about the value, so logging it
 * is safe.
 */
export function refuseCardNumbers(fields: unknown): void {
  if (holdsCardNumber(fields)) throw new PublicError(400, CARD_NUMBER_MESSAGE, CARD_NUMBER_TITLE);
}

/** Throws a plain 400 when any field holds a control or text-direction character it may not carry. */
export function refuseHiddenCharacters(fields: unknown): void {
  if (anyText(fields, hidden)) throw new PublicError(400, HIDDEN_CHARACTER_MESSAGE, HIDDEN_CHARACTER_TITLE);
}

const bodyGuard: preValidationAsyncHookHandler = async (request: FastifyRequest) => {
  refuseCardNumbers(request.body);
  refuseHiddenCharacters(request.body);
};

/**
 * The sign-in checks answer from the headers alone, and a sign-in redirect repeats the address
 * (`next`): the address is checked before them, as soon as the request arrives.
 */
const addressGuard: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
  refuseCardNumbers(request.query);
  refuseCardNumbers(request.params);
  refuseHiddenCharacters(request.params);
  refuseHiddenCharacters(request.query);
};

/**
 * Checks every request's address as it arrives (before any sign-in check, which may answer from
 * the headers alone), and adds the body guard to every route registered after this call, as the
 * route's own preValidation hook. A route's own hooks run after those of the scopes around it, so
 * the body guard also sees bodies that a scope parses in its preValidation hook
 * (@fastify/multipart's text fields on the photo upload) and still runs before the CSRF check
 * (preHandler) and the handler.
 */
export function installCardGuard(app: FastifyInstance): void {
  app.addHook('onRequest', addressGuard);
  app.addHook('onRoute', (route) => {
    const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
    route.preValidation = [...existing, bodyGuard];
  });
}
