import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { TestSmtpServer } from '../mail/smtp-test-server.js';
import { freshDatabase, testDialect } from '../support/build-app.js';
import { cookieHeader, formBody } from '../support/forms.js';
import { fetchOnce as request, freePort, startShop, waitUntilStarted } from './shop-process.js';

/**
 * One shop process (WEB_CONCURRENCY=1), stopped with SIGTERM while the outbox is in the middle of
 * sending an e-mail to a real SMTP server that holds its reply: the process stops taking requests
 * at once, waits for the send to finish, and exits 0 with the e-mail recorded as sent.
 */
let dataDir: string;
let drop: () => Promise<void> = async () => {};
let child: ChildProcess;
let port: number;
let smtp: TestSmtpServer;
let env: Record<string, string>;
let output = '';
let exited: Promise<number | null>;

const fetchOnce = (path: string, options?: Parameters<typeof request>[2]) => request(port, path, options);

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  smtp.holdNext = 1;
  smtp.holdMs = null;
  dataDir = mkdtempSync(join(tmpdir(), 'assay-stop-'));
  const database = await freshDatabase(dataDir);
  drop = database.drop;
  port = await freePort();
  env = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SECRET_KEY: 'graceful-stop-secret-key-0123456789abcdef',
    PORT: String(port),
    SANDBOX_PORT: String(await freePort()),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'info',
    SMTP_URL: smtp.url,
    ...database.env,
  };
  ({ child, exited } = startShop(env));
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitUntilStarted(
    child,
    () => output.includes('is open at'),
    () => `the shop did not start:\n${output}`,
  );
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await smtp?.close();
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`SIGTERM during an outbox send (${testDialect})`, () => {
  it('stops accepting at once, lets the send finish, and exits 0', { timeout: 60_000 }, async () => {
    const page = await fetchOnce('/contact');
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    const sent = await fetchOnce('/contact', {
      method: 'POST',
      headers: {
        cookie: cookieHeader(page.headers['set-cookie'] as string[] | undefined),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: formBody({ _csrf: csrf, name: 'Ada', email: 'ada@example.com', subject: 'other', message: 'Hello from the test' }),
    });
    expect(sent.status).toBeLessThan(400);

    // The outbox (every 10 seconds) is sending it, and the server holds its reply.
    await Promise.race([smtp.untilHolding(), new Promise((_, reject) => setTimeout(() => reject(new Error('no send began')), 25_000))]);
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    // Still finishing the send, but no longer taking requests.
    expect(child.exitCode).toBeNull();
    await expect(fetchOnce('/readyz')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);

    smtp.release();
    expect(await exited).toBe(0);
    expect(smtp.received.filter((m) => m.accepted)).toHaveLength(1);

    const handle = openDatabase(loadConfig(env).database);
    try {
      const rows = await handle.db.selectFrom('mail_outbox').select(['sent_at', 'attempts']).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.sent_at).not.toBeNull();
    } finally {
      await handle.close();
    }
  });
});
