/**
 * Every benchmark, one after another, each in its own process, then ONE table of their headline
 * figures against their targets (pass/short per row). Each benchmark appends its rows to the file
 * BENCH_SUMMARY names (see bench/summary.ts); a benchmark that fails is named and the run goes on.
 * Usage: npm run bench [-- --only storefront,search --postgres --duration 5 --out FILE --before FILE]
 *   --only a,b      run only these (names as in the list below, = the npm scripts bench:<name>)
 *   --postgres      also run, on PostgreSQL, the benchmarks that take DATABASE_URL (it must be set)
 *   --duration N    seconds per measured target, passed to the benchmarks that take one
 *   --out FILE      where the rows are written as JSON (default bench/last-summary.json)
 *   --before FILE   an earlier --out file: adds its figures and the ratio now / before
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchmarkRun, type Headline, readSummaryLines, summaryTable } from './summary.js';

interface Benchmark {
  name: string;
  file: string;
  /** Takes DATABASE_URL and runs on a throwaway PostgreSQL database. */
  postgres?: boolean;
  /** Takes --duration (seconds per measured target). */
  duration?: boolean;
  node?: string[];
  /** Arguments the summary run gives it. */
  args?: string[];
}

const BENCHMARKS: Benchmark[] = [
  { name: 'storefront', file: 'run.ts', duration: true },
  { name: 'startup', file: 'startup.ts' },
  { name: 'logging', file: 'logging.ts', duration: true },
  { name: 'search', file: 'search.ts', postgres: true, duration: true },
  { name: 'backoffice', file: 'backoffice.ts', duration: true },
  { name: 'checkout', file: 'checkout.ts', postgres: true, duration: true },
  { name: 'accounts', file: 'accounts.ts', postgres: true, duration: true },
  { name: 'privacy', file: 'privacy.ts', postgres: true },
  { name: 'marketing', file: 'marketing.ts', postgres: true, node: ['--expose-gc'] },
  { name: 'statistics', file: 'statistics.ts', postgres: true },
  { name: 'rights', file: 'rights.ts', postgres: true },
  // The backup and restore of the 1,000,000-order data set take a quarter of an hour: `npm run bench:scale` runs them.
  { name: 'scale', file: 'scale.ts', args: ['--no-big'] },
  { name: 'policy', file: 'policy.ts', postgres: true, duration: true },
  { name: 'records', file: 'records.ts', postgres: true, duration: true },
  { name: 'breaches', file: 'breaches.ts', postgres: true, duration: true },
  { name: 'undertaking', file: 'undertaking.ts', postgres: true },
  { name: 'handover', file: 'handover.ts', postgres: true },
];

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const here = fileURLToPath(new URL('.', import.meta.url));
const only = option('only')
  ?.split(',')
  .map((s) => s.trim());
const unknown = only?.filter((n) => !BENCHMARKS.some((b) => b.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(2);
}
const duration = option('duration');
const out = option('out') ?? join(here, 'last-summary.json');
const beforeFile = option('before');
const postgresUrl = argv.includes('--postgres') ? process.env.DATABASE_URL : undefined;
if (argv.includes('--postgres') && !postgresUrl) {
  console.error('--postgres needs DATABASE_URL set to a PostgreSQL server the benchmarks may make throwaway databases on.');
  process.exit(2);
}
const before: Headline[] | undefined = beforeFile ? (JSON.parse(readFileSync(beforeFile, 'utf8')) as { rows: Headline[] }).rows : undefined;

const selected = BENCHMARKS.filter((b) => !only || only.includes(b.name));
const plan: { bench: Benchmark; database: 'SQLite' | 'PostgreSQL' }[] = [
  ...selected.map((bench) => ({ bench, database: 'SQLite' as const })),
  ...(postgresUrl ? selected.filter((b) => b.postgres).map((bench) => ({ bench, database: 'PostgreSQL' as const })) : []),
];

const scratch = mkdtempSync(join(tmpdir(), 'assay-bench-summary-'));
const runs: BenchmarkRun[] = [];
const started = Date.now();
for (const [i, { bench, database }] of plan.entries()) {
  const path = join(here, bench.file);
  if (!existsSync(path)) {
    console.log(`\n=== ${bench.name}: bench/${bench.file} is missing, skipped`);
    runs.push({ benchmark: bench.name, database, code: 0, rows: [], note: `missing (bench/${bench.file})` });
    continue;
  }
  const summary = join(scratch, `${i}-${bench.name}.jsonl`);
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_SUMMARY: summary };
  if (database === 'PostgreSQL') env.DATABASE_URL = postgresUrl;
  else delete env.DATABASE_URL;
  const args = [
    ...(bench.node ?? []),
    '--import',
    'tsx',
    path,
    ...(bench.args ?? []),
    ...(duration && bench.duration ? ['--duration', duration] : []),
  ];
  console.log(`\n=== ${bench.name} (${database}): node ${args.join(' ')}`);
  const t = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  const rows = existsSync(summary) ? readSummaryLines(readFileSync(summary, 'utf8')) : [];
  const seconds = ((Date.now() - t) / 1000).toFixed(0);
  if (code !== 0) console.log(`=== ${bench.name} (${database}) FAILED (exit ${code}) after ${seconds} s; the run goes on`);
  else console.log(`=== ${bench.name} (${database}) done in ${seconds} s, ${rows.length} headline figures`);
  runs.push({ benchmark: bench.name, database, code, rows });
}
rmSync(scratch, { recursive: true, force: true });

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\nAssay benchmarks — summary (${plan.length} runs in ${minutes} min${before ? `; before: ${beforeFile}` : ''})\n`);
console.log(summaryTable(runs, before));
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), runs, rows: runs.flatMap((r) => r.rows) }, null, 2) + '\n');
console.log(`\nRows written to ${out}${before ? '' : ` (compare a later run with --before ${out})`}`);
if (runs.some((r) => r.code !== 0)) process.exitCode = 1;
