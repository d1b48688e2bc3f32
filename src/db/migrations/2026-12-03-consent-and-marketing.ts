import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Consent and marketing e-mail.
// - consent_ledger: an append-only, hash-chained record of every consent given, withdrawn or acted
//   on (shared with a partner). The seal covers a keyed fingerprint of the person (`subject_key`),
//   never their address, so the address and account columns can be emptied on erasure without
//   breaking the chain; the database refuses any other change, and every delete.
// - consent_wordings: the exact words shown when consent was asked, stored once, named by hash.
// - consent_state: the current consent of each person for each purpose, derived from the ledger.
// - consent_requests: sign-ups waiting for their double opt-in confirmation.
// - marketing_suppressions: keyed fingerprints of addresses that withdrew; never mailed again.
// - consent_legacy_ticks: the General Subscription ticks of existing accounts, moved out of
//   `customers` here and written into the ledger at the next start, when the ledger's key is known.
// - mail_bodies: one body shared by many e-mails of a campaign; mail_outbox gains the marketing
//   purpose an e-mail needs consent for, its unsubscribe link, and when it was withheld.
// - campaigns, partners, feedback_answers.

const GENESIS = '0'.repeat(64);
/** The columns the ledger's seal covers; the database refuses any change to them. */
const SEALED = [
  'id',
  'at',
  'subject_key',
  'purpose',
  'action',
  'method',
  'wording_hash',
  'policy_version',
  'staff_id',
  'reason',
  'detail',
  'prev_hash',
  'hash',
];

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();

  await db.schema
    .createTable('consent_wordings')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consent_ledger')
    .addColumn('id', 'integer', id)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('wording_hash', 'text')
    .addColumn('policy_version', 'text')
    .addColumn('staff_id', 'integer')
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    // Not sealed: emptied when the person is erased.
    .addColumn('customer_id', 'integer')
    .addColumn('email', 'text')
    .execute();
  await db.schema.createIndex('consent_ledger_subject_idx').on('consent_ledger').columns(['subject_key', 'id']).execute();
  await db.schema.createIndex('consent_ledger_customer_idx').on('consent_ledger').column('customer_id').execute();
  await db.schema
    .createIndex('consent_ledger_email_lower_idx')
    .on('consent_ledger')
    .expression(sql`lower(email)`)
    .execute();
  await db.schema.createIndex('consent_ledger_detail_idx').on('consent_ledger').columns(['action', 'detail']).execute();

  await db.schema
    .createTable('consent_state')
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('given', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'integer')
    .addColumn('email', 'text')
    .addColumn('address_hash', 'text')
    .addColumn('entry_id', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_state_pk', ['subject_key', 'purpose'])
    .execute();
  // The audience of a purpose, read page by page in address-fingerprint order.
  await db.schema.createIndex('consent_state_audience_idx').on('consent_state').columns(['purpose', 'given', 'address_hash']).execute();
  await db.schema.createIndex('consent_state_customer_idx').on('consent_state').column('customer_id').execute();
  await db.schema.createIndex('consent_state_address_idx').on('consent_state').columns(['address_hash', 'purpose']).execute();

  await db.schema
    .createTable('consent_requests')
    .addColumn('id', 'integer', id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('wording_hash', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_requests_created_idx').on('consent_requests').column('created_at').execute();
  await db.schema
    .createIndex('consent_requests_email_lower_idx')
    .on('consent_requests')
    .expression(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable('marketing_suppressions')
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('marketing_suppressions_pk', ['address_hash', 'purpose'])
    .execute();

  await db.schema
    .createTable('consent_legacy_ticks')
    .addColumn('customer_id', 'integer', (c) => c.primaryKey())
    .addColumn('given_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into consent_legacy_ticks (customer_id, given_at)
    select id, coalesce(general_subscription_changed_at, created_at) from customers where general_subscription = 1`.execute(db);
  await db.schema.alterTable('customers').dropColumn('general_subscription').execute();
  await db.schema.alterTable('customers').dropColumn('general_subscription_changed_at').execute();

  await db.schema
    .createTable('mail_bodies')
    .addColumn('id', 'integer', id)
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('mail_outbox').addColumn('purpose', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('body_id', 'integer').execute();
  await db.schema.alterTable('mail_outbox').addColumn('unsubscribe_url', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('withheld_at', 'text').execute();
  await db.schema.createIndex('mail_outbox_reference_idx').on('mail_outbox').column('reference').execute();
  await db.schema.createIndex('mail_outbox_body_idx').on('mail_outbox').column('body_id').execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'integer', id)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_for', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('audience', 'integer')
    .addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer')
    .addColumn('failed', 'integer')
    .addColumn('withheld', 'integer')
    .addColumn('body_id', 'integer')
    // Queueing goes a page at a time, each page in its own transaction: the last address queued, and when the last page was.
    .addColumn('queue_cursor', 'text')
    .addColumn('queued_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_due_idx').on('campaigns').columns(['status', 'scheduled_for']).execute();

  await db.schema
    .createTable('partners')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('receives', 'text', (c) => c.notNull())
    .addColumn('why', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('policy_url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();

  await db.schema
    .createTable('feedback_answers')
    .addColumn('id', 'integer', id)
    .addColumn('rating', 'integer')
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await appendOnlyLedger(db, postgres);
}

async function appendOnlyLedger(db: Kysely<any>, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`create function consent_ledger_append() returns trigger language plpgsql as $$
      declare
        head_id integer;
        head_hash text;
      begin
        -- The same lock the shop takes to append, so that two writers cannot both link to one head.
        perform pg_advisory_xact_lock(728302);
        select id, hash into head_id, head_hash from consent_ledger order by id desc limit 1;
        if head_id is not null and new.id <= head_id then
          raise exception 'consent_ledger is append-only: entry % is not newer than entry %', new.id, head_id;
        end if;
        if new.prev_hash is distinct from coalesce(head_hash, ${sql.lit(GENESIS)}) then
          raise exception 'consent_ledger is append-only: a new entry must link to the newest one';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger consent_ledger_append before insert on consent_ledger
      for each row execute function consent_ledger_append()`.execute(db);
    const changed = sql.join(
      SEALED.map((c) => sql`new.${sql.ref(c)} is distinct from old.${sql.ref(c)}`),
      sql` or `,
    );
    await sql`create function consent_ledger_sealed() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'consent_ledger is append-only: entries cannot be deleted';
        end if;
        if ${changed}
          or (new.email is distinct from old.email and new.email is not null)
          or (new.customer_id is distinct from old.customer_id and new.customer_id is not null) then
          raise exception 'consent_ledger is append-only: only the address and account of an entry can be emptied';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger consent_ledger_sealed before update or delete on consent_ledger
      for each row execute function consent_ledger_sealed()`.execute(db);
    await sql`create function consent_ledger_no_truncate() returns trigger language plpgsql as $$
      begin
        raise exception 'consent_ledger is append-only: it cannot be truncated';
      end $$`.execute(db);
    await sql`create trigger consent_ledger_no_truncate before truncate on consent_ledger
      for each statement execute function consent_ledger_no_truncate()`.execute(db);
    return;
  }
  await sql`create trigger consent_ledger_append before insert on consent_ledger
    begin
      select raise(abort, 'consent_ledger is append-only: that entry id is already used')
        where exists (select 1 from consent_ledger where id = new.id)
           or (new.id <> -1 and new.id <= coalesce((select seq from sqlite_sequence where name = 'consent_ledger'), 0));
      select raise(abort, 'consent_ledger is append-only: a new entry must link to the newest one')
        where new.prev_hash is not coalesce((select hash from consent_ledger order by id desc limit 1), ${sql.lit(GENESIS)});
    end`.execute(db);
  await sql`create trigger consent_ledger_append_newest after insert on consent_ledger
    when exists (select 1 from consent_ledger where id > new.id)
    begin
      select raise(abort, 'consent_ledger is append-only: that entry id is not newer than the newest');
    end`.execute(db);
  const changed = sql.join(
    SEALED.map((c) => sql`new.${sql.ref(c)} is not old.${sql.ref(c)}`),
    sql` or `,
  );
  await sql`create trigger consent_ledger_sealed before update on consent_ledger
    when ${changed}
      or (new.email is not old.email and new.email is not null)
      or (new.customer_id is not old.customer_id and new.customer_id is not null)
    begin
      select raise(abort, 'consent_ledger is append-only: only the address and account of an entry can be emptied');
    end`.execute(db);
  await sql`create trigger consent_ledger_no_delete before delete on consent_ledger
    begin
      select raise(abort, 'consent_ledger is append-only: entries cannot be deleted');
    end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`drop trigger if exists consent_ledger_no_truncate on consent_ledger`.execute(db);
    await sql`drop trigger if exists consent_ledger_sealed on consent_ledger`.execute(db);
    await sql`drop trigger if exists consent_ledger_append on consent_ledger`.execute(db);
    await sql`drop function if exists consent_ledger_no_truncate()`.execute(db);
    await sql`drop function if exists consent_ledger_sealed()`.execute(db);
    await sql`drop function if exists consent_ledger_append()`.execute(db);
  }
  for (const table of [
    'feedback_answers',
    'partners',
    'campaigns',
    'mail_bodies',
    'consent_requests',
    'marketing_suppressions',
    'consent_state',
    'consent_ledger',
    'consent_wordings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.dropIndex('mail_outbox_body_idx').ifExists().execute();
  await db.schema.dropIndex('mail_outbox_reference_idx').ifExists().execute();
  for (const column of ['withheld_at', 'unsubscribe_url', 'body_id', 'purpose'])
    await db.schema.alterTable('mail_outbox').dropColumn(column).execute();
  await db.schema
    .alterTable('customers')
    .addColumn('general_subscription', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('customers').addColumn('general_subscription_changed_at', 'text').execute();
  await sql`update customers set general_subscription = 1, general_subscription_changed_at = (select given_at from consent_legacy_ticks t where t.customer_id = customers.id)
    where id in (select customer_id from consent_legacy_ticks)`.execute(db);
  await db.schema.dropTable('consent_legacy_ticks').ifExists().execute();
}
