import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { freshDatabase, testDialect } from '../support/build-app.js';

// On PostgreSQL each statement with parameters is prepared once per connection, by name, and then
// only bound and run (src/db/database.ts, preparingPool).

const skip = testDialect !== 'postgres';
let handle: DatabaseHandle;
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
const dir = mkdtempSync(join(tmpdir(), 'assay-prepared-'));

beforeAll(async () => {
  if (skip) return;
  fresh = await freshDatabase(dir);
  const config = loadConfig({ ...process.env, ...fresh.env, DATA_DIR: dir, LOG_LEVEL: 'silent' });
  // One connection, so that every query below meets the statements the others prepared.
  handle = openDatabase(config.database, { poolSize: 1 });
});
afterAll(async () => {
  await handle?.close();
  await fresh?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const preparedLike = async (text: string) =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(handle.db)).rows.filter((r) =>
    r.statement.includes(text),
  ).length;

describe.skipIf(skip)(`statements prepared once per connection${skip ? ' (skipped: PostgreSQL only)' : ''}`, () => {
  it('prepares a query with parameters once and runs it again with other values, answering each rightly', async () => {
    const query = (n: number) => sql<{ twice: number }>`select ${n}::int * 2 as twice /* prepared-test */`.execute(handle.db);
    expect((await query(2)).rows).toEqual([{ twice: 4 }]);
    expect((await query(21)).rows).toEqual([{ twice: 42 }]);
    expect(await preparedLike('prepared-test')).toBe(1);
  });

  it('sends a query without parameters as before, several statements at once included', async () => {
    await sql`create table prepared_probe (id int); insert into prepared_probe values (1), (2)`.execute(handle.db);
    expect((await sql<{ n: number }>`select count(*)::int as n from prepared_probe`.execute(handle.db)).rows).toEqual([{ n: 2 }]);
    expect(await preparedLike('prepared_probe')).toBe(0);
  });

  it('keeps a failed statement from spoiling the connection: the next query answers', async () => {
    await expect(sql`select * from no_such_table where id = ${1}`.execute(handle.db)).rejects.toThrow(/no_such_table/);
    const inTransaction = await handle.db
      .transaction()
      .execute(async (trx) => (await sql<{ v: number }>`select ${7}::int as v`.execute(trx)).rows);
    expect(inTransaction).toEqual([{ v: 7 }]);
  });
});
