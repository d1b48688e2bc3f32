import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMailer, SMTP_LIMITS } from '../../src/features/mail/mailer.js';
import { MAIL_CLAIM_SECONDS } from '../../src/features/mail/outbox.service.js';
import { TestSmtpServer } from './smtp-test-server.js';

/**
 * The mailer gives up on a server that is slow to connect, to greet or to answer, and on any one
 * send that runs too long in all, so a stuck provider can hold a worker only for a bounded time.
 * The production limits are seconds; here they are shortened so the tests run quickly.
 */
const configFor = (smtpUrl: string) =>
  loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: '/tmp/assay-mailer-test',
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    SMTP_URL: smtpUrl,
  });
const mail = { to: 'ann@example.com', subject: 'Hello', text: 'Hello', messageId: '<fixed-id@localhost>' };

async function elapsed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  let error: unknown = null;
  try {
    await work();
  } catch (err) {
    error = err;
  }
  return { ms: performance.now() - start, error };
}

describe('SMTP limits', () => {
  it('are a few seconds to half a minute each, and a claim outlasts the longest send they allow', () => {
    for (const ms of [SMTP_LIMITS.connectionTimeoutMs, SMTP_LIMITS.greetingTimeoutMs, SMTP_LIMITS.socketTimeoutMs]) {
      expect(ms).toBeGreaterThanOrEqual(3_000);
      expect(ms).toBeLessThanOrEqual(30_000);
    }
    expect(SMTP_LIMITS.sendDeadlineMs).toBeGreaterThanOrEqual(SMTP_LIMITS.socketTimeoutMs);
    expect(MAIL_CLAIM_SECONDS * 1000).toBeGreaterThan(SMTP_LIMITS.sendDeadlineMs);
    expect(MAIL_CLAIM_SECONDS).toBeLessThanOrEqual(5 * 60);
  });
});

describe('a server that never greets', () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is given up after the greeting timeout', async () => {
    const { port } = server.address() as AddressInfo;
    const mailer = createMailer(configFor(`smtp://127.0.0.1:${port}`), { greetingTimeoutMs: 300 });
    const { ms, error } = await elapsed(() => mailer.send(mail));
    await mailer.close();
    expect(error).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('a server that holds its reply', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
  });
  afterAll(async () => smtp?.close());

  it('is given up at the send deadline, even though it is not silent long enough for the socket timeout', async () => {
    smtp.holdNext = 1;
    smtp.holdMs = 5_000;
    const hurried = createMailer(configFor(smtp.url), { sendDeadlineMs: 1_000 });
    const { ms, error } = await elapsed(() => hurried.send(mail));
    await hurried.close();
    expect(error).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(3_000);
    // The next send (with the usual limits) goes through, with the Message-ID it is given.
    const mailer = createMailer(configFor(smtp.url));
    await mailer.send(mail);
    await mailer.close();
    expect(smtp.received.map((m) => [m.messageId, m.accepted])).toEqual([
      ['<fixed-id@localhost>', false],
      ['<fixed-id@localhost>', true],
    ]);
  });
});
