import type { Selectable } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** The only SQL on erasure_journal. */

export type JournalRow = Selectable<Database['erasure_journal']>;

export async function insertJournalEntry(
  db: Db,
  entry: {
    erased_at: string;
    address_keys: string;
    customer_key: string | null;
    staff_key: string | null;
    request_id: number | null;
    waiting_orders: string | null;
    finished_at: string | null;
  },
): Promise<number> {
  const r = await db.insertInto('erasure_journal').values(entry).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** Every entry, oldest first: what a restored database must have applied again. */
export function findJournalEntries(db: Executor): Promise<JournalRow[]> {
  return db.selectFrom('erasure_journal').selectAll().orderBy('id').execute();
}

export function findJournalEntry(db: Executor, id: number): Promise<JournalRow | undefined> {
  return db.selectFrom('erasure_journal').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The entries whose erasure waits for open orders. */
export function findUnfinishedJournalEntries(db: Executor): Promise<JournalRow[]> {
  return db.selectFrom('erasure_journal').selectAll().where('finished_at', 'is', null).orderBy('id').execute();
}

/** Records the orders an entry still waits for, and when it finished (null while it waits). */
export async function updateJournalWaiting(db: Db, id: number, waitingOrders: string | null, finishedAt: string | null): Promise<void> {
  await db.updateTable('erasure_journal').set({ waiting_orders: waitingOrders, finished_at: finishedAt }).where('id', '=', id).execute();
}

export async function deleteJournalEntriesFinishedBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('erasure_journal').where('finished_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}
