import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';

/**
 * Nothing is read before the sender is known: a back-office or account request that will be
 * refused is answered from its headers alone, while its body is still on the way, and the
 * connection is closed rather than drained. Real sockets against a real listener, as an attacker
 * would send them.
 */

let shop: TestShop;
let port: number;
let productId: number;
let fulfilmentCookie: string;

beforeAll(async () => {
  shop = await buildTestShop();
  await shop.app.listen({ port: 0, host: '127.0.0.1' });
  port = (shop.app.server.address() as AddressInfo).port;
  productId = (await shop.app.db.selectFrom('products').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
  fulfilmentCookie = (await signInAs(shop.app, 'fulfilment')).cookie;
});
afterAll(async () => {
  await shop?.close();
});

const BOUNDARY = '----assay-upload-boundary';
const TEN_MB = 10 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x5a);

function multipartStart(): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nA ring\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="ring.png"\r\nContent-Type: image/png\r\n\r\n` +
      '\x89PNG\r\n\x1a\n',
    'latin1',
  );
}

interface EarlyAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Bytes of the body the client had sent when the answer came. */
  sent: number;
  /** Whether the server closed the connection afterwards, without being sent the rest. */
  closedByServer: boolean;
}

/**
 * Sends the headers of a request announcing a large body and a first chunk of it, then waits for
 * the answer without sending any more. Fails if no answer comes while the body is unfinished.
 */
function sendHeadersAndFirstChunk(path: string, headers: Record<string, string>, first: Buffer, announced: number): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      agent: false,
      headers: { ...headers, 'content-length': String(announced) },
    });
    const waiting = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to POST ${path} while its body was still being sent (${first.length} of ${announced} bytes)`));
    }, 5000);
    req.on('error', () => {}); // the server may cut the connection once it has answered
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(waiting);
      res.resume();
      const socket = req.socket;
      const closed = new Promise<boolean>((done) => {
        if (!socket || socket.destroyed) return done(true);
        const timer = setTimeout(() => done(false), 3000);
        socket.once('close', () => {
          clearTimeout(timer);
          done(true);
        });
      });
      void closed.then((closedByServer) => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, sent: first.length, closedByServer });
      });
    });
    req.flushHeaders();
    req.write(first);
  });
}

function startUpload(cookie: string | null): Promise<EarlyAnswer> {
  return sendHeadersAndFirstChunk(
    `/admin/products/${productId}/images`,
    { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...(cookie ? { cookie } : {}) },
    Buffer.concat([multipartStart(), CHUNK]),
    TEN_MB,
  );
}

describe('a refused photo upload is answered before its body is read', () => {
  it('with a made-up staff cookie', async () => {
    const answer = await startUpload('assay_staff=made-up-session-token');
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closedByServer).toBe(true);
  });

  it('for a signed-in staff member whose role may not edit the catalogue', async () => {
    const photos = () => shop.app.db.selectFrom('product_images').select('id').execute();
    const before = await photos();
    const answer = await startUpload(fulfilmentCookie);
    expect(answer.status).toBe(403);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closedByServer).toBe(true);
    expect(await photos()).toEqual(before);
  });

  it('without any cookie', async () => {
    const answer = await startUpload(null);
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closedByServer).toBe(true);
  });

  it('for any back-office form post from someone not signed in', async () => {
    const answer = await sendHeadersAndFirstChunk(
      `/admin/products/${productId}`,
      { 'content-type': 'application/x-www-form-urlencoded', cookie: 'assay_staff=made-up-session-token' },
      Buffer.from('name=Hijacked&'),
      60_000,
    );
    expect(answer.status).toBe(401);
    expect(answer.closedByServer).toBe(true);
  });
});

describe('the address is checked before the sign-in checks', () => {
  it('refuses a card number in the address rather than repeat it in a sign-in redirect', async () => {
    for (const url of ['/admin/orders?q=4929%200000%200000%206', '/account/orders?q=4929000000006']) {
      const res = await shop.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(String(res.headers.location ?? ''), url).not.toContain('4929');
    }
  });
});

describe('account forms refuse a signed-out request before reading its body', () => {
  const signedInOnly = () => shop.app.routeTable.filter((r) => r.url.startsWith('/account') && r.customer === 'signed-in');

  it('redirects to sign-in at once, whatever the form', async () => {
    const posts = signedInOnly().filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(8);
    for (const route of posts) {
      const path = route.url.replace(/:[a-z]+/g, '1');
      const answer = await sendHeadersAndFirstChunk(
        path,
        { 'content-type': 'application/x-www-form-urlencoded', cookie: 'assay_session=made-up-session-token' },
        Buffer.from('first_name=Mallory&'),
        60_000,
      );
      expect(answer.status, path).toBe(303);
      expect(answer.headers.location, path).toMatch(/^\/account\/sign-in\?next=/);
      expect(answer.closedByServer, path).toBe(true);
    }
  });

  it('declares the check on every account route that needs a signed-in customer', async () => {
    const needsSignIn: string[] = [];
    for (const route of shop.app.routeTable.filter((r) => r.url.startsWith('/account') && ['GET', 'POST'].includes(r.method))) {
      const res = await shop.app.inject({ method: route.method as 'GET' | 'POST', url: route.url.replace(/:[a-z]+/g, '1') });
      if (res.statusCode === 303 && String(res.headers.location).startsWith('/account/sign-in?next=')) {
        needsSignIn.push(`${route.method} ${route.url}`);
      }
    }
    const declared = signedInOnly()
      .filter((r) => ['GET', 'POST'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`);
    expect(needsSignIn.length).toBeGreaterThan(15);
    expect(declared.sort()).toEqual(needsSignIn.sort());
  });
});

describe('memory under a flood of refused uploads', () => {
  /** Streams a whole 10 MB upload, as fast as the server takes it, until the server answers or hangs up. */
  function floodUpload(cookie: string): Promise<number> {
    return new Promise((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/admin/products/${productId}/images`,
        agent: false,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, cookie, 'content-length': String(TEN_MB) },
      });
      let done = false;
      const finish = (status: number) => {
        if (done) return;
        done = true;
        req.destroy();
        resolve(status);
      };
      req.on('error', () => finish(0));
      req.on('response', (res) => {
        res.resume();
        finish(res.statusCode ?? 0);
      });
      // A well-formed form whose photo is just under the 10 MB limit, so that it is read to the end.
      const start = multipartStart();
      const end = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
      req.write(start);
      let left = TEN_MB - start.length - end.length;
      const pump = () => {
        while (!done && left > 0) {
          const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        if (!done) req.end(end);
      };
      pump();
    });
  }

  it('stays flat over rounds of 80 parallel 10 MB uploads with a made-up staff cookie', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 50));
      }
      return process.memoryUsage().rss;
    };
    // A few first, so that what the process sets up once for any upload is there before measuring.
    await Promise.all(Array.from({ length: 4 }, () => floodUpload('assay_staff=made-up-session-token')));
    const before = await settle();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      statuses.push(...(await Promise.all(Array.from({ length: 80 }, () => floodUpload('assay_staff=made-up-session-token')))));
    }
    clearInterval(sampler);
    const after = await settle();
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    expect(mb(peak - before), `peak ${mb(peak)} MB from ${mb(before)} MB`).toBeLessThan(120);
    expect(mb(after - before), `after ${mb(after)} MB from ${mb(before)} MB`).toBeLessThan(60);
    // Refused as not signed in; a client may see its connection cut before it reads the answer (0).
    expect(statuses.filter((s) => s !== 401 && s !== 0)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
  }, 180_000);
});
