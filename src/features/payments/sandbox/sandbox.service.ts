import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { luhnValid } from '../../../shared/card.js';
import { formatAmount, VPS_PROTOCOL } from '../opayo.js';

/**
 * The sandbox gateway's rules: payment requests waiting for the customer, the card form, and
 * the results Opayo's test system would give for its published test cards.
 *
 * Card details live only for the request that carries them: they are checked, turned into a
 * result that holds nothing but the last four digits and the expiry date, and dropped.
 */

/** How long a customer has to fill in the card page, as on Opayo's hosted page. */
export const SESSION_MINUTES = 15;
/** Requests kept at once: a flood of POSTs pushes out the oldest instead of exhausting memory. */
const MAX_SESSIONS = 10_000;

export const TEST_CV2 = '123';
export const MATCHING_ADDRESS1 = '88';
export const MATCHING_POSTCODE = '412';

export interface TestCard {
  number: string;
  label: string;
  cardType: string;
  authorised: boolean;
}

/** Opayo's published test cards (docs/opayo-form.md). */
export const TEST_CARDS: readonly TestCard[] = [
  { number: '4929000000006', label: 'Visa', cardType: 'VISA', authorised: true },
  { number: '5404000000000001', label: 'Mastercard', cardType: 'MC', authorised: true },
  { number: '374200000000004', label: 'American Express', cardType: 'AMEX', authorised: true },
  { number: '4462000000000003', label: 'Visa Debit', cardType: 'DELTA', authorised: true },
  { number: '4929602110085639', label: 'Visa', cardType: 'VISA', authorised: false },
  { number: '5403814948608092', label: 'Mastercard', cardType: 'MC', authorised: false },
];

/** A decrypted payment request waiting for the customer's card. */
export interface PaymentSession {
  fields: Map<string, string>;
  amountPence: number;
  expiresAt: number;
}

/** Payment requests by an unguessable id, in memory only; each is used once. */
export class SandboxSessions {
  readonly #sessions = new Map<string, PaymentSession>();

  open(fields: Map<string, string>, amountPence: number, now: Date): { id: string; session: PaymentSession } {
    this.#sweep(now);
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(18).toString('base64url');
    const session = { fields, amountPence, expiresAt: now.getTime() + SESSION_MINUTES * 60_000 };
    this.#sessions.set(id, session);
    return { id, session };
  }

  get(id: string, now: Date): PaymentSession | undefined {
    const session = this.#sessions.get(id);
    if (session && session.expiresAt <= now.getTime()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** The session, removed so that it cannot be paid or cancelled twice. */
  take(id: string, now: Date): PaymentSession | undefined {
    const session = this.get(id, now);
    this.#sessions.delete(id);
    return session;
  }

  // Every session lives the same time, so insertion order is expiry order.
  #sweep(now: Date): void {
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt > now.getTime()) break;
      this.#sessions.delete(id);
    }
  }
}

export interface CardDetails {
  number: string;
  /** MMYY, as Opayo returns it. */
  expiry: string;
  cv2: string;
}

export type CardField = 'cardholder' | 'cardNumber' | 'expiry' | 'cv2';
export type CardErrors = Partial<Record<CardField, string>>;

const cardForm = z.object({
  cardholder: z.string().trim().max(45, 'Please keep the name on the card to 45 characters.').optional(),
  cardNumber: z
    .string({ message: 'Please enter the card number.' })
    .transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Please enter the card number.')
        .regex(/^\d{12,19}$/, 'Please check the card number: it should be 12 to 19 digits.')
        .refine(luhnValid, 'Please check the card number: it is not a valid card number.'),
    ),
  expiry: z
    .string({ message: 'Please enter the expiry date.' })
    .trim()
    .min(1, 'Please enter the expiry date.')
    .regex(/^(0[1-9]|1[0-2])\s*\/?\s*\d\d$/, 'Please enter the expiry date as MM/YY, for example 09/29.'),
  cv2: z
    .string({ message: 'Please enter the security code.' })
    .trim()
    .min(1, 'Please enter the security code.')
    .regex(/^\d{3,4}$/, 'Please enter the 3 or 4 digit security code from the back of the card (the front for American Express).'),
});

