import { type Insertable, type Selectable, type Updateable, sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** The only SQL on privacy_requests and privacy_request_events. */

export type RequestRow = Selectable<Database['privacy_requests']>;
export type RequestEventRow = Selectable<Database['privacy_request_events']>;

export async function insertRequest(db: Executor, row: Insertable<Database['privacy_requests']>): Promise<number> {
  const { id } = await db.insertInto('privacy_requests').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateRequest(db: Executor, id: number, changes: Updateable<Database['privacy_requests']>): Promise<void> {
  await db.updateTable('privacy_requests').set(changes).where('id', '=', id).execute();
}

/** Changes the request only while its status is still `status`: how many rows changed (0 when someone was first). */
export async function updateRequestInStatus(
  db: Executor,
  id: number,
  status: string[],
  changes: Updateable<Database['privacy_requests']>,
): Promise<number> {
  const r = await db.updateTable('privacy_requests').set(changes).where('id', '=', id).where('status', 'in', status).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertRequestEvent(db: Executor, row: Insertable<Database['privacy_request_events']>): Promise<void> {
  await db.insertInto('privacy_request_events').values(row).execute();
}

export function findRequestById(db: Executor, id: number): Promise<RequestRow | undefined> {
  return db.selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findRequestByReference(db: Executor, reference: string): Promise<RequestRow | undefined> {
  return db.selectFrom('privacy_requests').selectAll().where('reference', '=', reference).executeTakeFirst();
}

export function findRequestByTokenHash(db: Executor, hash: string): Promise<RequestRow | undefined> {
  return db.selectFrom('privacy_requests').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export function findRequestByAnswerHash(db: Executor, hash: string): Promise<RequestRow | undefined> {
  return db.selectFrom('privacy_requests').selectAll().where('answer_token_hash', '=', hash).executeTakeFirst();
}

export async function referenceTaken(db: Executor, reference: string): Promise<boolean> {
  return (await db.selectFrom('privacy_requests').select('id').where('reference', '=', reference).executeTakeFirst()) !== undefined;
}

export function eventsOfRequest(db: Executor, requestId: number): Promise<RequestEventRow[]> {
  return db.selectFrom('privacy_request_events').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('id').execute();
}

export function eventsOfRequests(db: Executor, requestIds: number[]): Promise<RequestEventRow[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('privacy_request_events')
    .selectAll()
    .where('request_id', 'in', requestIds)
    .orderBy('request_id')
    .orderBy('at')
    .execute();
}

const dueExpr = sql<string | null>`coalesce(extended_due_at, due_at)`;

/** Requests for the back office: live ones first, by the date due, then the rest, newest first. */
export function listRequests(db: Executor, filter: { status: string[] | null; limit: number }): Promise<RequestRow[]> {
  let q = db.selectFrom('privacy_requests').selectAll();
  if (filter.status) q = q.where('status', 'in', filter.status);
  return q
    .orderBy(sql`case when status in ('open', 'extended') then 0 when status = 'awaiting-confirmation' then 1 else 2 end`)
    .orderBy(sql`case when status in ('open', 'extended') then ${dueExpr} end`)
    .orderBy('received_at', 'desc')
    .limit(filter.limit)
    .execute();
}

/** Live requests due on or before `limit` (a date), with their reference, kind and dates only. */
export function liveRequestsDueBy(db: Executor, limit: string) {
  return db
    .selectFrom('privacy_requests')
    .select(['id', 'reference', 'kind', 'status', 'due_at', 'extended_due_at'])
    .where('status', 'in', ['open', 'extended'])
    .where(dueExpr, '<=', limit)
    .orderBy(dueExpr)
    .execute();
}

/** Live complaints not yet acknowledged, with the day they came. */
export function complaintsAwaitingAcknowledgement(db: Executor) {
  return db
    .selectFrom('privacy_requests')
    .select(['id', 'reference', 'received_at'])
    .where('kind', '=', 'complaint')
    .where('status', 'in', ['open', 'extended'])
    .where('acknowledged_at', 'is', null)
    .execute();
}

/** Unconfirmed requests whose link ran out before `now`: their status becomes expired. */
export async function expireUnconfirmed(db: Executor, nowIso: string): Promise<number[]> {
  const rows = await db
    .selectFrom('privacy_requests')
    .select('id')
    .where('status', '=', 'awaiting-confirmation')
    .where('token_expires_at', '<', nowIso)
    .execute();
  const ids = rows.map((r) => r.id);
  if (ids.length > 0)
    await db
      .updateTable('privacy_requests')
      .set({ status: 'expired', token_hash: null, closed_at: nowIso, keep_until: null })
      .where('id', 'in', ids)
      .execute();
  return ids;
}

/** Answer links past their end: emptied. */
export async function expireAnswerLinks(db: Executor, nowIso: string): Promise<number> {
  const r = await db
    .updateTable('privacy_requests')
    .set({ answer_token_hash: null })
    .where('answer_token_hash', 'is not', null)
    .where('answer_expires_at', '<', nowIso)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Closed, not yet minimised requests closed before `closedBefore` (or erasure requests closed at all). */
export async function minimiseClosed(db: Executor, closedBefore: string, nowIso: string): Promise<number> {
  const r = await db
    .updateTable('privacy_requests')
    .set({ email: null, name: null, details: null, customer_id: null, token_hash: null, answer_token_hash: null, minimised_at: nowIso })
    .where('closed_at', 'is not', null)
    .where('minimised_at', 'is', null)
    .where((eb) => eb.or([eb('closed_at', '<', closedBefore), eb.and([eb('kind', '=', 'erasure'), eb('status', '=', 'completed')])]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Request records past their keeping date: deleted (their steps with them). */
export async function deleteRecordsKeptUntil(db: Executor, nowIso: string): Promise<number> {
  const rows = await db.selectFrom('privacy_requests').select('id').where('keep_until', '<', nowIso).execute();
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return 0;
  await db.deleteFrom('privacy_request_events').where('request_id', 'in', ids).execute();
  await db.deleteFrom('privacy_requests').where('id', 'in', ids).execute();
  return ids.length;
}

/** Closed requests with no keeping date (expired unconfirmed ones): their record is kept as long as any other. */
export async function setKeepUntilWhereMissing(db: Executor, keepUntilOf: (closedAt: string) => string): Promise<void> {
  const rows = await db
    .selectFrom('privacy_requests')
    .select(['id', 'closed_at'])
    .where('closed_at', 'is not', null)
    .where('keep_until', 'is', null)
    .execute();
  for (const r of rows) if (r.closed_at) await updateRequest(db, r.id, { keep_until: keepUntilOf(r.closed_at) });
}

/** A person's requests: by any address (case-insensitive), its fingerprint, or the account. */
export function requestsOfPerson(
  db: Executor,
  who: { emails: string[]; hashes: string[]; customerId: number | null },
): Promise<RequestRow[]> {
  const lower = who.emails.map((e) => e.trim().toLowerCase());
  return db
    .selectFrom('privacy_requests')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(lower.length > 0 ? [eb(eb.fn('lower', ['email']), 'in', lower)] : []),
        ...(who.hashes.length > 0 ? [eb('address_hash', 'in', who.hashes)] : []),
        ...(who.customerId !== null ? [eb('customer_id', '=', who.customerId)] : []),
        sql<boolean>`1 = 0`,
      ]),
    )
    .orderBy('id')
    .execute();
}

export async function anonymiseRequests(db: Executor, ids: number[], nowIso: string): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('privacy_requests')
    .set({ email: null, name: null, details: null, customer_id: null, token_hash: null, answer_token_hash: null, minimised_at: nowIso })
    .where('id', 'in', ids)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countByStatus(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('privacy_requests')
    .select(['status', db.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
