/**
 * Whole-shop export and import benchmark: the time to make the export (streamed to a file, as a
 * download is) and to import it into an empty shop, the zip's size and the export's peak memory
 * growth, for the demo shop and for one of 10,000 customers and 30,000 orders (made by
 * bench/rights-data.ts, on top of the demo catalogue).
 * SQLite by default; with DATABASE_URL set, on throwaway PostgreSQL databases on that server.
 * Usage: npm run bench:handover [-- --customers 10000 --orders 30000]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { exportShop } from '../src/features/handover/handover.export.js';
import { importShop } from '../src/features/handover/handover.import.js';
import { freshDatabase } from '../test/support/build-app.js';
import { fillRightsData } from './rights-data.js';
import { databaseName, headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const customers = arg('customers', 10_000);
const orders = arg('orders', 30_000);
const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET_KEY = 'bench-secret-key-bench-secret-key-0123456789';

interface Shop {
  app: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
}

async function openShop(seedDemo: boolean): Promise<Shop> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-handover-'));
  const database = await freshDatabase(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: String(seedDemo), SECRET_KEY, ...database.env });
  const app = await buildApp(config, { logger: false, clock: () => NOW });
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Figures {
  shop: string;
  rows: number;
  exportMs: number;
  zipMb: number;
  heapMb: number;
  importMs: number;
}

async function measure(label: string, fill: (shop: Shop) => Promise<void>): Promise<Figures> {
  const source = await openShop(true);
  const target = await openShop(false);
  try {
    await fill(source);
    const file = join(source.dataDir, 'export.zip');
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
    const started = performance.now();
    const made = exportShop({ db: source.app.db, dialect: source.app.dialect, dataDir: source.dataDir }, { name: 'Bench' }, NOW);
    await pipeline(made.stream, createWriteStream(file));
    const summary = await made.done;
    const exportMs = performance.now() - started;
    clearInterval(sampler);

    const importStarted = performance.now();
    const imported = await importShop(target.app.db, target.dataDir, readFileSync(file));
    const importMs = performance.now() - importStarted;
    if (!imported.ok) throw new Error(`import refused: ${imported.message}`);
    return {
      shop: label,
      rows: Object.values(summary.rows).reduce((a, b) => a + b, 0),
      exportMs,
      zipMb: statSync(file).size / 1024 / 1024,
      heapMb: (heapPeak - heapBefore) / 1024 / 1024,
      importMs,
    };
  } finally {
    await source.close();
    await target.close();
  }
}

const dialect = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const results = [
  await measure('demo shop', async () => {}),
  await measure(`${customers.toLocaleString('en-GB')} customers, ${orders.toLocaleString('en-GB')} orders`, async (shop) => {
    await fillRightsData(shop.app.db, { customers, orders, heavyOrders: 10 }, NOW);
  }),
];

console.log(`\nWhole-shop export and import (${dialect})\n`);
const header = ['shop', 'rows', 'export', 'zip', 'heap growth', 'import'];
const lines = results.map((r) => [
  r.shop,
  r.rows.toLocaleString('en-GB'),
  `${(r.exportMs / 1000).toFixed(2)} s`,
  `${r.zipMb.toFixed(1)} MB`,
  `${r.heapMb.toFixed(0)} MB`,
  `${(r.importMs / 1000).toFixed(2)} s`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(row(header));
console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const l of lines) console.log(row(l));
headlines(
  results.flatMap((r) => [
    { benchmark: 'handover', figure: `whole-shop export, ${r.shop}`, database: databaseName(), value: r.exportMs / 1000, unit: 's' },
    { benchmark: 'handover', figure: `import-shop, ${r.shop}`, database: databaseName(), value: r.importMs / 1000, unit: 's' },
  ]),
);
