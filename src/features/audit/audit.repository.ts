import { type Selectable, sql } from 'kysely';
import { type Db, dialectOf } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type AuditRow = Selectable<Database['audit_log']>;

/** Serialises writers so that every entry links to the one before it. Call inside a transaction. */
export async function lockAuditChain(db: Db): Promise<void> {
  // SQLite runs one write transaction at a time already; PostgreSQL needs an explicit lock.
  if (dialectOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(728301)`.execute(db);
}

/** Something that is the same for a database handle and every transaction made from it. */
export function databaseIdentity(db: Db): object {
  return db.getExecutor().adapter;
}

/** The newest entry: the head of the chain. */
export function newestAuditRow(db: Db): Promise<AuditRow | undefined> {
  return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function countAuditRows(db: Db): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertAuditRow(db: Db, row: Omit<AuditRow, 'id'>): Promise<number> {
  const r = await db.insertInto('audit_log').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export interface AuditFilter {
  actorStaffId?: number;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: string;
  to?: string;
}

export async function findAuditRows(db: Db, f: AuditFilter, limit: number, offset: number): Promise<{ rows: AuditRow[]; total: number }> {
  let q = db.selectFrom('audit_log');
  if (f.actorStaffId !== undefined) q = q.where('actor_staff_id', '=', f.actorStaffId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.subjectType) q = q.where('subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** Every entry in chain order, in pages, for verification. */
export async function* allAuditRows(db: Db, pageSize = 1000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1]?.id ?? after;
  }
}

/** Who has looked at a subject's data: for showing a person who accessed their own records. */
export type AccessRow = Pick<AuditRow, 'at' | 'actor_role' | 'action' | 'subject_type' | 'subject_id'>;

/**
 * The audit entries about one customer's records: their account, and the orders named (every order
 * now on the account, including those placed as a guest and linked later). Staff ids and networks
 * are not selected.
 */
export async function findAccessesToCustomerRecords(
  db: Db,
  records: { customerId: number; orderNumbers: readonly string[] },
  limit: number,
): Promise<AccessRow[]> {
  return db
    .selectFrom('audit_log')
    .select(['at', 'actor_role', 'action', 'subject_type', 'subject_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'customer'), eb('subject_id', '=', String(records.customerId))]),
        ...(records.orderNumbers.length > 0
          ? [eb.and([eb('subject_type', '=', 'order'), eb('subject_id', 'in', [...records.orderNumbers])])]
          : []),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The oldest run of entries written before the cutoff: everything before the first entry written
 * at or after it. Retention removes only such a run, so the trail always keeps an unbroken tail.
 */
export async function findExpiredAuditRun(db: Db, cutoff: string): Promise<{ last: AuditRow; count: number } | undefined> {
  const firstKept = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min<number>('id').as('id'))
    .where('at', '>=', cutoff)
    .executeTakeFirst();
  let q = db.selectFrom('audit_log').where('at', '<', cutoff);
  if (firstKept?.id != null) q = q.where('id', '<', firstKept.id);
  const last = await q.selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!last) return undefined;
  const n = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', '<=', last.id)
    .executeTakeFirst();
  return { last, count: Number(n?.n ?? 0) };
}

/** Removes the entries up to this one (the database allows this only past the retention period). */
export async function deleteAuditRowsThrough(db: Db, lastId: number): Promise<number> {
  const r = await db.deleteFrom('audit_log').where('id', '<=', lastId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The entries a staff member wrote, and those about their account: in full but for the seals. */
export function findAuditRowsOfStaff(db: Db, staffId: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_staff_id', 'actor_role', 'action', 'subject_type', 'subject_id', 'fields', 'reason', 'network'])
    .where((eb) =>
      eb.or([eb('actor_staff_id', '=', staffId), eb.and([eb('subject_type', '=', 'staff'), eb('subject_id', '=', String(staffId))])]),
    )
    .orderBy('id')
    .execute();
}

/**
 * The entries about a customer's account and orders, as the customer may see them: when, which
 * staff role, what was done to which fields; never which staff member, nor from where.
 */
export function findAuditRowsAboutRecords(db: Db, customerIds: string[], orderNumbers: string[]) {
  if (customerIds.length === 0 && orderNumbers.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_role', 'action', 'subject_type', 'subject_id', 'fields'])
    .where((eb) => {
      const by = [];
      if (customerIds.length > 0) by.push(eb.and([eb('subject_type', '=', 'customer'), eb('subject_id', 'in', customerIds)]));
      if (orderNumbers.length > 0) by.push(eb.and([eb('subject_type', '=', 'order'), eb('subject_id', 'in', orderNumbers)]));
      return eb.or(by);
    })
    .orderBy('id')
    .execute();
}
