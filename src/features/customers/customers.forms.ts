import { z } from 'zod';
import { normalised, textField } from '../../http/form-fields.js';
import { normalisePhone, normalisePostcode } from '../../shared/uk-address.js';
import type { FieldErrors } from '../../http/views/form.js';
import { passwordProblem } from './customers.domain.js';
import type { AddressInput, PersonDetails, Registration } from './customers.service.js';

/** The account forms' fields, checked with messages a customer understands. */

const text = (what: string, max: number) => textField(what, max);
const optionalText = (what: string, max: number) => textField(what, max, false).optional();

export const emailField = z
  .string({ message: 'Please enter your e-mail address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Please enter your e-mail address.')
  .max(80, 'That e-mail address is too long (80 characters at most).')
  .pipe(z.email({ message: 'Please check your e-mail address — it should look like name@example.co.uk.' }));

const phone = normalised(normalisePhone, 'Please enter a phone number.', 'Please enter a UK phone number, such as 07700 900123.');
const postcode = normalised(
  normalisePostcode,
  'Please enter a postcode.',
  "That doesn't look like a UK postcode. It should look like SW1A 1AA.",
);

export const detailsShape = {
  first_name: text('your first name', 60),
  surname: text('your surname', 60),
  phone,
};
export const addressShape = {
  first_name: text('the first name', 60),
  surname: text('the surname', 60),
  line1: text('the first line of the address', 50),
  line2: optionalText('the second line', 50),
  city: text('the town or city', 40),
  postcode,
};

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function parse<S extends z.ZodType, T>(schema: S, input: unknown, map: (v: z.output<S>) => T): Parsed<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return { ok: true, value: map(r.data) };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) errors[String(i.path[0] ?? 'form')] ??= i.message;
  return { ok: false, errors };
}

const passwordFor = (fields: { email?: string; first_name?: string; surname?: string }) =>
  z.string({ message: 'Please choose a password.' }).superRefine((v, ctx) => {
    const problem = passwordProblem(v, [fields.email?.split('@')[0] ?? '', fields.first_name ?? '', fields.surname ?? '']);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export function parseRegistration(input: Record<string, unknown>): Parsed<Omit<Registration, 'policyVersion'>> {
  const names = { email: String(input.email ?? ''), first_name: String(input.first_name ?? ''), surname: String(input.surname ?? '') };
  const schema = z.object({
    ...detailsShape,
    email: emailField,
    line1: addressShape.line1,
    line2: addressShape.line2,
    city: addressShape.city,
    postcode,
    password: passwordFor(names),
    general_subscription: z.string().optional(),
  });
  return parse(schema, input, (v) => ({
    firstName: v.first_name,
    surname: v.surname,
    phone: v.phone,
    email: v.email,
    password: v.password,
    generalSubscription: v.general_subscription === 'yes',
    address: { firstName: v.first_name, surname: v.surname, line1: v.line1, line2: v.line2 || null, city: v.city, postcode: v.postcode },
  }));
}

export function parseSignIn(input: unknown): Parsed<{ email: string; password: string; remember: boolean }> {
  const schema = z.object({
    email: emailField,
    password: z
      .string({ message: 'Please enter your password.' })
      .min(1, 'Please enter your password.')
      .max(200, 'That password is too long.'),
    remember: z.string().optional(),
  });
  return parse(schema, input, (v) => ({ email: v.email, password: v.password, remember: v.remember === 'yes' }));
}

export function parseEmail(input: unknown): Parsed<string> {
  return parse(z.object({ email: emailField }), input, (v) => v.email);
}

export function parseNewPassword(input: unknown, context: { email?: string; first_name?: string; surname?: string } = {}): Parsed<string> {
  return parse(z.object({ password: passwordFor(context) }), input, (v) => v.password);
}

export function parseDetails(input: unknown): Parsed<PersonDetails> {
  return parse(z.object(detailsShape), input, (v) => ({ firstName: v.first_name, surname: v.surname, phone: v.phone }));
}

export function parseAddress(input: unknown): Parsed<AddressInput> {
  return parse(z.object(addressShape), input, (v) => ({
    firstName: v.first_name,
    surname: v.surname,
    line1: v.line1,
    line2: v.line2 || null,
    city: v.city,
    postcode: v.postcode,
  }));
}
