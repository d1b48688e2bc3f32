/**
 * Storefront load benchmark: starts the shop on a fresh embedded database with the demo data and,
 * from this separate process, drives it with autocannon at 50 connections.
 * Usage: npm run bench [-- --duration 10]
 */
import autocannon from 'autocannon';
import { startShop } from './shop.js';
import { headlines } from './summary.js';

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
  const bagCookie = await bagCookieWithOnePiece(shop.url, product);
  const targets: { name: string; path: string; headers?: Record<string, string> }[] = [
    { name: '/healthz', path: '/healthz' },
    { name: 'home', path: '/' },
    { name: 'category', path: '/rings?metal=18ct-yellow-gold&sort=price-asc' },
    { name: 'product', path: product },
    // A shopper with something in the bag: the header's count is added as the cached page is sent.
    { name: 'product, with a bag', path: product, headers: { cookie: bagCookie } },
    { name: 'search', path: '/search?q=gold+ring' },
  ];
  const rows: { name: string; path: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }[] = [];
  for (const t of targets) {
    await autocannon({ url: shop.url + t.path, connections, duration: 2, headers: t.headers }); // warm-up
    const r = await autocannon({ url: shop.url + t.path, connections, duration, headers: t.headers });
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
    const withBag = rows.find((r) => r.name === 'product, with a bag');
    if (withBag) console.log(`product page with a bag / healthz: ${(withBag.rps / health.rps).toFixed(2)}`);
    const search = rows.find((r) => r.name === 'search');
    headlines([
      { benchmark: 'storefront', figure: 'product page requests/s', database: 'SQLite', value: productRow.rps, unit: 'req/s' },
      {
        benchmark: 'storefront',
        figure: 'product page / healthz',
        database: 'SQLite',
        value: ratio,
        unit: '×',
        target: { op: '>=', value: 0.5 },
      },
      {
        benchmark: 'storefront',
        figure: 'product page p99',
        database: 'SQLite',
        value: productRow.p99,
        unit: 'ms',
        target: { op: '<', value: 25 },
      },
      ...(withBag
        ? [
            {
              benchmark: 'storefront',
              figure: 'product page with a bag / healthz',
              database: 'SQLite' as const,
              value: withBag.rps / health.rps,
              unit: '×',
            },
          ]
        : []),
      ...(search
        ? [{ benchmark: 'storefront', figure: 'search (cached) requests/s', database: 'SQLite' as const, value: search.rps, unit: 'req/s' }]
        : []),
    ]);
  }
  if (rows.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.error('Some requests failed.');
    process.exitCode = 1;
  }
} finally {
  await shop.stop();
}

/** Puts the product page's default choice in a new bag, as a browser would, and returns its cookie. */
async function bagCookieWithOnePiece(base: string, productPath: string): Promise<string> {
  const page = await (await fetch(base + productPath)).text();
  const form = page.slice(page.indexOf('action="/bag/items"'), page.indexOf('</form>', page.indexOf('action="/bag/items"')));
  const fields = new URLSearchParams();
  for (const m of form.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    fields.set(m[1] as string, m[2] as string);
  for (const select of form.split('<select').slice(1)) {
    const name = select.match(/name="([^"]+)"/)?.[1];
    const options = [...select.slice(0, select.indexOf('</select>')).matchAll(/<option[^>]*value="([^"]+)"([^>]*)>/g)];
    const chosen = options.find((o) => (o[2] ?? '').includes('selected')) ?? options[0];
    if (name && chosen) fields.set(name, chosen[1] as string);
  }
  fields.set('quantity', '1');
  const res = await fetch(`${base}/bag/items`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'sec-fetch-site': 'same-origin' },
    body: fields,
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('assay_bag='));
  if (!cookie) throw new Error(`could not put a piece in a bag: ${res.status}`);
  return cookie.split(';')[0] as string;
}
