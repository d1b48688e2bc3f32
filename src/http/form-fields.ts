import type { FastifyRequest } from 'fastify';

/** A parsed form body: each field a string, or an array when the name repeats. */
export type FormBody = Record<string, unknown>;

/** The body of a form post, or an empty one. */
export const formBodyOf = (req: FastifyRequest): FormBody => (req.body && typeof req.body === 'object' ? (req.body as FormBody) : {});

/** A field's text: the first value when the name repeats, '' when absent. */
export const fieldText = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** Every text value of a field that may repeat. */
export const fieldTexts = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
