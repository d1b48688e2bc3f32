import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen in time: this file never imports application code.
// Backups and the processes that share one database.
// - backup_runs: every backup, restore, drill and push of the erasure journal to the backup
//   repository: when it started and ended, how it ended, the snapshot it made or used, its size and
//   what it counted (JSON), and the error in words naming no one. No personal data.
// - rate_limit_hits: the shared counters of the rate limits, so that every process of the shop
//   counts the same requests. A counter is keyed by a keyed hash (HMAC with the shop's secret key)
//   of the limit and the network address, never the address itself, and deleted once its window
//   (at most 10 minutes) has ended.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();
  await db.schema
    .createTable('backup_runs')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text')
    .addColumn('bytes', 'bigint')
    .addColumn('ms', 'integer')
    .addColumn('detail', 'text')
    .addColumn('error', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_runs_kind_idx').on('backup_runs').columns(['kind', 'id']).execute();

  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('resets_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_hits_resets_idx').on('rate_limit_hits').columns(['resets_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').ifExists().execute();
  await db.schema.dropTable('backup_runs').ifExists().execute();
}
