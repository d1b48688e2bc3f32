import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// An e-mail in the outbox may carry a Reply-To address: a forwarded contact enquiry is answered
// straight to the person who sent it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('reply_to', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('reply_to').execute();
}
