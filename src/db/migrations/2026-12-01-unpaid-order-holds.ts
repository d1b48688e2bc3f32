import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Who an unpaid order holds stock for, as keyed hashes of the buyer's network and e-mail address
// (never the raw values), so that one buyer can hold only a few unpaid orders at once. Cleared
// once the order is paid or cancelled.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('unpaid_network_hash', 'text').execute();
  await db.schema.alterTable('orders').addColumn('unpaid_email_hash', 'text').execute();
  await db.schema.createIndex('orders_unpaid_network_idx').on('orders').column('unpaid_network_hash').execute();
  await db.schema.createIndex('orders_unpaid_email_idx').on('orders').column('unpaid_email_hash').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_unpaid_email_idx').ifExists().execute();
  await db.schema.dropIndex('orders_unpaid_network_idx').ifExists().execute();
  await db.schema.alterTable('orders').dropColumn('unpaid_email_hash').execute();
  await db.schema.alterTable('orders').dropColumn('unpaid_network_hash').execute();
}
