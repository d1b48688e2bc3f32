import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createMailer } from '../../src/features/mail/mailer.js';
import { deliverDueMail, enqueueMail, messageIdDomain } from '../../src/features/mail/outbox.service.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { TestSmtpServer } from './smtp-test-server.js';

/**
 * A worker that dies (or hangs) after claiming an e-mail leaves the claim to run out; then another
 * worker sends it again, with the same Message-ID. The claim lasts a couple of minutes: longer than
 * any send the mailer allows, far shorter than the 15 minutes it used to be.
 */
const SECOND = 1_000;
const CLAIM_MS = 2 * 60 * SECOND;
const t0 = new Date('2026-12-01T09:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

let smtp: TestSmtpServer;
let shop: TestShop;
beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  shop = await buildTestShop({ env: { SMTP_URL: smtp.url, SEED_DEMO: 'false' } });
});
afterAll(async () => {
  await shop?.close();
  await smtp?.close();
});
beforeEach(async () => {
  smtp.reset();
  await shop.app.db.deleteFrom('mail_outbox').execute();
});

const rows = () => shop.app.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();

async function queue(count: number): Promise<void> {
  const domain = messageIdDomain(shop.config.publicUrl);
  await shop.app.db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++)
      await enqueueMail(
        trx,
        {
          kind: 'order-confirmation',
          reference: `AS-${i}`,
          to: `c${i}@example.com`,
          subject: `Order AS-${i}`,
          text: 't',
          html: '<p>h</p>',
        },
        t0,
        domain,
      );
  });
}

describe(`outbox claims on ${testDialect}`, () => {
  it('sends a claimed but unsent e-mail again after the claim period, with the same Message-ID, and not before', async () => {
    await queue(1);
    // The first worker's send gets stuck: the server has the message but never answers while the
    // claim lasts (as when the worker's process is killed mid-send).
    smtp.holdNext = 1;
    smtp.afterHold = { code: 421, text: 'Connection lost' };
    const stuck = deliverDueMail(shop.app.db, shop.app.mailer, t0);
    await smtp.untilHolding();
    const [claimed] = await rows();
    expect(claimed).toMatchObject({ sent_at: null, claimed_until: at(CLAIM_MS).toISOString() });

    // A second worker (its own connection and transport) respects the claim until it has run out…
    const other = openDatabase(shop.config.database);
    const otherMailer = createMailer(shop.config);
    try {
      expect(await deliverDueMail(other.db, otherMailer, at(CLAIM_MS - SECOND))).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });
      expect(await deliverDueMail(other.db, otherMailer, at(CLAIM_MS))).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });
      expect(smtp.received).toHaveLength(1);
      // …and then sends it again.
      expect(await deliverDueMail(other.db, otherMailer, at(CLAIM_MS + SECOND))).toEqual({ sent: 1, retried: 0, failed: 0, withheld: 0 });
    } finally {
      await otherMailer.close();
      await other.close();
    }
    expect(smtp.received.map((m) => m.messageId)).toEqual([claimed?.message_id, claimed?.message_id]);
    expect(smtp.received.map((m) => m.accepted)).toEqual([false, true]);

    // The stuck worker's late failure does not undo the delivery nor queue another copy.
    smtp.release();
    expect(await stuck).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });
    const [row] = await rows();
    expect(row).toMatchObject({ sent_at: at(CLAIM_MS + SECOND).toISOString(), attempts: 0, last_error: null, claimed_until: null });
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, at(60 * 60 * SECOND))).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      withheld: 0,
    });
    expect(smtp.received).toHaveLength(2);
  });

  it('times each claim from when it is made, so a slow batch never holds an expired claim', async () => {
    await queue(2);
    smtp.holdNext = 1;
    let now = t0;
    const worker = deliverDueMail(shop.app.db, shop.app.mailer, () => now);
    await smtp.untilHolding();
    // The first send takes 100 seconds; the second e-mail is claimed only then.
    now = at(100 * SECOND);
    smtp.holdNext = 1;
    smtp.release();
    await smtp.untilHolding();
    const [first, second] = await rows();
    expect(first?.sent_at).toBe(at(100 * SECOND).toISOString());
    expect(second?.claimed_until).toBe(at(100 * SECOND + CLAIM_MS).toISOString());
    smtp.release();
    expect(await worker).toEqual({ sent: 2, retried: 0, failed: 0, withheld: 0 });
  });
});
