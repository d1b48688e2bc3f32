/**
 * Checkout benchmark: complete guest checkouts per second — bag → checkout → the sandbox's payment
 * page → card → back to the shop → confirmed order page — on a fresh database, and the product
 * page's throughput on its own and while those checkouts run.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npm run bench:checkout [-- --duration 15 --buyers 8]
 */
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { freshDatabase } from '../test/support/build-app.js';
import { GUEST } from '../test/support/shopper.js';
import { startShop } from './shop.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 15);
const buyers = arg('buyers', 8);
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
  SEARCH_RATE_LIMIT: '100000000',
  ...database.env,
};
const shop = await startShop(env);

// Plenty of stock on the pieces bought, so the run measures checkouts rather than selling out.
const config = loadConfig({ ...env, DATA_DIR: shop.dataDir, LOG_LEVEL: 'silent' });
const handle = openDatabase(config.database);
const pieces = await handle.db
  .selectFrom('variants as v')
  .innerJoin('products as p', 'p.id', 'v.product_id')
  .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
  .where('p.archived', '=', 0)
  .orderBy('v.id')
  .limit(40)
  .execute();
await handle.db
  .updateTable('variants')
  .set({ stock: 1_000_000 })
  .where(
    'id',
    'in',
    pieces.map((p) => p.id),
  )
  .execute();

const form = { 'content-type': 'application/x-www-form-urlencoded', origin: shop.url, 'sec-fetch-site': 'same-origin' };
const hidden = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replace(/&amp;/g, '&') ?? '';

/** One customer's whole purchase; returns its duration in ms. */
async function checkout(n: number): Promise<number> {
  const started = performance.now();
  const piece = pieces[n % pieces.length] as (typeof pieces)[number];
  const add = await fetch(`${shop.url}/bag/items`, {
    method: 'POST',
    headers: form,
    redirect: 'manual',
    body: new URLSearchParams({
      product: piece.slug,
      metal: piece.metal,
      ...(piece.ring_size ? { size: piece.ring_size } : {}),
      ...(piece.chain_length_in ? { length: String(piece.chain_length_in) } : {}),
      quantity: '1',
    }),
  });
  if (add.status !== 303) throw new Error(`add to bag: ${add.status}`);
  const cookie = (add.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const checkoutPage = await (await fetch(`${shop.url}/checkout`, { headers: { cookie } })).text();
  const placed = await fetch(`${shop.url}/checkout`, {
    method: 'POST',
    headers: { ...form, cookie },
    redirect: 'manual',
    body: new URLSearchParams({ bag: hidden(checkoutPage, 'bag'), ...GUEST }),
  });
  if (placed.status !== 303) throw new Error(`checkout: ${placed.status}`);
  const orderUrl = `${shop.url}${placed.headers.get('location')}`;
  const orderPage = await (await fetch(orderUrl, { headers: { cookie } })).text();
  const gateway = await fetch(`${shop.sandboxUrl}/gateway/service/vspform-register.vsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      VPSProtocol: '4.00',
      TxType: 'PAYMENT',
      Vendor: hidden(orderPage, 'Vendor'),
      Crypt: hidden(orderPage, 'Crypt'),
    }),
  });
  const cardPage = await gateway.text();
  const paid = await fetch(`${shop.sandboxUrl}/gateway/service/card`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
    body: new URLSearchParams({ session: hidden(cardPage, 'session'), cardNumber: '4929000000006', expiry: '12/30', cv2: '123' }),
  });
  if (paid.status !== 302) throw new Error(`sandbox payment: ${paid.status}`);
  const back = await fetch(String(paid.headers.get('location')), { headers: { cookie }, redirect: 'manual' });
  if (back.status !== 303) throw new Error(`return from the gateway: ${back.status}`);
  const confirmed = await (await fetch(`${shop.url}${back.headers.get('location')}`, { headers: { cookie } })).text();
  if (!confirmed.includes('your order is confirmed')) throw new Error('the order page does not say the order is confirmed');
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
    `\nAssay checkout benchmark — ${dialect}, ${buyers} buyers at once, ${duration} s per run (bag → checkout → sandbox payment → return)\n`,
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
  console.log(`\n${orders.n} orders paid in all; each checkout is 9 HTTP requests across the shop and the sandbox.`);
  if (alone.failed + during.failed > 0 || productAlone.non2xx + productBusy.non2xx > 0) process.exitCode = 1;
} finally {
  await handle.close();
  await shop.stop();
  await database.drop();
}
