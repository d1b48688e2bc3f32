import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_RETENTION } from '../../src/features/contact/contact.inventory.js';
import { countContactMessages } from '../../src/features/contact/contact.repository.js';
import { eraseExpiredContactMessages } from '../../src/features/contact/contact.service.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { submitForm } from '../support/forms.js';

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

  it('stores the enquiry, forwards it to the shop inbox as an .eml file, and thanks the sender', async () => {
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
    const files = outbox();
    expect(files.length).toBe(before + 1);
    const eml = readFileSync(join(shop.config.outboxDir, files.at(-1) as string), 'utf8');
    expect(eml).toMatch(/^To: privacy@assay.example/m);
    expect(eml).toMatch(/^Reply-To: ada@example.co.uk/m);
    expect(eml).toMatch(/^Subject: Enquiry #\d+: Repairs, resizing or care/m);
    expect(eml).toContain('Could you resize my ring to an N?');
    const thanks = await shop.app.inject({ method: 'GET', url: '/contact/thanks' });
    expect(thanks.body).toContain('your message has been sent');
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

describe('contact form when the mail cannot be sent', () => {
  it('keeps nothing half-done: no stored enquiry, and a friendly error', async () => {
    const broken = await buildTestShop({ env: { SEED_DEMO: 'false', SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const res = await submitForm(broken.app, '/contact', '/contact', {
        name: 'Ada',
        email: 'ada@example.com',
        subject: 'other',
        message: 'Hello',
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Something went wrong on our side');
      expect(await countContactMessages(broken.app.db)).toBe(0);
    } finally {
      await broken.close();
    }
  });
});
