import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  isReady,
  orderFacts,
  openShopDatabase,
  type Piece,
  PrivatePostgres,
  runLoad,
  ShopProcess,
  sleep,
  statusSummary,
  stockPieces,
  throwawayDatabase,
} from './support.js';

/**
 * PostgreSQL restarted (`pg_ctl restart -m fast`, which cuts every connection) while buyers check
 * out and readers open product pages: every answer is a 2xx, a 3xx or the friendly 503 page, the
 * shop reconnects by itself, and every order the shop confirmed to its buyer is in the database
 * afterwards, paid once. The server is a private cluster of this test's own: the shared one is
 * never restarted.
 */
describe.skipIf(!PrivatePostgres.available())(
  `PostgreSQL restarted under load${PrivatePostgres.available() ? '' : ' (skipped: PostgreSQL 15 is not installed)'}`,
  () => {
    let server: PrivatePostgres;
    let database: Awaited<ReturnType<typeof throwawayDatabase>>;
    let shop: ShopProcess;
    let handle: ReturnType<typeof openShopDatabase>;
    let pieces: Piece[];

    beforeAll(async () => {
      server = await PrivatePostgres.start();
      database = await throwawayDatabase(server.adminUrl);
      const env = { DATABASE_URL: database.url };
      shop = await ShopProcess.create(env);
      await shop.start();
      handle = openShopDatabase(env, shop.dataDir);
      pieces = await stockPieces(handle.db, 6, 100_000);
    });
    afterAll(async () => {
      await shop?.remove();
      await handle?.close();
      await database?.drop().catch(() => {});
      server?.stop();
    });

    it('answers only 2xx, 3xx or the 503 page, and loses no confirmed order', async () => {
      // Readiness as a load balancer sees it, every 100 ms through the run.
      const probes: { at: number; status: number }[] = [];
      let probing = true;
      const t0 = performance.now();
      const prober = (async () => {
        while (probing) {
          const res = await fetch(`${shop.url}/readyz`).catch(() => null);
          probes.push({ at: performance.now() - t0, status: res?.status ?? 0 });
          await res?.arrayBuffer();
          await sleep(100);
        }
      })();
      let restartMs = 0;
      const load = await runLoad({
        shopUrl: shop.url,
        sandboxUrl: shop.sandboxUrl,
        pieces,
        buyers: 3,
        readers: 2,
        seconds: 10,
        fault: {
          atSecond: 3,
          run: async () => {
            const started = performance.now();
            await server.restart();
            restartMs = performance.now() - started;
          },
        },
      });
      probing = false;
      await prober;

      // The sandbox's answers are the payment provider's, and the probes' are counted apart.
      const shopAnswers = load.answers.filter((a) => !a.path.startsWith('/gateway') && a.path !== '/readyz');
      const wrong = shopAnswers.filter((a: Answer) => !(a.status >= 200 && a.status < 400) && !(a.status === 503 && a.unavailablePage));
      const unavailable = shopAnswers.filter((a) => a.status === 503);
      const notReady = probes.filter((p) => p.status !== 200);
      console.log(
        `PostgreSQL restart under load: ${shopAnswers.length} answers from the shop (${statusSummary(shopAnswers)}); ` +
          `restart took ${(restartMs / 1000).toFixed(1)} s at ${((load.faultAt ?? 0) / 1000).toFixed(1)} s; ` +
          `${unavailable.length} answered with the 503 page; /readyz not ready in ${notReady.length} of ${probes.length} probes; ` +
          `${load.confirmed.length} orders confirmed, ${load.abandoned} checkouts given up`,
      );
      // The shop lived through the restart.
      expect({ exitCode: shop.child?.exitCode ?? null, signal: shop.child?.signalCode ?? null }, shop.output).toEqual({
        exitCode: null,
        signal: null,
      });
      expect(wrong, 'answers other than 2xx, 3xx and the 503 page').toEqual([]);
      // The 503s come only while the server restarts, not after.
      const faultAt = load.faultAt ?? 0;
      for (const a of unavailable) expect(a.at).toBeLessThan(faultAt + restartMs + 3000);
      expect(load.confirmed.length).toBeGreaterThan(0);
      expect(load.abandoned).toBe(0);
      // Buyers went on checking out after the restart.
      expect(shopAnswers.some((a) => a.at > faultAt + restartMs + 1000 && a.status === 303)).toBe(true);

      // The shop is ready again by itself, and every confirmed order is in the database, once, paid once.
      expect(await isReady(shop.url)).toBe(true);
      for (const number of load.confirmed) {
        expect(await orderFacts(handle.db, number), number).toMatchObject({ copies: 1, status: 'paid', paidEvents: 1, okAttempts: 1 });
      }
      const paid = await handle.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'paid')
        .executeTakeFirstOrThrow();
      expect(Number(paid.n)).toBe(load.confirmed.length);
    });
  },
);
