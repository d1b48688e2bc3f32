import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createMailer } from '../../src/features/mail/mailer.js';
import { mailDeliveryJob, mailRetentionJob } from '../../src/features/mail/outbox.job.js';
import {
  deliverDueMail,
  describeSendError,
  enqueueMail,
  eraseExpiredMail,
  MAX_MAIL_ATTEMPTS,
  messageIdDomain,
  outboxHealth,
  retryDelayMs,
} from '../../src/features/mail/outbox.service.js';
import { runJob } from '../../src/jobs/runner.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const t0 = new Date('2026-12-01T09:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

/**
 * A real SMTP server on a free port. It refuses the next `refuseNext` recipients, and every
 * recipient in `alwaysRefuse`, with a temporary 451 that quotes the address (as real servers do);
 * everything else is accepted and kept in `received`.
 */
const smtp = {
  refuseNext: 0,
  alwaysRefuse: new Set<string>(),
  received: [] as { messageId: string; to: string[]; raw: string }[],
  /** Milliseconds to wait before accepting a message, so that concurrent workers really overlap. */
  acceptDelay: 0,
};
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    const always = smtp.alwaysRefuse.has(address.address);
    if (!always && smtp.refuseNext <= 0) return callback();
    if (!always) smtp.refuseNext--;
    callback(Object.assign(new Error(`Mailbox <${address.address}> is busy, try again later`), { responseCode: 451 }));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
      smtp.received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
      setTimeout(() => callback(null, 'Queued'), smtp.acceptDelay);
    });
  },
});

let shop: TestShop;
let domain: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  shop = await buildTestShop({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SEED_DEMO: 'false' } });
  domain = messageIdDomain(shop.config.publicUrl);
});
afterAll(async () => {
  await shop?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(async () => {
  await shop.app.db.deleteFrom('mail_outbox').execute();
  smtp.refuseNext = 0;
  smtp.alwaysRefuse.clear();
  smtp.received.length = 0;
  smtp.acceptDelay = 0;
});

const outbox = () => shop.app.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();

/** Queues e-mails in one transaction, as an order change would. */
async function queue(count: number, at = t0, to = (i: number) => `customer${i}@example.com`): Promise<number[]> {
  return shop.app.db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const mail = {
        kind: 'order-confirmation',
        reference: `AS-${1000 + i}`,
        to: to(i),
        subject: `Your order AS-${1000 + i}`,
        text: `Thank you for your order AS-${1000 + i}.`,
        html: `<p>Thank you for your order <strong>AS-${1000 + i}</strong>.</p>`,
      };
      ids.push(await enqueueMail(trx, mail, at, domain));
    }
    return ids;
  });
}

