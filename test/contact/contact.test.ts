import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_RETENTION } from '../../src/features/contact/contact.inventory.js';
import { countContactMessages } from '../../src/features/contact/contact.repository.js';
import { eraseExpiredContactMessages } from '../../src/features/contact/contact.service.js';
import { mailDeliveryJob } from '../../src/features/mail/outbox.job.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { runJob } from '../../src/jobs/runner.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';
import { TestSmtpServer } from '../mail/smtp-test-server.js';

let shop: TestShop;
let now = new Date('2026-11-23T12:00:00Z');
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' }, clock: () => now });
});
afterAll(async () => shop?.close());

const outbox = () => {
  try {
    return readdirSync(shop.config.outboxDir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
};

describe('contact form', () => {
  it('shows each problem next to its field and keeps what was typed', async () => {
    const res = await submitForm(shop.app, '/contact', '/contact', {
      name: 'Grace Hopper',
      email: 'not-an-email',
      subject: 'other',
      message: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please correct the 2 highlighted fields.');
    expect(res.body).toMatch(/<p class="field-error" id="email-error">Please check your e-mail address/);
    expect(res.body).toMatch(/<p class="field-error" id="message-error">Please write your message.<\/p>/);
    expect(res.body).toContain('value="Grace Hopper"');
    expect(res.body).toContain('aria-describedby="email-error"');
    expect(await countContactMessages(shop.app.db)).toBe(0);
  });

  it('stores the enquiry, queues it for the shop inbox, and thanks the sender at once; the outbox sends it', async () => {
    const before = outbox().length;
    const res = await submitForm(shop.app, '/contact', '/contact', {
      name: 'Ada Lovelace',
      email: 'ada@example.co.uk',
      subject: 'repair',
      message: 'Could you resize my ring to an N?',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contact/thanks');
    expect(await countContactMessages(shop.app.db)).toBe(1);
    // Nothing is sent while the visitor waits: the e-mail is queued in the outbox.
    expect(outbox().length).toBe(before);
    const [queued] = await shop.app.db.selectFrom('mail_outbox').selectAll().where('kind', '=', 'contact-enquiry').execute();
    expect(queued).toMatchObject({ to_address: 'privacy@assay.example', reply_to: 'ada@example.co.uk', sent_at: null, attempts: 0 });

    expect(await deliverDueMail(shop.app.db, shop.app.mailer, now)).toEqual({ sent: 1, retried: 0, failed: 0, withheld: 0 });
    const files = outbox();
    expect(files.length).toBe(before + 1);
    const eml = readFileSync(join(shop.config.outboxDir, files.at(-1) as string), 'utf8');
    expect(eml).toMatch(/^To: privacy@assay.example/m);
    expect(eml).toMatch(/^Reply-To: ada@example.co.uk/m);
    expect(eml).toMatch(/^Subject: Enquiry #\d+: Repairs, resizing or care/m);
    expect(eml).toContain(`Message-ID: ${queued?.message_id}`);
    expect(eml).toContain('From: Ada Lovelace <ada@example.co.uk>');
    expect(eml).toContain('Could you resize my ring to an N?');
    const thanks = await shop.app.inject({ method: 'GET', url: '/contact/thanks' });
    expect(thanks.body).toContain('your message has been sent');
  });

  it('answers the form page with Cache-Control: no-store, because it sets the CSRF cookie', async () => {
    const page = await shop.app.inject({ method: 'GET', url: '/contact' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['set-cookie']).toBeDefined();
    expect(page.headers['cache-control']).toBe('no-store');
    const refused = await submitForm(shop.app, '/contact', '/contact', { name: '', email: '', subject: 'other', message: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it(`deletes enquiries after ${CONTACT_RETENTION.days} days, as the policy says`, async () => {
    await eraseExpiredContactMessages(shop.app.db, now);
    expect(await countContactMessages(shop.app.db)).toBe(1);
    const justInside = new Date(now.getTime() + (CONTACT_RETENTION.days - 1) * 86_400_000);
    expect(await eraseExpiredContactMessages(shop.app.db, justInside)).toBe(0);
    const after = new Date(now.getTime() + (CONTACT_RETENTION.days + 1) * 86_400_000);
    expect(await eraseExpiredContactMessages(shop.app.db, after)).toBe(1);
    expect(await countContactMessages(shop.app.db)).toBe(0);
    now = after;
  });
});

describe('contact form when the mail server refuses (451 to MAIL FROM)', () => {
  let smtp: TestSmtpServer;
  let refusing: TestShop;
  let at = new Date('2026-12-01T10:00:00Z');
  const logs: string[] = [];
  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    refusing = await buildTestShop({
      env: { SEED_DEMO: 'false', SMTP_URL: smtp.url, LOG_LEVEL: 'debug' },
      clock: () => at,
      logger: true,
      logStream,
    });
  });
  afterAll(async () => {
    await refusing?.close();
    await smtp?.close();
  });

  it('keeps the enquiry, queues its e-mail and thanks the visitor; the outbox retries until the server takes it', async () => {
    const reply = 'Greylisted: please try again in a few minutes';
    smtp.refuseMailFrom = { code: 451, text: reply };
    const res = await submitForm(refusing.app, '/contact', '/contact', {
      name: 'Ada',
      email: 'ada@example.com',
      subject: 'other',
      message: 'Hello',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contact/thanks');
    expect(await countContactMessages(refusing.app.db)).toBe(1);

    expect(await runJob(refusing.app, mailDeliveryJob)).toMatchObject({ status: 'done', counts: { retried: 1 } });
    const [row] = await refusing.app.db.selectFrom('mail_outbox').selectAll().execute();
    expect(row).toMatchObject({ kind: 'contact-enquiry', attempts: 1, sent_at: null, failed_at: null, claimed_until: null });
    expect(row?.last_error).toContain('451');
    expect(row?.next_attempt_at).toBe(new Date(at.getTime() + 60_000).toISOString());
    expect(smtp.received).toEqual([]);

    // The server takes mail again; the retry is due a minute later.
    smtp.refuseMailFrom = null;
    at = new Date(at.getTime() + 60_000);
    expect(await runJob(refusing.app, mailDeliveryJob)).toMatchObject({ status: 'done', counts: { sent: 1 } });
    const [sent] = await refusing.app.db.selectFrom('mail_outbox').selectAll().execute();
    expect(sent?.sent_at).toBe(at.toISOString());
    expect(smtp.received.map((m) => m.messageId)).toEqual([sent?.message_id]);
    expect(smtp.received[0]?.to).toEqual(['privacy@assay.example']);
    const log = logs.join('');
    expect(log).toContain('"status":303');
    expect(log).not.toContain('"status":500');
    expect(log).not.toContain(reply);
    expect(log).not.toMatch(/"stack"|\n\s+at /);
    expect(log).not.toContain('ada@example.com');
  });
});

describe('contact form when the mail server cannot be reached', () => {
  it('keeps the enquiry and queues its e-mail for a retry, instead of losing it', async () => {
    const unreachable = await buildTestShop({ env: { SEED_DEMO: 'false', SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const res = await submitForm(unreachable.app, '/contact', '/contact', {
        name: 'Ada',
        email: 'ada@example.com',
        subject: 'other',
        message: 'Hello',
      });
      expect(res.statusCode).toBe(303);
      expect(await countContactMessages(unreachable.app.db)).toBe(1);
      const at = new Date();
      expect(await deliverDueMail(unreachable.app.db, unreachable.app.mailer, at)).toEqual({ sent: 0, retried: 1, failed: 0, withheld: 0 });
      const [row] = await unreachable.app.db.selectFrom('mail_outbox').selectAll().execute();
      expect(row).toMatchObject({ kind: 'contact-enquiry', attempts: 1, sent_at: null, failed_at: null });
      expect(row?.last_error).toContain('ECONNREFUSED');
      expect(row?.next_attempt_at).toBe(new Date(at.getTime() + 60_000).toISOString());
    } finally {
      await unreachable.close();
    }
  });
});
