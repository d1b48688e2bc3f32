import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/database.js';

/** An error whose message is written for the shopper and safe to show. */
export class PublicError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly title = titleFor(statusCode),
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new PublicError(400, message);
export const notFound = (message = "We couldn't find that page. It may have moved, or the link may be mistyped.") =>
  new PublicError(404, message);

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 405) return 'Not allowed';
  if (status === 413) return 'Too much to send';
  if (status === 429) return 'Please slow down';
  if (status >= 500) return 'Something went wrong';
  return 'Please check your request';
}

/** Messages in plain English for the errors the framework and its plugins raise. */
function publicMessageFor(err: FastifyError, status: number): string {
  if (err instanceof PublicError) return err.message;
  switch (err.code) {
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return 'This form has expired or was sent from somewhere else. Please go back, reload the page and try again.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'That was more than we can accept in one go. Please shorten what you entered and try again.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'We could not read what was sent. Please use the form on the page.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'We could not read what was sent. Please use the form on the page.';
    case 'FST_ERR_BAD_URL':
      return "That web address isn't valid. Please check it, or start again from the home page.";
  }
  if (status === 429) return "You've made a lot of requests in a short time. Please wait a minute and try again.";
  if (status === 404) return "We couldn't find that page.";
  if (status < 500) return 'We could not understand that request. Please check what you entered and try again.';
  return "Something went wrong on our side. It's been logged and we'll look into it. Please try again in a moment.";
}

/** Seconds a visitor (or a client) is asked to wait when the database is briefly out of reach. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

export type ErrorPageRenderer = (reply: FastifyReply, status: number, title: string, message: string) => FastifyReply;

export function installErrorHandling(app: FastifyInstance, renderError: ErrorPageRenderer): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isDatabaseUnavailable(err)) {
      // The database restarting or out of reach: the pool reconnects by itself, so this is a
      // moment's wait, not a fault. The code names the kind of failure and nothing else.
      request.log.warn({ code: (err as { code?: unknown }).code ?? null }, 'database unavailable');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_SECONDS));
      return renderError(
        reply,
        503,
        'The shop is briefly unavailable',
        "We can't reach our records for a moment. Please try again in a few seconds — nothing you did caused this.",
      );
    }
    const raw = err.statusCode ?? 500;
    const status = raw >= 400 && raw < 600 ? raw : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code, status }, 'request refused');
    const title = err instanceof PublicError ? err.title : titleFor(status);
    const headers = (err as { headers?: Record<string, string> }).headers;
    if (status === 429 && headers) reply.headers(headers);
    return renderError(reply, status, title, publicMessageFor(err, status));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      return renderError(reply, 404, 'Page not found', "We couldn't find that page. It may have moved, or the link may be mistyped.");
    }
    reply.header('allow', 'GET, HEAD');
    return renderError(reply, 405, 'Not allowed', `This page can't be used with a ${request.method} request.`);
  });
}
