import { CompiledQuery, type Kysely, sql } from 'kysely';
import { dialectOf } from './database.js';

/**
 * Rows written with the ids they already have (a whole-shop import), and the id counters set past
 * them afterwards. PostgreSQL's identity columns are GENERATED ALWAYS, so an insert that gives the
 * id must say OVERRIDING SYSTEM VALUE, and the column's sequence does not move by itself: without
 * resetting it, the next new row would collide with an imported one. SQLite's AUTOINCREMENT
 * counter (sqlite_sequence) follows explicit ids by itself.
 */

/** The most bound parameters one statement may carry, below both databases' limits. */
const PARAMETERS_PER_STATEMENT = 10_000;

/** Inserts `rows` (all with the same columns) as they are, ids included, a few hundred at a time. */
export async function insertExplicitRows(db: Kysely<any>, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length || 1;
  const perStatement = Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / columns));
  const postgres = dialectOf(db) === 'postgres';
  for (let i = 0; i < rows.length; i += perStatement) {
    const query = db
      .insertInto(table)
      .values(rows.slice(i, i + perStatement) as Record<string, unknown>[])
      .compile();
    if (!postgres) {
      await db.executeQuery(query);
      continue;
    }
    const at = query.sql.indexOf(') values (');
    if (at < 0) throw new Error(`unexpected insert statement for ${table}`);
    const text = `${query.sql.slice(0, at + 1)} overriding system value${query.sql.slice(at + 1)}`;
    await db.executeQuery(CompiledQuery.raw(text, [...query.parameters]));
  }
}

/** Sets the identity sequence of `table.column` so the next new row gets the id after the greatest one there (PostgreSQL; nothing to do on SQLite). */
export async function resetIdentity(db: Kysely<any>, table: string, column = 'id'): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
    db,
  );
}
