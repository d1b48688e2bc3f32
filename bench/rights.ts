/**
 * Privacy-rights benchmark: one customer's copy and erasure in a large shop. A database of
 * 100,000 customers and 1,000,000 orders (made by bench/rights-data.ts, nothing committed), in
 * which one customer has 500 orders; their copy (found, exported, made readable and zipped) and
 * their erasure (every table, journaled, with the e-mail saying what was kept) are timed through
 * the shop's own services, and every statement they run is explained by the database: a full
 * scan of a large table is reported, and fails the run.
 * Target: under 200 ms each, on SQLite and on PostgreSQL.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npm run bench:rights [-- --customers 100000 --orders 1000000 --repeat 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompiledQuery, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Db, dialectOf, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { makeCopy, zipOfCopy } from '../src/features/privacy/copy.service.js';
import { eraseSomeone } from '../src/features/privacy/erasure.service.js';
import { erasePerson, exportPerson, findPerson } from '../src/features/privacy/subjects.service.js';
import { freshDatabase } from '../test/support/build-app.js';
import { HEAVY_EMAIL, fillRightsData } from './rights-data.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const customers = arg('customers', 100_000);
const orders = arg('orders', 1_000_000);
const repeat = arg('repeat', 5);
const TARGET_MS = 200;
const NOW = new Date('2026-12-01T12:00:00Z');
/** Tables with more rows than this must be read through an index. */
const LARGE = 10_000;

/** Collects every statement run through the database it is plugged into, compiled, for EXPLAIN. */
class StatementLog implements KyselyPlugin {
  readonly seen = new Map<string, CompiledQuery>();
  /** Milliseconds spent in each statement (from its compiling to its result), while `timing` is on. */
  readonly spent = new Map<string, number>();
  timing = false;
  private readonly started = new Map<string, { sql: string; at: number }>();
  constructor(private readonly db: Db) {}
  transformQuery(args: { node: RootOperationNode; queryId: { readonly queryId: string } }): RootOperationNode {
    const compiled = this.db.getExecutor().compileQuery(args.node, args.queryId);
    if (!this.seen.has(compiled.sql)) this.seen.set(compiled.sql, compiled);
    if (this.timing) this.started.set(args.queryId.queryId, { sql: compiled.sql, at: performance.now() });
    return args.node;
  }
  async transformResult(args: { result: any; queryId: { readonly queryId: string } }) {
    const s = this.started.get(args.queryId.queryId);
    if (s) {
      this.spent.set(s.sql, (this.spent.get(s.sql) ?? 0) + performance.now() - s.at);
      this.started.delete(args.queryId.queryId);
    }
    return args.result;
  }
}

interface Plan {
  sql: string;
  plan: string[];
  fullScans: string[];
}

async function explain(db: Db, q: CompiledQuery, large: Set<string>): Promise<Plan> {
  const postgres = dialectOf(db) === 'postgres';
  const text = postgres ? `explain ${q.sql}` : `explain query plan ${q.sql}`;
  const rows = (await db.executeQuery({ ...q, sql: text, query: q.query })).rows as Record<string, unknown>[];
  const plan = rows.map((r) => String(postgres ? r['QUERY PLAN'] : r.detail));
  const fullScans = plan.flatMap((line) => {
    const m = postgres ? line.match(/Seq Scan on (\w+)/) : line.match(/^SCAN (\w+)(?! USING)/);
    const table = m?.[1];
    if (!table || !large.has(table)) return [];
    // SQLite's "SCAN t USING (COVERING) INDEX" reads an index, not the table.
    if (!postgres && /USING (COVERING )?INDEX/.test(line)) return [];
    return [table];
  });
  return { sql: q.sql, plan, fullScans };
}

async function largeTables(db: Db): Promise<Set<string>> {
  const names = ['customers', 'customer_addresses', 'orders', 'order_lines', 'order_events', 'payment_attempts', 'consent_state'];
  const out = new Set<string>();
  for (const t of names) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db);
    if (Number(rows[0]?.n ?? 0) > LARGE) out.add(t);
  }
  return out;
}

class RollBack extends Error {}