/** The card form checked as a payment page would, with messages for the customer. */
export function checkCardForm(input: unknown, now: Date): { ok: true; card: CardDetails } | { ok: false; errors: CardErrors } {
  const parsed = cardForm.safeParse(input);
  const errors: CardErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[issue.path[0] as CardField] ??= issue.message;
    return { ok: false, errors };
  }
  const digits = parsed.data.expiry.replace(/\D/g, '');
  const month = Number(digits.slice(0, 2));
  const year = 2000 + Number(digits.slice(2));
  // A card is valid to the end of its expiry month.
  const firstMonthAfter = Date.UTC(year, month, 1);
  if (firstMonthAfter <= now.getTime()) return { ok: false, errors: { expiry: 'This card has expired. Please use another card.' } };
  return { ok: true, card: { number: parsed.data.cardNumber, expiry: digits, cv2: parsed.data.cv2 } };
}

function cardTypeOf(number: string): string | null {
  const known = TEST_CARDS.find((c) => c.number === number);
  if (known) return known.cardType;
  if (/^4/.test(number)) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'MC';
  if (/^3[47]/.test(number)) return 'AMEX';
  return null;
}

function newVpsTxId(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

function commonFields(session: PaymentSession): Record<string, string> {
  return {
    VPSProtocol: VPS_PROTOCOL,
    TxType: 'PAYMENT',
    VendorTxCode: session.fields.get('VendorTxCode')!,
    VPSTxId: newVpsTxId(),
  };
}

/**
 * What Opayo's test system answers for this card: a test card authorises with CV2 123 and is
 * rejected by the CV2 rule otherwise; the declining test cards and any other number are declined.
 */
export function decidePayment(session: PaymentSession, card: CardDetails): Record<string, string> {
  const known = TEST_CARDS.find((c) => c.number === card.number);
  const cv2Matched = card.cv2 === TEST_CV2;
  const addressMatched = (session.fields.get('BillingAddress1') ?? '').startsWith(MATCHING_ADDRESS1);
  const postCodeMatched = session.fields.get('BillingPostCode') === MATCHING_POSTCODE;
  const outcome = !known?.authorised ? 'declined' : cv2Matched ? 'authorised' : 'rejected';
  const cardType = cardTypeOf(card.number);
  return {
    ...commonFields(session),
    ...(outcome === 'authorised'
      ? { Status: 'OK', StatusDetail: '0000 : The Authorisation was Successful.', TxAuthNo: String(randomInt(100_000_000, 10_000_000_000)) }
      : outcome === 'rejected'
        ? { Status: 'REJECTED', StatusDetail: '4020 : Information received from the Issuing bank failed the AVS/CV2 checks.' }
        : { Status: 'NOTAUTHED', StatusDetail: '2000 : The Authorisation was Declined by the bank.' }),
    AVSCV2: avsCv2Summary(addressMatched && postCodeMatched, cv2Matched),
    AddressResult: addressMatched ? 'MATCHED' : 'NOTMATCHED',
    PostCodeResult: postCodeMatched ? 'MATCHED' : 'NOTMATCHED',
    CV2Result: cv2Matched ? 'MATCHED' : 'NOTMATCHED',
    GiftAid: '0',
    '3DSecureStatus': 'NOTCHECKED',
    ...(cardType ? { CardType: cardType } : {}),
    Last4Digits: card.number.slice(-4),
    ExpiryDate: card.expiry,
    Amount: formatAmount(session.amountPence),
    ...(outcome === 'authorised' ? { BankAuthCode: String(randomInt(100_000, 1_000_000)) } : {}),
    ...(outcome === 'declined' ? { DeclineCode: '05' } : {}),
  };
}

function avsCv2Summary(addressMatched: boolean, cv2Matched: boolean): string {
  if (addressMatched && cv2Matched) return 'ALL MATCH';
  if (cv2Matched) return 'SECURITY CODE MATCH ONLY';
  if (addressMatched) return 'ADDRESS MATCH ONLY';
  return 'NO DATA MATCHES';
}

/** The result when the customer cancels on the card page. */
export function cancelledPayment(session: PaymentSession): Record<string, string> {
  return {
    ...commonFields(session),
    Status: 'ABORT',
    StatusDetail: '2001 : The Transaction was cancelled by the customer.',
    Amount: formatAmount(session.amountPence),
  };
}

/** Where the browser goes with the result: the crypt appended to the shop's URL as Opayo does. */
export function returnUrlFor(session: PaymentSession, success: boolean, crypt: string): string {
  const url = session.fields.get(success ? 'SuccessURL' : 'FailureURL')!;
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : url.slice(hashAt);
  return `${base}${base.includes('?') ? '&' : '?'}crypt=${crypt}${fragment}`;
}
