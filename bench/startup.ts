/**
 * Start-up and memory benchmark: the shop as `npm start` runs it (compiled JavaScript) beside the
 * TypeScript run through tsx as before, on a data folder that already holds the demo catalogue:
 * the time from starting the process to the first page answered, resident memory 5 s after it
 * (while the start's own garbage is still held), at rest (30 s after it: V8's memory reducer gives
 * that garbage back within about 20 s of the start, at no fixed moment), and after a short load on
 * the product page. Production settings, no payment sandbox (a real shop's
 * payment page is Opayo's). Each runtime is started `--rounds` times, alternating; the medians.
 * Usage: npm run bench:startup [-- --rounds 3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, shopCommand, shopProcessEnv } from './shop.js';
import { headlines } from './summary.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const root = join(import.meta.dirname, '..');
const env = {
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-bench-secret-bench-secret-0000',
  OPAYO_VENDOR: 'assaybench',
  OPAYO_ENCRYPTION_PASSWORD: 'Bench16BytesPass',
  OPAYO_GATEWAY_URL: 'https://gateway.invalid/gateway/service/vspform-register.vsp',
  SANDBOX_ENABLED: 'false',
  LOG_LEVEL: 'warn',
};

/** Resident and anonymous (private) memory of a process, in MB, from /proc. */
function memory(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function start(runtime: 'compiled' | 'tsx', dataDir: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, shopCommand(runtime), {
    cwd: root,
    env: shopProcessEnv(port, await freePort(), env, dataDir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the shop (${runtime}) exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, url, firstAnswerMs: performance.now() - started };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const dataDir = mkdtempSync(join(tmpdir(), 'assay-startup-'));
type Figures = { first: number[]; settling: number[]; idle: number[]; idleAnon: number[]; loaded: number[] };
const results: Record<'compiled' | 'tsx', Figures> = {
  compiled: { first: [], settling: [], idle: [], idleAnon: [], loaded: [] },
  tsx: { first: [], settling: [], idle: [], idleAnon: [], loaded: [] },
};
const AT_REST_MS = 30_000;
try {
  // The first start creates the database and adds the demo catalogue; every measured start finds it there.
  await stop((await start('compiled', dataDir)).child);
  for (let round = 0; round < rounds; round++) {
    for (const runtime of ['compiled', 'tsx'] as const) {
      const shop = await start(runtime, dataDir);
      try {
        await new Promise((r) => setTimeout(r, 5000));
        const settling = memory(shop.child.pid!);
        await new Promise((r) => setTimeout(r, AT_REST_MS - 5000));
        const idle = memory(shop.child.pid!);
        const html = await (await fetch(`${shop.url}/rings`)).text();
        const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)?.[1] ?? '/';
        await autocannon({ url: shop.url + product, connections: 20, duration: 5 });
        const loaded = memory(shop.child.pid!);
        const r = results[runtime];
        r.first.push(shop.firstAnswerMs);
        r.settling.push(settling.rss);
        r.idle.push(idle.rss);
        r.idleAnon.push(idle.anon);
        r.loaded.push(loaded.rss);
      } finally {
        await stop(shop.child);
      }
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`\nAssay start-up and memory — ${rounds} starts of each, medians; database already holding the demo catalogue\n`);
console.log(
  '| runtime | first answer after start | resident 5 s after it | resident at rest (30 s after it) | of which private | resident after 5 s of load |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const runtime of ['compiled', 'tsx'] as const) {
  const r = results[runtime];
  console.log(
    `| ${runtime === 'compiled' ? `compiled (npm start: node ${shopCommand().join(' ')})` : 'TypeScript through tsx (before)'} | ${median(r.first).toFixed(0)} ms | ${median(r.settling).toFixed(0)} MB | ${median(r.idle).toFixed(0)} MB | ${median(r.idleAnon).toFixed(0)} MB | ${median(r.loaded).toFixed(0)} MB |`,
  );
}
headlines([
  {
    benchmark: 'startup',
    figure: 'first answer after start (compiled)',
    value: median(results.compiled.first),
    unit: 'ms',
    target: { op: '<=', value: 1500 },
  },
  {
    benchmark: 'startup',
    figure: 'resident memory at rest, 30 s after the first answer (compiled)',
    value: median(results.compiled.idle),
    unit: 'MB',
    target: { op: '<=', value: 120 },
  },
  {
    benchmark: 'startup',
    figure: 'resident memory 5 s after the first answer (compiled)',
    value: median(results.compiled.settling),
    unit: 'MB',
  },
  { benchmark: 'startup', figure: 'resident memory after a short load (compiled)', value: median(results.compiled.loaded), unit: 'MB' },
  {
    benchmark: 'startup',
    figure: 'resident memory at rest, compiled / tsx',
    value: median(results.compiled.idle) / median(results.tsx.idle),
    unit: '×',
  },
]);
