import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { keyAuditTrail } from '../../src/features/audit/audit.service.js';
import { completeSetup, createStaff } from '../../src/features/staff/staff.service.js';
import { freshDatabase, testDialect } from '../support/build-app.js';
import { acceptUndertakingIn } from '../support/staff.js';
import { cookieHeader, formBody } from '../support/forms.js';
import { fetchOnce as request, freePort, startShop, waitUntilStarted } from './shop-process.js';

/**
 * `npm start` with WEB_CONCURRENCY=2, as a real process: a node:cluster primary and two workers on
 * one port and one database. Each request goes on a new connection, so the primary deals them out
 * between the workers; the workers' log lines (with their pid) tell who answered.
 */
const SECRET_KEY = 'cluster-test-secret-key-0123456789abcdef';
let dataDir: string;
let drop: () => Promise<void> = async () => {};
let child: ChildProcess;
let port: number;
let env: Record<string, string>;
const lines: { pid: number; msg: string; reqId?: string; route?: string }[] = [];
let exited: Promise<number | null>;

/** One request on a connection of its own. */
const fetchOnce = (path: string, options?: Parameters<typeof request>[2]) => request(port, path, options);

/** The workers whose request lines (one per request, by route pattern) name `route` since line `from`. */
const pidsServing = (from: number, route: string) =>
  new Set(
    lines
      .slice(from)
      .filter((l) => l.msg === 'request' && l.route === route)
      .map((l) => l.pid),
  );

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'assay-cluster-'));
  const database = await freshDatabase(dataDir);
  drop = database.drop;
  port = await freePort();
  env = {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    SECRET_KEY,
    PORT: String(port),
    SANDBOX_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    WEB_CONCURRENCY: '2',
    ...database.env,
  };
  ({ child, exited } = startShop(env));
  let partial = '';
  const read = (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ pid: 0, msg: part });
      }
    }
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  await waitUntilStarted(
    child,
    () => lines.filter((l) => /worker \d \(pid \d+\) is open/.test(l.msg)).length >= 2,
    () => `the cluster did not start:\n${lines.map((l) => l.msg).join('\n')}`,
  );
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`WEB_CONCURRENCY=2 on ${testDialect}`, () => {
  it(
    'serves from both workers, makes the demo owner once, and a catalogue change through one is seen by both',
    { timeout: 60_000 },
    async () => {
      const workers = new Set(lines.filter((l) => /worker \d \(pid \d+\) is open/.test(l.msg)).map((l) => l.pid));
      expect(workers.size).toBe(2);
      expect(workers.has(child.pid ?? -1)).toBe(false);
      expect(lines.filter((l) => l.msg.startsWith('Back office:')).length).toBe(1);

      const config = loadConfig(env);
      const handle = openDatabase(config.database);
      let staffCookie: string;
      let product: { id: number; slug: string };
      try {
        await keyAuditTrail(handle.db, config.secretKey, new Date());
        product = await handle.db.selectFrom('products').select(['id', 'slug']).orderBy('id').executeTakeFirstOrThrow();
        const created = await createStaff(
          handle.db,
          { email: 'cluster@staff.example', name: 'Cluster Test', role: 'owner' },
          { staffId: null, role: 'system' },
          new Date(),
        );
        if (!created.ok) throw new Error('could not create staff');
        const done = await completeSetup(handle.db, created.setupToken, 'correct horse battery staple', false, new Date());
        if (!done.ok) throw new Error('could not complete set-up');
        await acceptUndertakingIn({ db: handle.db, config }, created.staffId, 'owner');
        staffCookie = `assay_staff=${done.sessionToken}`;
      } finally {
        await handle.close();
      }

      // Every worker has the product page in its cache.
      const path = `/products/${product.slug}`;
      let from = lines.length;
      for (let i = 0; i < 10; i++) expect((await fetchOnce(path)).status).toBe(200);
      await expect.poll(() => pidsServing(from, '/products/:slug').size).toBe(2);

      // Archived through whichever worker takes the post.
      const page = await fetchOnce(`/admin/products/${product.id}`, { headers: { cookie: staffCookie } });
      expect(page.status).toBe(200);
      const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const cookie = [staffCookie, cookieHeader(page.headers['set-cookie'] as string[] | undefined)].filter(Boolean).join('; ');
      const archived = await fetchOnce(`/admin/products/${product.id}/archive`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: `http://localhost:${port}` },
        body: formBody({ _csrf: csrf }),
      });
      expect(archived.status).toBe(303);

      // Both workers now say it is gone.
      from = lines.length;
      await expect.poll(async () => (await fetchOnce(path)).status, { timeout: 5_000 }).toBe(404);
      from = lines.length;
      for (let i = 0; i < 10; i++) expect((await fetchOnce(path)).status).toBe(404);
      await expect.poll(() => pidsServing(from, '/products/:slug').size).toBe(2);
    },
  );

  it('starts a worker again when one dies', { timeout: 30_000 }, async () => {
    const open = () => lines.filter((l) => /worker \d \(pid \d+\) is open/.test(l.msg)).map((l) => l.pid);
    const victim = open()[0] ?? 0;
    process.kill(victim, 'SIGKILL');
    await expect.poll(() => open().length, { timeout: 20_000, interval: 200 }).toBe(3);
    expect((await fetchOnce('/livez')).status).toBe(200);
  });

  it('drains and exits 0 on SIGTERM', { timeout: 40_000 }, async () => {
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(lines.filter((l) => l.msg.includes('shutting down')).length).toBe(2);
  });
});
