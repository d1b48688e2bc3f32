import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest } from './errors.js';

/** A parsed form body: each field a string, or an array when the name repeats. */
export type FormBody = Record<string, unknown>;

/** The body of a form post, or an empty one. */
export const formBodyOf = (req: FastifyRequest): FormBody => (req.body && typeof req.body === 'object' ? (req.body as FormBody) : {});

/** A field's text: the first value when the name repeats, '' when absent. */
export const fieldText = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** Every text value of a field that may repeat. */
export const fieldTexts = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

// Schemas for the same readings inside zod, for routes that validate a whole query or form at once.

/** A field's text, the first value when the name repeats; undefined when absent. */
export const singleText = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v));

/** A field's text, the first value when the name repeats; '' when absent. */
export const singleTextOrBlank = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')));

/** Validates query or form input, turning the first problem into a plain-English 400. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw badRequest(r.error.issues[0]?.message ?? 'Please check what you entered.');
  return r.data;
}

/** A text field, spaces tidied, with plain messages when it is missing or too long. */
export const textField = (field: string, max: number, required = true) => {
  const base = z
    .string({ message: `Please enter ${field}.` })
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(z.string().max(max, `Please keep ${field} under ${max} characters.`));
  return required ? base.pipe(z.string().min(1, `Please enter ${field}.`)) : base;
};

/** A required field tidied by `normalise`: one message when it is empty, another when it makes no sense. */
export const normalised = (normalise: (v: string) => string | null, empty: string, invalid: string) =>
  z.string({ message: empty }).transform((v, ctx) => {
    const tidy = v.trim() === '' ? null : normalise(v);
    if (tidy === null) {
      ctx.addIssue({ code: 'custom', message: v.trim() === '' ? empty : invalid });
      return z.NEVER;
    }
    return tidy;
  });
