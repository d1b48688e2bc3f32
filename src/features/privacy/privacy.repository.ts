import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** A published version as listed: everything but its text, with the text's length (0 when it was not kept). */
export type PolicyVersionRow = Omit<Selectable<Database['policy_versions']>, 'text'> & { text_length: number };

const LISTED = ['version', 'published_at', 'summary', 'material_summary', 'material_at', 'notice_ends_at', 'notified_at'] as const;

/** Every published version, newest first (two published at the same moment in a fixed order). */
export function listPolicyVersions(db: Db): Promise<PolicyVersionRow[]> {
  return db
    .selectFrom('policy_versions')
    .select([...LISTED, sql<number>`length(text)`.as('text_length')])
    .orderBy('published_at', 'desc')
    .orderBy('version', 'desc')
    .execute();
}

/**
 * Records a policy version, with its text as people read it, the first time it is served (a second
 * process serving it at the same moment leaves the first one's record as it is).
 */
export async function insertPolicyVersion(db: Db, row: { version: string; summary: string; text: string; at: string }): Promise<void> {
  await db
    .insertInto('policy_versions')
    .values({ version: row.version, published_at: row.at, summary: row.summary, text: row.text })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

export function findPolicyVersion(db: Db, version: string): Promise<Selectable<Database['policy_versions']> | undefined> {
  return db.selectFrom('policy_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

/** Marks a version material, only if it is not marked already: false when it was (or is unknown). */
export async function markPolicyVersionMaterial(
  db: Db,
  version: string,
  change: { summary: string; at: string; noticeEndsAt: string },
): Promise<boolean> {
  const r = await db
    .updateTable('policy_versions')
    .set({ material_summary: change.summary, material_at: change.at, notice_ends_at: change.noticeEndsAt })
    .where('version', '=', version)
    .where('material_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recordPolicyVersionNotified(db: Db, version: string, at: string): Promise<void> {
  await db.updateTable('policy_versions').set({ notified_at: at }).where('version', '=', version).execute();
}
