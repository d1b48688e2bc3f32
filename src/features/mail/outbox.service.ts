import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as timeOrderedUuid } from 'uuid';
import { type Person, type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import type { Db, Executor } from '../../db/database.js';
import { FAILED_MAIL_RETENTION_DAYS, SENT_MAIL_RETENTION_DAYS } from './mail.inventory.js';
import type { Mailer } from './mailer.js';
import {
  claimMail,
  countOutbox,
  countMailWithReference,
  findAddressesAwaitingMail,
  findMailBody,
  insertMailBody,
  insertMailsSharingBody,
  deleteMailFailedBefore,
  deleteMailById,
  deleteMailOfPerson,
  deleteMailSentBefore,
  findMailOfPerson,
  greatestAddressOf,
  insertOutboxMail,
  markMailSent,
  markMailWithheld,
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
  /**
   * For a marketing e-mail, the consent purpose it needs (a PurposeKey of the consent feature:
   * 'general-subscription', 'stock-alert:17'…); absent for a transactional one. A marketing
   * e-mail is queued and sent only to an address with a current consent to it.
   */
  purpose?: string;
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

// ——— Marketing: consent is enforced here, whoever queues the e-mail ———

/**
 * The kinds of e-mail the shop keeps no copy of once sent: the row is deleted as soon as the mail
 * server has it (and the development mailer's .eml file with it). The notice that a person's data
 * has been erased is one: keeping it would keep their address and name, the very thing erased.
 */
export const FORGOTTEN_ONCE_SENT: readonly string[] = ['privacy-erased', 'privacy-erasure-finished'];

/** The kinds of e-mail that are marketing: queued only with a purpose, so only with consent. */
export const MARKETING_KINDS: readonly string[] = ['campaign', 'stock-alert', 'feedback-request'];

/**
 * Where a marketing e-mail's unsubscribe link goes in its text and HTML. The outbox puts the
 * recipient's link there when it sends (from the gate): no queued e-mail can lack one, or carry
 * the wrong one, and none is stored.
 */
export const UNSUBSCRIBE_PLACEHOLDER = '%%unsubscribe_url%%';

/** Who may be sent marketing for a purpose: the consent ledger's answer, given to the outbox when the app starts. */
export interface MarketingGate {
  /** Of these addresses, those (in lower case) with a current consent to the purpose and not suppressed for it. */
  allowed(db: Executor, addresses: readonly string[], purpose: string): Promise<Set<string>>;
  /**
   * One page of the addresses that may be sent marketing for the purpose now, in address order
   * (lower case) after `after` ('' for the first).
   */
  audience(db: Executor, purpose: string, after: string, limit: number): Promise<{ email: string; address: string }[]>;
  /** The address's unsubscribe link for the purpose; `from` names the e-mail it comes in, never the person. */
  link(db: Executor, address: string, purpose: string, from: string): string;
  /** Told once a marketing e-mail has been sent: a one-off consent (a back-in-stock alert) is used up then. */
  sent?(db: Executor, address: string, purpose: string, now: Date): Promise<void>;
}

const gates = new WeakMap<object, MarketingGate>();
const identityOf = (db: Executor): object => db.getExecutor().adapter;

/** Gives the outbox of this database its gate (consent's `keyConsentLedger` does). Without one, every marketing e-mail is refused. */
export function setMarketingGate(db: Executor, gate: MarketingGate): void {
  gates.set(identityOf(db), gate);
}

async function allowedAddresses(db: Executor, addresses: readonly string[], purpose: string): Promise<Set<string>> {
  const gate = gates.get(identityOf(db));
  return gate ? gate.allowed(db, addresses, purpose) : new Set();
}

/** A marketing e-mail the outbox refused to queue: the address has no current consent to its purpose, or is suppressed. */
export class ConsentRequiredError extends Error {
  constructor(public readonly purpose: string) {
    super(`a marketing e-mail for ${purpose} needs the recipient's current consent`);
    this.name = 'ConsentRequiredError';
  }
}

/** Checks the form of an e-mail: a marketing one has a purpose and a place for its unsubscribe link in both bodies. */
function checkKind(mail: Pick<OutboxMail, 'kind' | 'purpose'>, bodies: { text: string; html: string } | null): void {
  const marketing = mail.purpose !== undefined;
  if (MARKETING_KINDS.includes(mail.kind) && !marketing)
    throw new Error(`a ${mail.kind} e-mail is marketing and needs the consent purpose it is sent under`);
  if (!marketing) return;
  if (bodies && (!bodies.text.includes(UNSUBSCRIBE_PLACEHOLDER) || !bodies.html.includes(UNSUBSCRIBE_PLACEHOLDER))) {
    throw new Error('a marketing e-mail must carry the unsubscribe link in its text and its HTML');
  }
}

/**
 * Queues a marketing e-mail if the recipient may be sent it now: false (and nothing queued) when
 * the address has no current consent to the purpose or is suppressed. The outbox asks again when
 * it sends.
 */
export async function enqueueMarketingMail(
  trx: Executor,
  mail: OutboxMail & { purpose: string },
  now: Date,
  domain: string,
): Promise<number | null> {
  try {
    return await enqueueMail(trx, mail, now, domain);
  } catch (err) {
    if (err instanceof ConsentRequiredError) return null;
    throw err;
  }
}

/** Of these addresses, those (in lower case) with a marketing e-mail for the purpose still waiting to be sent. */
export async function addressesAwaitingMail(db: Executor, purpose: string, addresses: readonly string[]): Promise<Set<string>> {
  return new Set(
    (
      await findAddressesAwaitingMail(
        db,
        purpose,
        addresses.map((a) => a.trim().toLowerCase()),
      )
    ).map((a) => a.toLowerCase()),
  );
}

/** Keeps a subject and body shared by many e-mails (a campaign's); their text and HTML carry UNSUBSCRIBE_PLACEHOLDER. */
export async function createMailBody(trx: Executor, body: { subject: string; text: string; html: string }, now: Date): Promise<number> {
  checkKind({ kind: 'campaign', purpose: 'x' }, body);
  return insertMailBody(trx, { subject: body.subject, text_body: body.text, html_body: body.html, created_at: now.toISOString() });
}

/**
 * Queues one page of a purpose's audience with a shared body, in the caller's transaction: the
 * page is read from the gate, so only people with a current consent, not suppressed, are queued,
 * and the check at enqueue is the reading itself. Pages follow address order: pass the `last`
 * address of one page as `after` for the next. The e-mail at position `i` of the whole audience is
 * due at `dueAt(i)`, counted from `first`, the number queued before this page.
 */
export async function enqueueAudiencePage(
  trx: Executor,
  page: {
    kind: string;
    reference: string;
    purpose: string;
    bodyId: number;
    after: string;
    limit: number;
    first: number;
    dueAt: (i: number) => Date;
  },
  now: Date,
  domain: string,
): Promise<{ queued: number; last: string | null }> {
  const gate = gates.get(identityOf(trx));
  if (!gate) return { queued: 0, last: null };
  checkKind({ kind: page.kind, purpose: page.purpose }, null);
  const people = await gate.audience(trx, page.purpose, page.after, page.limit);
  await insertMailsSharingBody(
    trx,
    { kind: page.kind, reference: page.reference, purpose: page.purpose, body_id: page.bodyId, created_at: now.toISOString() },
    people.map((p, i) => ({
      to_address: p.email,
      message_id: newMessageId(domain),
      next_attempt_at: page.dueAt(page.first + i).toISOString(),
    })),
  );
  return { queued: people.length, last: people.at(-1)?.address ?? null };
}

/** Keeps the subject and body of a transactional notice to many (no unsubscribe link: it is not marketing). */
export function createNoticeBody(trx: Executor, body: { subject: string; text: string; html: string }, now: Date): Promise<number> {
  return insertMailBody(trx, { subject: body.subject, text_body: body.text, html_body: body.html, created_at: now.toISOString() });
}

/**
 * Queues a transactional notice, the same for everyone (its body from createNoticeBody), to these
 * addresses in the caller's transaction: one row per address, the one at position `i` due at
 * `dueAt(i)`. The privacy policy's notice of a material change goes this way, spaced at the
 * marketing rate like a campaign, so that order and account e-mails go first.
 */
export async function enqueueNoticeToMany(
  trx: Executor,
  notice: { kind: string; reference: string; bodyId: number },
  addresses: readonly string[],
  dueAt: (i: number) => Date,
  now: Date,
  domain: string,
): Promise<number> {
  if (MARKETING_KINDS.includes(notice.kind)) throw new Error(`a ${notice.kind} e-mail is marketing and needs its consent purpose`);
  await insertMailsSharingBody(
    trx,
    { kind: notice.kind, reference: notice.reference, purpose: null, body_id: notice.bodyId, created_at: now.toISOString() },
    addresses.map((to, i) => ({ to_address: to, message_id: newMessageId(domain), next_attempt_at: dueAt(i).toISOString() })),
  );
  return addresses.length;
}

/**
 * What an unsubscribe link says it came in (`?from=`), to count who left after a campaign: the
 * campaign (its reference, `campaign-7`), or the kind of any other marketing e-mail
 * (`stock-alert`, `feedback-request`), whose reference may name an order.
 */
function linkFrom(mail: { kind: string; reference: string }): string {
  return mail.kind === 'campaign' ? mail.reference : mail.kind;
}

/** The greatest address (lower case) queued under a reference: where queueing a campaign that stopped half-way resumes. */
export function lastAddressQueued(db: Executor, reference: string): Promise<string | null> {
  return greatestAddressOf(db, reference);
}

/**
 * A new Message-ID. Time-ordered (a version 7 UUID), so that e-mails queued together sit together
 * in the Message-ID index, rather than each of 100,000 landing on a different page of it.
 */
function newMessageId(domain: string): string {
  return `<${timeOrderedUuid()}@${domain}>`;
}

/**
 * Queues an e-mail in the caller's transaction. The Message-ID is fixed now, so every retry of this
 * e-mail carries the same one and a receiving server can drop a duplicate. `domain` is the shop's
 * host name (messageIdDomain(config.publicUrl)); it is an argument because services do not read
 * the configuration.
 */
export async function enqueueMail(trx: Executor, mail: OutboxMail, now: Date, domain: string): Promise<number> {
  checkKind(mail, { text: mail.text, html: mail.html });
  if (mail.purpose !== undefined && !(await allowedAddresses(trx, [mail.to], mail.purpose)).has(mail.to.trim().toLowerCase())) {
    throw new ConsentRequiredError(mail.purpose);
  }
  return insertOutboxMail(trx, { ...mail, messageId: newMessageId(domain), at: now.toISOString() });
}

const escapeAttribute = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

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
  options: { batch?: number; claimSeconds?: number; unsubscribeMailto?: string } = {},
): Promise<{ sent: number; retried: number; failed: number; withheld: number }> {
  const clock = typeof time === 'function' ? time : () => time;
  const batch = options.batch ?? DEFAULT_BATCH;
  const claimMs = (options.claimSeconds ?? MAIL_CLAIM_SECONDS) * 1000;
  const tally = { sent: 0, retried: 0, failed: 0, withheld: 0 };
  const bodies = new Map<number, { subject: string; text_body: string; html_body: string }>();
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
    let content = { subject: mail.subject, text: mail.text_body, html: mail.html_body };
    let headers: Record<string, string> | undefined;
    if (mail.body_id !== null) {
      // Shared by the e-mails of a campaign, and of a transactional notice to many (the privacy policy's material changes).
      let body = bodies.get(mail.body_id);
      if (!body) {
        body = await findMailBody(db, mail.body_id);
        if (body) bodies.set(mail.body_id, body);
      }
      if (body) content = { subject: body.subject, text: body.text_body, html: body.html_body };
    }
    if (mail.purpose !== null) {
      // Asked again now: consent withdrawn since the e-mail was queued means it is not sent.
      const gate = gates.get(identityOf(db));
      const allowed = gate ? await gate.allowed(db, [mail.to_address], mail.purpose) : new Set<string>();
      if (!gate || !allowed.has(mail.to_address.trim().toLowerCase())) {
        await markMailWithheld(db, mail.id, clock().toISOString());
        tally.withheld++;
        continue;
      }
      const link = gate.link(db, mail.to_address, mail.purpose, linkFrom(mail));
      content = {
        subject: content.subject,
        text: content.text.replaceAll(UNSUBSCRIBE_PLACEHOLDER, link),
        html: content.html.replaceAll(UNSUBSCRIBE_PLACEHOLDER, escapeAttribute(link)),
      };
      // RFC 8058 one-click unsubscribe, and RFC 2369's mailto for programs that only write.
      headers = {
        'List-Unsubscribe': options.unsubscribeMailto
          ? `<${link}>, <mailto:${options.unsubscribeMailto}?subject=unsubscribe>`
          : `<${link}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      };
    }
    let delivered: { file?: string };
    try {
      delivered = await mailer.send({
        to: mail.to_address,
        ...(mail.reply_to ? { replyTo: mail.reply_to } : {}),
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId: mail.message_id,
        ...(headers ? { headers } : {}),
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
    const sentAt = clock();
    if (FORGOTTEN_ONCE_SENT.includes(mail.kind)) {
      // Nothing of it stays: not the row, nor the file the development mailer wrote.
      await deleteMailById(db, mail.id);
      if (delivered.file) await rm(delivered.file, { force: true });
      tally.sent++;
      continue;
    }
    await markMailSent(db, mail.id, sentAt.toISOString());
    if (mail.purpose !== null) await gates.get(identityOf(db))?.sent?.(db, mail.to_address, mail.purpose, sentAt);
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
 * How the e-mails of one reference (a campaign's, `campaign-<id>`) stand: still waiting to go
 * (retries included), sent, given up on, and withheld because consent had gone by send time.
 */
export function countMailByReference(
  db: Executor,
  reference: string,
): Promise<{ waiting: number; sent: number; failed: number; withheld: number }> {
  return countMailWithReference(db, reference);
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

/** Deletes the outbox's e-mails carrying these references (an order's number), whoever they went to: an erasure finished. */
export async function forgetMailAbout(trx: Executor, references: string[]): Promise<number> {
  return deleteMailOfPerson(trx, [], references);
}

/** The addresses an .eml file was written to or answers to, in lower case, from its header section. */
function addressesInHeaders(raw: string): string[] {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  // Folded header lines continue with white space.
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const found: string[] = [];
  for (const line of lines) {
    if (!/^(to|cc|reply-to):/i.test(line)) continue;
    for (const m of line.matchAll(/[^\s<>,;:"]+@[^\s<>,;:"]+/g)) found.push(m[0].toLowerCase());
  }
  return found;
}

/**
 * Deletes the development mailer's .eml files (under DATA_DIR/outbox) written to or answering to
 * one of these addresses: its copies of the person's e-mails. Files are not in any transaction, so
 * the caller runs this after its erasure has committed. Returns how many files went.
 */
export async function eraseMailFilesOf(outboxDir: string, emails: readonly string[]): Promise<number> {
  const wanted = new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''));
  if (wanted.size === 0) return 0;
  let names: string[];
  try {
    names = await readdir(outboxDir);
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names.filter((n) => n.endsWith('.eml'))) {
    const file = join(outboxDir, name);
    const raw = await readFile(file, 'utf8').catch(() => '');
    if (addressesInHeaders(raw).some((a) => wanted.has(a))) {
      await rm(file, { force: true });
      deleted++;
    }
  }
  return deleted;
}
