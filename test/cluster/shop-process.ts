import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';

/**
 * The shop as a real process (`src/main.ts` under tsx), for the tests of what only a process
 * shows: the cluster, signals, draining. Requests go one per connection.
 */

export { freePort } from '../support/ports.js';

/** One request to 127.0.0.1:`port` on a connection of its own. */
export function fetchOnce(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Starts `src/main.ts` with this process's environment and `env` over it; DATABASE_URL and
 * WEB_CONCURRENCY are removed unless `env` sets them, so the test's own database and process count
 * are the ones used. `exited` resolves with the exit code.
 */
export function startShop(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  if (!env.WEB_CONCURRENCY) delete childEnv.WEB_CONCURRENCY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Waits up to a minute for `ready()`, checking every 200 ms; throws with `output()` if the process exits first or time runs out. */
export async function waitUntilStarted(child: ChildProcess, ready: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(output());
    await new Promise((r) => setTimeout(r, 200));
  }
}
