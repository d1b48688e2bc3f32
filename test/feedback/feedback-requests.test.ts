import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { recordConsent, withdrawAddress } from '../../src/features/consent/consent.service.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { deliveredOrder, feedbackLinkOf } from '../support/feedback.js';
import { Shopper } from '../support/shopper.js';
import { signInAs } from '../support/staff.js';

/**
 * Feedback requests: some days after delivery, only to buyers whose address consents to them now;
 * the answer page keeps only what the person types.
 */
let now = new Date('2026-12-01T14:00:00Z');
const DAY = 86_400_000;
let shop: TestShop;
const db = () => shop.app.db;
const requests = () => db().selectFrom('mail_outbox').selectAll().where('kind', '=', 'feedback-request').orderBy('id').execute();

/** A consent to feedback requests given apart from an order (in Account Home, say). */
async function consentsToFeedback(email: string) {
  await recordConsent(
    db(),
    {
      subject: { customerId: null, email },
      purpose: 'feedback',
      action: 'given',
      method: 'checkout',
      wording: CONSENT_WORDING.checkoutFeedback,
      policyVersion: (await shop.app.privacy.policy(now)).version,
    },
    now,
  );
}

const [ann, bob, cat, dan] = ['ann', 'bob', 'cat', 'dan'].map((n) => `${n}.feedback@example.org`) as [string, string, string, string];
let annOrder: string;
let annLink: string;

beforeAll(async () => {
  shop = await buildTestShop({
    clock: () => now,
    env: { FORM_RATE_LIMIT: '100000', FEEDBACK_REQUEST_DAYS: '5', UNPAID_ORDERS_PER_BUYER: '100' },
  });
  // Delivered on 1 December: ann ticked the box at checkout; bob did not; dan did, then withdrew.
  annOrder = await deliveredOrder(shop.app, ann, true);
  await deliveredOrder(shop.app, bob);
  await deliveredOrder(shop.app, dan, true);
  await withdrawAddress(db(), { email: dan, purpose: 'feedback', method: 'account' }, now);
  // Delivered on 2 December: cat, who consents.
  now = new Date('2026-12-02T09:00:00Z');
  await consentsToFeedback(cat);
  await deliveredOrder(shop.app, cat);
});
afterAll(async () => shop?.close());

describe(`feedback requests (${testDialect})`, () => {
  it('asks, 5 days after delivery, only the buyers whose address consents to feedback requests now', async () => {
    now = new Date('2026-12-05T10:00:00Z');
    expect(await jobRegistry['feedback.requests'].run(shop.app, now)).toEqual({ asked: 0, notAsked: 0 });
    now = new Date('2026-12-06T10:00:00Z');
    expect(await jobRegistry['feedback.requests'].run(shop.app, now)).toEqual({ asked: 1, notAsked: 2 });
    const sent = await requests();
    expect(sent.map((m) => [m.to_address, m.purpose, m.reference])).toEqual([[ann, 'feedback', annOrder]]);
    const [mail] = sent;
    expect(mail?.text_body).toContain('%%unsubscribe_url%%');
    expect(mail?.html_body).toContain('%%unsubscribe_url%%');
    annLink = feedbackLinkOf(mail);

    now = new Date('2026-12-07T10:00:00Z');
    expect(await jobRegistry['feedback.requests'].run(shop.app, now)).toEqual({ asked: 1, notAsked: 0 });
    expect((await requests()).map((m) => m.to_address)).toEqual([ann, cat]);
  });

  it('keeps only the rating and the comments typed, with the day, and nothing of the order or the person', async () => {
    const s = new Shopper(shop.app);
    const page = await s.get(annLink);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="rating"');
    expect(page.body).toContain('name="comments"');
    expect(page.body).not.toContain(ann);

    const empty = await s.post(annLink, { comments: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Please choose a rating or write a few words');
    const badRating = await s.post(annLink, { rating: '9', comments: 'Hello' });
    expect(badRating.statusCode).toBe(400);
    expect(badRating.body).toContain('Please choose a rating from 1 to 5');
    expect(await db().selectFrom('feedback_answers').selectAll().execute()).toEqual([]);

    const answered = await s.post(annLink, { rating: '4', comments: '  Lovely ring, slow post.  ' });
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toContain('Thank you');
    const rows = await db().selectFrom('feedback_answers').selectAll().execute();
    expect(rows).toEqual([
      { id: expect.any(Number), rating: 4, comments: 'Lovely ring, slow post.', created_at: '2026-12-07T00:00:00.000Z' },
    ]);
    expect(JSON.stringify(rows)).not.toContain(annOrder);

    const commentOnly = await s.post(annLink, { comments: 'No rating from me' });
    expect(commentOnly.statusCode).toBe(200);
    expect(
      await db().selectFrom('feedback_answers').select(['rating', 'comments']).where('comments', '=', 'No rating from me').execute(),
    ).toEqual([{ rating: null, comments: 'No rating from me' }]);
  });

  it('answers a link it did not sign with a 404 page, and one past its 30 days with a 410', async () => {
    const s = new Shopper(shop.app);
    const forged = annLink.replace(/AS-[A-Z0-9]{6}/, 'AS-ZZZZZZ');
    for (const url of ['/feedback/nonsense', forged, `${annLink.slice(0, -1)}${annLink.endsWith('0') ? '1' : '0'}`]) {
      const res = await s.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain("That feedback link isn't one we recognise");
      expect((await s.post(url, { rating: '5', comments: 'x' })).statusCode, url).toBe(404);
    }
    now = new Date(now.getTime() + 31 * DAY);
    const expired = await s.get(annLink);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('has run out');
    const before = (await db().selectFrom('feedback_answers').select('id').execute()).length;
    expect((await s.post(annLink, { rating: '5', comments: 'late' })).statusCode).toBe(410);
    expect(await db().selectFrom('feedback_answers').select('id').execute()).toHaveLength(before);
  });
});

describe(`the back office's list of answers (${testDialect})`, () => {
  it('shows owners and managers the answers, as typed, and no one else', async () => {
    for (const role of ['owner', 'manager'] as const) {
      const { cookie } = await signInAs(shop.app, role);
      const res = await shop.app.inject({ method: 'GET', url: '/admin/feedback', headers: { cookie } });
      expect(res.statusCode, role).toBe(200);
      expect(res.body).toContain('Lovely ring, slow post.');
      expect(res.body).toContain('4 of 5');
      expect(res.body).toContain('href="/admin/feedback"');
    }
    for (const role of ['customer_service', 'fulfilment', 'marketing'] as const) {
      const { cookie } = await signInAs(shop.app, role);
      const res = await shop.app.inject({ method: 'GET', url: '/admin/feedback', headers: { cookie } });
      expect(res.statusCode, role).toBe(403);
      expect(res.body).not.toContain('Lovely ring');
    }
  });
});