const ms = (started: number) => performance.now() - started;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-rights-'));
const database = await freshDatabase(dataDir);
const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', ...database.env };
const config = loadConfig(env);
const handle = openDatabase(config.database);
let app: Awaited<ReturnType<typeof buildApp>> | null = null;
try {
  await migrateToLatest(handle.db);
  const filling = performance.now();
  await fillRightsData(handle.db, { customers, orders, heavyOrders: 500 }, NOW);
  const fillMs = ms(filling);
  app = await buildApp(config, { database: handle, logger: false, clock: () => NOW });
  const db = app.db;

  // The copy: found by address, exported, made readable and zipped; repeated, as a read changes nothing.
  const copyMs: number[] = [];
  const exportMs: number[] = [];
  const wordsMs: number[] = [];
  const zipMs: number[] = [];
  let zipBytes = 0;
  let copiedOrders = 0;
  for (let k = 0; k < repeat; k++) {
    // The data alone, as the erasure's own reading of it would be.
    let started = performance.now();
    const found = await findPerson(db, { email: HEAVY_EMAIL });
    if (!found) throw new Error('the heavy buyer is missing');
    copiedOrders = (await exportPerson(db, found)).orders?.length ?? 0;
    exportMs.push(ms(started));
    // The copy a person is given: found, read in one transaction, put in words, zipped.
    started = performance.now();
    const person = await findPerson(db, { email: HEAVY_EMAIL });
    if (!person) throw new Error('the heavy buyer is missing');
    const copy = await makeCopy(db, person, NOW);
    wordsMs.push(ms(started));
    const zipping = performance.now();
    const zip = await zipOfCopy(copy, config.shop.name);
    zipMs.push(ms(zipping));
    copyMs.push(ms(started));
    zipBytes = zip.length;
  }
  if (copiedOrders !== 500) throw new Error(`the copy holds ${copiedOrders} orders, not 500`);

  // The statements of a copy and of an erasure, explained: the erasure's inside a transaction that is rolled back.
  const large = await largeTables(db);
  const log = new StatementLog(db);
  const logged = db.withPlugin(log);
  const person = await findPerson(logged, { email: HEAVY_EMAIL });
  if (!person) throw new Error('the heavy buyer is missing');
  await exportPerson(logged, person);
  await makeCopy(logged, person, NOW);

  // The erasure, once (it cannot be repeated on the same person), through the shop's own path.
  const erasing = performance.now();
  const outcome = await eraseSomeone(app, person, NOW, { requestId: null, actor: { kind: 'person' } });
  const eraseMs = ms(erasing);
  const anonymised = outcome.report.orders?.anonymised ?? 0;

  // The erasure's statements, from a second heavy buyer's erasure run through the logging database and rolled back.
  const second = await db
    .selectFrom('customers')
    .select('email')
    .where('email', '!=', HEAVY_EMAIL)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const other = await findPerson(logged, { email: second.email });
  if (other) {
    log.timing = true;
    await logged
      .transaction()
      .execute(async (trx) => {
        await erasePerson(trx, other, NOW);
        throw new RollBack();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RollBack)) throw e;
      });
  }
  log.timing = false;
  const plans: Plan[] = [];
  for (const q of log.seen.values()) if (/^\s*(select|update|delete|insert|with)/i.test(q.sql)) plans.push(await explain(db, q, large));
  const scans = plans.filter((p) => p.fullScans.length > 0);

  const dialect = dialectOf(db) === 'postgres' ? 'PostgreSQL' : 'SQLite';
  console.log(
    `\nPrivacy rights benchmark (${dialect}): ${customers.toLocaleString('en-GB')} customers, ${orders.toLocaleString('en-GB')} orders`,
  );
  console.log(`(filled in ${(fillMs / 1000).toFixed(1)} s; one customer with 500 orders; copy repeated ${repeat} times, median)\n`);
  console.log('| step | time | target | |');
  console.log('|---|---:|---:|---|');
  const row = (name: string, t: number, target: number | null) =>
    console.log(`| ${name} | ${t.toFixed(1)} ms | ${target ? `< ${target} ms` : ''} | ${target ? (t < target ? 'pass' : 'SHORT') : ''} |`);
  row('find + export, the data of every table (500 orders)', median(exportMs), null);
  row('find + readable copy (export in one transaction, in words)', median(wordsMs), null);
  row(`zip of the copy (${(zipBytes / 1024).toFixed(0)} KB)`, median(zipMs), null);
  row('copy: find, export, in words, zip', median(copyMs), TARGET_MS);
  row(`erasure: every table in one transaction, journal, e-mail (${anonymised} orders kept as tax records)`, eraseMs, TARGET_MS);
  headlines([
    {
      benchmark: 'rights',
      figure: 'copy of one customer (500 orders) among 1,000,000 orders',
      database: databaseName(),
      value: median(copyMs),
      unit: 'ms',
      target: { op: '<', value: TARGET_MS },
    },
    {
      benchmark: 'rights',
      figure: 'erasure of one customer (500 orders)',
      database: databaseName(),
      value: eraseMs,
      unit: 'ms',
      target: { op: '<', value: TARGET_MS },
    },
  ]);
  const slowest = [...log.spent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`\nThe second customer's erasure (${other ? 'rolled back' : 'none'}), its slowest statements:`);
  for (const [text, t] of slowest) console.log(`  ${t.toFixed(1)} ms  ${text.replace(/\s+/g, ' ').slice(0, 110)}`);
  console.log(`\n${plans.length} distinct statements explained; large tables: ${[...large].join(', ')}`);
  if (process.argv.includes('--plans'))
    for (const p of plans) console.log(`\n${p.sql.replace(/\s+/g, ' ').slice(0, 240)}\n  ${p.plan.join('\n  ')}`);
  if (scans.length > 0) {
    console.log('\nFull scans of large tables:');
    for (const p of scans)
      console.log(`- ${p.fullScans.join(', ')}: ${p.sql.replace(/\s+/g, ' ').slice(0, 200)}\n  ${p.plan.join('\n  ')}`);
    process.exitCode = 1;
  } else console.log('No statement reads a large table in full.');
} finally {
  await app?.close();
  await handle.close().catch(() => undefined);
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
