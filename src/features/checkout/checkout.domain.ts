import { z } from 'zod';
import { CONSENT_WORDING, type PurposeKey } from '../consent/consent.inventory.js';
import { DELIVERY_METHODS } from '../orders/orders.domain.js';
import type { CheckoutDetails } from '../orders/orders.service.js';
import { normalised, textField } from '../../http/form-fields.js';
import { normalisePhone, normalisePostcode } from '../../shared/uk-address.js';

/**
 * What checkout collects: exactly what our privacy policy lists — name, e-mail, phone, billing
 * address and delivery address — plus an optional gift message. Nothing else.
 */

const checkoutSchema = z.object({
  first_name: textField('your first name', 60),
  surname: textField('your surname', 60),
  email: z
    .string({ message: 'Please enter your e-mail address.' })
    .trim()
    .min(1, 'Please enter your e-mail address, so that we can send your order confirmation.')
    .max(80, 'That e-mail address is too long for our payment provider (80 characters at most).')
    .pipe(z.email({ message: 'Please check your e-mail address — it should look like name@example.co.uk.' })),
  phone: normalised(
    normalisePhone,
    'Please enter a phone number, in case the courier needs to reach you.',
    'Please enter a UK phone number, such as 07700 900123 or 0121 496 0000.',
  ),
  billing_line1: textField('the first line of your address', 50),
  billing_line2: textField('the second line of your address', 50, false).optional(),
  billing_city: textField('your town or city', 40),
  billing_postcode: normalised(
    normalisePostcode,
    'Please enter a postcode.',
    "That doesn't look like a UK postcode. It should look like SW1A 1AA.",
  ),
  same_address: z.string().optional(),
  delivery_first_name: textField('the first name for delivery', 60, false).optional(),
  delivery_surname: textField('the surname for delivery', 60, false).optional(),
  delivery_line1: textField('the first line of the delivery address', 50, false).optional(),
  delivery_line2: textField('the second line of the delivery address', 50, false).optional(),
  delivery_city: textField('the delivery town or city', 40, false).optional(),
  delivery_postcode: z.string().optional(),
  gift_message: textField('your gift message', 200, false).optional(),
  delivery_method: z.enum(DELIVERY_METHODS, { message: 'Please choose a delivery option.' }),
});

/** The delivery address is required only when it differs from the billing one; checked even when other fields fail, so every error shows at once. */
function deliveryErrors(v: Record<string, unknown>): CheckoutErrors {
  if (v.same_address === 'yes') return {};
  const errors: CheckoutErrors = {};
  const blank = (k: string) => typeof v[k] !== 'string' || (v[k] as string).trim() === '';
  if (blank('delivery_first_name')) errors.delivery_first_name = 'Please enter the first name for delivery.';
  if (blank('delivery_surname')) errors.delivery_surname = 'Please enter the surname for delivery.';
  if (blank('delivery_line1')) errors.delivery_line1 = 'Please enter the first line of the delivery address.';
  if (blank('delivery_city')) errors.delivery_city = 'Please enter the delivery town or city.';
  if (blank('delivery_postcode')) errors.delivery_postcode = 'Please enter the delivery postcode.';
  else if (!normalisePostcode(v.delivery_postcode as string)) {
    errors.delivery_postcode = "That doesn't look like a UK postcode. We deliver within the UK only.";
  }
  return errors;
}

export const CHECKOUT_FIELDS = [
  'first_name',
  'surname',
  'email',
  'phone',
  'billing_line1',
  'billing_line2',
  'billing_city',
  'billing_postcode',
  'same_address',
  'delivery_first_name',
  'delivery_surname',
  'delivery_line1',
  'delivery_line2',
  'delivery_city',
  'delivery_postcode',
  'gift_message',
  'delivery_method',
  'general_subscription',
  'feedback_requests',
] as const;
export type CheckoutField = (typeof CHECKOUT_FIELDS)[number];
export type CheckoutErrors = Partial<Record<CheckoutField, string>>;

/**
 * The two optional opt-ins at checkout, each an unticked box in the words the ledger records. A
 * box left unticked asks for nothing: there is no soft opt-in from a sale.
 */
export const CHECKOUT_OPT_INS = [
  { field: 'general_subscription', purpose: 'general-subscription', wording: CONSENT_WORDING.checkout },
  { field: 'feedback_requests', purpose: 'feedback', wording: CONSENT_WORDING.checkoutFeedback },
] as const satisfies readonly { field: CheckoutField; purpose: PurposeKey; wording: string }[];

/** The opt-ins ticked on a checkout form (a box sends "yes" only when ticked). */
export function checkoutOptIns(input: unknown): { purpose: PurposeKey; wording: string }[] {
  const raw = (input ?? {}) as Record<string, unknown>;
  return CHECKOUT_OPT_INS.filter((o) => raw[o.field] === 'yes').map(({ purpose, wording }) => ({ purpose, wording }));
}

export function validateCheckout(input: unknown): { ok: true; value: CheckoutDetails } | { ok: false; errors: CheckoutErrors } {
  const raw = (input ?? {}) as Record<string, unknown>;
  const r = checkoutSchema.safeParse(raw);
  const errors: CheckoutErrors = deliveryErrors(raw);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const key = issue.path[0] as CheckoutField;
      errors[key] ??= issue.message;
    }
  }
  if (!r.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const v = r.data;
  const same = v.same_address === 'yes';
  return {
    ok: true,
    value: {
      firstName: v.first_name,
      surname: v.surname,
      email: v.email,
      phone: v.phone,
      billing: { line1: v.billing_line1, line2: v.billing_line2 || null, city: v.billing_city, postcode: v.billing_postcode },
      delivery: same
        ? {
            firstName: v.first_name,
            surname: v.surname,
            line1: v.billing_line1,
            line2: v.billing_line2 || null,
            city: v.billing_city,
            postcode: v.billing_postcode,
          }
        : {
            firstName: v.delivery_first_name ?? '',
            surname: v.delivery_surname ?? '',
            line1: v.delivery_line1 ?? '',
            line2: v.delivery_line2 || null,
            city: v.delivery_city ?? '',
            postcode: normalisePostcode(v.delivery_postcode ?? '') ?? '',
          },
      giftMessage: v.gift_message || null,
      deliveryMethod: v.delivery_method,
    },
  };
}
