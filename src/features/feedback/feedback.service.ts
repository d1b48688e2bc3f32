import { type Executor, inTransaction } from '../../db/database.js';
import { hmacHex, sameText } from '../../shared/crypto.js';
import { enqueueMarketingMail } from '../mail/outbox.service.js';
import { ordersDeliveredBetween } from '../orders/orders.service.js';
import type { SubjectHandlers } from '../privacy/inventory.js';
import { type FeedbackMailContext, feedbackRequestMail } from './feedback.mail.js';
import { FEEDBACK_LINK_DAYS, FEEDBACK_RETENTION } from './feedback.inventory.js';
import {
  type FeedbackAnswerRow,
  countFeedbackAnswers,
  deleteFeedbackAnswersBefore,
  insertFeedbackAnswer,
  listFeedbackAnswers,
} from './feedback.repository.js';

/**
 * Feedback requests (seed 001: "We, or our agents and sub-contractors, may contact you … to ask
 * you for your feedback"): some days after an order is marked delivered, its buyer is e-mailed a
 * link to a page with a rating and a comments box — only if their address consents to feedback
 * requests now (the outbox's gate decides, at queueing and again at sending). The link is signed
 * (the order number and an expiry); the answer stores only what the person typed, and the day.
 */

const DAY_MS = 86_400_000;
export const MAX_COMMENTS = 2000;

/** A feedback link's token: the order number, when it runs out (seconds), and a signature over both. */
export function feedbackToken(key: Buffer, orderNumber: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${orderNumber}.${expires}.${signature(key, orderNumber, expires)}`;
}

function signature(key: Buffer, orderNumber: string, expires: number): string {
  return hmacHex(key, `feedback|${orderNumber}|${expires}`).slice(0, 32);
}

export type FeedbackLink = { ok: true; expiresAt: Date } | { ok: false; reason: 'unknown' | 'expired' };

/** Reads a feedback link's token: unknown when the shop did not sign it, expired after its 30 days. */
export function readFeedbackToken(key: Buffer, token: string, now: Date): FeedbackLink {
  const m = /^(AS-[A-Z0-9]{6})\.(\d{1,12})\.([0-9a-f]{32})$/.exec(token);
  if (!m) return { ok: false, reason: 'unknown' };
  const [, orderNumber = '', expiresText = '', sig = ''] = m;
  const expires = Number(expiresText);
  if (!sameText(signature(key, orderNumber, expires), sig)) return { ok: false, reason: 'unknown' };
  const expiresAt = new Date(expires * 1000);
  return expiresAt.getTime() > now.getTime() ? { ok: true, expiresAt } : { ok: false, reason: 'expired' };
}

/** The start of the (UTC) day `now` is in. */
function dayOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/**
 * E-mails a feedback request about each order marked delivered on the day `days` days before
 * today, to its buyer if their address consents to feedback requests now. Run once a day, each
 * delivered order is asked about once. Returns how many were asked, and how many were not (no
 * consent).
 */
export async function sendFeedbackRequests(
  db: Executor,
  now: Date,
  ctx: FeedbackMailContext & { days: number; key: Buffer },
): Promise<{ asked: number; notAsked: number }> {
  const from = new Date(dayOf(now).getTime() - ctx.days * DAY_MS);
  const orders = await ordersDeliveredBetween(db, from, new Date(from.getTime() + DAY_MS));
  let asked = 0;
  for (const order of orders) {
    const token = feedbackToken(ctx.key, order.number, new Date(now.getTime() + FEEDBACK_LINK_DAYS * DAY_MS));
    const answerUrl = `${ctx.publicUrl}/feedback/${token}`;
    const id = await inTransaction(db, (trx) =>
      enqueueMarketingMail(
        trx,
        {
          kind: 'feedback-request',
          purpose: 'feedback',
          reference: order.number,
          to: order.email,
          ...feedbackRequestMail(ctx, order.number, answerUrl, FEEDBACK_LINK_DAYS),
        },
        now,
        ctx.messageDomain,
      ),
    );
    if (id !== null) asked++;
  }
  return { asked, notAsked: orders.length - asked };
}

export interface FeedbackInput {
  rating: number | null;
  comments: string;
}

export type AnswerResult = { ok: true } | { ok: false; reason: 'unknown' | 'expired' };

/**
 * Keeps an answer: the rating and the comments as typed, and the day it came (not the time, so
 * that it cannot be matched to the e-mail it answers). Nothing from the link is stored.
 */
export async function answerFeedback(db: Executor, key: Buffer, token: string, input: FeedbackInput, now: Date): Promise<AnswerResult> {
  const link = readFeedbackToken(key, token, now);
  if (!link.ok) return link;
  await inTransaction(db, (trx) =>
    insertFeedbackAnswer(trx, { rating: input.rating, comments: input.comments, created_at: dayOf(now).toISOString() }),
  );
  return { ok: true };
}

/** For the back office: the newest answers first, one page, and how many there are. */
export async function feedbackAnswers(
  db: Executor,
  page: number,
  pageSize: number,
): Promise<{ answers: FeedbackAnswerRow[]; total: number }> {
  const [answers, total] = await Promise.all([listFeedbackAnswers(db, pageSize, (page - 1) * pageSize), countFeedbackAnswers(db)]);
  return { answers, total };
}

/** Retention: an answer is deleted FEEDBACK_RETENTION_YEARS (2) after it came. */
export async function eraseExpiredFeedback(db: Executor, now: Date): Promise<{ deleted: number }> {
  return { deleted: await deleteFeedbackAnswersBefore(db, new Date(now.getTime() - FEEDBACK_RETENTION.days * DAY_MS).toISOString()) };
}

/**
 * An answer names no one (no order, address or account is stored with it), so there is nothing
 * of one person's to copy or erase: both find nothing, by design. The table contract says so.
 */
export const feedbackSubjects: SubjectHandlers = {
  async exportSubject() {
    return {};
  },
  async eraseSubject() {
    return {};
  },
};
