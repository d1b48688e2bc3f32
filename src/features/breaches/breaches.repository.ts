import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** All SQL of the breach register: `breaches` and `breach_people`, which only this file queries. */

export type BreachRow = Selectable<Database['breaches']>;
export type BreachPersonRow = Selectable<Database['breach_people']>;

export async function insertBreach(db: Executor, row: Insertable<Database['breaches']>): Promise<number> {
  const r = await db.insertInto('breaches').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Takes the breach row's lock for the rest of the transaction (a write that changes nothing), so
 * that two staff acting on one breach at once (sending its notice twice, say) take turns on
 * PostgreSQL as they do on SQLite, and the second sees what the first did.
 */
export async function lockBreach(db: Executor, id: number): Promise<void> {
  await db
    .updateTable('breaches')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', id)
    .execute();
}

export async function findBreach(db: Executor, id: number): Promise<BreachRow | undefined> {
  return db.selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateBreach(db: Executor, id: number, patch: Updateable<Database['breaches']>): Promise<void> {
  await db.updateTable('breaches').set(patch).where('id', '=', id).execute();
}

/** The register's columns for its list: what each breach is and where it stands, no descriptions. */
export type BreachListRow = Pick<
  BreachRow,
  'id' | 'title' | 'discovered_at' | 'risk' | 'reported_at' | 'not_reported_reason' | 'people_told_at' | 'closed_at'
>;

/** One page of the register, newest discovery first. */
export function listBreaches(db: Executor, limit: number, offset: number): Promise<BreachListRow[]> {
  return db
    .selectFrom('breaches')
    .select(['id', 'title', 'discovered_at', 'risk', 'reported_at', 'not_reported_reason', 'people_told_at', 'closed_at'])
    .orderBy('discovered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countBreaches(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('breaches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * The open breaches still waiting for a report or a decision not to report, the one discovered
 * first (so due first) at the top: the dashboard's panel. One query on the open-breach index.
 */
export function findBreachesAwaitingReport(db: Executor, limit: number) {
  return db
    .selectFrom('breaches')
    .select(['id', 'title', 'discovered_at', 'risk'])
    .where('closed_at', 'is', null)
    .where('reported_at', 'is', null)
    .where('not_reported_reason', 'is', null)
    .orderBy('discovered_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

// ——— The people a breach affects ———

/** The addresses already listed for a breach, in lower case. */
export async function findBreachAddresses(db: Executor, breachId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('breach_people').select('email').where('breach_id', '=', breachId).execute();
  return new Set(rows.map((r) => r.email.toLowerCase()));
}

export async function insertBreachPeople(db: Executor, rows: Insertable<Database['breach_people']>[]): Promise<void> {
  // A page at a time, to stay under SQLite's limit of bound values per statement.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('breach_people')
      .values(rows.slice(i, i + 500))
      .execute();
}

export function listBreachPeople(db: Executor, breachId: number): Promise<BreachPersonRow[]> {
  return db.selectFrom('breach_people').selectAll().where('breach_id', '=', breachId).orderBy('email').execute();
}

/** How many people a breach lists, and how many of them have been told. */
export async function countBreachPeople(db: Executor, breachId: number): Promise<{ listed: number; told: number }> {
  const r = await db
    .selectFrom('breach_people')
    .select((eb) => [eb.fn.countAll<number>().as('listed'), eb.fn.count<number>('told_at').as('told')])
    .where('breach_id', '=', breachId)
    .executeTakeFirst();
  return { listed: Number(r?.listed ?? 0), told: Number(r?.told ?? 0) };
}

/** The people of a breach not told yet. */
export function findUntoldPeople(db: Executor, breachId: number): Promise<{ email: string }[]> {
  return db
    .selectFrom('breach_people')
    .select('email')
    .where('breach_id', '=', breachId)
    .where('told_at', 'is', null)
    .orderBy('email')
    .execute();
}

/** One person of a breach, by address in any capitals. */
export function findBreachPerson(db: Executor, breachId: number, email: string): Promise<BreachPersonRow | undefined> {
  return db
    .selectFrom('breach_people')
    .selectAll()
    .where('breach_id', '=', breachId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

/** Deletes one person of a breach, only while they have not been told; the number deleted (0 or 1). */
export async function deleteUntoldBreachPerson(db: Executor, breachId: number, email: string): Promise<number> {
  const r = await db
    .deleteFrom('breach_people')
    .where('breach_id', '=', breachId)
    .where('email', '=', email)
    .where('told_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Marks these people told, only those not told already; the number marked. */
export async function markPeopleTold(db: Executor, breachId: number, emails: string[], at: string): Promise<number> {
  let marked = 0;
  for (let i = 0; i < emails.length; i += 500) {
    const r = await db
      .updateTable('breach_people')
      .set({ told_at: at })
      .where('breach_id', '=', breachId)
      .where('email', 'in', emails.slice(i, i + 500))
      .where('told_at', 'is', null)
      .executeTakeFirst();
    marked += Number(r.numUpdatedRows);
  }
  return marked;
}

// ——— One person's rows, for the privacy feature ———

/** The rows naming the person: by account number or by any of their addresses (given in lower case). */
export function findBreachPeopleOfPerson(db: Executor, customerId: number | null, emails: string[]): Promise<BreachPersonRow[]> {
  if (customerId === null && emails.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('breach_people')
    .selectAll()
    .where((eb) => {
      const ors = [];
      if (customerId !== null) ors.push(eb('customer_id', '=', customerId));
      if (emails.length > 0) ors.push(eb(eb.fn('lower', ['email']), 'in', emails));
      return eb.or(ors);
    })
    .orderBy('breach_id')
    .orderBy('email')
    .execute();
}

/** Deletes the rows naming the person; the number deleted. */
export async function deleteBreachPeopleOfPerson(db: Executor, customerId: number | null, emails: string[]): Promise<number> {
  if (customerId === null && emails.length === 0) return 0;
  const r = await db
    .deleteFrom('breach_people')
    .where((eb) => {
      const ors = [];
      if (customerId !== null) ors.push(eb('customer_id', '=', customerId));
      if (emails.length > 0) ors.push(eb(eb.fn('lower', ['email']), 'in', emails));
      return eb.or(ors);
    })
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Everyone the register's people name, by address and account number, each pair once. */
export function findEveryBreachPerson(db: Executor): Promise<{ email: string; customer_id: number | null }[]> {
  return db.selectFrom('breach_people').select(['email', 'customer_id']).distinct().execute();
}

/** Retention: deletes the people of breaches closed before the cutoff; the number of rows deleted. */
export async function deletePeopleOfBreachesClosedBefore(db: Executor, cutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('breach_people')
    .where('breach_id', 'in', (eb) =>
      eb.selectFrom('breaches').select('id').where('closed_at', 'is not', null).where('closed_at', '<', cutoff),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
