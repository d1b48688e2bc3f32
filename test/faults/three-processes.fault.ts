import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSmtpServer } from '../mail/smtp-test-server.js';
import {
  freePort,
  isReady,
  Nginx,
  orderFacts,
  openShopDatabase,
  type Piece,
  PrivatePostgres,
  postgresServer,
  runLoad,
  ShopProcess,
  sleep,
  statusSummary,
  stockPieces,
  throwawayDatabase,
} from './support.js';

/**
 * Three shop processes on one PostgreSQL database behind nginx (round robin, a failed upstream
 * skipped), one killed with SIGKILL in the middle of the load: the others go on answering (a short
 * blip at most, for requests that were in the killed process), no confirmed order is lost, each
 * is in the database once, and no confirmation e-mail goes out twice though all three run the
 * outbox's job.
 */
const skip = !Nginx.available() || (!process.env.DATABASE_URL && !PrivatePostgres.available());
const BLIP_MS = 3_000;

describe.skipIf(skip)(`three processes behind nginx, one killed${skip ? ' (skipped: nginx or PostgreSQL is not installed)' : ''}`, () => {
  let server: Awaited<ReturnType<typeof postgresServer>> = null;
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  let smtp: TestSmtpServer;
  let nginx: Nginx;
  const shops: ShopProcess[] = [];
  let handle: ReturnType<typeof openShopDatabase>;
  let pieces: Piece[];

  beforeAll(async () => {
    server = await postgresServer();
    database = await throwawayDatabase((server as { adminUrl: string }).adminUrl);
    smtp = await TestSmtpServer.start();
    // nginx's address is every shop's public address, so its port is chosen first.
    const nginxPort = await freePort();
    const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${nginxPort}`, TRUST_PROXY: 'true' };
    for (let i = 0; i < 3; i++) shops.push(await ShopProcess.create({ ...env }));
    // The first migrates and seeds; then the other two start on the same database.
    await (shops[0] as ShopProcess).start();
    await Promise.all(shops.slice(1).map((s) => s.start()));
    nginx = await Nginx.start(
      shops.map((s) => s.port),
      nginxPort,
    );
    handle = openShopDatabase(env, (shops[0] as ShopProcess).dataDir);
    pieces = await stockPieces(handle.db, 6, 100_000);
  });
  afterAll(async () => {
    for (const s of shops) await s.remove();
    await nginx?.stop();
    await handle?.close();
    await database?.drop().catch(() => {});
    server?.close();
    await smtp?.close();
  });

  it('loses no order when one of three is killed, and the other two go on', async () => {
    const victim = shops[2] as ShopProcess;
    // The payment page is the payment provider's, elsewhere: one that lives through the test.
    const sandboxUrl = (shops[0] as ShopProcess).sandboxUrl;
    const load = await runLoad({
      shopUrl: nginx.url,
      sandboxUrl,
      pieces,
      buyers: 4,
      readers: 2,
      seconds: 12,
      fault: { atSecond: 4, run: () => victim.kill() },
    });
    const faultAt = load.faultAt ?? 0;
    const shopAnswers = load.answers.filter((a) => !a.path.startsWith('/gateway'));
    const failures = shopAnswers.filter((a) => a.status === 0 || a.status >= 500);
    const after = shopAnswers.filter((a) => a.at > faultAt + BLIP_MS);
    console.log(
      `three processes behind nginx: ${shopAnswers.length} answers through nginx (${statusSummary(shopAnswers)}); ` +
        `process 3 killed at ${(faultAt / 1000).toFixed(1)} s; ${failures.length} failed answers, ` +
        `${after.length} answers after the blip (${statusSummary(after)}); ${load.confirmed.length} orders confirmed, ${load.abandoned} checkouts given up`,
    );
    for (const f of failures) console.log(`  failed: ${f.method} ${f.path} ${f.status} sent at ${(f.at / 1000).toFixed(2)} s`);

    // The survivors are up and ready, and answered through nginx after the kill.
    expect(victim.child?.signalCode).toBe('SIGKILL');
    for (const s of shops.slice(0, 2)) expect(await isReady(s.url)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((a) => a.status === 0 || a.status >= 500)).toEqual([]);
    // Any failure was a request in flight in the killed process: only in the moment it died.
    for (const f of failures) expect(f.at).toBeGreaterThanOrEqual(faultAt - 2000);
    for (const f of failures) expect(f.at).toBeLessThan(faultAt + BLIP_MS);
    expect(load.abandoned).toBe(0);
    expect(load.confirmed.length).toBeGreaterThan(0);

    // Every confirmed order is in the database once, paid once.
    expect(new Set(load.confirmed).size).toBe(load.confirmed.length);
    for (const number of load.confirmed) {
      expect(await orderFacts(handle.db, number), number).toMatchObject({ copies: 1, status: 'paid', paidEvents: 1, okAttempts: 1 });
    }

    // The outbox's job runs in all three; each confirmation is delivered under one Message-ID, none
    // twice (but one the killed process was sending, which waits for its claim to run out).
    // The outbox sends a batch of 50 per 10-second slot across all processes (one run per slot), so
    // the wait allows for the confirmations the load made.
    const deadline = Date.now() + 30_000 + Math.ceil(load.confirmed.length / 50) * 10_000;
    let waiting = Infinity;
    while (Date.now() < deadline) {
      const rows = await handle.db.selectFrom('mail_outbox').select(['message_id', 'sent_at', 'claimed_until']).execute();
      waiting = rows.filter((r) => r.sent_at === null).length;
      if (waiting <= 1) break;
      await sleep(500);
    }
    expect(waiting).toBeLessThanOrEqual(1);
    const accepted = smtp.received.filter((m) => m.accepted).map((m) => m.messageId);
    expect(new Set(accepted).size).toBe(accepted.length);
    console.log(
      `  ${accepted.length} confirmation e-mails delivered, none twice; ${waiting} waiting for a dead process's claim to run out`,
    );
  });
});
