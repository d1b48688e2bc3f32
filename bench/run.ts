/**
 * Storefront load benchmark: starts the shop on a fresh embedded database with the demo data and,
 * from this separate process, drives it with autocannon at 50 connections.
 * Usage: npm run bench [-- --duration 10]
 */
import autocannon from 'autocannon';
import { startShop } from './shop.js';

const duration = Number(process.argv[process.argv.indexOf('--duration') + 1]) || 10;
const connections = 50;

const shop = await startShop({
  SEARCH_RATE_LIMIT: '100000000',
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
  OPAYO_VENDOR: 'assaybench',
  OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
  SANDBOX_ENABLED: 'true',
});
try {
  const html = await (await fetch(`${shop.url}/rings`)).text();
  const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)?.[1];
  if (!product) throw new Error('no product link on /rings');
  const targets = [
    { name: '/healthz', path: '/healthz' },
    { name: 'home', path: '/' },
    { name: 'category', path: '/rings?metal=18ct-yellow-gold&sort=price-asc' },
    { name: 'product', path: product },
    { name: 'search', path: '/search?q=gold+ring' },
  ];
  const rows: { name: string; path: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }[] = [];
  for (const t of targets) {
    await autocannon({ url: shop.url + t.path, connections, duration: 2 }); // warm-up
    const r = await autocannon({ url: shop.url + t.path, connections, duration });
    rows.push({
      name: t.name,
      path: t.path,
      rps: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      non2xx: r.non2xx,
    });
  }
  console.log(`\nAssay storefront benchmark — SQLite, ${connections} connections, ${duration} s per target\n`);
  console.log('| target | requests/s | p50 ms | p99 ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} (${r.path}) | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
  const health = rows.find((r) => r.name === '/healthz');
  const productRow = rows.find((r) => r.name === 'product');
  if (health && productRow) {
    const ratio = productRow.rps / health.rps;
    console.log(`\nproduct page / healthz throughput ratio: ${ratio.toFixed(2)} (target ≥ 0.5)`);
    console.log(`product page p99: ${productRow.p99} ms (target < 25 ms)`);
  }
  if (rows.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.error('Some requests failed.');
    process.exitCode = 1;
  }
} finally {
  await shop.stop();
}
