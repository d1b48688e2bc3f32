import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { SANDBOX_GATEWAY_PATH } from '../src/config.js';
import { freePort } from '../test/support/ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { freePort };

/** The environment of a shop process started as `npm start` would be, on loopback at `port`, `env` over the defaults. */
export function shopProcessEnv(port: number, sandboxPort: number, env: Record<string, string>, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
    DATA_DIR: dataDir,
  };
}

/**
 * Waits until `url`/healthz answers 2xx, asking every `everyMs`; throws when the process exits
 * first or `withinMs` pass, the message followed by `detail()` (the log's tail, say).
 */
export async function untilHealthy(
  child: ChildProcess,
  url: string,
  { withinMs, everyMs, detail = () => '' }: { withinMs: number; everyMs: number; detail?: () => string },
): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the shop exited with code ${child.exitCode}${detail()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the shop did not start within ${withinMs / 1000} s${detail()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `url` answers 2xx; throws when the process exits first or `withinMs` pass. */
async function untilAnswers(child: ChildProcess, url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${withinMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const root = join(import.meta.dirname, '..');
let built = false;

/**
 * How `npm start` runs the shop: the node flags and compiled entry point of package.json's `start`
 * script (`node --max-semi-space-size=8 dist/main.js`), after its `prestart` build, which is done
 * once per benchmark process. `tsx` runs the TypeScript as the shop did before it was compiled.
 */
export function shopCommand(runtime: 'compiled' | 'tsx' = 'compiled'): string[] {
  if (runtime === 'tsx') return ['--import', 'tsx', 'src/main.ts'];
  if (!built) {
    execFileSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'ignore' });
    built = true;
  }
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node: ${start}`);
  return words.slice(1);
}

export interface ShopOptions {
  runtime?: 'compiled' | 'tsx';
  /** A file the shop's standard output (its log) is written to, as a service manager would; inherited otherwise. */
  logFile?: string;
  /**
   * Where the test payment page runs: inside the shop, as `npm start` runs it (the default), or in
   * a process of its own (src/sandbox.ts), as Opayo's pages are none of a real shop's work.
   */
  sandbox?: 'in-shop' | 'own-process';
}

export interface RunningShop {
  url: string;
  /** The built-in payment sandbox's origin (its own port). */
  sandboxUrl: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real shop in its own process on a fresh data folder, as `npm start` would (compiled;
 * `runtime: 'tsx'` for the TypeScript as run before), and waits until /healthz answers.
 */
export async function startShop(env: Record<string, string> = {}, options: ShopOptions = {}): Promise<RunningShop> {
  const port = await freePort();
  const sandboxPort = await freePort();
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'assay-run-'));
  const out = options.logFile ? openSync(options.logFile, 'a') : 'inherit';
  const ownSandbox = options.sandbox === 'own-process';
  const processEnv = shopProcessEnv(
    port,
    sandboxPort,
    ownSandbox ? { OPAYO_GATEWAY_URL: `http://127.0.0.1:${sandboxPort}${SANDBOX_GATEWAY_PATH}`, ...env, SANDBOX_ENABLED: 'false' } : env,
    dataDir,
  );
  // BENCH_NODE_FLAGS adds node flags to the shop's own (say `--cpu-prof --cpu-prof-dir=/tmp/p`, to profile it).
  const command = [...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []), ...shopCommand(options.runtime)];
  const child = spawn(process.execPath, command, { cwd: root, env: processEnv, stdio: ['ignore', out, 'inherit'] });
  if (typeof out === 'number') closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(child, url, { withinMs: 60_000, everyMs: 200 });
  // Started after the shop, which has written DATA_DIR's secret key by then: both derive the same payment key from it.
  const sandbox = ownSandbox
    ? spawn(
        process.execPath,
        command.map((w) => w.replace(/main\.(js|ts)$/, 'sandbox.$1')),
        {
          cwd: root,
          env: processEnv,
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      )
    : null;
  if (sandbox) await untilAnswers(sandbox, `http://127.0.0.1:${sandboxPort}/sandbox.css`, 30_000);
  return {
    url,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dataDir,
    process: child,
    async stop() {
      for (const running of [sandbox, child]) {
        if (running && running.exitCode === null) {
          const exited = new Promise((r) => running.once('exit', r));
          running.kill('SIGTERM');
          await exited;
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
