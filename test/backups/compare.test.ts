import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { TABLE_OWNERS } from '../../src/db/owners.js';
import { compareDatabases, unexplainedDifferences } from '../../src/features/backups/compare.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { JOURNEY_ENV, customerAcrossTheShop } from '../support/privacy.js';

/**
 * The drill's comparison on two real databases of the shop: a shop with a customer's data across
 * it, and an exact copy of its database (SQLite's online backup, or pg_dump and pg_restore into a
 * new PostgreSQL database). Equal copies show no difference; one row changed, one added and one
 * deleted in the copy are found exactly, table by table.
 */

const now = new Date('2026-12-02T10:00:00Z');
let shop: TestShop;
let copy: DatabaseHandle;
let dropCopy: () => Promise<void> = async () => {};

async function copyDatabase(from: TestShop): Promise<DatabaseHandle> {
  const database = from.config.database;
  if (database.dialect === 'sqlite') {
    const file = join(from.dataDir, 'copy.sqlite');
    const source = new SQLite(database.file);
    await source.backup(file);
    source.close();
    return openDatabase({ dialect: 'sqlite', file });
  }
  const name = `assay_copy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(database.url);
  url.pathname = `/${name}`;
  const dump = execFileSync('pg_dump', ['--format=custom', '--dbname', database.url], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('pg_restore', ['--no-owner', '--dbname', url.toString()], { input: dump });
  dropCopy = async () => {
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  return openDatabase({ dialect: 'postgres', url: url.toString() });
}

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { ...JOURNEY_ENV } });
  await customerAcrossTheShop(shop.app, now);
  await shop.app.statistics.flush();
  copy = await copyDatabase(shop);
}, 60_000);

afterAll(async () => {
  await copy?.close();
  await dropCopy();
  await shop?.close();
});

describe(`comparing two databases of the shop (${testDialect})`, () => {
  it('finds no difference between a database and its copy, having compared every owned table', async () => {
    const tables = await compareDatabases(shop.app.db, copy.db);
    expect(tables.filter((t) => t.changed + t.onlyLive + t.onlyRestored > 0)).toEqual([]);
    expect(unexplainedDifferences(tables)).toBe(0);
    const names = tables.map((t) => t.table);
    expect(names).toEqual(expect.arrayContaining(Object.keys(TABLE_OWNERS)));
    // Every table was compared row by row (none skipped without saying so), and real rows were read.
    expect(tables.filter((t) => t.explained !== undefined).map((t) => t.table)).toEqual([]);
    const orders = tables.find((t) => t.table === 'orders');
    expect(orders?.liveRows).toBe(2);
    expect(orders?.restoredRows).toBe(2);
    expect(tables.find((t) => t.table === 'customers')?.liveRows).toBeGreaterThan(0);
  });

  it('finds exactly one row changed, one added and one deleted, in small pages across the key order', async () => {
    const customers = await copy.db.selectFrom('customers').select(['id']).orderBy('id').execute();
    const events = await copy.db.selectFrom('order_events').select(['id']).orderBy('id').execute();
    expect(customers.length).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(2);
    await copy.db.updateTable('customers').set({ first_name: 'Rosy' }).where('id', '=', customers[0]!.id).execute();
    // An extra row on a text key (the shared rate limits), and a deleted one from the middle of a table.
    await copy.db.insertInto('rate_limit_hits').values({ key: 'k-extra', hits: 1, resets_at: now.getTime() }).execute();
    const middle = events[Math.floor(events.length / 2)]!.id;
    await copy.db.deleteFrom('order_events').where('id', '=', middle).execute();

    const tables = await compareDatabases(shop.app.db, copy.db, { pageRows: 2 });
    const differing = Object.fromEntries(
      tables
        .filter((t) => t.changed + t.onlyLive + t.onlyRestored > 0)
        .map((t) => [t.table, { changed: t.changed, onlyLive: t.onlyLive, onlyRestored: t.onlyRestored }]),
    );
    expect(differing).toEqual({
      customers: { changed: 1, onlyLive: 0, onlyRestored: 0 },
      rate_limit_hits: { changed: 0, onlyLive: 0, onlyRestored: 1 },
      order_events: { changed: 0, onlyLive: 1, onlyRestored: 0 },
    });
    expect(tables.find((t) => t.table === 'customers')!.examples).toEqual([`changed: id=${customers[0]!.id}`]);
    expect(tables.find((t) => t.table === 'order_events')!.examples).toEqual([`only live: id=${middle}`]);
    // A text key is never shown (it may be a hash, or words someone typed).
    expect(tables.find((t) => t.table === 'rate_limit_hits')!.examples).toEqual(['only restored: key=(text)']);
    expect(unexplainedDifferences(tables)).toBe(3);
  });

  it('compares a table without a primary key as a multiset of whole rows', async () => {
    for (const db of [shop.app.db, copy.db]) {
      await sql`create table probe_without_key (a integer, b text)`.execute(db);
      await sql`insert into probe_without_key (a, b) values (1, 'x'), (1, 'x'), (2, null), (3, 'y')`.execute(db);
    }
    const equal = (await compareDatabases(shop.app.db, copy.db)).find((t) => t.table === 'probe_without_key')!;
    expect(equal).toMatchObject({ liveRows: 4, restoredRows: 4, changed: 0, onlyLive: 0, onlyRestored: 0 });
    // One of the two equal rows goes, and a row with a null changes: the rows are told apart by their values alone.
    await sql`delete from probe_without_key where a = 3`.execute(copy.db);
    await sql`insert into probe_without_key (a, b) values (1, 'x'), (3, 'z')`.execute(copy.db);
    const after = (await compareDatabases(shop.app.db, copy.db, { pageRows: 2 })).find((t) => t.table === 'probe_without_key')!;
    expect(after).toMatchObject({ changed: 0, onlyLive: 1, onlyRestored: 2 });
    expect(after.examples).toEqual(['only restored: a row', 'only live: a row', 'only restored: a row']);
    for (const db of [shop.app.db, copy.db]) await sql`drop table probe_without_key`.execute(db);
  });

  it('leaves out a table it is told to skip, saying why, and counts its rows still', async () => {
    const tables = await compareDatabases(shop.app.db, copy.db, { skip: { customers: 'written while the drill runs' } });
    const customers = tables.find((t) => t.table === 'customers')!;
    expect(customers.explained).toBe('not compared: written while the drill runs');
    expect(customers.changed).toBe(0);
    expect(customers.liveRows).toBeGreaterThan(0);
  });
});
