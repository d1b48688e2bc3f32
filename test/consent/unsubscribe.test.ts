import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressHashOf, choicesOfAccount, reachableAddresses, unsubscribeUrl } from '../../src/features/consent/consent.service.js';
import { UNSUBSCRIBE_PLACEHOLDER, deliverDueMail, enqueueMarketingMail, messageIdDomain } from '../../src/features/mail/outbox.service.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { oneClickUnsubscribe, pressUnsubscribe, signUpAndConfirm, unsubscribeLinkOf } from '../support/consent.js';
import { send, signedInCustomer } from '../support/customer.js';
import { keepingMailer } from '../support/mail.js';

/**
 * The Unsubscribe link at the bottom of every marketing e-mail, and RFC 8058 one-click: no
 * sign-in, no cookie, no CSRF token. Opening the link shows a page with a button and changes
 * nothing (mail scanners open links); a POST to it unsubscribes at once and suppresses the address.
 */
const run = promisify(execFile);
let shop: TestShop;
let now = new Date('2026-12-01T10:00:00Z');
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
const address = () => `reader-${randomBytes(4).toString('hex')}@example.org`;

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await shop?.close();
});

const reachable = async (email: string) => (await reachableAddresses(shop.app.db, [email], 'general-subscription')).has(email);
const linkFor = (email: string, from?: string) =>
  unsubscribeLinkOf(unsubscribeUrl(shop.app.db, shop.config.publicUrl, email, 'general-subscription', from));
const ledgerOf = (email: string) => shop.app.db.selectFrom('consent_ledger').selectAll().where('email', '=', email).orderBy('id').execute();
const suppressionOf = (email: string) =>
  shop.app.db
    .selectFrom('marketing_suppressions')
    .selectAll()
    .where('address_hash', '=', addressHashOf(shop.app.db, email))
    .where('purpose', '=', 'general-subscription')
    .executeTakeFirst();

/** A subscriber, confirmed on the footer form, sent a campaign e-mail by the outbox, which put in their link. */
async function subscriberWithCampaignMail(from = 'winter-2026') {
  const email = address();
  await signUpAndConfirm(shop.app, email);
  later(1);
  const body = `New pieces for winter.\n\nUnsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`;
  const id = await enqueueMarketingMail(
    shop.app.db,
    {
      kind: 'campaign',
      purpose: 'general-subscription',
      reference: from,
      to: email,
      subject: 'Winter',
      text: body,
      html: `<p>New pieces for winter.</p><p><a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p>`,
    },
    now,
    messageIdDomain(shop.config.publicUrl),
  );
  expect(id).not.toBeNull();
  const mailer = keepingMailer();
  await deliverDueMail(shop.app.db, mailer, now);
  const mail = mailer.sent.find((m) => m.to === email && m.subject === 'Winter');
  if (!mail) throw new Error('the campaign e-mail was not sent');
  return { email, mail };
}

describe('opening the link', () => {
  it('shows a page naming the purpose with an Unsubscribe button, and changes nothing', async () => {
    const { email, mail } = await subscriberWithCampaignMail();
    const link = unsubscribeLinkOf(mail);
    expect(link).toMatch(/^\/unsubscribe\/[^?]+\?from=winter-2026$/);
    const before = await ledgerOf(email);
    for (const method of ['GET', 'GET', 'HEAD'] as const) {
      const res = await shop.app.inject({ method, url: link });
      expect(res.statusCode).toBe(200);
      if (method === 'GET') {
        expect(res.body).toContain('Unsubscribe from General Subscription');
        expect(res.body).toMatch(/<form method="post" action="\/unsubscribe\/[^"]+\?from=winter-2026">/);
        expect(res.body).toContain('>Unsubscribe<');
        // The button works with cookies refused: the page carries no form token and sets no cookie.
        expect(res.body).not.toContain('name="_csrf"');
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.headers['cache-control']).toBe('no-store');
      }
    }
    expect(await ledgerOf(email)).toEqual(before);
    expect(await suppressionOf(email)).toBeUndefined();
    expect(await reachable(email)).toBe(true);
  });

  it('answers a link that is not ours with a plain 404 page, never a 5xx', async () => {
    const good = linkFor(address()).slice('/unsubscribe/'.length);
    const [purpose, hash, signature] = decodeURIComponent(good).split('.');
    const tampered = [
      `${purpose}.${hash}.${'0'.repeat(32)}`,
      `feedback.${hash}.${signature}`,
      `partner:1.${hash}.${signature}`,
      `nonsense.${hash}.${signature}`,
      'x',
      'A'.repeat(190),
    ];
    for (const token of tampered) {
      const url = `/unsubscribe/${encodeURIComponent(token)}`;
      const page = await shop.app.inject({ method: 'GET', url });
      expect(page.statusCode, token).toBe(404);
      expect(page.body, token).toContain("We couldn't read that unsubscribe link");
      const pressed = await shop.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      expect(pressed.statusCode, token).toBe(404);
      const oneClick = await oneClickUnsubscribe(shop.app, url);
      expect(oneClick.statusCode, token).toBe(404);
    }
    expect((await shop.app.inject({ method: 'GET', url: `/unsubscribe/${'A'.repeat(400)}` })).statusCode).toBeLessThan(500);
  });
});

