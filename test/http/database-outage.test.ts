import { createServer, type Server, type Socket, connect } from 'node:net';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';

const postgres = testDialect === 'postgres';
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'true', FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());

const friendly503 = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('The shop is briefly unavailable');
  expect(res.body).not.toMatch(/ECONN|57P0|SQLITE|Connection terminated|at .+\.(ts|js):\d+/);
};

/**
 * A TCP relay in front of the real PostgreSQL server: "the database is unreachable" is the relay
 * closed (connections cut, new ones refused), and it comes back when the relay listens again.
 */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe('a lost database connection on PostgreSQL', () => {
  it.skipIf(!postgres)(
    'terminated sessions give a 503 page or a page, never a 500, and the shop reconnects (needs PostgreSQL)',
    async () => {
      const product = await shop.app.db.selectFrom('products').select('slug').orderBy('id').executeTakeFirstOrThrow();
      expect((await shop.app.inject({ method: 'GET', url: '/search?q=ring' })).statusCode).toBe(200);
      const url = new URL(shop.config.database.dialect === 'postgres' ? shop.config.database.url : '');
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const statuses: number[] = [];
      try {
        for (let round = 0; round < 3; round++) {
          // Requests in flight while every session of the shop's database is ended under them.
          const inFlight = Array.from({ length: 6 }, (_, i) =>
            shop.app.inject({ method: 'GET', url: i % 2 ? `/products/${product.slug}` : '/search?q=ring' }),
          );
          await admin.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and usename = current_user and pid <> pg_backend_pid()',
            [url.pathname.slice(1)],
          );
          for (const res of await Promise.all(inFlight)) {
            statuses.push(res.statusCode);
            if (res.statusCode !== 200) friendly503(res);
          }
          // Then the next ones are served again: the pool made new connections by itself.
          await expect.poll(async () => (await shop.app.inject({ method: 'GET', url: '/search?q=ring&again' })).statusCode).toBe(200);
          await expect.poll(async () => (await shop.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
        }
      } finally {
        await admin.end();
      }
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    },
  );

  describe('a server out of reach', () => {
    let relay: Relay;
    let app: FastifyInstance | null = null;
    beforeAll(async () => {
      if (!postgres) return;
      const target = new URL(process.env.DATABASE_URL ?? '');
      relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) });
      await relay.open();
      const url = new URL(shop.config.database.dialect === 'postgres' ? shop.config.database.url : '');
      url.port = String(relay.port);
      app = await buildApp({ ...shop.config, database: { dialect: 'postgres', url: url.toString() } }, { logger: false });
    });
    afterAll(async () => {
      await relay?.open().catch(() => {});
      await app?.close();
      await relay?.cut();
    });

    it.skipIf(!postgres)(
      'is not ready and shows the 503 page while unreachable, and is ready again when it answers (needs PostgreSQL)',
      async () => {
        const other = app as FastifyInstance;
        expect((await other.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
        await relay.cut();
        const notReady = await other.inject({ method: 'GET', url: '/readyz' });
        expect(notReady.statusCode).toBe(503);
        expect(notReady.json()).toEqual({ status: 'not ready', reason: 'database' });
        const page = await other.inject({ method: 'GET', url: '/search?q=ring' });
        friendly503(page);
        // Still alive: the process goes on, it is only the database that is away.
        expect((await other.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);

        await relay.open();
        await expect.poll(async () => (await other.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 10_000 }).toBe(200);
        expect((await other.inject({ method: 'GET', url: '/search?q=ring' })).statusCode).toBe(200);

        // Its catalogue listener reconnected too: a change made through the first app reaches it.
        const p = await shop.app.db.selectFrom('products').select(['slug']).orderBy('id').executeTakeFirstOrThrow();
        await shop.app.db.updateTable('products').set({ name: 'Renamed After The Outage' }).where('slug', '=', p.slug).execute();
        await shop.app.catalog.invalidate();
        await expect
          .poll(async () => (await other.inject({ method: 'GET', url: `/products/${p.slug}` })).body, { timeout: 15_000 })
          .toContain('Renamed After The Outage');
      },
    );
  });
});

describe('a locked database on SQLite', () => {
  it.skipIf(postgres)(
    'a write that waits past the busy timeout gets the 503 page, and the next one succeeds once the lock is gone (SQLite only)',
    { timeout: 30_000 },
    async () => {
      const file = shop.config.database.dialect === 'sqlite' ? shop.config.database.file : '';
      const other = new SQLite(file);
      const form = { name: 'Ada', email: 'ada@example.com', subject: 'other', message: 'Hello' };
      try {
        other.exec('begin immediate');
        other.prepare("insert into rate_limit_hits (key, hits, resets_at) values ('held', 1, 0)").run();
        const res = await submitForm(shop.app, '/contact', '/contact', form);
        friendly503(res);
      } finally {
        if (other.inTransaction) other.exec('rollback');
        other.close();
      }
      expect((await submitForm(shop.app, '/contact', '/contact', form)).statusCode).toBeLessThan(400);
    },
  );
});

describe('statistics while the database is away', () => {
  it('keeps the buffered events across a failed flush and writes them with the next', async () => {
    const stats = shop.app.statistics;
    await stats.flush();
    const count = async () => (await shop.app.db.selectFrom('stats_page_views').select('at_ms').execute()).length;
    const before = await count();
    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' };
    for (let i = 0; i < 3; i++) expect((await shop.app.inject({ method: 'GET', url: '/', headers: browser })).statusCode).toBe(200);
    expect(stats.pending()).toBe(3);
    // The table out of the way: the flush fails as it would with the database gone.
    await shop.app.db.schema.alterTable('stats_page_views').renameTo('stats_page_views_away').execute();
    try {
      expect(await stats.flush()).toBe(0);
      expect(stats.pending()).toBe(3);
    } finally {
      await shop.app.db.schema.alterTable('stats_page_views_away').renameTo('stats_page_views').execute();
    }
    expect(await stats.flush()).toBe(3);
    expect(await count()).toBe(before + 3);
  });
});
