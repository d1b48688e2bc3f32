import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// The last run of each scheduled job: which scheduled time (slot) it was for, when it started and
// finished, how it ended and what it counted. A process claims a slot by moving `slot` forward,
// so a job runs once per scheduled time however many processes share the database. Holds no
// personal data: job names, times and counts only.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('counts', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_runs').ifExists().execute();
}
