import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/**
 * Logs carry no personal data: requests are logged by method and path only (no query string,
 * no IP address, no user agent, no cookies), and any field with a personal-sounding name is
 * censored wherever it appears in a logged object.
 */
export const REDACTED_KEYS = [
  'name',
  'email',
  'phone',
  'address',
  'postcode',
  'password',
  'cookie',
  'authorization',
  'ip',
  'message',
  'crypt',
  'card',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream, pretty = false): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    ...(pretty && !stream && prettyAvailable()
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,reqId' } } }
      : {}),
    redact: {
      paths: [...REDACTED_KEYS.map((k) => `*.${k}`), ...REDACTED_KEYS.map((k) => `*.*.${k}`), 'req.headers', 'body'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** pino-pretty is a development dependency: used for a person at a terminal when installed. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
