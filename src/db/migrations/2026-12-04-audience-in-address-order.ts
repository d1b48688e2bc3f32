import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// A campaign's audience is read page by page in address order (lower-case), so each page's e-mails
// go into the outbox's address index at its end, not scattered through it: in fingerprint order,
// every page of a large campaign rewrote pages all over that index, and queueing 100,000 e-mails
// slowed as the outbox grew. The index below serves that order. A run that stops half-way now
// resumes after the greatest address the outbox holds for the campaign, so the campaign keeps no
// cursor of its own (it held a person's fingerprint, outside the privacy contract).
// Nor does an e-mail keep its unsubscribe link: the outbox makes it as it sends, so none waiting
// can lack one or carry the wrong one, and no copy of each person's link is stored (rows queued
// before this get the same link when they are sent).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('consent_state_audience_address_idx')
    .on('consent_state')
    .expression(sql`purpose, given, lower(email)`)
    .execute();
  await db.schema.alterTable('campaigns').dropColumn('queue_cursor').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('unsubscribe_url').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('unsubscribe_url', 'text').execute();
  await db.schema.alterTable('campaigns').addColumn('queue_cursor', 'text').execute();
  await db.schema.dropIndex('consent_state_audience_address_idx').ifExists().execute();
}
