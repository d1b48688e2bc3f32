/**
 * Checkout benchmark: complete guest checkouts per second — bag → checkout → the sandbox's payment
 * page → card → back to the shop → confirmed order page — on a fresh database, and the product
 * page's throughput on its own and while those checkouts run.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * `--web-concurrency N` starts the shop with WEB_CONCURRENCY=N (src/cluster.ts: N processes on one port).
 * The test payment page runs inside the shop, as `npm start` runs it (`--sandbox own-process`: in a process of its own).
 * Usage: npm run bench:checkout [-- --duration 15 --buyers 8 --web-concurrency 2 --sandbox own-process]
 */
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { freshDatabase } from '../test/support/build-app.js';
import { stockPieces } from '../test/support/stock.js';
import { type Piece, buy } from './journeys.js';
import { startShop } from './shop.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 15);
const buyers = arg('buyers', 8);
const webConcurrency = arg('web-concurrency', 1);
// The test payment page inside the shop, as `npm start` runs it, unless `--sandbox own-process`
// (src/sandbox.ts): a real shop's buyers pay on Opayo's servers, which take none of the shop's time.
const sandboxPlace = process.argv.includes('own-process') ? 'own-process' : 'in-shop';
const readers = 20;

const database = await freshDatabase('');
const dialect = database.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const env = {
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
  OPAYO_VENDOR: 'assaybench',
  OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
  SANDBOX_ENABLED: 'true',
  FORM_RATE_LIMIT: '100000000',
  // The buyers share one network and one address; the limit on unpaid orders per buyer is not what is measured.
  UNPAID_ORDERS_PER_BUYER: '1000',
  SEARCH_RATE_LIMIT: '100000000',
  WEB_CONCURRENCY: String(webConcurrency),
  ...database.env,
};
const shop = await startShop(env, { sandbox: sandboxPlace });

// Plenty of stock on the pieces bought, so the run measures checkouts rather than selling out.
const config = loadConfig({ ...env, DATA_DIR: shop.dataDir, PUBLIC_URL: shop.url, LOG_LEVEL: 'silent' });
const handle = openDatabase(config.database);
const pieces = await stockPieces(handle.db, 40, 1_000_000);

/** One customer's whole purchase; returns its duration in ms. */
async function checkout(n: number): Promise<number> {
  const started = performance.now();
  await buy(shop, pieces[n % pieces.length] as Piece);
  return performance.now() - started;
}

async function runCheckouts(seconds: number): Promise<{ done: number; failed: number; times: number[]; elapsed: number }> {
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  let failed = 0;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: buyers }, async () => {
      while (performance.now() < until) {
        try {
          times.push(await checkout(n++));
        } catch (err) {
          failed++;
          if (failed <= 3) console.error((err as Error).message);
        }
      }
    }),
  );
  return { done: times.length, failed, times, elapsed: (performance.now() - start) / 1000 };
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const productUrl = `${shop.url}/products/${pieces[0]?.slug}`;

try {
  await runCheckouts(3); // warm-up
  const alone = await runCheckouts(duration);
  await autocannon({ url: productUrl, connections: readers, duration: 2 });
  const productAlone = await autocannon({ url: productUrl, connections: readers, duration });
  const [productBusy, during] = await Promise.all([
    autocannon({ url: productUrl, connections: readers, duration }),
    runCheckouts(duration),
  ]);

  console.log(
    `\nAssay checkout benchmark — ${dialect}, ${buyers} buyers at once, WEB_CONCURRENCY=${webConcurrency}, payment page ${sandboxPlace === 'in-shop' ? 'inside the shop' : 'in its own process'}, ${duration} s per run (bag → checkout → sandbox payment → return)\n`,
  );
  console.log('| run | checkouts/s | p50 ms | p99 ms | failed |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, r] of [
    ['checkouts alone', alone],
    ['checkouts while the product page is loaded', during],
  ] as const) {
    console.log(
      `| ${name} | ${(r.done / r.elapsed).toFixed(1)} | ${percentile(r.times, 50).toFixed(0)} | ${percentile(r.times, 99).toFixed(0)} | ${r.failed} |`,
    );
  }
  console.log(`\n| product page (${readers} connections) | requests/s | p50 ms | p99 ms | non-2xx |`);
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| alone | ${Math.round(productAlone.requests.average)} | ${productAlone.latency.p50} | ${productAlone.latency.p99} | ${productAlone.non2xx} |`,
  );
  console.log(
    `| while checkouts run | ${Math.round(productBusy.requests.average)} | ${productBusy.latency.p50} | ${productBusy.latency.p99} | ${productBusy.non2xx} |`,
  );
  const orders = await handle.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'paid')
    .executeTakeFirstOrThrow();
  const share = productBusy.requests.average / productAlone.requests.average;
  console.log(`\nproduct page while ${buyers} buyers check out / alone: ${share.toFixed(2)} (target ≥ 0.5)`);
  headlines([
    { benchmark: 'checkout', figure: 'checkouts/s alone', database: databaseName(), value: alone.done / alone.elapsed, unit: '/s' },
    {
      benchmark: 'checkout',
      figure: `product page while ${buyers} buyers check out / alone`,
      database: databaseName(),
      value: share,
      unit: '×',
      ...(databaseName() === 'SQLite' ? { target: { op: '>=' as const, value: 0.5 } } : {}),
    },
    {
      benchmark: 'checkout',
      figure: 'product page p99 while checkouts run',
      database: databaseName(),
      value: productBusy.latency.p99,
      unit: 'ms',
    },
  ]);
  console.log(`\n${orders.n} orders paid in all; each checkout is 9 HTTP requests across the shop and the sandbox.`);
  if (alone.failed + during.failed > 0 || productAlone.non2xx + productBusy.non2xx > 0) process.exitCode = 1;
} finally {
  await handle.close();
  await shop.stop();
  await database.drop();
}
