import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSmtpServer } from '../mail/smtp-test-server.js';
import {
  Checkout,
  orderFacts,
  openShopDatabase,
  type Piece,
  PrivatePostgres,
  postgresServer,
  ShopProcess,
  sleep,
  stockAccount,
  stockPieces,
  throwawayDatabase,
} from './support.js';

/**
 * kill -9 at each step of a guest checkout, then a restart on the same database and ports:
 * after the order is placed, with the payment page open, while the return with the result is
 * being answered, and while the confirmation e-mail is being sent (the SMTP server holds its
 * answer to DATA). Afterwards every order is there once, paid once (a repeated return pays
 * nothing twice and adds no event), stock adds up, and each confirmation e-mail was accepted once,
 * any second delivery under the same Message-ID.
 */
const STOCK = 50;
const postgresMissing = !process.env.DATABASE_URL && !PrivatePostgres.available();

const dialects = [
  { name: 'SQLite', postgres: false, skip: false },
  { name: 'PostgreSQL', postgres: true, skip: postgresMissing },
];

// The two dialects' checkouts run side by side: most of each is waiting for the outbox's job, which runs every 10 seconds.
describe.concurrent('kill -9 during a checkout', () => {
  for (const dialect of dialects) {
    describe.skipIf(dialect.skip)(
      `kill -9 during a checkout, on ${dialect.name}${dialect.skip ? ' (skipped: no PostgreSQL installed)' : ''}`,
      () => {
        let smtp: TestSmtpServer;
        let shop: ShopProcess;
        let server: Awaited<ReturnType<typeof postgresServer>> = null;
        let database: Awaited<ReturnType<typeof throwawayDatabase>> | null = null;
        let handle: ReturnType<typeof openShopDatabase>;
        let pieces: Piece[];

        beforeAll(async () => {
          smtp = await TestSmtpServer.start();
          const env: Record<string, string> = { SMTP_URL: smtp.url };
          if (dialect.postgres) {
            server = await postgresServer();
            database = await throwawayDatabase((server as { adminUrl: string }).adminUrl);
            env.DATABASE_URL = database.url;
          }
          shop = await ShopProcess.create(env);
          await shop.start();
          handle = openShopDatabase(env, shop.dataDir);
          pieces = await stockPieces(handle.db, 4, STOCK);
        });
        afterAll(async () => {
          await shop?.remove();
          await handle?.close();
          await database?.drop();
          server?.close();
          await smtp?.close();
        });

        /**
         * Kills the shop and starts it again on the same database; returns how long it was away. A
         * claim the dead process held on an e-mail runs out after MAIL_CLAIM_SECONDS (2 minutes); the
         * test moves that moment forward rather than wait for it.
         */
        async function killAndRestart(): Promise<number> {
          const started = performance.now();
          await shop.kill();
          await handle.db
            .updateTable('mail_outbox')
            .set({ claimed_until: new Date(Date.now() - 1000).toISOString() })
            .where('sent_at', 'is', null)
            .where('claimed_until', 'is not', null)
            .execute();
          await shop.start();
          return performance.now() - started;
        }

        /** Waits until the order's confirmation is recorded as sent, so that the next kill finds no send in flight. */
        async function untilConfirmationSent(number: string): Promise<void> {
          const deadline = Date.now() + 40_000;
          for (;;) {
            const [mail] = await confirmationOf(number);
            if (mail?.sent_at) return untilAccepted(mail.message_id);
            if (Date.now() > deadline) throw new Error(`the confirmation of ${number} was not sent within 40 s:\n${shop.output}`);
            await sleep(250);
          }
        }

        const confirmationOf = (number: string) =>
          handle.db
            .selectFrom('mail_outbox')
            .selectAll()
            .where('kind', '=', 'order-confirmation')
            .where('reference', '=', number)
            .execute();

        async function untilAccepted(messageId: string, seconds = 40): Promise<void> {
          const deadline = Date.now() + seconds * 1000;
          while (!smtp.received.some((m) => m.messageId === messageId && m.accepted)) {
            if (Date.now() > deadline) {
              const row = await handle.db.selectFrom('mail_outbox').selectAll().where('message_id', '=', messageId).executeTakeFirst();
              const runs = await handle.db.selectFrom('job_runs').selectAll().where('job', '=', 'mail.deliver').execute();
              throw new Error(
                `the e-mail ${messageId} was not delivered within ${seconds} s (at ${new Date().toISOString()}): ${JSON.stringify({ ...row, text_body: undefined, html_body: undefined })}\n${JSON.stringify(runs)}\n${shop.output}`,
              );
            }
            await sleep(250);
          }
        }

        it('keeps every order intact, payable once, never duplicated, with stock and e-mails consistent', async () => {
          const checkouts: { step: string; checkout: Checkout; piece: Piece }[] = [];
          const downtimes: number[] = [];
          const buyer = (step: string) => new Checkout(shop.url, shop.sandboxUrl, `fault-${step}@example.com`);

          // 1. Killed just after the order was placed: pay for it on the restarted shop.
          {
            const c = buyer('placed');
            const piece = pieces[0] as Piece;
            await c.placeOrder(piece);
            downtimes.push(await killAndRestart());
            await c.openPaymentPage();
            await c.payByCard();
            expect(await c.completeReturn()).toEqual({ status: 303, confirmed: true });
            checkouts.push({ step: 'order placed', checkout: c, piece });
            await untilConfirmationSent(c.orderNumber);
          }

          // 2. Killed with the payment page open: the sandbox's session went with the process, so the buyer starts paying again.
          {
            const c = buyer('paying');
            const piece = pieces[1] as Piece;
            await c.placeOrder(piece);
            await c.openPaymentPage();
            downtimes.push(await killAndRestart());
            await c.openPaymentPage();
            await c.payByCard();
            expect(await c.completeReturn()).toEqual({ status: 303, confirmed: true });
            checkouts.push({ step: 'payment page', checkout: c, piece });
            await untilConfirmationSent(c.orderNumber);
          }

          // 3. Killed as the return with the result arrives, before the shop answers: the browser sends it again.
          let firstReturn = '';
          {
            const c = buyer('return');
            const piece = pieces[2] as Piece;
            await c.placeOrder(piece);
            await c.openPaymentPage();
            await c.payByCard();
            const answer = c.sendReturn().then(
              (r) => `answered ${r.status}`,
              () => 'no answer',
            );
            await sleep(5);
            const started = performance.now();
            await shop.kill();
            firstReturn = await answer;
            await shop.start();
            downtimes.push(performance.now() - started);
            expect(await c.completeReturn()).toEqual({ status: 303, confirmed: true });
            checkouts.push({ step: 'return', checkout: c, piece });
            await untilConfirmationSent(c.orderNumber);
          }

          // 4. Killed while the confirmation e-mail is being sent: the server has the message and holds its answer.
          let heldMessageId = '';
          {
            smtp.holdNext = 1;
            smtp.holdMs = null;
            const c = buyer('mail');
            const piece = pieces[3] as Piece;
            expect(await c.buy(piece)).toBe(true);
            await Promise.race([
              smtp.untilHolding(),
              sleep(30_000).then(() => Promise.reject(new Error('no e-mail was sent within 30 s'))),
            ]);
            const held = smtp.received.at(-1);
            heldMessageId = held?.messageId ?? '';
            const [row] = await confirmationOf(c.orderNumber);
            expect(row).toMatchObject({ message_id: heldMessageId, sent_at: null });
            downtimes.push(await killAndRestart());
            await untilConfirmationSent(c.orderNumber);
            // The server now answers the dead connection's message too: it had kept it (the worst case).
            smtp.release();
            checkouts.push({ step: 'confirmation e-mail', checkout: c, piece });
          }

          // A repeated return with the same result, on the restarted shop, changes nothing.
          const before = new Map<string, Awaited<ReturnType<typeof orderFacts>>>();
          for (const { checkout } of checkouts) before.set(checkout.orderNumber, await orderFacts(handle.db, checkout.orderNumber));
          for (const { checkout } of checkouts) expect(await checkout.completeReturn()).toEqual({ status: 303, confirmed: true });

          const account = await stockAccount(handle.db, pieces);
          for (const { step, checkout, piece } of checkouts) {
            const facts = await orderFacts(handle.db, checkout.orderNumber);
            expect(facts, step).toEqual(before.get(checkout.orderNumber));
            expect(facts, step).toMatchObject({ copies: 1, status: 'paid', stockReserved: 1, paidEvents: 1, okAttempts: 1, lines: 1 });
            const orders = await handle.db.selectFrom('orders').select('number').where('email', '=', checkout.email).execute();
            expect(
              orders.map((o) => o.number),
              `${step}: one order for the buyer`,
            ).toEqual([checkout.orderNumber]);
            // Stock on sale plus stock sold is what there was.
            const a = account.get(piece.id);
            expect(a && a.stock + a.held, step).toBe(STOCK);
            expect(a?.held, step).toBe(1);
            // One confirmation, accepted by the server once; any other delivery of it carries the same Message-ID.
            const mails = await confirmationOf(checkout.orderNumber);
            expect(mails, step).toHaveLength(1);
            const mail = mails[0] as { message_id: string; sent_at: string | null };
            expect(mail.sent_at, step).not.toBeNull();
            const deliveries = smtp.received.filter((m) => m.messageId === mail.message_id);
            if (mail.message_id === heldMessageId) {
              // The server kept the message the dead process was sending, and took it again from the
              // restarted one: delivered twice under one Message-ID, which a mailbox shows once.
              expect(deliveries, step).toHaveLength(2);
            } else {
              expect(deliveries, step).toHaveLength(1);
            }
            expect(
              deliveries.every((m) => m.accepted),
              step,
            ).toBe(true);
            expect(deliveries[0]?.to, step).toEqual([checkout.email]);
            // What reached the buyer is exactly what the outbox holds for them, under its Message-IDs.
            const toBuyer = smtp.received.filter((m) => m.accepted && m.to.includes(checkout.email)).map((m) => m.messageId);
            const queued = await handle.db
              .selectFrom('mail_outbox')
              .select('message_id')
              .where('to_address', '=', checkout.email)
              .execute();
            expect(new Set(toBuyer), step).toEqual(new Set(queued.map((q) => q.message_id)));
          }
          const mailDeliveries = smtp.received.filter((m) => m.messageId === heldMessageId).length;
          expect(mailDeliveries).toBe(2);

          console.log(
            `kill -9 during checkout on ${dialect.name}: ${checkouts.length} orders, killed at ${checkouts.map((c) => c.step).join(', ')}; ` +
              `restarts took ${downtimes.map((d) => (d / 1000).toFixed(1)).join(', ')} s; the killed return: ${firstReturn}; ` +
              `${smtp.received.length} messages received by SMTP (${smtp.received.filter((m) => m.accepted).length} accepted), ` +
              `the held confirmation delivered ${mailDeliveries} times under one Message-ID; every order paid once, stock + sold = ${STOCK}`,
          );
        });
      },
    );
  }
});
