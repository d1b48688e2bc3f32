import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen in time: this file never imports application code.
// Privacy rights: requests from anyone, the flags that honour objection and restriction, and the
// journal of erasures.
// - privacy_requests: one request (access, rectification, erasure, objection, restriction, a
//   complaint), received online, from Account Home, or by e-mail or post through staff. The
//   address it came from is kept as a keyed hash (address_hash) for the six years the record is
//   the proof of compliance; the address itself, the name and the details are emptied when the
//   request is closed and no longer needed (minimised_at). The clock starts at confirmed_at.
// - privacy_request_events: each step of a request (received, confirmed, extended, answered,
//   closed), by whom (the person, the shop, or a staff role), with a note naming no one.
// - privacy_flags: an objection (to marketing, feedback requests, sharing with partners, visitor
//   statistics) or a restriction, by a keyed hash of the address, honoured by every path.
// - erasure_journal: each erasure under pseudonymous keys (keyed hashes of the addresses and of
//   the account and staff numbers), so that a database restored from a backup taken before it can
//   have it applied again before the shop serves; and the open orders whose erasure waits until
//   they are delivered and past the returns window.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();
  await db.schema
    .createTable('privacy_requests')
    .addColumn('id', 'integer', id)
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'integer')
    .addColumn('name', 'text')
    .addColumn('details', 'text')
    .addColumn('token_hash', 'text')
    .addColumn('token_expires_at', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('extended_due_at', 'text')
    .addColumn('extension_reason', 'text')
    .addColumn('extension_told_at', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('answer_token_hash', 'text')
    .addColumn('answer_expires_at', 'text')
    .addColumn('residue_scan', 'text')
    .addColumn('minimised_at', 'text')
    .addColumn('keep_until', 'text')
    .execute();
  await db.schema.createIndex('privacy_requests_status_due_idx').on('privacy_requests').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('privacy_requests_address_idx').on('privacy_requests').columns(['address_hash']).execute();
  await db.schema.createIndex('privacy_requests_customer_idx').on('privacy_requests').columns(['customer_id']).execute();
  await db.schema.createIndex('privacy_requests_token_idx').on('privacy_requests').columns(['token_hash']).unique().execute();
  await db.schema.createIndex('privacy_requests_answer_idx').on('privacy_requests').columns(['answer_token_hash']).unique().execute();
  await db.schema.createIndex('privacy_requests_keep_idx').on('privacy_requests').columns(['keep_until']).execute();

  await db.schema
    .createTable('privacy_request_events')
    .addColumn('id', 'integer', id)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('privacy_request_events_request_idx').on('privacy_request_events').columns(['request_id', 'at']).execute();

  await db.schema
    .createTable('privacy_flags')
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('set_at', 'text', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .addPrimaryKeyConstraint('privacy_flags_pk', ['address_hash', 'kind'])
    .execute();

  await db.schema
    .createTable('erasure_journal')
    .addColumn('id', 'integer', id)
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .addColumn('address_keys', 'text', (c) => c.notNull())
    .addColumn('customer_key', 'text')
    .addColumn('staff_key', 'text')
    .addColumn('request_id', 'integer')
    .addColumn('waiting_orders', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('erasure_journal_waiting_idx').on('erasure_journal').columns(['finished_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('erasure_journal').execute();
  await db.schema.dropTable('privacy_flags').execute();
  await db.schema.dropTable('privacy_request_events').execute();
  await db.schema.dropTable('privacy_requests').execute();
}
