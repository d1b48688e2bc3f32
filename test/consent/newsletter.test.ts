import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { reachableAddresses, unsubscribeUrl } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import {
  NEWSLETTER_CONFIRM_KIND,
  confirmationMailTo,
  confirmationTokenOf,
  oneClickUnsubscribe,
  pressConfirm,
  signUpAndConfirm,
  signUpForNewsletter,
  unsubscribeLinkOf,
} from '../support/consent.js';
import { Shopper } from '../support/shopper.js';

/**
 * The footer's newsletter form and its double opt-in: the form asks, an e-mail's link opens a
 * page whose Confirm button records the consent, and the answer to the form never tells whether
 * an address was already subscribed.
 */
let shop: TestShop;
let now = new Date('2026-12-01T10:00:00Z');
let tag = 0;
// A word, not digits: a long run of digits in a form is refused as a card number.
const address = () => `reader-${++tag}-${randomBytes(3).toString('hex')}@example.org`;
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await shop?.close();
});

const reachable = async (email: string) => (await reachableAddresses(shop.app.db, [email], 'general-subscription')).has(email);
const requestsOf = (email: string) => shop.app.db.selectFrom('consent_requests').selectAll().where('email', '=', email).execute();
const ledgerOf = (email: string) => shop.app.db.selectFrom('consent_ledger').selectAll().where('email', '=', email).orderBy('id').execute();
const mailsTo = (email: string) => shop.app.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', email).execute();

