import { type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import { type Db, dialectOf } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type OutboxRow = Selectable<Database['mail_outbox']>;

export async function insertOutboxMail(
  db: Db,
  m: {
    kind: string;
    purpose?: string;
    reference: string;
    to: string;
    replyTo?: string | null;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    at: string;
  },
): Promise<number> {
  const r = await db
    .insertInto('mail_outbox')
    .values({
      kind: m.kind,
      reference: m.reference,
      to_address: m.to,
      reply_to: m.replyTo ?? null,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      message_id: m.messageId,
      created_at: m.at,
      next_attempt_at: m.at,
      purpose: m.purpose ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** What the e-mails of one bulk send share: everything but their recipient, Message-ID and due time. */
export interface SharedMail {
  kind: string;
  reference: string;
  /** Null for a transactional notice to many (a privacy policy change), which needs no consent. */
  purpose: string | null;
  body_id: number;
  created_at: string;
}

/** What each e-mail of a bulk send has of its own. */
export interface OwnMail {
  to_address: string;
  message_id: string;
  next_attempt_at: string;
}

/**
 * Queues many e-mails sharing a body in one statement, in the order given: the e-mails' own values
 * go as one JSON document, so a thousand e-mails are a
 * statement of a few parameters, not one of thirteen thousand to compile, send and parse.
 */
export async function insertMailsSharingBody(db: Db, shared: SharedMail, own: readonly OwnMail[]): Promise<void> {
  if (own.length === 0) return;
  const columns = sql`(kind, reference, purpose, body_id, created_at, reply_to, subject, text_body, html_body, attempts,
    to_address, message_id, next_attempt_at)`;
  const common = sql`${shared.kind}, ${shared.reference}, ${shared.purpose}, cast(${shared.body_id} as integer), ${shared.created_at}, null, '', '', '', 0`;
  const json = JSON.stringify(own.map((m) => [m.to_address, m.message_id, m.next_attempt_at]));
  if (dialectOf(db) === 'postgres') {
    await sql`insert into mail_outbox ${columns}
      select ${common}, o.value ->> 0, o.value ->> 1, o.value ->> 2
      from json_array_elements(${json}::json) with ordinality as o(value, n)
      order by o.n`.execute(db);
    return;
  }
  await sql`insert into mail_outbox ${columns}
    select ${common}, o.value ->> 0, o.value ->> 1, o.value ->> 2
    from json_each(${json}) as o
    order by o.key`.execute(db);
}

/** The greatest address (lower case) among the e-mails under a reference; null when there are none. */
export async function greatestAddressOf(db: Db, reference: string): Promise<string | null> {
  const r = await db
    .selectFrom('mail_outbox')
    .select(sql<string | null>`max(lower(to_address))`.as('address'))
    .where('reference', '=', reference)
    .executeTakeFirst();
  return r?.address ?? null;
}

export async function insertMailBody(db: Db, body: Insertable<Database['mail_bodies']>): Promise<number> {
  const r = await db.insertInto('mail_bodies').values(body).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function findMailBody(db: Db, id: number): Promise<{ subject: string; text_body: string; html_body: string } | undefined> {
  return db.selectFrom('mail_bodies').select(['subject', 'text_body', 'html_body']).where('id', '=', id).executeTakeFirst();
}

/** Deletes the shared bodies no e-mail uses any more (their campaign's e-mails were all deleted). */
export async function deleteUnusedMailBodies(db: Db, createdBefore: string): Promise<number> {
  const r = await db
    .deleteFrom('mail_bodies')
    .where('created_at', '<', createdBefore)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('mail_outbox').select('id').whereRef('mail_outbox.body_id', '=', 'mail_bodies.id'))),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The addresses (of those given, in lower case) with a marketing e-mail for the purpose not yet sent, given up or withheld. */
export async function findAddressesAwaitingMail(db: Db, purpose: string, addresses: string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const rows = await db
    .selectFrom('mail_outbox')
    .select('to_address')
    .where('purpose', '=', purpose)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('withheld_at', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['to_address']), 'in', addresses))
    .execute();
  return rows.map((r) => r.to_address);
}

/** The outbox refused to send it: consent was no longer there. */
export async function markMailWithheld(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ withheld_at: at, claimed_until: null }).where('id', '=', id).execute();
}

/** Not sent, not given up on, due, and not held by a worker whose claim is still running. */
function dueAndFree(eb: ExpressionBuilder<Database, 'mail_outbox'>, now: string) {
  return eb.and([
    eb('sent_at', 'is', null),
    eb('failed_at', 'is', null),
    eb('withheld_at', 'is', null),
    eb('next_attempt_at', '<=', now),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]),
  ]);
}

export async function nextDueMailId(db: Db, now: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where((eb) => dueAndFree(eb, now))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r?.id;
}