describe('pressing the button', () => {
  it('unsubscribes at once, with the e-mail it came from, and suppresses the address', async () => {
    const { email, mail } = await subscriberWithCampaignMail('spring-2027');
    later(10);
    const res = await pressUnsubscribe(shop.app, unsubscribeLinkOf(mail));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("You're unsubscribed");
    expect(res.body).toContain('General Subscription');
    const last = (await ledgerOf(email)).at(-1);
    expect(last).toMatchObject({ action: 'withdrawn', method: 'unsubscribe-link', detail: 'spring-2027', at: now.toISOString() });
    expect(await suppressionOf(email)).toMatchObject({ method: 'unsubscribe-link' });
    expect(await reachable(email)).toBe(false);
  });
});

describe('one-click (RFC 8058)', () => {
  it('unsubscribes a POST with no cookie, token, Origin or sign-in, and answers 200 with a short text', async () => {
    const { email, mail } = await subscriberWithCampaignMail();
    later(10);
    const res = await oneClickUnsubscribe(shop.app, unsubscribeLinkOf(mail));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.length).toBeLessThan(100);
    expect(res.headers['set-cookie']).toBeUndefined();
    const last = (await ledgerOf(email)).at(-1);
    expect(last).toMatchObject({ action: 'withdrawn', method: 'one-click', detail: 'winter-2026' });
    expect(await suppressionOf(email)).toMatchObject({ method: 'one-click' });
    expect(await reachable(email)).toBe(false);

    // The outbox now refuses the next marketing e-mail to them, and a second press is answered the same.
    const again = await oneClickUnsubscribe(shop.app, unsubscribeLinkOf(mail));
    expect(again.statusCode).toBe(200);
    expect((await ledgerOf(email)).filter((e) => e.action === 'withdrawn')).toHaveLength(1);
  });

  it('ignores a from= that is not a campaign reference', async () => {
    const email = address();
    await signUpAndConfirm(shop.app, email);
    const link = `${linkFor(email)}?from=${encodeURIComponent('<script>x</script>')}`;
    expect((await oneClickUnsubscribe(shop.app, link)).statusCode).toBe(200);
    expect((await ledgerOf(email)).at(-1)).toMatchObject({ method: 'one-click', detail: null });
  });

  it('unsubscribes from a real curl -X POST over the network, with each body a mail provider may send', async () => {
    const address0 = await shop.app.listen({ port: 0, host: '127.0.0.1' });
    const base = address0.replace(/\/$/, '');
    const cases: { args: string[]; method: string }[] = [
      { args: ['-d', 'List-Unsubscribe=One-Click'], method: 'one-click' },
      { args: ['-F', 'List-Unsubscribe=One-Click'], method: 'one-click' },
      { args: ['-H', 'content-type: text/plain', '--data', 'List-Unsubscribe=One-Click'], method: 'one-click' },
      { args: ['-H', 'content-type: application/json', '--data', 'List-Unsubscribe=One-Click'], method: 'one-click' },
      { args: [], method: 'unsubscribe-link' },
    ];
    for (const c of cases) {
      const email = address();
      await signUpAndConfirm(shop.app, email);
      expect(await reachable(email)).toBe(true);
      const { stdout } = await run('curl', [
        '-sS',
        '-X',
        'POST',
        ...c.args,
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `${base}${linkFor(email, 'curl-test')}`,
      ]);
      expect(stdout, c.args.join(' ')).toBe('200');
      expect((await ledgerOf(email)).at(-1), c.args.join(' ')).toMatchObject({
        action: 'withdrawn',
        method: c.method,
        detail: 'curl-test',
      });
      expect(await suppressionOf(email), c.args.join(' ')).toMatchObject({ method: c.method });
      expect(await reachable(email)).toBe(false);
    }
    const { stdout: bad } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${base}/unsubscribe/not-a-token`,
    ]);
    expect(bad).toBe('404');
  });
});

describe('the card guard', () => {
  it('still refuses a card number in a body of another type, and unsubscribes nothing', async () => {
    const email = address();
    await signUpAndConfirm(shop.app, email);
    for (const [type, payload] of [
      ['text/plain', 'List-Unsubscribe=One-Click 4929 0000 0000 6'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="note"\r\n\r\n4929 0000 0000 6\r\n--x--\r\n'],
    ] as const) {
      const res = await shop.app.inject({ method: 'POST', url: linkFor(email), headers: { 'content-type': type }, payload });
      expect(res.statusCode, type).toBe(400);
    }
    expect(await reachable(email)).toBe(true);
    expect(await suppressionOf(email)).toBeUndefined();
  });
});

describe('an account', () => {
  it('subscribed in Account Home is unsubscribed by the link too, and its box shows it', async () => {
    const customer = await signedInCustomer(shop.app);
    const saved = await send(customer.shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' });
    expect(saved.statusCode).toBe(303);
    const account = { customerId: customer.id, email: customer.person.email };
    expect((await choicesOfAccount(shop.app.db, account)).get('general-subscription')?.given).toBe(true);
    expect(await reachable(customer.person.email)).toBe(true);

    later(30);
    const res = await oneClickUnsubscribe(shop.app, linkFor(customer.person.email));
    expect(res.statusCode).toBe(200);
    const entries = await shop.app.db
      .selectFrom('consent_ledger')
      .select(['action', 'method', 'customer_id'])
      .where('customer_id', '=', customer.id)
      .orderBy('id')
      .execute();
    expect(entries.map((e) => `${e.action} ${e.method}`)).toEqual(['given account', 'withdrawn one-click']);
    expect((await choicesOfAccount(shop.app.db, account)).get('general-subscription')?.given).toBe(false);
    expect(await reachable(customer.person.email)).toBe(false);
    expect(await suppressionOf(customer.person.email)).toBeDefined();
    const box = (await customer.shopper.get('/account/newsletter')).body.match(/<input[^>]*name="general_subscription"[^>]*>/)?.[0];
    expect(box).toBeDefined();
    expect(box).not.toMatch(/\schecked/);
  });

  it('with both a newsletter sign-up and an Account Home tick on one address stops both', async () => {
    const customer = await signedInCustomer(shop.app);
    await send(customer.shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' });
    await signUpAndConfirm(shop.app, customer.person.email);
    later(5);
    expect((await pressUnsubscribe(shop.app, linkFor(customer.person.email))).statusCode).toBe(200);
    const states = await shop.app.db
      .selectFrom('consent_state')
      .select(['customer_id', 'given'])
      .where('address_hash', '=', addressHashOf(shop.app.db, customer.person.email))
      .where('purpose', '=', 'general-subscription')
      .execute();
    // The address's own sign-up and the account: both now withdrawn.
    expect(states).toHaveLength(2);
    expect(states).toEqual(
      expect.arrayContaining([
        { customer_id: customer.id, given: 0 },
        { customer_id: null, given: 0 },
      ]),
    );
    expect(await reachable(customer.person.email)).toBe(false);
  });
});
