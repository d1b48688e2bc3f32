/**
 * Privacy benchmark: the order retention job and one person's export and erasure, on a database
 * holding a small shop's orders and on one holding four times as many.
 *
 * What the ratios should show: the retention pass costs about the same per order at either size
 * (it works in batches, so it grows with the work, not worse); finding, copying and erasing one
 * person costs about the same at either size (their rows are found through indexes, not by reading
 * every order). Compare the ratios, not the milliseconds: the machine is shared.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npx tsx bench/privacy.ts [-- --orders 5000 --people 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { keyConsentLedger } from '../src/features/consent/consent.service.js';
import { applyOrderRetention } from '../src/features/orders/orders.service.js';
import { erasePerson, exportPerson, findPerson } from '../src/features/privacy/subjects.service.js';
import { freshDatabase } from '../test/support/build-app.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const small = arg('orders', 5000);
const people = arg('people', 20);
const DAY = 86_400_000;
const NOW = new Date('2026-12-01T12:00:00Z');

/** Orders of many buyers, two lines and two events each, finished 200–3,000 days before NOW; every buyer has 3 orders. */
async function fillOrders(db: Db, count: number): Promise<void> {
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const i = start + k;
      const at = new Date(NOW.getTime() - (200 + (i % 2800)) * DAY).toISOString();
      return {
        number: `AS-B${String(i).padStart(8, '0')}`,
        status: 'delivered',
        first_name: 'Ada',
        surname: `Buyer${Math.floor(i / 3)}`,
        email: `buyer${Math.floor(i / 3)}@example.test`,
        phone: '07700 900123',
        billing_line1: '1 High Street',
        billing_city: 'York',
        billing_postcode: 'YO1 7HH',
        delivery_first_name: 'Ada',
        delivery_surname: `Buyer${Math.floor(i / 3)}`,
        delivery_line1: '1 High Street',
        delivery_city: 'York',
        delivery_postcode: 'YO1 7HH',
        gift_message: 'Happy birthday',
        delivery_method: 'tracked48',
        delivery_pence: 395,
        subtotal_pence: 12_000,
        total_pence: 12_395,
        tracking_number: 'AB123456789GB',
        created_at: at,
        updated_at: at,
        paid_at: at,
        dispatched_at: at,
        delivered_at: at,
      };
    });
    await db.transaction().execute(async (trx) => {
      const ids = await trx.insertInto('orders').values(rows).returning('id').execute();
      await trx
        .insertInto('order_lines')
        .values(
          ids.flatMap(({ id }) =>
            [1, 2].map((n) => ({
              order_id: id,
              sku: `SKU-${n}`,
              product_name: 'Ring',
              variant_label: 'Gold',
              unit_pence: 6000,
              quantity: 1,
            })),
          ),
        )
        .execute();
      await trx
        .insertInto('order_events')
        .values(
          ids.flatMap(({ id }, k) =>
            ['placed', 'paid'].map((kind) => ({ order_id: id, at: rows[k]?.created_at ?? '', kind, detail: kind })),
          ),
        )
        .execute();
    });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

interface Figures {
  orders: number;
  retentionMs: number;
  anonymised: number;
  exportMs: number;
  eraseMs: number;
}

async function measure(orders: number): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-privacy-'));
  const database = await freshDatabase(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...database.env });
  const handle = openDatabase(config.database);
  // As the shop does when it opens the database: an erasure writes its withdrawals to the consent ledger.
  keyConsentLedger(handle.db, config.secretKey, config.publicUrl);
  try {
    await migrateToLatest(handle.db);
    await fillOrders(handle.db, orders);
    // One person at a time, as a request from a customer would be: find, copy, erase.
    let exportMs = 0;
    let eraseMs = 0;
    for (let p = 0; p < people; p++) {
      const email = `buyer${Math.floor(((p * 7919) % orders) / 3)}@example.test`;
      const copied = await timed(async () => {
        const person = await findPerson(handle.db, { email });
        if (!person) throw new Error(`no person for ${email}`);
        const data = await exportPerson(handle.db, person);
        if (!data.orders?.length) throw new Error(`the export of ${email} holds no orders`);
        return person;
      });
      exportMs += copied.ms;
      eraseMs += (await timed(() => erasePerson(handle.db, copied.result, NOW))).ms;
    }
    const retention = await timed(() => applyOrderRetention(handle.db, NOW));
    return {
      orders,
      retentionMs: retention.ms,
      anonymised: retention.result.anonymised,
      exportMs: exportMs / people,
      eraseMs: eraseMs / people,
    };
  } finally {
    await handle.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const dialect = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const a = await measure(small);
const b = await measure(small * 4);
const perOrder = (f: Figures) => f.retentionMs / Math.max(1, f.anonymised);
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);
console.log(`\nPrivacy benchmark (${dialect}), ${people} people found, copied and erased at each size\n`);
console.log('| orders held | retention pass | orders anonymised | ms per order | find + copy one person | erase one person |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const f of [a, b]) {
  console.log(
    `| ${f.orders} | ${fmt(f.retentionMs)} ms | ${f.anonymised} | ${perOrder(f).toFixed(3)} | ${fmt(f.exportMs)} ms | ${fmt(f.eraseMs)} ms |`,
  );
}
console.log(`\nRatios, ${b.orders} orders against ${a.orders}:`);
console.log(`  retention, per order anonymised: ${(perOrder(b) / perOrder(a)).toFixed(2)}× (about 1 means it grows with the work)`);
console.log(`  find + copy one person:          ${(b.exportMs / a.exportMs).toFixed(2)}× (about 1 means indexed lookups)`);
console.log(`  erase one person:                ${(b.eraseMs / a.eraseMs).toFixed(2)}×`);
headlines([
  {
    benchmark: 'privacy',
    figure: `find + copy one person, ${b.orders} orders / ${a.orders}`,
    database: databaseName(),
    value: b.exportMs / a.exportMs,
    unit: '×',
  },
  {
    benchmark: 'privacy',
    figure: `erase one person, ${b.orders} orders / ${a.orders}`,
    database: databaseName(),
    value: b.eraseMs / a.eraseMs,
    unit: '×',
  },
]);
