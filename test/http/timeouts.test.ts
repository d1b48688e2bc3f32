import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandboxApp } from '../../src/features/payments/sandbox/sandbox.app.js';
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from '../../src/http/timeouts.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { openAdminForm, signInAs } from '../support/staff.js';

/**
 * A client that sends its headers slowly, or leaves a connection idle, is cut off within seconds;
 * a legitimate large upload on an ordinary connection still goes through. Real sockets against
 * real listeners (the shop's and the payment sandbox's).
 */

let shop: TestShop;
let sandbox: FastifyInstance;
let shopPort: number;
let sandboxPort: number;

beforeAll(async () => {
  shop = await buildTestShop();
  await shop.app.listen({ port: 0, host: '127.0.0.1' });
  shopPort = (shop.app.server.address() as AddressInfo).port;
  sandbox = await buildSandboxApp(shop.config);
  await sandbox.listen({ port: 0, host: '127.0.0.1' });
  sandboxPort = (sandbox.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await sandbox?.close();
  await shop?.close();
});

/** Resolves with the milliseconds until the server closes the socket (or rejects after `within`). */
function closedWithin(socket: Socket, within: number): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server still held the connection after ${within} ms`));
    }, within);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, received });
    });
    socket.on('error', () => {});
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends a request's headers one byte at a time, every `everyMs`, never finishing. */
function dribbleHeaders(socket: Socket, everyMs: number): () => void {
  const text = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client\r\n${'X-Padding: abcdefghij\r\n'.repeat(200)}`;
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++] as string);
  }, everyMs);
  return () => clearInterval(timer);
}

const limit = HEADERS_TIMEOUT_MS + 2_000;

describe('slow and idle clients', () => {
  it('allows seconds, not minutes, for headers, and keeps an idle connection only briefly', () => {
    expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(15_000);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    for (const server of [shop.app.server, sandbox.server]) {
      expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    }
  });

  it('disconnects clients that send their headers a byte at a time, on the shop and on the sandbox', async () => {
    const sockets = await Promise.all([...Array(20).fill(shopPort), ...Array(5).fill(sandboxPort)].map((p: number) => open(p)));
    const stops = sockets.map((s) => dribbleHeaders(s, 200));
    const results = await Promise.all(sockets.map((s) => closedWithin(s, limit)));
    for (const stop of stops) stop();
    for (const { ms, received } of results) {
      expect(ms).toBeLessThan(limit);
      // Node answers 408 Request Timeout before closing, or just closes.
      if (received) expect(received).toMatch(/^HTTP\/1\.1 408/);
    }
  }, 30_000);

  it('closes a keep-alive connection left idle after a response', async () => {
    for (const p of [shopPort, sandboxPort]) {
      const socket = await open(p);
      const closed = closedWithin(socket, KEEP_ALIVE_TIMEOUT_MS + 2_000);
      socket.write(`GET ${p === shopPort ? '/healthz' : '/'} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
      const { ms, received } = await closed;
      expect(received).toMatch(/^HTTP\/1\.1 200/);
      expect(ms).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 500);
      expect(ms).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 2_000);
    }
  }, 30_000);
});

describe('a legitimate large upload', () => {
  it('takes a photo of nearly 10 MB sent at an ordinary broadband speed (about 2 MB/s)', async () => {
    const owner = await signInAs(shop.app, 'owner');
    const productId = (await shop.app.db.selectFrom('products').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
    const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, `/admin/products/${productId}`);
    // Random pixels barely compress: a 1780 × 1780 PNG of noise is just under 10 MB.
    const noise = Buffer.alloc(1780 * 1780 * 3);
    for (let i = 0; i < noise.length; i += 32) createHash('sha256').update(String(i)).digest().copy(noise, i);
    const png = await sharp(noise, { raw: { width: 1780, height: 1780, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(9 * 1024 * 1024);
    expect(png.length).toBeLessThan(10 * 1024 * 1024);
    const boundary = '----assay-legit-upload';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nNoise test photo\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="noise.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: shopPort,
        method: 'POST',
        path: `/admin/products/${productId}/images`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length), cookie },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // 128 KB every 64 ms: about 2 MB/s, so the upload takes around five seconds.
      let offset = 0;
      const timer = setInterval(() => {
        req.write(body.subarray(offset, offset + 128 * 1024));
        offset += 128 * 1024;
        if (offset >= body.length) {
          clearInterval(timer);
          req.end();
        }
      }, 64);
    });
    expect(Date.now() - started).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);
    expect(status).toBe(303);
    const row = await shop.app.db.selectFrom('product_images').selectAll().where('alt', '=', 'Noise test photo').executeTakeFirst();
    expect(row?.product_id).toBe(productId);
  }, 60_000);
});
