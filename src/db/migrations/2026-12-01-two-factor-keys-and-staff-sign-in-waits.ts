import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Staff sign-in security: waits counted per account and network, a new two-factor key kept apart
// from the one in force until it is confirmed, and an owner's reset that lets one sign-in enrol.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_networks')
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('last_failure_at', 'text')
    .addColumn('last_sign_in_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_networks_pk', ['staff_id', 'network'])
    .execute();
  await db.schema.createIndex('staff_networks_updated_idx').on('staff_networks').column('updated_at').execute();

  await db.schema.alterTable('staff_sessions').addColumn('pending_totp_secret', 'text').execute();
  await db.schema.alterTable('staff').addColumn('two_factor_reset_until', 'text').execute();
  await db.schema.alterTable('staff').addColumn('lockout_mailed_at', 'text').execute();

  // A key that was never confirmed used to sit in the confirmed key's place; it was never in force.
  await db.updateTable('staff').set({ totp_secret: null }).where('totp_enabled_at', 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff').dropColumn('lockout_mailed_at').execute();
  await db.schema.alterTable('staff').dropColumn('two_factor_reset_until').execute();
  await db.schema.alterTable('staff_sessions').dropColumn('pending_totp_secret').execute();
  await db.schema.dropTable('staff_networks').execute();
}
