import type { Selectable } from 'kysely';
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
