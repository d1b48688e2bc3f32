/**
 * Request-logging benchmark: the product page at the default LOG_LEVEL=info (one line per request,
 * written to a file as a service manager would take standard output) against the same page with
 * request logging off (LOG_LEVEL=warn), alternated `--rounds` times in one run.
 * Usage: npm run bench:logging [-- --duration 8 --rounds 2]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startShop } from './shop.js';
import { headlines } from './summary.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const duration = arg('duration', 8);
const rounds = arg('rounds', 2);
const connections = 50;
const logs = mkdtempSync(join(tmpdir(), 'assay-logs-'));

const runs: Record<'info' | 'warn', { rps: number; p99: number; lines: number }[]> = { info: [], warn: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const level of ['info', 'warn'] as const) {
      const logFile = join(logs, `${level}-${round}.log`);
      const shop = await startShop(
        {
          SEARCH_RATE_LIMIT: '100000000',
          NODE_ENV: 'production',
          SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
          OPAYO_VENDOR: 'assaybench',
          OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
          SANDBOX_ENABLED: 'true',
          LOG_LEVEL: level,
        },
        { logFile },
      );
      try {
        const html = await (await fetch(`${shop.url}/rings`)).text();
        const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)?.[1];
        if (!product) throw new Error('no product link on /rings');
        await autocannon({ url: shop.url + product, connections, duration: 2 });
        const r = await autocannon({ url: shop.url + product, connections, duration });
        if (r.non2xx + r.errors > 0) process.exitCode = 1;
        runs[level].push({ rps: r.requests.average, p99: r.latency.p99, lines: 0 });
      } finally {
        await shop.stop();
      }
      const lines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"msg":"request"')).length;
      runs[level].at(-1)!.lines = lines;
    }
  }
} finally {
  rmSync(logs, { recursive: true, force: true });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`\nAssay request logging — product page, ${connections} connections, ${duration} s per run, ${rounds} rounds alternated\n`);
console.log('| LOG_LEVEL | requests/s (each round) | p99 ms | request lines written |');
console.log('|---|---:|---:|---:|');
for (const level of ['info', 'warn'] as const) {
  const r = runs[level];
  console.log(
    `| ${level}${level === 'info' ? ' (default: one line per request)' : ' (request logging off)'} | ${r.map((x) => Math.round(x.rps)).join(', ')} | ${r.map((x) => x.p99).join(', ')} | ${r.map((x) => x.lines).join(', ')} |`,
  );
}
const ratio = mean(runs.info.map((r) => r.rps)) / mean(runs.warn.map((r) => r.rps));
console.log(`\nproduct page at info / with request logging off: ${ratio.toFixed(2)} (target ≥ 0.85)`);
headlines([
  {
    benchmark: 'logging',
    figure: 'product page at LOG_LEVEL=info / request logging off',
    value: ratio,
    unit: '×',
    target: { op: '>=', value: 0.85 },
  },
  { benchmark: 'logging', figure: 'product page at LOG_LEVEL=info', value: mean(runs.info.map((r) => r.rps)), unit: 'req/s' },
]);
