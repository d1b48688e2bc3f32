import { randomInt } from 'node:crypto';
import { vatIncluded } from '../../shared/money.js';

/**
 * An order moves awaiting_payment → paid → dispatched → delivered; it can be cancelled before
 * dispatch and refunded once paid. Money is always integer pence, VAT (20 %) included.
 */
export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'dispatched', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  awaiting_payment: 'Awaiting payment',
  paid: 'Paid',
  dispatched: 'Dispatched',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

export const DELIVERY_OPTIONS = {
  tracked48: {
    label: 'Royal Mail Tracked 48',
    detail: '2–3 working days, tracked',
    pence: 395,
    freeFromPence: 10_000,
  },
  special: {
    label: 'Royal Mail Special Delivery Guaranteed by 1pm',
    detail: 'Next working day by 1pm, signed for and insured',
    pence: 795,
    freeFromPence: null,
  },
} as const;
export type DeliveryMethod = keyof typeof DELIVERY_OPTIONS;
export const DELIVERY_METHODS = Object.keys(DELIVERY_OPTIONS) as [DeliveryMethod, ...DeliveryMethod[]];

export function isDeliveryMethod(value: string): value is DeliveryMethod {
  return Object.hasOwn(DELIVERY_OPTIONS, value);
}

export function deliveryCharge(method: DeliveryMethod, subtotalPence: number): number {
  const option = DELIVERY_OPTIONS[method];
  return option.freeFromPence !== null && subtotalPence >= option.freeFromPence ? 0 : option.pence;
}

export interface Totals {
  subtotalPence: number;
  deliveryPence: number;
  totalPence: number;
  vatPence: number;
}

export function orderTotals(subtotalPence: number, method: DeliveryMethod): Totals {
  const deliveryPence = deliveryCharge(method, subtotalPence);
  const totalPence = subtotalPence + deliveryPence;
  return { subtotalPence, deliveryPence, totalPence, vatPence: vatIncluded(totalPence) };
}

// Crockford's alphabet: no I, L, O or U, so a number read over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A readable order number such as AS-7K3M9Q: short, unambiguous and not a running count. */
export function newOrderNumber(): string {
  let s = 'AS-';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function isOrderNumber(value: string): boolean {
  return /^AS-[0-9A-HJKMNP-TV-Z]{6}$/.test(value);
}

/** Orders still awaiting payment after this long are listed for staff to check in MyOpayo. */
export const RECONCILE_AFTER_MINUTES = 60;
/** Orders are accounting records: kept 6 years, as HMRC requires, then deleted. */
export const ORDER_RETENTION_DAYS = 2192;
/** An order never paid for is deleted this long after it was placed. */
export const UNPAID_ORDER_RETENTION_DAYS = 90;
/** An order never paid is cancelled after this many days (its stock was released long before). */
export const UNPAID_CANCEL_DAYS = 7;

/** Unpaid orders holding stock that one network, and one e-mail address, may have at once (UNPAID_ORDERS_PER_BUYER). */
export const DEFAULT_UNPAID_ORDERS_PER_BUYER = 3;

/** Why a line may hold no more of one piece (MAX_LINE_QUANTITY), in the words the bag and checkout use. */
export function lineCapMessage(maxPerLine: number): string {
  return `You can buy up to ${maxPerLine} of one piece online. Please lower the quantity, or contact us for more.`;
}

/**
 * One spelling of an e-mail address, for counting a buyer's unpaid orders: letter case and a
 * "+tag" make no difference, so "Ada+rings@Example.org" counts as ada@example.org.
 */
export function buyerEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return email.trim().toLowerCase();
  const local = email.slice(0, at).split('+')[0] || email.slice(0, at);
  return `${local}@${email.slice(at + 1)}`.trim().toLowerCase();
}

export function variantLabel(v: { metal: string; ringSize: string | null; chainLengthIn: number | null }, metalName: string): string {
  return [metalName, v.ringSize ? `size ${v.ringSize}` : null, v.chainLengthIn ? `${v.chainLengthIn}″ chain` : null]
    .filter(Boolean)
    .join(', ');
}
