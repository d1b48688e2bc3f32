/**
 * Scale benchmark: the product page and guest checkouts with WEB_CONCURRENCY=1, 2 and 3 on
 * PostgreSQL and 1 and 2 on SQLite, side by side, each against the one-process figure of the same
 * database; then backup and restore times for the privacy-rights data set (100,000 customers,
 * 1,000,000 orders). Every configuration runs the real shop (`src/main.ts`) as a child process on
 * a fresh database; the load comes from this process, on the same machine.
 * PostgreSQL: the server DATABASE_URL points at (default: the CI server on 127.0.0.1:5432), on
 * which throwaway databases are made and dropped.
 * Usage: npm run bench:scale [-- --seconds 8 --connections 16 --buyers 8 --no-load --no-big --pg
 *   --customers 100000 --orders 1000000]
 *   --no-big   skips the backup and restore of the large data set
 *   --pg       backs up and restores the large data set on PostgreSQL rather than SQLite
 */
import { availableParallelism } from 'node:os';
import { type LoadFigures, measureLoad } from './scale-load.js';
import { cleanUp } from './scale-processes.js';
import { type Headline, headlines } from './summary.js';

const flag = (name: string) => process.argv.includes(`--${name}`);
const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const seconds = arg('seconds', 8);
const connections = arg('connections', 16);
const buyers = arg('buyers', 8);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://assay_ci:assay_ci@127.0.0.1:5432/assay_ci';

const configurations: { dialect: 'sqlite' | 'postgres'; processes: number }[] = [
  { dialect: 'postgres', processes: 1 },
  { dialect: 'postgres', processes: 2 },
  { dialect: 'postgres', processes: 3 },
  { dialect: 'sqlite', processes: 1 },
  { dialect: 'sqlite', processes: 2 },
];

function printLoad(rows: LoadFigures[]) {
  const cores = availableParallelism();
  console.log(
    `\nAssay scale benchmark — the product page with ${connections} connections, then guest checkouts by ${buyers} buyers at once ` +
      `(bag → checkout → order page → sandbox payment → return, 9 requests), ${seconds} s each, a fresh database for each row.`,
  );
  console.log(
    `The load generator (autocannon and the buyers) runs on the same ${cores} core${cores === 1 ? '' : 's'} as the shop's processes and the database, ` +
      'so more processes compete with it: the ratios understate what separate machines would give.\n',
  );
  console.log(
    '| database | WEB_CONCURRENCY | node processes | product req/s | × 1 process | p50 ms | p99 ms | checkouts/s | × 1 process | checkout p50 ms | checkout p99 ms | failed | load avg |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const base = rows.find((b) => b.dialect === r.dialect && b.processes === 1);
    const ratio = (x: number, y: number | undefined) => (y ? `${(x / y).toFixed(2)}` : '');
    const failures = r.checkoutsFailed + r.productNon2xx + r.productErrors;
    console.log(
      `| ${r.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} | ${r.processes} | ${r.running} | ${Math.round(r.productRps)} | ${ratio(r.productRps, base?.productRps)} | ` +
        `${r.productP50} | ${r.productP99} | ${r.checkoutsPerSecond.toFixed(1)} | ${ratio(r.checkoutsPerSecond, base?.checkoutsPerSecond)} | ` +
        `${r.checkoutP50.toFixed(0)} | ${r.checkoutP99.toFixed(0)} | ${failures} | ${r.loadBefore.toFixed(1)} |`,
    );
  }
  console.log(
    '\n"node processes" counts what ran in the shop\'s process group: with node:cluster, a primary and N workers. ' +
      '"load avg" is the machine\'s one-minute load average as the row began: other work sharing the cores.',
  );
  const single = rows.filter((r) => r.processes > 1 && r.running < r.processes + 1);
  if (single.length > 0)
    console.log(
      `Fewer processes than asked for in ${single.map((r) => `${r.dialect} × ${r.processes}`).join(', ')}: those rows measure what actually ran.`,
    );
  for (const r of rows) {
    if (r.firstError) console.log(`${r.dialect} × ${r.processes}: first failed checkout: ${r.firstError}`);
    if (r.shopWarnings > 0)
      console.log(
        `${r.dialect} × ${r.processes}: the shop logged ${r.shopWarnings} warnings or errors${r.shopFirstError ? `, the first: ${r.shopFirstError}` : ''}`,
      );
    console.log(`${r.dialect} × ${r.processes}: ${r.paidOrders} orders paid in the database (warm-up included).`);
  }
  const figures: Headline[] = [];
  for (const r of rows.filter((x) => x.processes === 2)) {
    const base = rows.find((b) => b.dialect === r.dialect && b.processes === 1);
    if (base)
      figures.push({
        benchmark: 'scale',
        figure: 'product page requests/s, 2 processes / 1',
        database: r.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite',
        value: r.productRps / base.productRps,
        unit: '×',
      });
  }
  headlines(figures);
}

try {
  if (!flag('no-load')) {
    const rows: LoadFigures[] = [];
    for (const c of configurations) {
      console.error(`measuring ${c.dialect} with WEB_CONCURRENCY=${c.processes}…`);
      rows.push(await measureLoad({ ...c, serverUrl, seconds, connections, buyers }));
    }
    printLoad(rows);
    if (rows.some((r) => r.checkoutsFailed + r.productNon2xx + r.productErrors > 0)) process.exitCode = 1;
  }
  if (!flag('no-big')) {
    console.error('filling the large data set, then backing it up and restoring it…');
    // Loaded only when wanted: the load measurements need none of the backup feature.
    const { measureBackups } = await import('./scale-backups.js');
    await measureBackups({
      dialect: flag('pg') ? 'postgres' : 'sqlite',
      serverUrl,
      customers: arg('customers', 100_000),
      orders: arg('orders', 1_000_000),
      erasures: arg('erasures', 5),
    });
  }
} catch (err) {
  console.error(`The scale benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
