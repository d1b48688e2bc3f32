import { randomUUID } from 'node:crypto';
import { type Person, type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import type { Db } from '../../db/database.js';
import { FAILED_MAIL_RETENTION_DAYS, SENT_MAIL_RETENTION_DAYS } from './mail.inventory.js';
import type { Mailer } from './mailer.js';
import {
  claimMail,
  countOutbox,
  deleteMailFailedBefore,
  deleteMailOfPerson,
  deleteMailSentBefore,
  findMailOfPerson,
  insertOutboxMail,
  markMailSent,
  nextDueMailId,
  recordMailFailure,
} from './outbox.repository.js';

/**
 * The transactional outbox: every e-mail the shop sends (order, account, contact-form enquiry) is
 * written in the same transaction as the change it reports, so an order is never confirmed without
 * its e-mail (nor an e-mail sent for a change that was rolled back). A worker sends what is due,
 * outside any transaction, retrying with backoff: no request ever waits on a mail server.
 */

export interface OutboxMail {
  /** What the e-mail is, for people reading the outbox: 'order-confirmation', 'order-dispatched'… */
  kind: string;
  /** What it is about, e.g. the order number. */
  reference: string;
  to: string;
  /** Where an answer should go, when not to the shop (the sender of a forwarded enquiry). */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

/** Attempts before an e-mail is given up on (failed_at set); the last retry waits 256 minutes. */
export const MAX_MAIL_ATTEMPTS = 10;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 3_600_000;
/**
 * How long a worker holds an e-mail it is sending. It must outlast the slowest send the mailer
 * allows (SMTP_LIMITS.sendDeadlineMs, one minute), or a second worker could start on an e-mail
 * still being sent; twice that is enough, and a worker that died mid-send delays its e-mail by
 * only two minutes. Delivery is at least once: an e-mail whose worker died after the server took
 * it, but before that was recorded, is sent again, with the same Message-ID.
 */
export const MAIL_CLAIM_SECONDS = 2 * 60;
const DEFAULT_BATCH = 50;
/** Waiting this long past its due time means no worker is sending. */
const OVERDUE_MS = 10 * 60_000;

/** The domain part of our Message-IDs: the shop's own host name, from PUBLIC_URL. */
export function messageIdDomain(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/**
 * Queues an e-mail in the caller's transaction. The Message-ID is fixed now, so every retry of this
 * e-mail carries the same one and a receiving server can drop a duplicate. `domain` is the shop's
 * host name (messageIdDomain(config.publicUrl)); it is an argument because services do not read
 * the configuration.
 */
export async function enqueueMail(trx: Db, mail: OutboxMail, now: Date, domain: string): Promise<number> {
  return insertOutboxMail(trx, { ...mail, messageId: `<${randomUUID()}@${domain}>`, at: now.toISOString() });
}

/** Wait before the next try after `attempts` failed ones: 1 minute, doubling, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/**
 * What went wrong, short and without personal data: servers often quote the recipient in their
 * reply ("550 <ann@example.com>: no such user"), so anything address-like is removed.
 */
export function describeSendError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : 'unknown error';
  const clean = detail
    .replace(/<[^>]*>/g, '<…>')
    .replace(/\S+@\S+/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
  return `${code} ${clean}`.trim().slice(0, 200);
}

/**
 * Sends the e-mails that are due, one at a time. Each is claimed first with a conditional update,
 * so that workers in several processes sharing one database never send the same e-mail twice
 * while a claim lasts. A worker that dies mid-send leaves its claim to run out, and the e-mail is
 * sent again later with the same Message-ID.
 *
 * `time` is the clock (the scheduled job passes the app's), read afresh for each e-mail because
 * a batch of slow sends can take minutes, and a claim must run from when it is made; a fixed
 * Date (in tests) stands for a clock that does not move.
 */
export async function deliverDueMail(
  db: Db,
  mailer: Mailer,
  time: Date | (() => Date),
  options: { batch?: number; claimSeconds?: number } = {},
): Promise<{ sent: number; retried: number; failed: number }> {
  const clock = typeof time === 'function' ? time : () => time;
  const batch = options.batch ?? DEFAULT_BATCH;
  const claimMs = (options.claimSeconds ?? MAIL_CLAIM_SECONDS) * 1000;
  const tally = { sent: 0, retried: 0, failed: 0 };
  // A lost race means another worker has just taken that row, so looking again finds a different
  // one; the bound on tries only guards against a database that keeps disagreeing with itself.
  for (let handled = 0, tries = 0; handled < batch && tries < batch * 4; tries++) {
    const now = clock();
    const at = now.toISOString();
    const id = await nextDueMailId(db, at);
    if (id === undefined) break;
    const mail = await claimMail(db, id, at, new Date(now.getTime() + claimMs).toISOString());
    if (!mail) continue;
    handled++;
    try {
      await mailer.send({
        to: mail.to_address,
        ...(mail.reply_to ? { replyTo: mail.reply_to } : {}),
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
        messageId: mail.message_id,
      });
    } catch (err) {
      const failedAt = clock();
      const attempts = mail.attempts + 1;
      const giveUp = attempts >= MAX_MAIL_ATTEMPTS;
      // False when this send outlasted its claim and another worker has delivered the e-mail since.
      const recorded = await recordMailFailure(db, mail.id, {
        attempts,
        nextAttemptAt: new Date(failedAt.getTime() + retryDelayMs(attempts)).toISOString(),
        failedAt: giveUp ? failedAt.toISOString() : null,
        lastError: describeSendError(err),
      });
      if (!recorded) continue;
      if (giveUp) tally.failed++;
      else tally.retried++;
      continue;
    }
    await markMailSent(db, mail.id, clock().toISOString());
    tally.sent++;
  }
  return tally;
}

/** Retention: sent e-mails go after SENT_MAIL_RETENTION_DAYS, undeliverable ones after FAILED_MAIL_RETENTION_DAYS. */
export async function eraseExpiredMail(db: Db, now: Date): Promise<{ sent: number; failed: number }> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const sent = await deleteMailSentBefore(db, daysAgo(SENT_MAIL_RETENTION_DAYS));
  const failed = await deleteMailFailedBefore(db, daysAgo(FAILED_MAIL_RETENTION_DAYS));
  return { sent, failed };
}

/**
 * For the dashboard: e-mails waiting to go (retries included), how many of those were due over 10
 * minutes ago (so no worker is sending), and how many were given up on and need a person.
 */
export async function outboxHealth(db: Db, now: Date): Promise<{ waiting: number; overdue: number; failed: number }> {
  return countOutbox(db, new Date(now.getTime() - OVERDUE_MS).toISOString());
}

/**
 * The references that name a person's e-mails whatever address they went to: account e-mails
 * carry `customer-<id>` (one to a previous address too), staff security notices `staff-<id>`.
 */
function referencesOf(person: Person): string[] {
  const refs: string[] = [];
  if (person.customerId !== null) refs.push(`customer-${person.customerId}`);
  if (person.staffId !== null) refs.push(`staff-${person.staffId}`);
  return refs;
}

export const mailSubjects: SubjectHandlers = {
  /** Every e-mail in the outbox to, answering to, or about the person: waiting, sent or given up on. */
  async exportSubject(trx, person) {
    return exportOf({ mail_outbox: await findMailOfPerson(trx, emailsOf(person), referencesOf(person)) });
  },

  /** Deletes them all: one already sent has reached the person, and one still waiting is not sent to someone who asked to be erased. */
  async eraseSubject(trx, person) {
    return reportOf({ mail_outbox: await deleteMailOfPerson(trx, emailsOf(person), referencesOf(person)) });
  },
};
