import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';

// The test payment page in a process of its own (src/sandbox.ts), as the checkout benchmark runs it.

describe('the test payment page in its own process', () => {
  it('serves the payment page on SANDBOX_PORT, refuses a malformed registration plainly, and stops cleanly', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-sandbox-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox.ts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATA_DIR: dataDir, SANDBOX_PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1:3999' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      let css: Response | null = null;
      for (let i = 0; i < 200 && !css; i++) {
        css = await fetch(`${url}/sandbox.css`).catch(() => null);
        if (!css) await new Promise((r) => setTimeout(r, 100));
      }
      expect(css?.status).toBe(200);
      const refused = await fetch(`${url}/gateway/service/vspform-register.vsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'VPSProtocol=2.23',
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(await refused.text()).toContain('VPSProtocol');
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
