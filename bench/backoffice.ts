/**
 * Back-office benchmark: the staff product list with 10,000 products must answer with p99 < 100 ms.
 * Fills a fresh SQLite database with the demo catalogue plus generated products, signs an owner in,
 * starts the shop in its own process and drives the list from this one with autocannon.
 * Usage: npm run bench:backoffice [-- --duration 10 --products 10000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { METALS, STONES } from '../src/features/catalog/catalog.domain.js';
import { insertProduct, listCategories } from '../src/features/catalog/catalog.repository.js';
import { seedDemoCatalogue } from '../src/features/catalog/demo/seed.js';
import { keyAuditTrail } from '../src/features/audit/audit.service.js';
import { completeSetup, createStaff } from '../src/features/staff/staff.service.js';
import { acceptUndertakingIn } from '../test/support/staff.js';
import { startShop } from './shop.js';
import { headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 10);
const total = arg('products', 10_000);
const secret = 'bench-secret-bench-secret-bench-secret-0000';

const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-bo-'));
const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: secret });
const handle = openDatabase(config.database);
await migrateToLatest(handle.db);
await keyAuditTrail(handle.db, secret, new Date());
const now = new Date();
await seedDemoCatalogue(handle.db, now);
const categories = await listCategories(handle.db);
const started = Date.now();
await handle.db.transaction().execute(async (trx) => {
  for (let i = 0; i < total; i++) {
    const metal = METALS[i % METALS.length]!;
    const stone = i % 3 === 0 ? null : STONES[i % STONES.length]!.code;
    const name = `Archive Piece ${String(i + 1).padStart(5, '0')}`;
    await insertProduct(trx, {
      slug: `archive-piece-${i + 1}`,
      name,
      categoryId: categories[i % categories.length]!.id,
      description: 'A generated product for the back-office benchmark.',
      hallmark: 'Hallmarked at the Birmingham Assay Office.',
      care: 'Polish with a soft cloth.',
      stone,
      featured: false,
      createdAt: new Date(now.getTime() - i * 60_000).toISOString(),
      collectionIds: [],
      variants: [0, 1].map((v) => ({
        sku: `BENCH-${i + 1}-${v}`,
        metal: v === 0 ? metal.code : 'sterling-silver',
        ringSize: null,
        chainLengthIn: null,
        pricePence: 10_000 + ((i * 37) % 300_000),
        stock: (i + v) % 9,
      })),
      images: [],
      search: { name, document: 'generated benchmark product' },
    });
  }
});
console.log(`Prepared ${total} extra products in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
const owner = await createStaff(
  handle.db,
  { email: 'bench@shop.example', name: 'Bench Owner', role: 'owner' },
  { staffId: null, role: 'system' },
  now,
);
if (!owner.ok) throw new Error('could not create the owner');
const session = await completeSetup(handle.db, owner.setupToken, 'bench password bench password', false, now);
if (!session.ok) throw new Error('could not sign the owner in');
await acceptUndertakingIn({ db: handle.db, config, now }, owner.staffId, 'owner');
await handle.close();

const shop = await startShop({ DATA_DIR: dataDir, SECRET_KEY: secret, NODE_ENV: 'development', FORM_RATE_LIMIT: '100000000' });
const cookie = `assay_staff=${session.sessionToken}`;
try {
  // The list's data is cached until the catalogue changes; the last target asks for a different
  // search on every request, so nearly every one misses the cache and goes to the database.
  let n = 0;
  const targets: { name: string; path: string; vary?: () => string }[] = [
    { name: 'product list, page 1', path: '/admin/products' },
    { name: 'product list, page 150', path: '/admin/products?page=150' },
    { name: 'product list, search by name', path: '/admin/products?q=archive+piece+0999' },
    {
      name: 'product list, a new search each request (uncached)',
      path: '/admin/products?q=piece+00001',
      vary: () => `/admin/products?q=piece+${String((n++ % total) + 1).padStart(5, '0')}`,
    },
  ];
  const rows: { name: string; rps: number; p50: number; p99: number; bad: number }[] = [];
  for (const t of targets) {
    const check = await fetch(shop.url + t.path, { headers: { cookie } });
    if (check.status !== 200) throw new Error(`${t.path} answered ${check.status}`);
    const requests: autocannon.Request[] | undefined = t.vary ? [{ setupRequest: (req) => ({ ...req, path: t.vary!() }) }] : undefined;
    await autocannon({ url: shop.url + t.path, connections: 10, duration: 2, headers: { cookie }, requests });
    const r = await autocannon({ url: shop.url + t.path, connections: 10, duration, headers: { cookie }, requests });
    rows.push({ name: t.name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, bad: r.errors + r.non2xx });
  }
  console.log(`\nAssay back-office benchmark — SQLite, ${total + 52} products, 10 connections, ${duration} s per target\n`);
  console.log('| target | requests/s | p50 ms | p99 ms | failed |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.bad} |`);
  const worst = Math.max(...rows.map((r) => r.p99));
  console.log(`\nworst p99: ${worst} ms (target < 100 ms)`);
  const uncached = rows.find((r) => r.name.includes('uncached'));
  headlines([
    {
      benchmark: 'backoffice',
      figure: `product list worst p99 (${total + 52} products)`,
      database: 'SQLite',
      value: worst,
      unit: 'ms',
      target: { op: '<', value: 100 },
    },
    ...(uncached
      ? [
          {
            benchmark: 'backoffice',
            figure: 'product list, a new search each request',
            database: 'SQLite' as const,
            value: uncached.rps,
            unit: 'req/s',
          },
        ]
      : []),
  ]);
  if (rows.some((r) => r.bad > 0)) process.exitCode = 1;
} finally {
  await shop.stop();
}
