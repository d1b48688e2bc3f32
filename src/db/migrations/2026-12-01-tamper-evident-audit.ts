import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The audit trail only ever grows at its newest end. A new entry must take an id never used
 * before and carry, as its link, the seal of the newest entry (or the all-zero link when the trail
 * is empty). This refuses an insert over an existing entry (SQLite's INSERT OR REPLACE removes the
 * old row without firing its delete trigger), one that reuses the id of a removed entry, and one
 * that forks from an older entry. PostgreSQL's TRUNCATE, which fires no row trigger, is refused.
 * Retention still removes entries past 6 years from the oldest end: the newest is never among
 * them while anything newer is kept, so the next entry still links to something that exists.
 */
const GENESIS = '0'.repeat(64);

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function audit_log_append() returns trigger language plpgsql as $$
      declare
        head_id integer;
        head_hash text;
      begin
        -- The same lock the shop takes to append, so that two writers cannot both link to one head.
        perform pg_advisory_xact_lock(728301);
        select id, hash into head_id, head_hash from audit_log order by id desc limit 1;
        if head_id is not null and new.id <= head_id then
          raise exception 'audit_log is append-only: entry % is not newer than entry %', new.id, head_id;
        end if;
        if new.prev_hash is distinct from coalesce(head_hash, ${sql.lit(GENESIS)}) then
          raise exception 'audit_log is append-only: a new entry must link to the newest one';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger audit_log_append before insert on audit_log
      for each row execute function audit_log_append()`.execute(db);
    await sql`create function audit_log_no_truncate() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: it cannot be truncated';
      end $$`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_no_truncate()`.execute(db);
    return;
  }
  // In a BEFORE INSERT trigger an id left to SQLite reads as -1; one given reads as given.
  await sql`create trigger audit_log_append before insert on audit_log
    begin
      select raise(abort, 'audit_log is append-only: that entry id is already used')
        where exists (select 1 from audit_log where id = new.id)
           or (new.id <> -1 and new.id <= coalesce((select seq from sqlite_sequence where name = 'audit_log'), 0));
      select raise(abort, 'audit_log is append-only: a new entry must link to the newest one')
        where new.prev_hash is not coalesce((select hash from audit_log order by id desc limit 1), ${sql.lit(GENESIS)});
    end`.execute(db);
  // Once the id is known: it must be the newest (this also catches an id given as -1).
  await sql`create trigger audit_log_append_newest after insert on audit_log
    when exists (select 1 from audit_log where id > new.id)
    begin
      select raise(abort, 'audit_log is append-only: that entry id is not newer than the newest');
    end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
    await sql`drop function if exists audit_log_no_truncate()`.execute(db);
    await sql`drop trigger if exists audit_log_append on audit_log`.execute(db);
    await sql`drop function if exists audit_log_append()`.execute(db);
    return;
  }
  await sql`drop trigger if exists audit_log_append_newest`.execute(db);
  await sql`drop trigger if exists audit_log_append`.execute(db);
}
