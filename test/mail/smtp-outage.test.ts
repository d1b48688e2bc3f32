import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailDeliveryJob } from '../../src/features/mail/outbox.job.js';
import { enqueueMail, MAX_MAIL_ATTEMPTS, messageIdDomain } from '../../src/features/mail/outbox.service.js';
import { runJob } from '../../src/jobs/runner.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { TestSmtpServer } from './smtp-test-server.js';

/**
 * The mail provider refuses everything for 10 minutes — 421 (service not available) and 451
 * (try again later), in turn — while the outbox's job runs every 10 seconds as scheduled. Nothing
 * may be lost, nothing sent twice, and every e-mail that finally goes carries the Message-ID it
 * was given when it was queued.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const OUTAGE_MS = 10 * MINUTE;
const t0 = new Date('2026-12-01T09:00:00.000Z');
let now = t0;

let smtp: TestSmtpServer;
let shop: TestShop;
beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  shop = await buildTestShop({ clock: () => now, env: { SMTP_URL: smtp.url, SEED_DEMO: 'false' } });
});
afterAll(async () => {
  await shop?.close();
  await smtp?.close();
});

async function queue(at: Date, from: number, count: number): Promise<void> {
  const domain = messageIdDomain(shop.config.publicUrl);
  await shop.app.db.transaction().execute(async (trx) => {
    for (let i = from; i < from + count; i++)
      await enqueueMail(
        trx,
        {
          kind: i % 2 === 0 ? 'order-confirmation' : 'order-dispatched',
          reference: `AS-${2000 + i}`,
          to: `buyer${i}@example.com`,
          subject: `Your order AS-${2000 + i}`,
          text: `About your order AS-${2000 + i}.`,
          html: `<p>About your order <strong>AS-${2000 + i}</strong>.</p>`,
        },
        at,
        domain,
      );
  });
}

const rows = () => shop.app.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();

describe(`an SMTP server that refuses for 10 minutes, on ${testDialect}`, () => {
  it('loses nothing, sends nothing twice, and keeps each Message-ID, running the job every 10 seconds', async () => {
    await queue(t0, 0, 4);
    let refusals = 0;
    let runs = 0;
    // 20 minutes of the schedule: 10 of outage, then the retries that are due come through.
    for (let ms = 0; ms <= 20 * MINUTE; ms += 10 * SECOND) {
      now = new Date(t0.getTime() + ms);
      // Another order is confirmed in the middle of the outage.
      if (ms === 3 * MINUTE) await queue(now, 4, 2);
      const down = ms < OUTAGE_MS;
      smtp.refuseMailFrom = down
        ? runs % 2 === 0
          ? { code: 421, text: 'Service not available, closing channel' }
          : { code: 451, text: 'Try again later' }
        : null;
      const outcome = await runJob(shop.app, mailDeliveryJob);
      expect(outcome.status).toBe('done');
      runs++;
      if (outcome.status === 'done') refusals += outcome.counts.retried ?? 0;
      if (down) expect(smtp.received.filter((m) => m.accepted)).toHaveLength(0);
      if (ms === OUTAGE_MS - 10 * SECOND) {
        // Near the end of the outage: every e-mail is waiting, tried and refused, none given up on.
        const waiting = await rows();
        expect(waiting).toHaveLength(6);
        for (const row of waiting) {
          expect(row).toMatchObject({ sent_at: null, failed_at: null });
          expect(row.attempts).toBeGreaterThanOrEqual(2);
          expect(row.last_error).toMatch(/(421|451)/);
        }
      }
    }

    const outbox = await rows();
    console.log(
      `SMTP outage: ${runs} runs of mail.deliver over 20 minutes, ${refusals} refused sends, ${smtp.received.length} messages received for ${outbox.length} e-mails`,
    );
    expect(outbox).toHaveLength(6);
    // Each was tried through the outage, never given up on, and sent after it ended.
    for (const row of outbox) {
      expect(row.failed_at).toBeNull();
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      expect(row.attempts).toBeLessThan(MAX_MAIL_ATTEMPTS);
      expect(row.sent_at).not.toBeNull();
      expect(new Date(row.sent_at as string).getTime()).toBeGreaterThanOrEqual(t0.getTime() + OUTAGE_MS);
    }
    expect(refusals).toBe(outbox.reduce((n, r) => n + r.attempts, 0));
    // Received exactly once each, under the Message-ID it was queued with, to its own recipient.
    expect(smtp.received.every((m) => m.accepted)).toBe(true);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(outbox.map((r) => r.message_id).sort());
    for (const row of outbox) {
      const mail = smtp.received.find((m) => m.messageId === row.message_id);
      expect(mail?.to).toEqual([row.to_address]);
      expect(mail?.raw).toContain(row.reference);
    }
    expect(new Set(outbox.map((r) => r.message_id)).size).toBe(6);

    // The provider is back and nothing is due: more runs send nothing again.
    for (let i = 1; i <= 3; i++) {
      now = new Date(t0.getTime() + 20 * MINUTE + i * 10 * SECOND);
      expect(await runJob(shop.app, mailDeliveryJob)).toMatchObject({ status: 'done', counts: { sent: 0, retried: 0 } });
    }
    expect(smtp.received).toHaveLength(6);
  });
});
