import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A restic REST server on loopback (`rclone serve restic`, Debian's rclone) over a temporary
 * folder: the "other data centre" of the tests. `repository` is what BACKUP_REPOSITORY is set to;
 * `dir` is the folder holding the repository's (encrypted) files, for tests that look at them.
 */
export interface ResticServer {
  repository: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rclone serve restic exited with code ${child.exitCode}`);
    try {
      // Any HTTP answer means the server is listening.
      await fetch(url, { method: 'HEAD' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('rclone serve restic did not start in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startResticServer(): Promise<ResticServer> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-restic-server-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn('rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RCLONE_CONFIG: '/dev/null' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const repository = `rest:http://127.0.0.1:${port}/`;
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, child, 10_000);
    } catch (err) {
      child.kill('SIGKILL');
      // The port may have been taken between finding it free and rclone binding it: try another.
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${(err as Error).message}: ${stderr.slice(0, 500)}`);
    }
    return {
      repository,
      dir,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
