import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// Finding one person's rows (a copy of their data, an erasure, a guest's orders joining an account,
// the back office's search by e-mail or surname) compares addresses and names without regard to
// case: `lower(email) in (…)`. An index on the column itself cannot serve that, so without these
// each such lookup read every order, enquiry and e-mail. Both dialects index an expression.

const INDEXES: [name: string, table: string, column: string][] = [
  ['orders_email_lower_idx', 'orders', 'email'],
  ['orders_surname_lower_idx', 'orders', 'surname'],
  ['customers_email_lower_idx', 'customers', 'email'],
  ['contact_messages_email_lower_idx', 'contact_messages', 'email'],
  ['mail_outbox_to_lower_idx', 'mail_outbox', 'to_address'],
  ['mail_outbox_reply_to_lower_idx', 'mail_outbox', 'reply_to'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, column] of INDEXES) {
    await db.schema
      .createIndex(name)
      .on(table)
      .expression(sql`lower(${sql.ref(column)})`)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute();
}
