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

// ——— Retention: the order's details, then its tax record ———

/**
 * The statuses in which an order can no longer be delivered: dispatched (then perhaps delivered or
 * refunded), or cancelled after it was paid. From then on its details are needed only for a
 * return or a card dispute; a cancelled order that was never paid is not finished but dropped
 * (UNPAID_ORDER_RETENTION_DAYS).
 */
export const FINISHED_STATUSES = ['dispatched', 'delivered', 'refunded', 'cancelled'] as const satisfies readonly OrderStatus[];

/**
 * How long a finished order keeps the buyer's contact details, names, addresses, gift message,
 * tracking number and the staff's notes, counted from its last change (dispatch, delivery or a
 * refund, so a return in progress restarts the count): our 30-day returns window, the 14 days we
 * take to refund a return, and the 120 days in which the card holder's bank can raise a dispute
 * (a chargeback) under the card schemes' rules — 164 days, rounded up to 180 so that a dispute
 * raised on the last day still finds the order's details. After that they are anonymised.
 */
export const ORDER_DETAILS_DAYS = 180;

/** Our returns window: a delivered order can be sent back for this many days. */
export const RETURNS_WINDOW_DAYS = 30;

/**
 * Whether erasing the buyer must wait for this order: it was paid and is not yet finished with
 * (still to be dispatched, or dispatched or delivered less than RETURNS_WINDOW_DAYS ago), so its
 * delivery details and the buyer's contact are still needed to deliver it or take it back. A
 * cancelled or refunded order, or one whose window has passed, does not wait.
 */
export function erasureWaitsFor(
  order: {
    status: string;
    paid_at: string | null;
    anonymised_at: string | null;
    dispatched_at: string | null;
    delivered_at: string | null;
  },
  now: Date,
): boolean {
  if (order.paid_at === null || order.anonymised_at !== null) return false;
  if (order.status === 'paid') return true;
  if (order.status !== 'dispatched' && order.status !== 'delivered') return false;
  const since = order.delivered_at ?? order.dispatched_at;
  return since === null || Date.parse(since) + RETURNS_WINDOW_DAYS * 86_400_000 > now.getTime();
}

/** The tax record (date, lines, amounts, VAT, delivery country, number) is kept this many years after the end of its financial year. */
export const TAX_RECORD_YEARS = 6;

/** A day of the year (month 1–12): the last day of the financial year. */
export interface MonthDay {
  month: number;
  day: number;
}

/** UK companies' usual year end, and HMRC's own: 31 March. */
export const DEFAULT_FINANCIAL_YEAR_END: MonthDay = { month: 3, day: 31 };

/** A calendar date in the shop's own time zone, with no time of day. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const SHOP_TIME_ZONE = 'Europe/London';
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SHOP_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

function wallClock(instant: Date): CalendarDate & { hour: number; minute: number; second: number } {
  // One formatting of the instant for all six fields (formatToParts is the costly step).
  const parts = londonParts.formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** The date in the UK at this instant: an order at 00:30 BST on 1 April (23:30 UTC on 31 March) belongs to 1 April. */
export function londonDate(instant: Date): CalendarDate {
  const { year, month, day } = wallClock(instant);
  return { year, month, day };
}

/** The instant a UK calendar day begins (midnight GMT or BST). */
export function startOfLondonDay(date: CalendarDate): Date {
  const utcMidnight = Date.UTC(date.year, date.month - 1, date.day);
  const offsetAt = (ms: number) => {
    const w = wallClock(new Date(ms));
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - ms;
  };
  // The clocks change at 01:00 UTC, never at midnight, so one correction is exact.
  return new Date(utcMidnight - offsetAt(utcMidnight - offsetAt(utcMidnight)));
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function nextDay(date: CalendarDate): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** True when the month and day fall in every year (so 29 February is not a year end: 28 February is). */
export function isYearEnd(md: MonthDay): boolean {
  if (!Number.isInteger(md.month) || !Number.isInteger(md.day) || md.month < 1 || md.month > 12 || md.day < 1) return false;
  return md.day <= new Date(Date.UTC(2027, md.month, 0)).getUTCDate();
}

/** The last day of the financial year that a date falls in, for a year ending on `yearEnd`. */
export function financialYearEndOf(date: CalendarDate, yearEnd: MonthDay): CalendarDate {
  const sameYear = { year: date.year, month: yearEnd.month, day: yearEnd.day };
  return compareDates(date, sameYear) <= 0 ? sameYear : { ...sameYear, year: date.year + 1 };
}

/**
 * The last day a tax record of this date is kept: the end of its financial year plus
 * TAX_RECORD_YEARS. With a 31 March year end, an order of 31 March 2026 is kept until 31 March
 * 2032 and one of 1 April 2026 until 31 March 2033; it is deleted the day after.
 */
export function taxRecordKeptUntil(date: CalendarDate, yearEnd: MonthDay): CalendarDate {
  const end = financialYearEndOf(date, yearEnd);
  return { ...end, year: end.year + TAX_RECORD_YEARS };
}

/**
 * The instant before which an order's last change must fall for its tax record to have ended by
 * `now`: the start of the UK day after the latest financial year end whose TAX_RECORD_YEARS have
 * passed. Every order changed before it is past its end; every order changed at or after it is not.
 */
export function taxRecordsEndedBefore(now: Date, yearEnd: MonthDay): Date {
  const today = londonDate(now);
  let lastEnded = { year: today.year - TAX_RECORD_YEARS, month: yearEnd.month, day: yearEnd.day };
  if (compareDates(taxRecordKeptUntil(lastEnded, yearEnd), today) >= 0) lastEnded = { ...lastEnded, year: lastEnded.year - 1 };
  return startOfLondonDay(nextDay(lastEnded));
}

/** Up to when a finished order, last changed at `lastChange`, keeps its details: they go once ORDER_DETAILS_DAYS have passed. */
export function orderDetailsKeptUntil(lastChange: Date): Date {
  return new Date(lastChange.getTime() + ORDER_DETAILS_DAYS * 86_400_000);
}

/** What an order event's note says once its details are removed: the step, without what staff typed or Opayo sent. */
export const EVENT_SUMMARIES: Record<string, string> = {
  placed: 'Order placed',
  paid: 'Paid',
  payment_failed: 'Payment not completed',
  payment_retry: 'A new payment attempt was started',
  reservation_released: 'Stock reservation released',
  cancelled: 'Cancelled',
  dispatched: 'Dispatched',
  delivered: 'Marked delivered',
  refund: 'Refund recorded',
};
export const EVENT_DETAILS_REMOVED = '(details removed)';
