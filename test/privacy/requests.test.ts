import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { checkout, lastMail, linkToken, newPerson, registerAndVerify } from '../support/customer.js';
import { formBody, submitForm } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';
import {
  dateForPeople,
  addCalendarMonths,
  checkExtension,
  dueDateOf,
  isRequestReference,
  newRequestReference,
  urgencyOf,
  acknowledgeByOf,
} from '../../src/features/privacy/requests.domain.js';

describe('the statutory clock', () => {
  it('is one calendar month from confirmation, the last day of a shorter month when the day does not exist', () => {
    expect(dueDateOf(new Date('2027-01-31T10:00:00Z'))).toBe('2027-02-28');
    expect(dueDateOf(new Date('2028-01-31T10:00:00Z'))).toBe('2028-02-29');
    expect(dueDateOf(new Date('2027-03-15T10:00:00Z'))).toBe('2027-04-15');
    expect(dueDateOf(new Date('2027-12-31T12:00:00Z'))).toBe('2028-01-31');
    // 23:30 UTC on 31 March is 1 April in the UK (summer time).
    expect(dueDateOf(new Date('2027-03-31T23:30:00Z'))).toBe('2027-05-01');
    expect(addCalendarMonths({ year: 2027, month: 8, day: 31 }, 1)).toEqual({ year: 2027, month: 9, day: 30 });
  });

  it('acknowledges a complaint within 30 days of receipt', () => {
    expect(acknowledgeByOf(new Date('2027-01-10T09:00:00Z'))).toBe('2027-02-09');
  });

  it('marks due soon within 7 days and overdue after the day', () => {
    expect(urgencyOf('2027-02-28', new Date('2027-02-21T09:00:00Z'))).toBe('due-soon');
    expect(urgencyOf('2027-02-28', new Date('2027-02-20T09:00:00Z'))).toBe('on-time');
    expect(urgencyOf('2027-02-28', new Date('2027-02-28T20:00:00Z'))).toBe('due-soon');
    expect(urgencyOf('2027-02-28', new Date('2027-03-01T09:00:00Z'))).toBe('overdue');
  });

  it('extends by one or two months, with a reason, only within the first month, once', () => {
    const r = { status: 'open', confirmed_at: '2027-01-31T10:00:00Z', due_at: '2027-02-28', extended_due_at: null };
    const within = new Date('2027-02-20T10:00:00Z');
    expect(checkExtension(r, 2, 'Many records to gather', within)).toEqual({ ok: true, extendedDue: '2027-04-30' });
    expect(checkExtension(r, 1, 'Many records to gather', within)).toEqual({ ok: true, extendedDue: '2027-03-31' });
    expect(checkExtension(r, 3, 'Many records to gather', within)).toMatchObject({ ok: false, reason: 'months' });
    expect(checkExtension(r, 2, ' ', within)).toMatchObject({ ok: false, reason: 'reason-needed' });
    expect(checkExtension(r, 2, 'Many records', new Date('2027-03-01T10:00:00Z'))).toMatchObject({ ok: false, reason: 'too-late' });
    expect(checkExtension({ ...r, extended_due_at: '2027-03-31' }, 1, 'Again please', within)).toMatchObject({
      ok: false,
      reason: 'already-extended',
    });
    expect(checkExtension({ ...r, status: 'completed' }, 1, 'Many records', within)).toMatchObject({ ok: false, reason: 'not-live' });
  });

  it('gives references like PR-7K2M9Q', () => {
    for (let i = 0; i < 50; i++) expect(isRequestReference(newRequestReference())).toBe(true);
    expect(isRequestReference('PR-7K2M9I')).toBe(false);
  });
});

// ——— The public form, over HTTP, on a real database ———

const HOUR = 3_600_000;
let now = new Date('2027-01-31T10:00:00Z');
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
});
afterAll(async () => shop?.close());

const requestOf = (email: string) =>
  shop.app.db.selectFrom('privacy_requests').selectAll().where('email', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
const ask = (fields: Record<string, string | string[]>) => submitForm(shop.app, '/privacy/rights', '/privacy/rights', fields);

async function confirmFromMail(email: string) {
  const mail = await lastMail(shop.app, email, 'privacy-request-confirm');
  const token = linkToken(mail?.text_body, '/privacy/rights/confirm');
  const page = await shop.app.inject({ method: 'GET', url: `/privacy/rights/confirm?token=${token}` });
  return { token, page };
}
const pressConfirm = (token: string) =>
  shop.app.inject({
    method: 'POST',
    url: '/privacy/rights/confirm',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.config.publicUrl },
    payload: formBody({ token }),
  });

