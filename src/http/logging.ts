import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pino, { type LogFn, type Logger } from 'pino';

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
    // An error is logged by its type, code and stack frames only (serializeError), wherever it sits
    // in the logged object, and never lends its message to the line's.
    hooks: { logMethod: withoutErrorMessages },
    formatters: { log: serializeNestedErrors },
    serializers: {
      // Fastify's type asks for pino's standard shape, message included; this one never has a message.
      err: serializeError as unknown as (err: Error) => { type: string; message: string; stack: string },
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * One line per request, written when the answer has gone: method, route pattern (`/products/:slug`,
 * never the path itself, which can hold what a visitor typed), status and duration in
 * milliseconds. Nothing else of the request: no query, address, user agent or cookie. Fastify's own
 * two lines per request are turned off (`disableRequestLogging`), which halved the throughput of
 * a cached page at the default level.
 */
export function logRequests(app: FastifyInstance, lines: Logger | null): void {
  app.addHook('onResponse', (request, reply, done) => {
    // A route that asks for less (the health probes' `logLevel: 'warn'`) is not logged.
    if (lines && pino.levels.values[request.log.level]! > pino.levels.values.info!) return done();
    (lines ?? request.log).info(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? '(none)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}

/** How long a log line may wait in the buffer before it is written. */
export const LOG_FLUSH_MS = 250;

/**
 * Standard output, buffered: lines are written together once 4 KB have gathered, or every
 * LOG_FLUSH_MS, so a busy shop makes one write for dozens of requests (a write for each line cost
 * a cached page about a fifth of its throughput) and a quiet one still shows each line within a
 * quarter of a second. What is still buffered is written when the process exits.
 */
export function standardOutput(): NodeJS.WritableStream {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => out.flush(), LOG_FLUSH_MS).unref();
  return out as unknown as NodeJS.WritableStream;
}

/**
 * The logger of the request lines, on the same stream as the shop's: it logs only the fields
 * logRequests gives it (method, route pattern, status, duration, request id), none of which can
 * hold personal data, so it needs none of the censoring above, which costs about fifteen times as
 * much as writing the line (14 against 0.8 µs; that cost had taken 45 % of a cached page's
 * throughput).
 */
export function requestLineLogger(level: string, stream: NodeJS.WritableStream): Logger {
  return pino({ level }, stream as pino.DestinationStream);
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

/**
 * An error as the log may hold it. Messages carry values (PostgreSQL's "duplicate key value
 * violates unique constraint", Node's "ENOENT: … open '/path'", our own "could not send to
 * x@example.com"), and so do PostgreSQL's `detail` ("Key (email)=(someone@example.com) already
 * exists"), `hint`, `where` and `internalQuery`, and the first line of `stack`, which repeats the
 * message. What is kept names code, never data: the error's class, its code, the schema objects
 * PostgreSQL names (schema, table, column, data type, constraint) and the server routine that
 * raised it, the HTTP status of a Fastify error, the stack's frames, and the same for its cause
 * and, for an AggregateError, the errors it holds.
 */
export interface LoggedError {
  type: string;
  code?: string;
  statusCode?: number;
  severity?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  routine?: string;
  stack?: string;
  cause?: LoggedError;
  errors?: LoggedError[];
}

/** Fields whose values are names from code or the schema, kept when they look like one. */
const NAME_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'] as const;
/** A name, not a value: a value that happens to sit in one of those fields (a custom error's `code`) is dropped. */
const NAME = /^[A-Za-z0-9_.$-]{1,128}$/;
/** A V8 stack frame: "at" and a place that ends in a line and column (or is native or anonymous). */
const FRAME = /^\s+at .*(?::\d+:\d+\)?|\(native\)|<anonymous>\)?)$/;
const MAX_DEPTH = 4;
/** Errors already serialized, so that serializing twice (formatter, then serializer) is harmless. */
const serialized = new WeakSet<object>();

export function serializeError(err: unknown, depth = 0): LoggedError {
  if (typeof err === 'object' && err !== null && serialized.has(err)) return err as LoggedError;
  const out: LoggedError = { type: typeName(err) };
  serialized.add(out);
  if (typeof err !== 'object' || err === null) return out;
  const fields = err as Record<string, unknown>;
  for (const key of NAME_FIELDS) {
    const value = fields[key];
    if ((typeof value === 'string' && NAME.test(value)) || typeof value === 'number') out[key] = String(value);
  }
  if (typeof fields.statusCode === 'number') out.statusCode = fields.statusCode;
  if (err instanceof Error) {
    const stack = framesOf(err);
    if (stack) out.stack = stack;
  }
  if (depth < MAX_DEPTH) {
    if (fields.cause !== undefined) out.cause = serializeError(fields.cause, depth + 1);
    if (err instanceof AggregateError && Array.isArray(err.errors)) {
      out.errors = err.errors.slice(0, 10).map((e: unknown) => serializeError(e, depth + 1));
    }
  }
  return out;
}

function typeName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return typeof err;
  const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && NAME.test(name) ? name : 'Object';
}

/** The "    at …" lines of the stack only: everything before them is the message, however many lines it has. */
function framesOf(err: Error): string | undefined {
  if (typeof err.stack !== 'string') return undefined;
  const frames = err.stack.split('\n').filter((line) => FRAME.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/** Replaces any error below the top level of a logged object (`{ job: { err } }`, `{ errors: [...] }`). */
function serializeNestedErrors(obj: Record<string, unknown>): Record<string, unknown> {
  const walk = (value: unknown, depth: number): unknown => {
    if (value instanceof Error) return serializeError(value);
    if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null || serialized.has(value)) return value;
    if (Array.isArray(value)) return value.some((v) => typeof v === 'object' && v !== null) ? value.map((v) => walk(v, depth + 1)) : value;
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    let copy: Record<string, unknown> | null = null;
    for (const [key, v] of Object.entries(value)) {
      const w = walk(v, depth + 1);
      if (w !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = w;
    }
    return copy ?? value;
  };
  return walk(obj, 0) as Record<string, unknown>;
}

/**
 * pino takes a line's message from the error when none is given (`log.error(err)`, or
 * `log.error({ err })`): give it the error's type instead.
 */
function withoutErrorMessages(this: Logger, args: unknown[], method: LogFn): void {
  const [first, ...rest] = args;
  const hasMessage = typeof rest[0] === 'string';
  if (first instanceof Error) {
    method.apply(this, [{ err: first }, hasMessage ? rest[0] : typeName(first), ...rest.slice(1)] as Parameters<LogFn>);
    return;
  }
  if (!hasMessage && typeof first === 'object' && first !== null && 'err' in first && (first as { err: unknown }).err !== undefined) {
    method.apply(this, [first, typeName((first as { err: unknown }).err), ...rest] as Parameters<LogFn>);
    return;
  }
  method.apply(this, args as Parameters<LogFn>);
}
