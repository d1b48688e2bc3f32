import type { Executor } from '../../db/database.js';

/** The one place that queries `privacy_flags`: objections and restrictions, by a keyed hash of the address. */

export interface FlagRow {
  address_hash: string;
  kind: string;
  set_at: string;
  request_id: number | null;
}

/** Inserts the flags that are not set yet (a flag set twice keeps its first time and request). */
export async function insertFlags(db: Executor, rows: FlagRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('privacy_flags')
    .values(rows)
    .onConflict((oc) => oc.columns(['address_hash', 'kind']).doNothing())
    .execute();
}

export async function deleteFlags(db: Executor, addressHash: string, kinds: string[]): Promise<number> {
  if (kinds.length === 0) return 0;
  const r = await db.deleteFrom('privacy_flags').where('address_hash', '=', addressHash).where('kind', 'in', kinds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function flagRowsOf(db: Executor, addressHashes: string[]): Promise<FlagRow[]> {
  if (addressHashes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('privacy_flags')
    .select(['address_hash', 'kind', 'set_at', 'request_id'])
    .where('address_hash', 'in', addressHashes)
    .orderBy('address_hash')
    .orderBy('kind')
    .execute();
}

/** The addresses (as hashes) with any of these kinds of flag: the small set a whole run or page is checked against. */
export async function hashesWithKinds(db: Executor, kinds: string[]): Promise<string[]> {
  const rows = await db.selectFrom('privacy_flags').select('address_hash').distinct().where('kind', 'in', kinds).execute();
  return rows.map((r) => r.address_hash);
}
