import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent, unsubscribeUrl, unsubscribeWithToken, withdrawAddress } from '../../src/features/consent/consent.service.js';
import {
  ConsentRequiredError,
  UNSUBSCRIBE_PLACEHOLDER,
  createMailBody,
  deliverDueMail,
  enqueueAudiencePage,
  enqueueMail,
  enqueueMarketingMail,
  lastAddressQueued,
  outboxHealth,
} from '../../src/features/mail/outbox.service.js';
import { erasePerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { TestSmtpServer } from '../mail/smtp-test-server.js';

/**
 * The mail layer, not the screens, enforces consent: whoever queues a marketing e-mail, the outbox
 * refuses it for an address without a current consent to its purpose, or on the suppression list,
 * and asks again when it sends.
 */
let shop: TestShop;
let smtp: TestSmtpServer;
let now = new Date('2026-12-01T10:00:00Z');
const later = (ms = 60_000) => (now = new Date(now.getTime() + ms));
const db = () => shop.app.db;
const PUBLIC = 'https://shop.example';

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  shop = await buildTestShop({ env: { SMTP_URL: smtp.url, SEED_DEMO: 'false' }, clock: () => now });
});
afterAll(async () => {
  await shop?.close();
  await smtp?.close();
});

const consent = (email: string, purpose: 'general-subscription' | 'feedback' = 'general-subscription') =>
  recordConsent(
    db(),
    {
      subject: { customerId: null, email },
      purpose,
      action: 'given',
      method: 'newsletter-confirmation',
      wording: 'Sign me up',
      policyVersion: 'v1',
    },
    now,
  );

const marketing = (to: string, purpose = 'general-subscription') => ({
  kind: 'campaign',
  reference: 'campaign-test',
  to,
  purpose,
  subject: 'New pieces',
  text: `Hello. Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`,
  html: `<p>Hello.</p><a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a>`,
});

const queuedTo = async (to: string) => (await db().selectFrom('mail_outbox').select('id').where('to_address', '=', to).execute()).length;