/**
 * Claims one row for one worker. The update repeats the "due and free" condition, so when two
 * workers race for the same row the database lets exactly one of them change it; the other gets
 * nothing back.
 */
export function claimMail(db: Db, id: number, now: string, until: string): Promise<OutboxRow | undefined> {
  return db
    .updateTable('mail_outbox')
    .set({ claimed_until: until })
    .where('id', '=', id)
    .where((eb) => dueAndFree(eb, now))
    .returningAll()
    .executeTakeFirst();
}

export async function markMailSent(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ sent_at: at, claimed_until: null, last_error: null }).where('id', '=', id).execute();
}

/** Records a failed try, unless the e-mail has been sent since (by a worker whose claim came later); true when recorded. */
export async function recordMailFailure(
  db: Db,
  id: number,
  f: { attempts: number; nextAttemptAt: string; failedAt: string | null; lastError: string },
): Promise<boolean> {
  const r = await db
    .updateTable('mail_outbox')
    .set({ attempts: f.attempts, next_attempt_at: f.nextAttemptAt, failed_at: f.failedAt, last_error: f.lastError, claimed_until: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteMailSentBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('mail_outbox').where('sent_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteMailFailedBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('mail_outbox').where('failed_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Counts only: the back office sees how the outbox is doing, never whom the mail is for. */
/** How many rows meet the condition, as a sum of ones: several counts in one pass over the outbox. */
function countWhere(eb: ExpressionBuilder<Database, 'mail_outbox'>, condition: Expression<SqlBool>) {
  return eb.fn.sum<number>(eb.case().when(condition).then(1).else(0).end());
}

/** Not yet sent, given up on or withheld: still waiting its turn. */
const stillWaiting = (eb: ExpressionBuilder<Database, 'mail_outbox'>) =>
  eb.and([eb('sent_at', 'is', null), eb('failed_at', 'is', null), eb('withheld_at', 'is', null)]);

export async function countOutbox(db: Db, overdueBefore: string): Promise<{ waiting: number; overdue: number; failed: number }> {
  const r = await db
    .selectFrom('mail_outbox')
    .select((eb) => [
      countWhere(eb, stillWaiting(eb)).as('waiting'),
      countWhere(eb, eb.and([stillWaiting(eb), eb('next_attempt_at', '<', overdueBefore)])).as('overdue'),
      countWhere(eb, eb('failed_at', 'is not', null)).as('failed'),
    ])
    .executeTakeFirst();
  return { waiting: Number(r?.waiting ?? 0), overdue: Number(r?.overdue ?? 0), failed: Number(r?.failed ?? 0) };
}

/** E-mails to or about one person: sent to (or answering to) one of their addresses (given in lower case), or carrying one of their references. */
function ofPerson(eb: ExpressionBuilder<Database, 'mail_outbox'>, emails: string[], references: string[]) {
  const by = [];
  if (emails.length > 0) {
    by.push(eb(eb.fn('lower', ['to_address']), 'in', emails));
    by.push(eb(eb.fn('lower', ['reply_to']), 'in', emails));
  }
  if (references.length > 0) by.push(eb('reference', 'in', references));
  return eb.or(by);
}

export function findMailOfPerson(db: Db, emails: string[], references: string[]): Promise<OutboxRow[]> {
  if (emails.length === 0 && references.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where((eb) => ofPerson(eb, emails, references))
    .orderBy('id')
    .execute();
}

export async function deleteMailOfPerson(db: Db, emails: string[], references: string[]): Promise<number> {
  if (emails.length === 0 && references.length === 0) return 0;
  const r = await db
    .deleteFrom('mail_outbox')
    .where((eb) => ofPerson(eb, emails, references))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** How the e-mails carrying one reference (a campaign's) stand: counts only. */
export async function countMailWithReference(
  db: Db,
  reference: string,
): Promise<{ waiting: number; sent: number; failed: number; withheld: number }> {
  const r = await db
    .selectFrom('mail_outbox')
    .select((eb) => [
      countWhere(eb, stillWaiting(eb)).as('waiting'),
      countWhere(eb, eb('sent_at', 'is not', null)).as('sent'),
      countWhere(eb, eb('failed_at', 'is not', null)).as('failed'),
      countWhere(eb, eb('withheld_at', 'is not', null)).as('withheld'),
    ])
    .where('reference', '=', reference)
    .executeTakeFirst();
  return {
    waiting: Number(r?.waiting ?? 0),
    sent: Number(r?.sent ?? 0),
    failed: Number(r?.failed ?? 0),
    withheld: Number(r?.withheld ?? 0),
  };
}

/** Deletes one e-mail: one the shop keeps no copy of once it is sent. */
export async function deleteMailById(db: Db, id: number): Promise<void> {
  await db.deleteFrom('mail_outbox').where('id', '=', id).execute();
}
