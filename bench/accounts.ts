/**
 * Accounts benchmark: sign-in throughput (bounded by Argon2id, which is meant to be slow) and the
 * Account Home pages' latency for a signed-in customer with orders. Fresh database; SQLite by
 * default, or a throwaway PostgreSQL database when DATABASE_URL is set.
 * Usage: npm run bench:accounts [-- --duration 10]
 */
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { freshDatabase } from '../test/support/build-app.js';
import { type Piece, buy, hidden } from './journeys.js';
import { startShop } from './shop.js';
import { databaseName, headlines } from './summary.js';

const duration = Number(process.argv[process.argv.indexOf('--duration') + 1]) || 10;
const database = await freshDatabase('');
const dialect = database.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const env = {
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
  OPAYO_VENDOR: 'assaybench',
  OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
  SANDBOX_ENABLED: 'true',
  FORM_RATE_LIMIT: '100000000',
  ...database.env,
};
const shop = await startShop(env);
const handle = openDatabase(loadConfig({ ...env, DATA_DIR: shop.dataDir, PUBLIC_URL: shop.url, LOG_LEVEL: 'silent' }).database);
const email = 'bench.customer@example.co.uk';
const password = 'copper kettle harbour lantern';
const cookieOf = (res: Response) => (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');

async function formPage(path: string, cookie = '') {
  const res = await fetch(`${shop.url}${path}`, { headers: { cookie } });
  return { csrf: hidden(await res.text(), '_csrf'), cookie: [cookie, cookieOf(res)].filter(Boolean).join('; ') };
}
async function post(path: string, fields: Record<string, string>, cookie: string) {
  return fetch(`${shop.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields),
  });
}

try {
  // A customer, registered and confirmed as a person would, with a few paid orders.
  const reg = await formPage('/account/register');
  const registered = await post(
    '/account/register',
    {
      _csrf: reg.csrf,
      first_name: 'Bench',
      surname: 'Customer',
      email,
      phone: '07700 900123',
      line1: '88 Vyse Street',
      city: 'Birmingham',
      postcode: 'B18 6NF',
      password,
    },
    reg.cookie,
  );
  if (registered.status !== 303) throw new Error(`register: ${registered.status}`);
  const mail = await handle.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
  const token = mail.text_body.match(/verify\?token=([A-Za-z0-9_-]{43})/)?.[1] as string;
  const confirm = await formPage(`/account/verify?token=${token}`);
  if ((await post('/account/verify', { _csrf: confirm.csrf, token }, confirm.cookie)).status !== 303) throw new Error('verify');
  const signInPage = await formPage('/account/sign-in');
  const signedIn = await post('/account/sign-in', { _csrf: signInPage.csrf, email, password }, signInPage.cookie);
  if (signedIn.status !== 303) throw new Error(`sign-in: ${signedIn.status}`);
  let session = cookieOf(signedIn);

  const pieces = (await handle.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
    .where('v.stock', '>', 3)
    .limit(5)
    .execute()) as (Piece & { id: number })[];
  for (const piece of pieces) await buy(shop, piece, session);
  const order = await handle.db.selectFrom('orders').select('number').orderBy('id').executeTakeFirstOrThrow();

  // Sign-in throughput: every request a full Argon2id verification of the right password.
  const signIn = await autocannon({
    url: `${shop.url}/account/sign-in`,
    method: 'POST',
    connections: 4,
    duration,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: signInPage.cookie },
    body: new URLSearchParams({ _csrf: signInPage.csrf, email, password }).toString(),
  });

  // That made hundreds of sessions, and only the newest 20 stay: sign in afresh for the pages.
  const again = await post('/account/sign-in', { _csrf: signInPage.csrf, email, password }, signInPage.cookie);
  if (again.status !== 303) throw new Error(`sign-in: ${again.status}`);
  session = cookieOf(again);

  const pages = [
    '/account',
    '/account/details',
    '/account/addresses',
    '/account/orders',
    `/account/orders/${order.number}`,
    '/account/security',
    '/account/privacy',
  ];
  const rows = [];
  for (const path of pages) {
    await autocannon({ url: `${shop.url}${path}`, connections: 10, duration: 2, headers: { cookie: session } });
    const r = await autocannon({ url: `${shop.url}${path}`, connections: 10, duration, headers: { cookie: session } });
    rows.push({ path, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx });
  }

  console.log(`\nAssay accounts benchmark — ${dialect}, ${duration} s per target\n`);
  console.log('| target | requests/s | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| sign-in (Argon2id, 4 connections) | ${Math.round(signIn.requests.average)} | ${signIn.latency.p50} | ${signIn.latency.p99} | ${signIn['4xx'] + signIn['5xx']} |`,
  );
  for (const r of rows) console.log(`| ${r.path} (10 connections) | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
  const worst = Math.max(...rows.map((r) => r.p99));
  console.log(`\nAccount Home worst p99: ${worst} ms (target < 30 ms)`);
  headlines([
    {
      benchmark: 'accounts',
      figure: 'Account Home worst p99',
      database: databaseName(),
      value: worst,
      unit: 'ms',
      target: { op: '<', value: 30 },
    },
    {
      benchmark: 'accounts',
      figure: 'sign-in requests/s (Argon2id)',
      database: databaseName(),
      value: signIn.requests.average,
      unit: 'req/s',
    },
  ]);
  if (rows.some((r) => r.non2xx > 0) || signIn['4xx'] + signIn['5xx'] > 0) process.exitCode = 1;
} finally {
  await handle.close();
  await shop.stop();
  await database.drop();
}
