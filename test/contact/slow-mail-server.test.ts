import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countContactMessages } from '../../src/features/contact/contact.repository.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { pieceInStock } from '../support/customer.js';
import { submitForm } from '../support/forms.js';
import { Shopper } from '../support/shopper.js';
import { TestSmtpServer } from '../mail/smtp-test-server.js';

/**
 * A mail server that takes many seconds to answer must not slow anyone else down: nothing waits
 * on SMTP inside a database transaction (on SQLite, the one connection every request shares).
 */
const HOLD_MS = 6_000;
/** Far below the hold: a page that waited on the mail server would take the whole hold. */
const USUAL_MS = 1_500;

let smtp: TestSmtpServer;
let shop: TestShop;
beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  shop = await buildTestShop({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await shop?.close();
  await smtp?.close();
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: Math.round(performance.now() - start), result };
}

describe(`a slow mail server (${testDialect})`, () => {
  it('holds up no other page while the contact e-mail is being sent', async () => {
    const piece = await pieceInStock(shop.app);
    const productUrl = `/products/${piece.product}`;
    const measure = async () => {
      const page = await timed(() => shop.app.inject({ method: 'GET', url: productUrl }));
      const add = await timed(() => new Shopper(shop.app).post('/bag/items', piece));
      expect(page.result.statusCode).toBe(200);
      expect(add.result.statusCode).toBe(303);
      return { page: page.ms, add: add.ms };
    };
    await measure(); // warm up
    const usual = [await measure(), await measure(), await measure()];

    smtp.holdNext = 1;
    smtp.holdMs = HOLD_MS;
    const sending = (async () => {
      const posted = await submitForm(shop.app, '/contact', '/contact', {
        name: 'Ada Lovelace',
        email: 'ada@example.co.uk',
        subject: 'product',
        message: 'Do you make signet rings?',
      });
      const delivered = await deliverDueMail(shop.app.db, shop.app.mailer, shop.app.clock());
      return { posted, delivered };
    })();
    await smtp.untilHolding();
    const during = [await measure(), await measure(), await measure()];
    const stillHeld = smtp.holding;

    const { posted, delivered } = await sending;
    const figures = { usual, during };
    expect(stillHeld, JSON.stringify(figures)).toBe(1);
    expect(posted.statusCode).toBe(303);
    expect(delivered).toEqual({ sent: 1, retried: 0, failed: 0, withheld: 0 });
    expect(await countContactMessages(shop.app.db)).toBe(1);
    expect(smtp.received.filter((m) => m.accepted)).toHaveLength(1);
    for (const m of during) {
      expect(m.page, JSON.stringify(figures)).toBeLessThan(USUAL_MS);
      expect(m.add, JSON.stringify(figures)).toBeLessThan(USUAL_MS);
    }
    console.info(`latency in ms (${testDialect}), usual then while the mail server holds its reply:`, JSON.stringify(figures));
  });
});
