import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen in time: this file never imports application code.
// The shop's accountability.
// - policy_versions gains the text of each published version (the privacy policy as people read
//   it, so any two can be compared), and, when the owner marks a change as material, its summary,
//   when it was marked, when its storefront notice ends and when account holders were told.
// - breaches: the breach register (UK GDPR Art. 33(5)): every suspected breach, reported or not,
//   with what happened, when it was found (the 72-hour clock runs from then), the data and people
//   affected, the risk assessment, the actions taken, the report to the ICO or the reason for not
//   reporting, and the reviewed notice to the people affected. Staff are named by staff number.
// - breach_people: the people a breach affects, by e-mail address (and account number when they
//   have one), so that they can be told; removed once the breach is closed and a period has passed.
// - staff_undertakings: each staff member's acceptance of the confidentiality undertaking, one row
//   per version of its text accepted.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();

  await db.schema
    .alterTable('policy_versions')
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('policy_versions').addColumn('material_summary', 'text').execute();
  await db.schema.alterTable('policy_versions').addColumn('material_at', 'text').execute();
  await db.schema.alterTable('policy_versions').addColumn('notice_ends_at', 'text').execute();
  await db.schema.alterTable('policy_versions').addColumn('notified_at', 'text').execute();

  await db.schema
    .createTable('breaches')
    .addColumn('id', 'integer', id)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('what_happened', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text')
    .addColumn('discovered_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('data_affected', 'text', (c) => c.notNull())
    .addColumn('people_affected', 'text', (c) => c.notNull())
    .addColumn('people_count', 'integer')
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('risk_assessment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reported_at', 'text')
    .addColumn('ico_reference', 'text')
    .addColumn('not_reported_reason', 'text')
    .addColumn('late_reason', 'text')
    .addColumn('notice_subject', 'text')
    .addColumn('notice_body', 'text')
    .addColumn('notice_reviewed_by', 'integer')
    .addColumn('notice_reviewed_at', 'text')
    .addColumn('people_told_at', 'text')
    .addColumn('people_not_told_reason', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('breaches_open_idx').on('breaches').columns(['closed_at', 'discovered_at']).execute();

  await db.schema
    .createTable('breach_people')
    .addColumn('breach_id', 'integer', (c) => c.notNull().references('breaches.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'integer')
    .addColumn('told_at', 'text')
    .addPrimaryKeyConstraint('breach_people_pk', ['breach_id', 'email'])
    .execute();
  await db.schema.createIndex('breach_people_email_idx').on('breach_people').columns(['email']).execute();
  await db.schema.createIndex('breach_people_customer_idx').on('breach_people').columns(['customer_id']).execute();

  await db.schema
    .createTable('staff_undertakings')
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_undertakings_pk', ['staff_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_undertakings').ifExists().execute();
  await db.schema.dropTable('breach_people').ifExists().execute();
  await db.schema.dropTable('breaches').ifExists().execute();
  for (const column of ['notified_at', 'notice_ends_at', 'material_at', 'material_summary', 'text'])
    await db.schema.alterTable('policy_versions').dropColumn(column).execute();
}
