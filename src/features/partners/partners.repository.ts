import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type PartnerRow = Selectable<Database['partners']>;

/** The partners not retired, in the order they were declared. */
export function listActivePartners(db: Executor): Promise<PartnerRow[]> {
  return db.selectFrom('partners').selectAll().where('retired_at', 'is', null).orderBy('id').execute();
}

export function findPartner(db: Executor, id: number): Promise<PartnerRow | undefined> {
  return db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every partner, retired ones too, newest declaration last. */
export function listAllPartners(db: Executor): Promise<PartnerRow[]> {
  return db.selectFrom('partners').selectAll().orderBy('id').execute();
}

export async function insertPartner(db: Executor, row: Insertable<Database['partners']>): Promise<number> {
  const inserted = await db.insertInto('partners').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Changes a partner not yet retired; false when there is none. */
export async function updateActivePartner(
  db: Executor,
  id: number,
  changes: Pick<Updateable<Database['partners']>, 'name' | 'receives' | 'why' | 'country' | 'policy_url'>,
): Promise<boolean> {
  const r = await db.updateTable('partners').set(changes).where('id', '=', id).where('retired_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Retires a partner not yet retired; false when there is none. */
export async function retireActivePartner(db: Executor, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('partners')
    .set({ retired_at: at })
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