describe('the footer form', () => {
  it('is on every storefront page, with the words the ledger records, and sets no cookie', async () => {
    const product = await shop.app.db.selectFrom('products').select('slug').where('archived', '=', 0).executeTakeFirstOrThrow();
    for (const url of ['/', '/rings', `/products/${product.slug}`, '/bag', '/contact', '/privacy', '/account/sign-in', '/no-such-page']) {
      const res = await shop.app.inject({ method: 'GET', url });
      const form = res.body.slice(res.body.indexOf('action="/newsletter"'));
      expect(res.body, url).toContain('<form method="post" action="/newsletter"');
      expect(form.slice(0, form.indexOf('</form>')), url).toContain(CONSENT_WORDING.newsletterForm);
      expect(form.slice(0, form.indexOf('</form>')), url).toMatch(/<input[^>]*type="email"[^>]*name="email"|name="email"[^>]*type="email"/);
      // No per-visitor token: catalogue pages are cached as the same bytes for everyone.
      expect(form.slice(0, form.indexOf('</form>')), url).not.toContain('_csrf');
    }
    for (const url of ['/', '/rings', '/privacy']) {
      expect((await shop.app.inject({ method: 'GET', url })).headers['set-cookie'], url).toBeUndefined();
    }
  });

  it('asks for a confirmation by e-mail and records nothing yet', async () => {
    const email = address();
    const res = await signUpForNewsletter(shop.app, email, { from: '/rings' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/newsletter/check-your-inbox');
    const inbox = await new Shopper(shop.app).follow(res);
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Check your inbox');

    const mail = await confirmationMailTo(shop.app, email);
    expect(mail.kind).toBe(NEWSLETTER_CONFIRM_KIND);
    // A service message the person asked for, not marketing: no purpose, no unsubscribe link.
    expect(mail.purpose).toBeNull();
    expect(mail.text_body).not.toContain('/unsubscribe/');
    const token = confirmationTokenOf(mail);
    expect(mail.text_body).toContain(`${shop.config.publicUrl}/newsletter/confirm?token=${token}`);
    expect(mail.html_body).toContain(`href="${shop.config.publicUrl}/newsletter/confirm?token=${token}"`);
    expect(mail.html_body).toContain(shop.config.shop.name);

    const [request, ...more] = await requestsOf(email);
    expect(more).toEqual([]);
    expect(request?.purpose).toBe('general-subscription');
    expect(request?.method).toBe('newsletter-confirmation');
    expect(request?.policy_version).toBe((await shop.app.privacy.policy(now)).version);
    expect(request?.wording_hash).toBe(createHash('sha256').update(CONSENT_WORDING.newsletterForm).digest('hex'));
    expect(request?.token_hash).not.toContain(token);
    expect(await ledgerOf(email)).toEqual([]);
    expect(await reachable(email)).toBe(false);
  });

  it('gives the same answer whatever the state of the address', async () => {
    const fresh = address();
    const subscribed = address();
    await signUpAndConfirm(shop.app, subscribed);
    const suppressed = address();
    await signUpAndConfirm(shop.app, suppressed);
    later(30);
    expect(
      (
        await oneClickUnsubscribe(
          shop.app,
          unsubscribeLinkOf(unsubscribeUrl(shop.app.db, shop.config.publicUrl, suppressed, 'general-subscription')),
        )
      ).statusCode,
    ).toBe(200);
    const askedAMinuteAgo = address();
    await signUpForNewsletter(shop.app, askedAMinuteAgo);
    later(1);
    expect(await reachable(subscribed)).toBe(true);
    expect(await reachable(suppressed)).toBe(false);

    const answer = (res: LightMyRequestResponse) => {
      // The date and the rate limit's count change with every request, whatever the address.
      const headers = Object.fromEntries(Object.entries(res.headers).filter(([k]) => k !== 'date' && !k.startsWith('x-ratelimit')));
      return { status: res.statusCode, headers, body: res.body };
    };
    const answers = [];
    for (const email of [fresh, subscribed, suppressed, askedAMinuteAgo, subscribed.toUpperCase()]) {
      answers.push(answer(await signUpForNewsletter(shop.app, email)));
    }
    expect(answers[0]?.status).toBe(303);
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
    expect(answers[0]?.headers['set-cookie']).toBeUndefined();
    // The repeat within minutes sends no second e-mail; the others each get their link.
    expect((await mailsTo(askedAMinuteAgo)).length).toBe(1);
    expect((await mailsTo(fresh)).length).toBe(1);
  });

  it('turns a bad address away with a clear message and a 400, keeping what was typed', async () => {
    for (const [typed, message] of [
      ['', 'Please enter your e-mail address.'],
      ['not-an-address', 'Please check your e-mail address'],
      [`${'x'.repeat(80)}@example.org`, 'too long'],
    ] as const) {
      const res = await signUpForNewsletter(shop.app, typed);
      expect(res.statusCode, typed).toBe(400);
      expect(res.body, typed).toContain(message);
      expect(res.body, typed).toContain('aria-invalid="true"');
      if (typed === 'not-an-address') expect(res.body).toContain('value="not-an-address"');
    }
    const none = await shop.app.db.selectFrom('consent_requests').select('email').where('email', '=', 'not-an-address').execute();
    expect(none).toEqual([]);
  });

  it('refuses a post from another site', async () => {
    const email = address();
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
      const res = await shop.app.inject({
        method: 'POST',
        url: '/newsletter',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: `email=${encodeURIComponent(email)}`,
      });
      expect(res.statusCode).toBe(403);
    }
    expect(await requestsOf(email)).toEqual([]);
    expect(await mailsTo(email)).toEqual([]);
  });

  it('works without JavaScript: GET /newsletter shows the form on a page of its own', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/newsletter' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="newsletter-page-email"');
    expect(res.body).toContain(CONSENT_WORDING.newsletterForm);
  });
});

