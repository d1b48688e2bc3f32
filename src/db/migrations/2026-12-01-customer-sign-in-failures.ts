import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Wrong sign-in passwords are counted per e-mail address, whether or not it has an account, under
// a keyed hash of the address (so no address is stored); the count on the account row goes.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_sign_in_failures')
    .addColumn('address_hash', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failed_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('customer_sign_in_failures_last_idx').on('customer_sign_in_failures').column('last_failed_at').execute();
  await db.schema.alterTable('customers').dropColumn('failed_sign_ins').execute();
  await db.schema.alterTable('customers').dropColumn('locked_until').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('customers').addColumn('locked_until', 'text').execute();
  await db.schema.dropTable('customer_sign_in_failures').ifExists().execute();
}
