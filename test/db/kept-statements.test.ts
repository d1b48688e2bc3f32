import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { keepingStatements } from '../../src/db/database.js';

// Kysely asks better-sqlite3 for a statement per query; the shop keeps each prepared one.

let sqlite: SQLite.Database;
afterEach(() => {
  if (sqlite?.open) sqlite.close();
});

function open() {
  sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (id integer primary key, v text)');
  sqlite.exec("insert into t (v) values ('a'), ('b'), ('c')");
  return sqlite;
}

describe('kept statements', () => {
  it('prepares a statement once and hands the same one out again', () => {
    const kept = keepingStatements(open());
    const first = kept.prepare('select v from t where id = ?');
    expect(kept.prepare('select v from t where id = ?')).toBe(first);
    expect(kept.prepare('select v from t where id = ? ')).not.toBe(first);
    expect(first.get(2)).toEqual({ v: 'b' });
  });

  it('prepares a fresh statement while the kept one is busy in a read row by row, so both reads finish', () => {
    const kept = keepingStatements(open());
    const text = 'select v from t order by id';
    const reading = kept.prepare(text);
    const rows = reading.iterate() as IterableIterator<{ v: string }>;
    expect(rows.next().value).toEqual({ v: 'a' });
    expect(reading.busy).toBe(true);
    const other = kept.prepare(text);
    expect(other).not.toBe(reading);
    expect(other.all()).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
    expect([...rows].map((r) => r.v)).toEqual(['b', 'c']);
    // Done reading, the kept one is handed out again.
    expect(kept.prepare(text)).toBe(reading);
  });

  it('keeps at most the given number, dropping the least recently used', () => {
    const kept = keepingStatements(open(), 2);
    const one = kept.prepare('select 1');
    const two = kept.prepare('select 2');
    expect(kept.prepare('select 1')).toBe(one); // now the most recent
    kept.prepare('select 3'); // drops "select 2"
    expect(kept.prepare('select 1')).toBe(one);
    expect(kept.prepare('select 2')).not.toBe(two);
  });

  it('runs a kept statement again after a migration changed its table', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: keepingStatements(open()) }) });
    expect((await sql`select * from t where id = 1`.execute(db)).rows).toEqual([{ id: 1, v: 'a' }]);
    await sql`alter table t add column w text default 'x'`.execute(db);
    expect((await sql`select * from t where id = 1`.execute(db)).rows).toEqual([{ id: 1, v: 'a', w: 'x' }]);
    await db.destroy();
    expect(sqlite.open).toBe(false);
  });
});
