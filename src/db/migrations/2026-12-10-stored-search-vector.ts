import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// PostgreSQL only. Search ranked its matches with ts_rank over an expression, so every matching
// row's name and document were parsed into a tsvector again on each search (the GIN index served
// the match, not the ranking). The vector is now stored: a generated column, kept by PostgreSQL
// itself whenever a search entry is written, with the GIN index on it in place of the
// expression's. SQLite's FTS5 table already stores its index; nothing changes there.

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`alter table product_search add column search_vector tsvector generated always as (
    setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', document), 'B')) stored`.execute(db);
  await sql`create index product_search_vector_idx on product_search using gin (search_vector)`.execute(db);
  await sql`drop index product_search_fts_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`create index product_search_fts_idx on product_search using gin (
    (setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', document), 'B')))`.execute(db);
  await sql`drop index product_search_vector_idx`.execute(db);
  await sql`alter table product_search drop column search_vector`.execute(db);
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
