import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export interface RunningShop {
  url: string;
  /** The built-in payment sandbox's origin (its own port). */
  sandboxUrl: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real shop (`src/main.ts`) in its own process on a fresh data folder, as `npm start`
 * would, and waits until /healthz answers.
 */
export async function startShop(env: Record<string, string> = {}): Promise<RunningShop> {
  const port = await freePort();
  const sandboxPort = await freePort();
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'assay-run-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: shopProcessEnv(port, sandboxPort, env, dataDir),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(child, url, { withinMs: 60_000, everyMs: 200 });
  return {
    url,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