describe(`the outbox refuses marketing without consent, from every entry point (${testDialect})`, () => {
  it('enqueueMail throws for an address that never consented, and queues nothing', async () => {
    await expect(enqueueMail(db(), marketing('never@example.org'), now, 'shop.example')).rejects.toBeInstanceOf(ConsentRequiredError);
    expect(await queuedTo('never@example.org')).toBe(0);
  });

  it('refuses a marketing kind sent as if it were transactional, and marketing without a place for its unsubscribe link', async () => {
    await consent('ok@example.org');
    const { purpose: _p, ...noPurpose } = marketing('ok@example.org');
    await expect(enqueueMail(db(), noPurpose, now, 'shop.example')).rejects.toThrow(/is marketing and needs the consent purpose/);
    await expect(enqueueMail(db(), { ...noPurpose, kind: 'stock-alert' }, now, 'shop.example')).rejects.toThrow(/marketing/);
    await expect(enqueueMail(db(), { ...marketing('ok@example.org'), text: 'No link here' }, now, 'shop.example')).rejects.toThrow(
      /must carry the unsubscribe link/,
    );
    await expect(createMailBody(db(), { subject: 's', text: 'no link', html: 'no link' }, now)).rejects.toThrow(
      /must carry the unsubscribe link/,
    );
    expect(await queuedTo('ok@example.org')).toBe(0);
  });

  it('enqueueMarketingMail queues for a consenting address, and not for one with consent to another purpose only', async () => {
    await consent('feedback-only@example.org', 'feedback');
    expect(await enqueueMarketingMail(db(), marketing('feedback-only@example.org'), now, 'shop.example')).toBeNull();
    expect(await enqueueMarketingMail(db(), marketing('ok@example.org'), now, 'shop.example')).toEqual(expect.any(Number));
    // Capitals make no difference to the check.
    expect(await enqueueMarketingMail(db(), marketing('OK@Example.org'), now, 'shop.example')).toEqual(expect.any(Number));
  });

  it('refuses a suppressed address even with a consent row of another person for it, and an erased one', async () => {
    await consent('twice@example.org');
    await recordConsent(
      db(),
      {
        subject: { customerId: 999, email: 'twice@example.org' },
        purpose: 'general-subscription',
        action: 'given',
        method: 'account',
        wording: 'x',
        policyVersion: 'v1',
      },
      now,
    );
    // The account withdraws: both the account and the earlier sign-up of the address stop.
    await withdrawAddress(db(), { email: 'twice@example.org', purpose: 'general-subscription', method: 'account' }, now);
    expect(await enqueueMarketingMail(db(), marketing('twice@example.org'), now, 'shop.example')).toBeNull();
    await consent('erased@example.org');
    await erasePerson(db(), (await findPerson(db(), { email: 'erased@example.org' }))!, now);
    expect(await enqueueMarketingMail(db(), marketing('erased@example.org'), now, 'shop.example')).toBeNull();
  });

  it('queues a campaign from pages of the audience read through the gate: only people with consent, once each, in address order', async () => {
    await consent('bulk1@example.org');
    await consent('Bulk2@Example.org');
    const bodyId = await createMailBody(
      db(),
      { subject: 'Bulk', text: `Bye: ${UNSUBSCRIBE_PLACEHOLDER}`, html: `<a href="${UNSUBSCRIBE_PLACEHOLDER}">x</a>` },
      now,
    );
    const reference = 'campaign-bulk';
    const pages: string[][] = [];
    // Pages of two, as a campaign reads pages of a thousand; each in its own transaction.
    for (let after = ''; ;) {
      const page = await db()
        .transaction()
        .execute((trx) =>
          enqueueAudiencePage(
            trx,
            { kind: 'campaign', reference, purpose: 'general-subscription', bodyId, after, limit: 2, first: 0, dueAt: () => now },
            now,
            'shop.example',
          ),
        );
      if (page.last === null) break;
      pages.push(
        (await db().selectFrom('mail_outbox').select('to_address').where('reference', '=', reference).orderBy('id').execute())
          .map((r) => r.to_address)
          .slice(pages.flat().length),
      );
      after = page.last;
    }
    const queued = await db()
      .selectFrom('mail_outbox')
      .select(['to_address', 'purpose', 'body_id'])
      .where('reference', '=', reference)
      .orderBy('id')
      .execute();
    const addresses = queued.map((r) => r.to_address);
    expect(addresses).toEqual(expect.arrayContaining(['bulk1@example.org', 'Bulk2@Example.org']));
    // Never consented, withdrew, erased: none is queued.
    for (const nobody of ['nobody@example.org', 'twice@example.org', 'erased@example.org']) expect(addresses).not.toContain(nobody);
    expect(new Set(addresses.map((a) => a.toLowerCase())).size).toBe(addresses.length);
    expect(addresses.map((a) => a.toLowerCase())).toEqual(addresses.map((a) => a.toLowerCase()).sort());
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    for (const r of queued) expect(r).toMatchObject({ purpose: 'general-subscription', body_id: bodyId });
    // Where a run that stopped would resume: after the greatest address queued.
    expect(await lastAddressQueued(db(), reference)).toBe(addresses.at(-1)!.toLowerCase());
    expect(await lastAddressQueued(db(), 'campaign-never')).toBeNull();
  });

  it('asks again when it sends: consent withdrawn between queueing and sending withholds the e-mail; the rest go with their own link, put in then, and the one-click headers', async () => {
    smtp.reset();
    await deliverDueMail(db(), shop.app.mailer, now, { unsubscribeMailto: 'hello@shop.example' });
    smtp.reset();
    await consent('late@example.org');
    await consent('stays@example.org');
    for (const to of ['late@example.org', 'stays@example.org'])
      expect(await enqueueMarketingMail(db(), marketing(to), now, 'shop.example')).not.toBeNull();
    // One withdraws with the link of an earlier e-mail, after the new one was queued.
    const token = decodeURIComponent(unsubscribeUrl(db(), PUBLIC, 'late@example.org', 'general-subscription').split('/unsubscribe/')[1]!);
    expect(await unsubscribeWithToken(db(), token, 'one-click', later())).toEqual({ ok: true, purpose: 'general-subscription' });

    expect(await deliverDueMail(db(), shop.app.mailer, later(), { unsubscribeMailto: 'hello@shop.example' })).toEqual({
      sent: 1,
      retried: 0,
      failed: 0,
      withheld: 1,
    });
    expect(smtp.received.map((m) => m.to)).toEqual([['stays@example.org']]);
    const raw = smtp.received[0]!.raw.replace(/=\r?\n/g, '')
      .replace(/\r?\n[ \t]+/g, ' ')
      .replaceAll('=3D', '=');
    // The link names the e-mail it came in (a campaign's reference), and the shop's own address.
    const link = unsubscribeUrl(db(), shop.config.publicUrl, 'stays@example.org', 'general-subscription', 'campaign-test');
    expect(link).toMatch(/\/unsubscribe\/general-subscription\.[0-9a-f]{64}\.[0-9a-f]{32}\?from=campaign-test$/);
    expect(raw).toMatch(
      new RegExp(
        `^List-Unsubscribe: <${link.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}>,\\s*<mailto:hello@shop.example\\?subject=unsubscribe>`,
        'm',
      ),
    );
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(raw).toContain(`Unsubscribe: ${link}`);
    expect(raw).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
    const withheld = await db()
      .selectFrom('mail_outbox')
      .select(['sent_at', 'withheld_at'])
      .where('to_address', '=', 'late@example.org')
      .executeTakeFirstOrThrow();
    expect(withheld).toEqual({ sent_at: null, withheld_at: now.toISOString() });
    // A withheld e-mail is never tried again, and the dashboard does not count it as waiting.
    expect(await deliverDueMail(db(), shop.app.mailer, later(DAY), {})).toMatchObject({ sent: 0, withheld: 0 });
    expect(await outboxHealth(db(), now)).toEqual({ waiting: 0, overdue: 0, failed: 0 });
  });

  it('sends transactional mail whatever the marketing choices', async () => {
    await enqueueMail(
      db(),
      { kind: 'order-confirmation', reference: 'A1', to: 'late@example.org', subject: 'Your order', text: 't', html: 'h' },
      now,
      'shop.example',
    );
    expect(await deliverDueMail(db(), shop.app.mailer, later(), {})).toMatchObject({ sent: 1, withheld: 0 });
  });
});

const DAY = 86_400_000;
