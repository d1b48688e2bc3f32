/**
 * One configuration of the scale benchmark's load: a real shop on a fresh database with
 * WEB_CONCURRENCY=N, its product page under autocannon, then guest checkouts made over HTTP by
 * concurrent buyers (bench/journeys.ts), each the whole journey from the bag to the confirmed order.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { stockPieces } from '../test/support/stock.js';
import { type Piece, buy } from './journeys.js';
import { type ScaleShop, postgresDatabase, startScaleShop, tempDir } from './scale-processes.js';

export interface LoadSettings {
  dialect: 'sqlite' | 'postgres';
  processes: number;
  /** The PostgreSQL server the throwaway databases are made on. */
  serverUrl: string;
  seconds: number;
  connections: number;
  buyers: number;
}

export interface LoadFigures {
  dialect: 'sqlite' | 'postgres';
  processes: number;
  /** Node processes seen running (a cluster's primary counts too). */
  running: number;
  productRps: number;
  productP50: number;
  productP99: number;
  productNon2xx: number;
  productErrors: number;
  checkoutsPerSecond: number;
  checkoutP50: number;
  checkoutP99: number;
  checkoutsFailed: number;
  /** Paid orders in the database at the end, as a check that each counted checkout was real. */
  paidOrders: number;
  firstError: string | null;
  /** The machine's one-minute load average as the measurement began: other work on the shared cores. */
  loadBefore: number;
  /** Lines the shop logged at warn or above during the run, and the first one's message (logs hold no personal data). */
  shopWarnings: number;
  shopFirstError: string | null;
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

/** Counts the pino lines at warn (40) or above in the shop's log, and gives the first one's message and error code. */
function readShopLog(file: string): { shopWarnings: number; shopFirstError: string | null } {
  if (!existsSync(file)) return { shopWarnings: 0, shopFirstError: null };
  let shopWarnings = 0;
  let shopFirstError: string | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    type Entry = { level?: number; msg?: string; code?: string; err?: { type?: string; code?: string } } | null;
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      continue;
    }
    if (!entry || (entry.level ?? 0) < 40) continue;
    shopWarnings++;
    if (shopFirstError === null) shopFirstError = [entry.msg, entry.code, entry.err?.type, entry.err?.code].filter(Boolean).join(' — ');
  }
  return { shopWarnings, shopFirstError };
}

export async function measureLoad(s: LoadSettings): Promise<LoadFigures> {
  const dataDir = tempDir(`assay-bench-scale-${s.dialect}-${s.processes}-`);
  const database = s.dialect === 'postgres' ? await postgresDatabase(s.serverUrl) : null;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
    OPAYO_VENDOR: 'assaybench',
    OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
    SANDBOX_ENABLED: 'true',
    SEED_DEMO: 'true',
    FORM_RATE_LIMIT: '100000000',
    SEARCH_RATE_LIMIT: '100000000',
    // The buyers share one network and one address; the limit on unpaid orders per buyer is not what is measured.
    UNPAID_ORDERS_PER_BUYER: '1000',
    WEB_CONCURRENCY: String(s.processes),
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  let shop: ScaleShop | null = null;
  let handle: ReturnType<typeof openDatabase> | null = null;
  try {
    shop = await startScaleShop(env, dataDir);
    const running = shop.processes;
    const config = loadConfig({ ...env, DATA_DIR: dataDir, PUBLIC_URL: shop.url, LOG_LEVEL: 'silent' });
    handle = openDatabase(config.database);
    // Plenty of stock, so the run measures checkouts rather than selling out.
    const pieces = await stockPieces(handle.db, 40, 1_000_000);
    if (pieces.length === 0) throw new Error('the demo catalogue has no pieces');
    const productUrl = `${shop.url}/products/${pieces[0]?.slug}`;
    const live = shop;

    let n = 0;
    let firstError: string | null = null;
    async function checkouts(seconds: number) {
      const until = performance.now() + seconds * 1000;
      const times: number[] = [];
      let failed = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: s.buyers }, async () => {
          while (performance.now() < until) {
            const began = performance.now();
            try {
              await buy(live, pieces[n++ % pieces.length] as Piece);
              times.push(performance.now() - began);
            } catch (err) {
              failed++;
              firstError ??= (err as Error).message;
            }
          }
        }),
      );
      return { times, failed, elapsed: (performance.now() - start) / 1000 };
    }

    // Warm-up: every worker compiles its pages and fills its caches before anything is counted.
    await autocannon({ url: productUrl, connections: s.connections, duration: 2 });
    await checkouts(2);
    const loadBefore = loadavg()[0] ?? 0;
    const product = await autocannon({ url: productUrl, connections: s.connections, duration: s.seconds });
    const bought = await checkouts(s.seconds);
    const paid = await handle.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'paid')
      .executeTakeFirstOrThrow();
    const log = readShopLog(join(dataDir, 'shop.log'));
    return {
      ...log,
      dialect: s.dialect,
      processes: s.processes,
      running,
      productRps: product.requests.average,
      productP50: product.latency.p50,
      productP99: product.latency.p99,
      productNon2xx: product.non2xx,
      productErrors: product.errors,
      checkoutsPerSecond: bought.times.length / bought.elapsed,
      checkoutP50: percentile(bought.times, 50),
      checkoutP99: percentile(bought.times, 99),
      checkoutsFailed: bought.failed,
      paidOrders: Number(paid.n),
      firstError,
      loadBefore,
    };
  } finally {
    await handle?.close().catch(() => undefined);
    await shop?.stop();
    await database?.drop();
  }
}
