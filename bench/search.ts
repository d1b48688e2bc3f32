/**
 * Search benchmark: storefront searches that miss the cache — every request asks for words no
 * request has asked for since the cache last had room for them: one to three words of a piece's
 * name, in any order, each cut to a beginning of 3 letters or more ("sapph rin") — on the demo
 * catalogue and on 10,000 products named and described like real pieces, beside a search that
 * hits the cache and the product page in the same run.
 * SQLite by default; with DATABASE_URL set, on a throwaway PostgreSQL database on that server.
 * Usage: npm run bench:search [-- --duration 8 --products 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { METALS, STONES, searchEntry, stoneLabel } from '../src/features/catalog/catalog.domain.js';
import { insertProduct, listCategories, searchIdsStatement, searchMatchQuery } from '../src/features/catalog/catalog.repository.js';
import { seedDemoCatalogue } from '../src/features/catalog/demo/seed.js';
import { freshDatabase } from '../test/support/build-app.js';
import { startShop } from './shop.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 8);
const extra = arg('products', 10_000);
const connections = 20;
const secret = 'bench-secret-bench-secret-bench-secret-0000';
const STYLES = ['Solitaire', 'Halo', 'Vintage', 'Classic', 'Twist', 'Eternity', 'Cluster', 'Drop', 'Hoop', 'Signet'];
const KINDS = ['ring', 'pendant', 'necklace', 'earrings', 'bracelet', 'band', 'studs', 'chain'];
const CACHE_ENTRIES = 2000; // CatalogService's maxEntries: when full, the oldest entry goes first
const MAX_SEARCHES = 300_000;

/**
 * Every search a shopper might type after seeing a piece's name: one to three of its words (of 3
 * letters or more; "Aurora Sapphire Ring 12" gives aurora, sapphire, ring), in any order, each cut
 * to a beginning of 3 letters or more ("sapph", "rin"). Each finds at least that piece. All are
 * different as the cache sees them (normalised words), shuffled in a fixed order.
 */
function searchesFor(names: string[]): string[] {
  const keys = new Set<string>();
  const lists = [...new Set(names.map((name) => (name.toLowerCase().match(/\p{L}{3,}/gu) ?? []).join(' ')))].map((l) => [
    ...new Set(l.split(' ').filter(Boolean)),
  ]);
  const beginnings = (w: string) => Array.from({ length: w.length - 2 }, (_, k) => w.slice(0, 3 + k));
  const add = (words: string[]) => {
    let typed: string[][] = [[]];
    for (const w of words) typed = typed.flatMap((t) => beginnings(w).map((b) => [...t, b]));
    for (const t of typed) if (keys.size < MAX_SEARCHES) keys.add(t.join(' '));
  };
  for (const w of lists) {
    for (let i = 0; i < w.length; i++) {
      add([w[i]!]);
      for (let j = 0; j < w.length; j++) {
        if (j === i) continue;
        add([w[i]!, w[j]!]);
        for (let k = 0; k < w.length; k++) if (k !== i && k !== j) add([w[i]!, w[j]!, w[k]!]);
      }
    }
  }
  const all = [...keys];
  let x = 2463534242;
  for (let i = all.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

/**
 * Asks the searches in turn, around again when all have been asked. With more of them than the
 * cache's 2,000 entries, a search comes back only after 2,000 others were put in the cache since
 * it was, so it has been pushed out: every request misses. `repeats` counts the requests that
 * could still have hit (fewer searches than cache entries, asked again), for the table.
 */
function searchSequence(searches: string[]) {
  let asked = 0;
  let repeats = 0;
  return {
    next(): string {
      if (asked >= searches.length && searches.length <= CACHE_ENTRIES) repeats++;
      return `/search?q=${encodeURIComponent(searches[asked++ % searches.length]!)}&page=1`;
    },
    get asked() {
      return asked;
    },
    get repeats() {
      return repeats;
    },
  };
}

/** The plan of the search statement for "gol rin" (a page of 12) on this data set, as the database reports it. */
async function searchPlan(db: Db, postgres: boolean): Promise<string[]> {
  const compiled = searchIdsStatement(postgres, searchMatchQuery(['gol', 'rin'], postgres), 12, 0).compile(db);
  const explain = postgres ? 'explain (analyze, costs off) ' : 'explain query plan ';
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]));
  return result.rows.map((r) => String(postgres ? r['QUERY PLAN'] : r.detail));
}