describe(`mail outbox on ${testDialect}`, () => {
  it('waits 1, 2, 4… minutes between tries, never more than 6 hours', () => {
    expect([1, 2, 3, 4, 9].map(retryDelayMs)).toEqual([1, 2, 4, 8, 256].map((m) => m * MINUTE));
    expect(retryDelayMs(10)).toBe(6 * 60 * MINUTE);
    expect(retryDelayMs(30)).toBe(6 * 60 * MINUTE);
  });

  it('keeps no address in the error it stores', () => {
    const err = Object.assign(new Error('x'), {
      code: 'EENVELOPE',
      response: '550 5.1.1 <ann.smith@example.com>: no such user ann.smith@example.com',
    });
    const text = describeSendError(err);
    expect(text).toMatch(/^EENVELOPE 550 5\.1\.1/);
    expect(text).not.toContain('ann');
  });

  it('queues an e-mail with a Message-ID of its own, due at once', async () => {
    const [id] = await queue(1);
    const [row] = await outbox();
    expect(row).toMatchObject({ id, attempts: 0, next_attempt_at: t0.toISOString(), sent_at: null, failed_at: null, claimed_until: null });
    expect(row?.message_id).toMatch(/^<[0-9a-f-]{36}@localhost>$/);
  });

  it('retries refused e-mails with backoff, then delivers each exactly once', async () => {
    await queue(3);
    smtp.refuseNext = 3;
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, t0)).toEqual({ sent: 0, retried: 3, failed: 0, withheld: 0 });
    for (const row of await outbox()) {
      expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null, claimed_until: null });
      expect(row.next_attempt_at).toBe(later(MINUTE).toISOString());
      expect(row.last_error).toContain('451');
      expect(row.last_error).not.toContain('@');
    }

    // Not due yet: nothing is tried.
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, later(30_000))).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });

    smtp.refuseNext = 3;
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, later(MINUTE))).toEqual({ sent: 0, retried: 3, failed: 0, withheld: 0 });
    for (const row of await outbox()) {
      expect(row.attempts).toBe(2);
      expect(row.next_attempt_at).toBe(later(3 * MINUTE).toISOString());
    }
    expect(smtp.received).toEqual([]);

    expect(await deliverDueMail(shop.app.db, shop.app.mailer, later(3 * MINUTE))).toEqual({ sent: 3, retried: 0, failed: 0, withheld: 0 });
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, later(DAY))).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });

    const rows = await outbox();
    expect(rows.map((r) => r.sent_at)).toEqual(rows.map(() => later(3 * MINUTE).toISOString()));
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);
    const first = smtp.received.find((m) => m.messageId === rows[0]?.message_id);
    expect(first?.to).toEqual(['customer0@example.com']);
    expect(first?.raw).toMatch(/Content-Type: text\/html/i);
    expect(first?.raw).toContain('Subject: Your order AS-1000');
    expect(await outboxHealth(shop.app.db, later(DAY))).toEqual({ waiting: 0, overdue: 0, failed: 0 });
  });

  it('never sends an e-mail twice when two workers run at once', async () => {
    await queue(20);
    smtp.acceptDelay = 5;
    // A second process: its own database connection and its own mail transport.
    const other = openDatabase(shop.config.database);
    const otherMailer = createMailer(shop.config);
    try {
      const results = await Promise.all([
        deliverDueMail(shop.app.db, shop.app.mailer, t0),
        deliverDueMail(other.db, otherMailer, t0),
        deliverDueMail(shop.app.db, shop.app.mailer, t0),
      ]);
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(20);
      expect(results.every((r) => r.retried === 0 && r.failed === 0)).toBe(true);
    } finally {
      await otherMailer.close();
      await other.close();
    }
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect((await outbox()).every((r) => r.sent_at !== null && r.claimed_until === null)).toBe(true);
  });

  it(`gives up on an e-mail refused ${MAX_MAIL_ATTEMPTS} times`, async () => {
    smtp.alwaysRefuse.add('full.mailbox@example.com');
    await queue(1, t0, () => 'full.mailbox@example.com');
    let now = t0;
    for (let attempt = 1; attempt <= MAX_MAIL_ATTEMPTS; attempt++) {
      const result = await deliverDueMail(shop.app.db, shop.app.mailer, now);
      const [row] = await outbox();
      expect(row?.attempts).toBe(attempt);
      if (attempt < MAX_MAIL_ATTEMPTS) {
        expect(result).toEqual({ sent: 0, retried: 1, failed: 0, withheld: 0 });
        expect(row?.failed_at).toBeNull();
        expect(new Date(row?.next_attempt_at ?? '').getTime() - now.getTime()).toBe(retryDelayMs(attempt));
        now = new Date(row?.next_attempt_at ?? '');
      } else {
        expect(result).toEqual({ sent: 0, retried: 0, failed: 1, withheld: 0 });
        expect(row?.failed_at).toBe(now.toISOString());
      }
    }
    // Given up: later runs leave it alone, and the dashboard counts it.
    const muchLater = new Date(now.getTime() + 30 * DAY);
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, muchLater)).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });
    expect((await outbox())[0]?.attempts).toBe(MAX_MAIL_ATTEMPTS);
    expect(smtp.received).toEqual([]);
    expect(await outboxHealth(shop.app.db, muchLater)).toEqual({ waiting: 0, overdue: 0, failed: 1 });
  });

  it('counts e-mails that nobody has sent long after they were due', async () => {
    await queue(2);
    expect(await outboxHealth(shop.app.db, later(MINUTE))).toEqual({ waiting: 2, overdue: 0, failed: 0 });
    expect(await outboxHealth(shop.app.db, later(11 * MINUTE))).toEqual({ waiting: 2, overdue: 2, failed: 0 });
  });

  it('keeps nothing from a transaction that was rolled back', async () => {
    await expect(
      shop.app.db.transaction().execute(async (trx) => {
        await enqueueMail(
          trx,
          { kind: 'order-confirmation', reference: 'AS-1', to: 'a@example.com', subject: 's', text: 't', html: 'h' },
          t0,
          domain,
        );
        throw new Error('the order change failed');
      }),
    ).rejects.toThrow('the order change failed');
    expect(await outbox()).toEqual([]);
    expect(await deliverDueMail(shop.app.db, shop.app.mailer, later(DAY))).toEqual({ sent: 0, retried: 0, failed: 0, withheld: 0 });
    expect(smtp.received).toEqual([]);
  });

  it('deletes sent e-mails after 30 days and given-up ones after 90, never one still waiting', async () => {
    await queue(1, t0);
    await deliverDueMail(shop.app.db, shop.app.mailer, t0);
    const [recentSent] = await queue(1, later(20 * DAY));
    await deliverDueMail(shop.app.db, shop.app.mailer, later(20 * DAY));
    const [waiting, oldFailed, recentFailed] = await queue(3, t0);
    // Given up as deliverDueMail would after its last try (the refusals themselves are tested above).
    await shop.app.db.updateTable('mail_outbox').set({ failed_at: t0.toISOString(), attempts: 10 }).where('id', '=', oldFailed!).execute();
    await shop.app.db
      .updateTable('mail_outbox')
      .set({ failed_at: later(20 * DAY).toISOString(), attempts: 10 })
      .where('id', '=', recentFailed!)
      .execute();
    const left = async () => (await outbox()).map((r) => r.id);

    expect(await eraseExpiredMail(shop.app.db, later(29 * DAY))).toEqual({ sent: 0, failed: 0 });
    expect(await eraseExpiredMail(shop.app.db, later(31 * DAY))).toEqual({ sent: 1, failed: 0 });
    expect(await left()).toEqual([recentSent, waiting, oldFailed, recentFailed]);

    expect(await eraseExpiredMail(shop.app.db, later(91 * DAY))).toEqual({ sent: 1, failed: 1 });
    expect(await left()).toEqual([waiting, recentFailed]);
  });

  it('the scheduled jobs send what is due and delete what has expired', async () => {
    const now = shop.app.clock();
    const longAgo = new Date(now.getTime() - 40 * DAY);
    await queue(1, longAgo);
    await deliverDueMail(shop.app.db, shop.app.mailer, longAgo);
    const [fresh] = await queue(1, now);
    expect(await runJob(shop.app, mailDeliveryJob)).toMatchObject({ status: 'done', counts: { sent: 1 } });
    expect(await runJob(shop.app, mailRetentionJob)).toMatchObject({ status: 'done', counts: { sent: 1 } });
    const rows = await outbox();
    expect(rows.map((r) => r.id)).toEqual([fresh]);
    expect(rows[0]?.sent_at).not.toBeNull();
    expect(smtp.received).toHaveLength(2);
  });
});
