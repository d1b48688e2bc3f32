import type { Db } from '../../db/database.js';

/** Records a policy version the first time it is served; returns when each version was published, newest first. */
export async function recordPolicyVersion(db: Db, version: string, summary: string, now: string) {
  await db
    .insertInto('policy_versions')
    .values({ version, published_at: now, summary })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  return db.selectFrom('policy_versions').select(['version', 'published_at', 'summary']).orderBy('published_at', 'desc').execute();
}