async function shopWith(products: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-search-'));
  const database = await freshDatabase(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: secret, ...database.env });
  const handle = openDatabase(config.database);
  await migrateToLatest(handle.db);
  const now = new Date();
  await seedDemoCatalogue(handle.db, now);
  const categories = await listCategories(handle.db);
  await handle.db.transaction().execute(async (trx) => {
    for (let i = 0; i < products; i++) {
      const metal = METALS[i % METALS.length]!;
      const stone = i % 4 === 0 ? null : STONES[i % STONES.length]!.code;
      const category = categories[i % categories.length]!;
      const name = `${STYLES[i % STYLES.length]} ${stone ? stoneLabel(stone) : metal.label} ${KINDS[(i >> 3) % KINDS.length]} ${i + 1}`;
      const description = `A ${metal.label.toLowerCase()} piece${stone ? ` set with a ${stoneLabel(stone).toLowerCase()}` : ''}, made in the Jewellery Quarter.`;
      await insertProduct(trx, {
        slug: `piece-${i + 1}`,
        name,
        categoryId: category.id,
        description,
        hallmark: 'Hallmarked at the Birmingham Assay Office.',
        care: 'Polish with a soft cloth.',
        stone,
        featured: false,
        createdAt: new Date(now.getTime() - i * 60_000).toISOString(),
        collectionIds: [],
        variants: [
          {
            sku: `S-${i + 1}`,
            metal: metal.code,
            ringSize: null,
            chainLengthIn: null,
            pricePence: 10_000 + ((i * 37) % 300_000),
            stock: 1 + (i % 5),
          },
        ],
        images: [],
        search: searchEntry(name, description, category.name, [metal.code], stone, []),
      });
    }
  });
  // What autovacuum does within a minute of a bulk load: statistics for the planner, and the GIN
  // index's pending entries merged into the index (searched one by one until then).
  if (database.env.DATABASE_URL) await sql`vacuum analyze`.execute(handle.db);
  const names = (await handle.db.selectFrom('products').select('name').where('archived', '=', 0).execute()).map((r) => r.name);
  const plan = await searchPlan(handle.db, database.env.DATABASE_URL !== undefined);
  await handle.close();
  const shop = await startShop({
    ...database.env,
    DATA_DIR: dataDir,
    SECRET_KEY: secret,
    NODE_ENV: 'production',
    OPAYO_VENDOR: 'assaybench',
    OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
    SANDBOX_ENABLED: 'true',
    SEARCH_RATE_LIMIT: '100000000',
  });
  return {
    shop,
    plan,
    searches: searchesFor(names),
    async close() {
      await shop.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const rows: { products: number; name: string; rps: number; p50: number; p99: number; bad: number }[] = [];
const notes: string[] = [];
for (const products of [0, extra]) {
  const { shop, plan, searches, close } = await shopWith(products);
  notes.push(`${products + 52} products: the search statement's plan for "gol rin":\n    ${plan.join('\n    ')}`);
  try {
    const html = await (await fetch(`${shop.url}/rings`)).text();
    const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)?.[1] ?? '/';
    const sequence = searchSequence(searches);
    // Some of them, asked once before measuring (the sequence moves on past them), to show what they find.
    const found: number[] = [];
    const shown: string[] = [];
    for (let i = 0; i < 100; i++) {
      const path = sequence.next();
      const page = await (await fetch(shop.url + path)).text();
      found.push(Number(page.match(/(\d+) pieces? found/)?.[1] ?? 0));
      if (i < 6) shown.push(`"${new URL(path, shop.url).searchParams.get('q')}" ${found[i]}`);
    }
    notes.push(
      `${products + 52} products: ${searches.length} different searches; of 100 asked first, ${found.filter((f) => f > 0).length} find pieces (a beginning the stemmer changes, "amethys", may find none), e.g. ${shown.join(', ')}`,
    );
    const targets: { name: string; path: string; fresh?: boolean }[] = [
      { name: 'product page', path: product },
      { name: 'search, cached (the same words each time)', path: '/search?q=gold+ring' },
      { name: 'search, a new one each request (misses the cache)', path: sequence.next(), fresh: true },
    ];
    for (const t of targets) {
      const requests: autocannon.Request[] | undefined = t.fresh
        ? [{ setupRequest: (req) => ({ ...req, path: sequence.next() }) }]
        : undefined;
      await autocannon({ url: shop.url + t.path, connections, duration: 2, requests });
      const [asked, repeated] = [sequence.asked, sequence.repeats];
      const r = await autocannon({ url: shop.url + t.path, connections, duration, requests });
      if (t.fresh)
        notes.push(
          `${products + 52} products: ${sequence.asked - asked} searches asked while measuring, ${sequence.repeats - repeated} of them asked within the last ${CACHE_ENTRIES} (could have hit the cache)`,
        );
      rows.push({
        products: products + 52,
        name: t.name,
        rps: Math.round(r.requests.average),
        p50: r.latency.p50,
        p99: r.latency.p99,
        bad: r.errors + r.non2xx,
      });
    }
  } finally {
    await close();
  }
}

console.log(`\nAssay search benchmark — ${databaseName()}, ${connections} connections, ${duration} s per target\n`);
console.log('| products | target | requests/s | p50 ms | p99 ms | failed |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.products} | ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.bad} |`);
for (const note of notes) console.log(`\n${note}`);
const miss = (products: number) => rows.find((r) => r.products === products && r.name.includes('misses'))!;
const page = (products: number) => rows.find((r) => r.products === products && r.name === 'product page')!;
console.log(
  `\nsearch miss / product page: ${(miss(52).rps / page(52).rps).toFixed(2)} (demo), ${(miss(extra + 52).rps / page(extra + 52).rps).toFixed(2)} (${extra + 52} products)`,
);
const db = databaseName();
headlines([
  {
    benchmark: 'search',
    figure: 'search missing the cache, demo catalogue',
    database: db,
    value: miss(52).rps,
    unit: 'req/s',
    target: { op: '>=', value: 2000 },
  },
  {
    benchmark: 'search',
    figure: 'search missing the cache, demo catalogue, p99',
    database: db,
    value: miss(52).p99,
    unit: 'ms',
    target: { op: '<', value: 30 },
  },
  {
    benchmark: 'search',
    figure: `search missing the cache, ${extra + 52} products`,
    database: db,
    value: miss(extra + 52).rps,
    unit: 'req/s',
    target: { op: '>=', value: 500 },
  },
  {
    benchmark: 'search',
    figure: 'search miss / product page, demo catalogue',
    database: db,
    value: miss(52).rps / page(52).rps,
    unit: '×',
  },
]);
if (rows.some((r) => r.bad > 0)) process.exitCode = 1;
