import { randomInt } from 'node:crypto';
import { type CalendarDate, londonDate } from '../orders/orders.domain.js';
import { RIGHTS_CLOCK } from './rights.js';

/**
 * The rules of a privacy request, without a database: its kinds and statuses, its reference, and
 * the statutory clock (one calendar month from confirmation, the ICO's way; an extension of up to
 * two more months; a complaint acknowledged within 30 days of receipt).
 */

export const REQUEST_KINDS = ['access', 'rectification', 'erasure', 'objection', 'restriction', 'complaint'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const KIND_TEXT: Record<RequestKind, string> = {
  access: 'A copy of my data',
  rectification: 'Correct my data',
  erasure: 'Erase my data',
  objection: 'Stop using my data for something',
  restriction: 'Restrict what you do with my data',
  complaint: 'A complaint about how you handled my data',
};

export const OBJECTION_TARGETS = ['marketing', 'feedback', 'sharing', 'statistics'] as const;
export type ObjectionTarget = (typeof OBJECTION_TARGETS)[number];

export const OBJECTION_TEXT: Record<ObjectionTarget, string> = {
  marketing: 'Marketing e-mails',
  feedback: 'Requests for feedback',
  sharing: 'Sharing with partners',
  statistics: 'Visitor statistics',
};

export const REQUEST_STATUSES = ['awaiting-confirmation', 'open', 'extended', 'completed', 'refused', 'withdrawn', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const STATUS_TEXT: Record<RequestStatus, string> = {
  'awaiting-confirmation': 'Awaiting confirmation',
  open: 'Open',
  extended: 'Open (extended)',
  completed: 'Completed',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
  expired: 'Expired (never confirmed)',
};

/** The statuses in which the shop still owes an answer. */
export const LIVE_STATUSES: readonly RequestStatus[] = ['open', 'extended'];
/** The statuses of a request that is over. */
export const CLOSED_STATUSES: readonly RequestStatus[] = ['completed', 'refused', 'withdrawn', 'expired'];

export function isLive(status: string): boolean {
  return (LIVE_STATUSES as readonly string[]).includes(status);
}

export type RequestChannel = 'online' | 'account' | 'email' | 'post';
export const CHANNEL_TEXT: Record<RequestChannel, string> = {
  online: 'The online form',
  account: 'Account Home',
  email: 'E-mail',
  post: 'Post',
};

/** A confirmation link works for this long (the clock the policy publishes, rights.ts). */
export const CONFIRMATION_HOURS = RIGHTS_CLOCK.confirmationHours;
/** The answer link of an access request works for this long. */
export const ANSWER_LINK_DAYS = RIGHTS_CLOCK.answerLinkDays;
/** A request due within this many days is "due soon". */
export const DUE_SOON_DAYS = 7;
/** A complaint is acknowledged within this many days of receipt. */
export const COMPLAINT_ACK_DAYS = RIGHTS_CLOCK.complaintAcknowledgeDays;
/** An extension adds at most this many calendar months. */
export const MAX_EXTENSION_MONTHS = RIGHTS_CLOCK.extensionMonths;

// Crockford's alphabet, as order numbers use: no I, L, O or U, so a reference read out is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A readable reference such as PR-7K2M9Q: short, unambiguous and not a running count. */
export function newRequestReference(): string {
  let s = 'PR-';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function isRequestReference(value: string): boolean {
  return /^PR-[0-9A-HJKMNP-TV-Z]{6}$/.test(value);
}

/** "2027-02-28". */
export function dateText(d: CalendarDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function parseDateText(text: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (check.getUTCFullYear() !== d.year || check.getUTCMonth() + 1 !== d.month || check.getUTCDate() !== d.day) return null;
  return d;
}

/**
 * The same day `months` calendar months later; when that month has no such day, its last day
 * (the ICO's rule: 31 January → 28 or 29 February).
 */
export function addCalendarMonths(d: CalendarDate, months: number): CalendarDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(d.day, last) };
}

export function addDays(d: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Whole days from `a` to `b` (negative when `b` is before `a`). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/** The day an answer is due: one calendar month from the UK day of confirmation. */
export function dueDateOf(confirmedAt: Date): string {
  return dateText(addCalendarMonths(londonDate(confirmedAt), 1));
}

/** The day a complaint must be acknowledged by: 30 days from the UK day it was received. */
export function acknowledgeByOf(receivedAt: Date): string {
  return dateText(addDays(londonDate(receivedAt), COMPLAINT_ACK_DAYS));
}

/** The date the answer is due now: the extended date if there is one. */
export function effectiveDue(r: { due_at: string | null; extended_due_at: string | null }): string | null {
  return r.extended_due_at ?? r.due_at;
}

export type Urgency = 'overdue' | 'due-soon' | 'on-time';

/** How close a live request is to its deadline, on the UK day of `now`. */
export function urgencyOf(due: string | null, now: Date): Urgency | null {
  if (!due) return null;
  const d = parseDateText(due);
  if (!d) return null;
  const left = daysBetween(londonDate(now), d);
  if (left < 0) return 'overdue';
  if (left <= DUE_SOON_DAYS) return 'due-soon';
  return 'on-time';
}

/** Days left until the date (0 on the day itself, negative when past). */
export function daysLeft(due: string, now: Date): number {
  const d = parseDateText(due);
  return d ? daysBetween(londonDate(now), d) : 0;
}

/** The last date still "due soon" on the UK day of `now`, for queries. */
export function dueSoonLimit(now: Date): string {
  return dateText(addDays(londonDate(now), DUE_SOON_DAYS));
}

export function todayText(now: Date): string {
  return dateText(londonDate(now));
}

export type ExtensionCheck =
  | { ok: true; extendedDue: string }
  | { ok: false; reason: 'not-live' | 'not-confirmed' | 'already-extended' | 'reason-needed' | 'months' | 'too-late' };

/**
 * An extension: by one or two calendar months beyond the first, with a reason, decided and told to
 * the person within the first month; once only (a second one could pass the three-month limit).
 */
export function checkExtension(
  r: { status: string; confirmed_at: string | null; due_at: string | null; extended_due_at: string | null },
  months: number,
  reason: string,
  now: Date,
): ExtensionCheck {
  if (!isLive(r.status)) return { ok: false, reason: 'not-live' };
  if (!r.confirmed_at || !r.due_at) return { ok: false, reason: 'not-confirmed' };
  if (r.extended_due_at) return { ok: false, reason: 'already-extended' };
  if (reason.trim().length < 5) return { ok: false, reason: 'reason-needed' };
  if (!Number.isInteger(months) || months < 1 || months > MAX_EXTENSION_MONTHS) return { ok: false, reason: 'months' };
  if (daysLeft(r.due_at, now) < 0) return { ok: false, reason: 'too-late' };
  return { ok: true, extendedDue: dateText(addCalendarMonths(londonDate(new Date(r.confirmed_at)), 1 + months)) };
}

export const EXTENSION_ERROR: Record<Exclude<ExtensionCheck, { ok: true }>['reason'], string> = {
  'not-live': 'Only an open request can be extended.',
  'not-confirmed': 'The request has not been confirmed yet, so its clock has not started.',
  'already-extended': 'This request has already been extended; the law allows no more than three months in all.',
  'reason-needed': 'Please give the reason for the extension: the person is told it.',
  months: 'An extension is by one or two months.',
  'too-late': 'The first month is over: an extension had to be decided and told within it.',
};

/** A date for people: "28 February 2027". */
export function dateForPeople(text: string): string {
  const d = parseDateText(text);
  if (!d) return text;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(d.year, d.month - 1, d.day)),
  );
}