describe('the "Your privacy rights" form', () => {
  it('explains each right and asks without an account', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/privacy/rights' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your privacy rights');
    for (const k of ['access', 'rectification', 'erasure', 'objection', 'restriction', 'complaint'])
      expect(res.body).toContain(`value="${k}"`);
  });

  it('refuses bad input with plain-English messages and a 400', async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ email: 'someone@example.co.uk' }, 'Please choose what you would like us to do.'],
      [{ kind: 'access', email: 'not-an-address' }, 'Please check your e-mail address'],
      [{ kind: 'access', email: '' }, 'Please give your e-mail address'],
      [{ kind: 'rectification', email: 'a@example.co.uk' }, 'Please tell us what is wrong'],
      [{ kind: 'complaint', email: 'a@example.co.uk', details: '  ' }, 'Please tell us what your complaint is about.'],
      [{ kind: 'objection', email: 'a@example.co.uk' }, 'Please tick at least one thing you object to.'],
      [{ kind: 'objection', email: 'a@example.co.uk', objections: 'everything' }, 'Please choose from the list'],
      [{ kind: 'burn-it', email: 'a@example.co.uk' }, 'Please choose what you would like us to do.'],
    ];
    for (const [fields, message] of cases) {
      const res = await ask(fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(message);
    }
    const without = await shop.app.inject({
      method: 'POST',
      url: '/privacy/rights',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ kind: 'access', email: 'a@example.co.uk' }),
    });
    expect(without.statusCode).toBe(403);
  });

  it('answers the same for an address with an account, with guest orders, and unknown to the shop', async () => {
    const customer = await registerAndVerify(shop.app);
    const guest = newPerson();
    await checkout(shop.app, new Shopper(shop.app), { ...GUEST, email: guest.email });
    const stranger = `nobody-${randomBytes(3).toString('hex')}@example.co.uk`;
    const answers = [];
    for (const email of [customer.person.email, guest.email, stranger]) {
      const res = await ask({ kind: 'access', email });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/privacy/rights/check-your-email');
      const page = await shop.app.inject({ method: 'GET', url: String(res.headers.location) });
      answers.push(page.body);
      const row = await requestOf(email);
      expect(row).toMatchObject({
        kind: 'access',
        channel: 'online',
        status: 'awaiting-confirmation',
        confirmed_at: null,
        customer_id: null,
      });
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      const mail = await lastMail(shop.app, email, 'privacy-request-confirm');
      // Stored only as a hash: the token in the mail is not in the row.
      expect(mail?.text_body).not.toContain(row.token_hash);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('Check your e-mail');
  });

  it('confirming within 24 hours starts the clock, sets the date due and links the account', async () => {
    const customer = await registerAndVerify(shop.app);
    expect((await ask({ kind: 'erasure', email: customer.person.email.toUpperCase(), name: 'Grace' })).statusCode).toBe(303);
    now = new Date(now.getTime() + 23 * HOUR);
    const { token, page } = await confirmFromMail(customer.person.email.toUpperCase());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Confirm your privacy request');
    // Opening the link confirms nothing.
    expect((await requestOf(customer.person.email.toUpperCase())).status).toBe('awaiting-confirmation');
    const done = await pressConfirm(token);
    expect(done.statusCode).toBe(200);
    const row = await requestOf(customer.person.email.toUpperCase());
    expect(row).toMatchObject({
      status: 'open',
      confirmed_at: now.toISOString(),
      due_at: dueDateOf(now),
      customer_id: customer.id,
      token_hash: null,
    });
    expect(done.body).toContain(row.reference);
    expect(done.body).toContain(dateForPeople(row.due_at!));
    const steps = await shop.app.db
      .selectFrom('privacy_request_events')
      .select(['step', 'actor'])
      .where('request_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(steps).toEqual([
      { step: 'received', actor: 'person' },
      { step: 'confirmed', actor: 'person' },
    ]);
    // Used: the link no longer works.
    expect((await pressConfirm(token)).statusCode).toBe(404);
  });

  it('a request without an account is confirmed with no account linked', async () => {
    const email = `guest-${randomBytes(3).toString('hex')}@example.co.uk`;
    await ask({ kind: 'objection', email, objections: ['marketing', 'statistics'] });
    const { token } = await confirmFromMail(email);
    expect((await pressConfirm(token)).statusCode).toBe(200);
    const row = await requestOf(email);
    expect(row).toMatchObject({ status: 'open', customer_id: null });
    expect(row.details).toContain('Objects to: marketing, statistics');
  });

  it('an expired link gets a friendly 410 page and confirms nothing', async () => {
    const email = `late-${randomBytes(3).toString('hex')}@example.co.uk`;
    await ask({ kind: 'access', email });
    now = new Date(now.getTime() + 24 * HOUR + 60_000);
    const { token, page } = await confirmFromMail(email);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('That link has expired');
    const pressed = await pressConfirm(token);
    expect(pressed.statusCode).toBe(410);
    expect((await requestOf(email)).status).toBe('awaiting-confirmation');
    const unknown = await shop.app.inject({ method: 'GET', url: '/privacy/rights/confirm?token=nonsense' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain("We couldn't find that link");
  });
});