describe('the confirmation link', () => {
  it('opens a page with a Confirm button and confirms nothing; the button does', async () => {
    const email = address();
    await signUpForNewsletter(shop.app, email);
    const token = confirmationTokenOf(await confirmationMailTo(shop.app, email));
    const page = await shop.app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('>Confirm<');
    expect(page.body).toContain(email);
    expect(page.headers['cache-control']).toBe('no-store');
    // A link scanner, opening it twice more.
    await shop.app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` });
    await shop.app.inject({ method: 'HEAD', url: `/newsletter/confirm?token=${token}` });
    expect(await ledgerOf(email)).toEqual([]);
    expect(await reachable(email)).toBe(false);
    expect(await requestsOf(email)).toHaveLength(1);

    later(60);
    const pressed = await pressConfirm(shop.app, token);
    expect(pressed.statusCode).toBe(303);
    const done = await new Shopper(shop.app).follow(pressed);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("You're subscribed");
    expect(done.body).toContain('Unsubscribe');
    expect(done.body).toContain('href="/account/newsletter"');

    const [entry, ...more] = await ledgerOf(email);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      purpose: 'general-subscription',
      action: 'given',
      method: 'newsletter-confirmation',
      customer_id: null,
      policy_version: (await shop.app.privacy.policy(now)).version,
      wording_hash: createHash('sha256').update(CONSENT_WORDING.newsletterForm).digest('hex'),
      at: now.toISOString(),
    });
    const wording = await shop.app.db
      .selectFrom('consent_wordings')
      .select('text')
      .where('hash', '=', entry?.wording_hash ?? '')
      .executeTakeFirst();
    expect(wording?.text).toBe(CONSENT_WORDING.newsletterForm);
    expect(await reachable(email)).toBe(true);
    expect(await requestsOf(email)).toEqual([]);

    // Used once: the link now finds nothing, and nothing more is recorded.
    expect((await shop.app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` })).statusCode).toBe(404);
    expect(await ledgerOf(email)).toHaveLength(1);
  });

  it('answers an unknown token with a friendly 404, never a 5xx', async () => {
    for (const url of [
      '/newsletter/confirm',
      '/newsletter/confirm?token=',
      '/newsletter/confirm?token=nothing-like-a-token',
      `/newsletter/confirm?token=${'A'.repeat(43)}`,
    ]) {
      const res = await shop.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toContain("We couldn't find that sign-up");
      expect(res.body, url).toContain('action="/newsletter"');
    }
    const s = new Shopper(shop.app);
    const form = await s.get('/newsletter/subscribed');
    expect(form.statusCode).toBe(200);
    const csrf = (await s.get('/contact')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    for (const token of ['', 'x', 'A'.repeat(43), 'A'.repeat(5000)]) {
      const res = await s.post('/newsletter/confirm', { _csrf: csrf, token });
      expect(res.statusCode, token.slice(0, 10)).toBe(404);
    }
  });

  it('expires after 7 days: a 410 page, and the button records nothing', async () => {
    const email = address();
    await signUpForNewsletter(shop.app, email);
    const token = confirmationTokenOf(await confirmationMailTo(shop.app, email));
    const s = new Shopper(shop.app);
    const page = await s.get(`/newsletter/confirm?token=${token}`);
    expect(page.statusCode).toBe(200);
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    later(7 * 24 * 60 + 1);
    const stale = await shop.app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` });
    expect(stale.statusCode).toBe(410);
    expect(stale.body).toContain('That link has expired');
    const pressed = await s.post('/newsletter/confirm', { _csrf: csrf, token });
    expect(pressed.statusCode).toBe(410);
    expect(await ledgerOf(email)).toEqual([]);
    expect(await reachable(email)).toBe(false);
  });

  it('refuses a confirmation posted from another site, and takes one with cookies refused', async () => {
    const email = address();
    await signUpForNewsletter(shop.app, email);
    const token = confirmationTokenOf(await confirmationMailTo(shop.app, email));
    const post = (headers: Record<string, string>) =>
      shop.app.inject({
        method: 'POST',
        url: '/newsletter/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: `token=${token}`,
      });
    const forged = await post({ origin: 'https://elsewhere.example', 'sec-fetch-site': 'cross-site' });
    expect(forged.statusCode).toBe(403);
    expect(await ledgerOf(email)).toEqual([]);
    // The shop's own page, in a browser that keeps no cookies: no cookie, no form token.
    const own = await post({ origin: new URL(shop.config.publicUrl).origin, 'sec-fetch-site': 'same-origin' });
    expect(own.statusCode).toBe(303);
    expect((await ledgerOf(email)).length).toBe(1);
  });

  it('lets an address that unsubscribed sign up again, which lifts its suppression', async () => {
    const email = address();
    await signUpAndConfirm(shop.app, email);
    later(5);
    const link = unsubscribeLinkOf(unsubscribeUrl(shop.app.db, shop.config.publicUrl, email, 'general-subscription'));
    expect((await oneClickUnsubscribe(shop.app, link)).statusCode).toBe(200);
    expect(await reachable(email)).toBe(false);
    later(60);
    await signUpAndConfirm(shop.app, email);
    expect(await reachable(email)).toBe(true);
    expect((await ledgerOf(email)).map((e) => `${e.action} ${e.method}`)).toEqual([
      'given newsletter-confirmation',
      'withdrawn one-click',
      'given newsletter-confirmation',
    ]);
  });
});

describe('rate limit', () => {
  it('limits sign-ups like the contact form', async () => {
    const limited = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await signUpForNewsletter(limited.app, address())).statusCode);
      expect(statuses).toEqual([303, 303, 303, 429]);
    } finally {
      await limited.close();
    }
  });
});
