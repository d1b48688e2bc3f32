import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// A person's current consent choices are found, for their copy and their erasure, by their
// account, their subject key or their address in any letter case (`lower(email) in (…)`). The
// ledger has an index for that; the state did not, so with many subscribers a copy or an erasure
// read every row of it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('consent_state_email_lower_idx')
    .on('consent_state')
    .expression(sql`lower(email)`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('consent_state_email_lower_idx').execute();
}
