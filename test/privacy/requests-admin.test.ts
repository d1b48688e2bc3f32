import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRegistry } from '../../src/jobs/registry.js';
import { dueDateOf } from '../../src/features/privacy/requests.domain.js';
import { type TestShop, buildTestShop } from '../support/build-app.js';
import { checkout, lastMail, linkToken, newPerson, send, signedInCustomer } from '../support/customer.js';
import { submitForm } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { confirmedRequest } from '../support/privacy.js';
import { adminPost, signInAs } from '../support/staff.js';

const DAY = 86_400_000;
let now = new Date('2027-03-01T09:00:00Z');
let shop: TestShop;
let staff: { cookie: string; staffId: number };
let owner: { cookie: string; staffId: number; email: string };
beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
  staff = await signInAs(shop.app, 'customer_service');
  owner = await signInAs(shop.app, 'owner');
});
afterAll(async () => shop?.close());

const db = () => shop.app.db;
/** Moves the clock; staff sessions lapse when it jumps, so staff sign in again. */
async function move(ms: number) {
  now = new Date(now.getTime() + ms);
  staff = await signInAs(shop.app, 'customer_service');
  owner = await signInAs(shop.app, 'owner');
}
const byRef = (reference: string) =>
  db().selectFrom('privacy_requests').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
const stepsOf = async (reference: string) =>
  (
    await db()
      .selectFrom('privacy_request_events')
      .innerJoin('privacy_requests', 'privacy_requests.id', 'privacy_request_events.request_id')
      .select(['step', 'actor'])
      .where('reference', '=', reference)
      .orderBy('privacy_request_events.id')
      .execute()
  ).map((s) => s.step);
const auditsOf = (reference: string) =>
  db()
    .selectFrom('audit_log')
    .select(['action', 'actor_role', 'reason'])
    .where('subject_type', '=', 'privacy_request')
    .where('subject_id', '=', reference)
    .execute();

const intake = (fields: Record<string, string | string[]>) =>
  adminPost(shop.app, staff.cookie, '/admin/privacy-requests/new', '/admin/privacy-requests/new', fields);
const act = (reference: string, action: string, fields: Record<string, string> = {}) =>
  adminPost(shop.app, staff.cookie, `/admin/privacy-requests/${reference}`, `/admin/privacy-requests/${reference}/${action}`, fields);
const referenceOf = (location: unknown) => String(location).match(/PR-[0-9A-Z]{6}/)?.[0] ?? '';

const fresh = (what: string) => `${what}-${randomBytes(3).toString('hex')}@example.co.uk`;

describe('staff intake', () => {
  it('is refused with plain messages when incomplete', async () => {
    const res = await intake({ kind: 'access', channel: 'email', received: '2027-02-30', identity: 'email' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please give the e-mail address on record');
    const future = await intake({ kind: 'access', channel: 'email', received: '2099-01-01', email: fresh('x'), identity: 'email' });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('cannot be in the future');
    const byPost = await intake({ kind: 'access', channel: 'email', received: '2027-02-27', name: 'A Person', identity: 'post' });
    expect(byPost.statusCode).toBe(400);
    expect(byPost.body).toContain('only for a request that came by post');
  });

  it('a request by e-mail is checked with the confirmation e-mail; the clock starts on confirmation', async () => {
    const email = fresh('mailed');
    const res = await intake({ kind: 'access', channel: 'email', received: '2027-02-27', email, identity: 'email' });
    expect(res.statusCode).toBe(303);
    const reference = referenceOf(res.headers.location);
    expect(await byRef(reference)).toMatchObject({ status: 'awaiting-confirmation', channel: 'email', confirmed_at: null, due_at: null });
    expect((await lastMail(shop.app, email, 'privacy-request-confirm'))?.text_body).toContain(reference);
    expect(await auditsOf(reference)).toEqual([expect.objectContaining({ action: 'create', actor_role: 'customer_service' })]);
  });

  it('a letter with no e-mail may be checked by post: the clock starts at once', async () => {
    const res = await intake({
      kind: 'rectification',
      channel: 'post',
      received: '2027-02-26',
      name: 'Ann Other',
      details: 'The surname on my order is misspelt',
      identity: 'post',
      identityNote: 'Letter matched the name and address of an order',
    });
    expect(res.statusCode).toBe(303);
    const reference = referenceOf(res.headers.location);
    expect(await byRef(reference)).toMatchObject({ status: 'open', confirmed_at: now.toISOString(), due_at: dueDateOf(now), email: null });
    expect(await stepsOf(reference)).toEqual(['received', 'confirmed']);
    const page = await shop.app.inject({ method: 'GET', url: `/admin/privacy-requests/${reference}`, headers: { cookie: staff.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/admin/privacy-requests/${reference}/correction`);
    const closed = await act(reference, 'close', { outcome: 'Corrected the surname on the order' });
    expect(closed.statusCode).toBe(303);
    expect(await byRef(reference)).toMatchObject({ status: 'completed', outcome: 'Corrected the surname on the order' });
  });

  it('the list shows open requests first and marks those due soon and overdue', async () => {
    const list = await shop.app.inject({ method: 'GET', url: '/admin/privacy-requests?status=live', headers: { cookie: staff.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Privacy requests');
    const nobody = await shop.app.inject({ method: 'GET', url: '/admin/privacy-requests/PR-000000', headers: { cookie: staff.cookie } });
    expect(nobody.statusCode).toBe(404);
    const fulfilment = await signInAs(shop.app, 'fulfilment');
    expect(
      (await shop.app.inject({ method: 'GET', url: '/admin/privacy-requests', headers: { cookie: fulfilment.cookie } })).statusCode,
    ).toBe(403);
  });
});

describe('the clock', () => {
  it('extends only with a reason, within the first month, by at most two months, and tells the person', async () => {
    const email = fresh('extend');
    const r = await confirmedRequest(shop.app, email, { kind: 'access' });
    expect((await act(r.reference, 'extend', { months: '2', reason: '' })).statusCode).toBe(400);
    expect((await act(r.reference, 'extend', { months: '3', reason: 'Many records to gather' })).statusCode).toBe(400);
    const ok = await act(r.reference, 'extend', { months: '2', reason: 'Many records to gather' });
    expect(ok.statusCode).toBe(303);
    const row = await byRef(r.reference);
    expect(row).toMatchObject({ status: 'extended', extension_reason: 'Many records to gather', extended_due_at: '2027-06-01' });
    const told = await lastMail(shop.app, email, 'privacy-request-extended');
    expect(told?.text_body).toContain('Many records to gather');
    expect(told?.text_body).toContain('1 June 2027');
    expect((await act(r.reference, 'extend', { months: '1', reason: 'Once more please' })).statusCode).toBe(409);
    expect(await stepsOf(r.reference)).toContain('extended');

    const late = await confirmedRequest(shop.app, fresh('late'), { kind: 'access' });
    await move(32 * DAY);
    const refused = await act(late.reference, 'extend', { months: '1', reason: 'Many records to gather' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('The first month is over');
  });

  it('a complaint is acknowledged by e-mail, and cannot be closed before', async () => {
    const email = fresh('complaint');
    const r = await confirmedRequest(shop.app, email, { kind: 'complaint', details: 'You kept e-mailing me after I unsubscribed' });
    expect((await act(r.reference, 'close', { outcome: 'Looked into it' })).statusCode).toBe(409);
    expect((await act(r.reference, 'acknowledge')).statusCode).toBe(303);
    expect((await byRef(r.reference)).acknowledged_at).toBe(now.toISOString());
    expect((await lastMail(shop.app, email, 'privacy-complaint-ack'))?.subject).toContain(r.reference);
    expect((await act(r.reference, 'acknowledge')).statusCode).toBe(409);
    expect((await act(r.reference, 'close', { outcome: 'Suppression fixed; apology sent' })).statusCode).toBe(303);
  });

  it('refusing tells the person of their right to complain to the ICO', async () => {
    const email = fresh('refuse');
    const r = await confirmedRequest(shop.app, email, { kind: 'erasure' });
    expect((await act(r.reference, 'refuse', { reason: '' })).statusCode).toBe(400);
    expect((await act(r.reference, 'refuse', { reason: 'The fourth identical request this week' })).statusCode).toBe(303);
    expect(await byRef(r.reference)).toMatchObject({ status: 'refused' });
    expect((await lastMail(shop.app, email, 'privacy-request-refused'))?.text_body).toContain('Information Commissioner');
  });
});

describe('the answer to an access request', () => {
  it('is a link valid 7 days to one person’s copy (guest orders found by e-mail), audited at each opening', async () => {
    const guest = newPerson();
    const order = await checkout(shop.app, new Shopper(shop.app), { ...GUEST, email: guest.email });
    const r = await confirmedRequest(shop.app, guest.email, { kind: 'access' });
    expect((await act(r.reference, 'answer')).statusCode).toBe(303);
    expect(await byRef(r.reference)).toMatchObject({ status: 'completed' });
    const mail = await lastMail(shop.app, guest.email, 'privacy-request-answer');
    const token = linkToken(mail?.text_body, '/privacy/requests/answer');
    const row = await byRef(r.reference);
    expect(row.answer_token_hash).not.toBe(token);

    const page = await shop.app.inject({ method: 'GET', url: `/privacy/requests/answer?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(order.number);
    const zip = await shop.app.inject({ method: 'GET', url: `/privacy/requests/answer/zip?token=${token}` });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toContain('application/zip');
    const opened = (await auditsOf(r.reference)).filter((a) => a.action === 'export');
    expect(opened).toHaveLength(2);
    expect((await stepsOf(r.reference)).filter((s) => s === 'opened')).toHaveLength(2);

    await move(7 * DAY + 60_000);
    const expired = await shop.app.inject({ method: 'GET', url: `/privacy/requests/answer?token=${token}` });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('That link has expired');
    const wrong = await shop.app.inject({ method: 'GET', url: `/privacy/requests/answer?token=${'x'.repeat(43)}` });
    expect(wrong.statusCode).toBe(404);
  });
});

describe('erasure', () => {
  it('erases the person, keeps only counts as the outcome, closes and minimises the request; the residue scan can be run after', async () => {
    const guest = newPerson();
    await checkout(shop.app, new Shopper(shop.app), { ...GUEST, email: guest.email });
    const r = await confirmedRequest(shop.app, guest.email, { kind: 'erasure', name: 'Grace Hopper' });
    const erased = await act(r.reference, 'erase');
    expect(erased.statusCode).toBe(303);
    const row = await byRef(r.reference);
    expect(row).toMatchObject({ status: 'completed', email: null, name: null, details: null, customer_id: null });
    expect(row.outcome).toMatch(/^Erased: \d+ rows deleted/);
    expect(row.outcome).not.toContain(guest.email);
    expect(row.outcome).not.toContain('Hopper');
    const stored = JSON.parse(row.residue_scan ?? '{}') as { traceKeys: string[] };
    expect(stored.traceKeys.length).toBeGreaterThan(0);
    expect(row.residue_scan).not.toContain(guest.email);
    const page = await shop.app.inject({ method: 'GET', url: `/admin/privacy-requests/${r.reference}`, headers: { cookie: staff.cookie } });
    expect(page.body).toContain('Run the residue scan');
    expect(page.body).not.toContain(guest.email);
    expect((await act(r.reference, 'erase')).statusCode).toBe(409);
    const scanned = await act(r.reference, 'residue-scan');
    expect(scanned.statusCode).toBe(303);
    const after = JSON.parse((await byRef(r.reference)).residue_scan ?? '{}') as { scan: { scannedAt: string } | null };
    expect(after.scan?.scannedAt).toBe(now.toISOString());
    const shown = await shop.app.inject({
      method: 'GET',
      url: `/admin/privacy-requests/${r.reference}`,
      headers: { cookie: staff.cookie },
    });
    expect(shown.body).toMatch(/Residue scan of [^<]*: (clean|traces found)/);
    expect(await stepsOf(r.reference)).toEqual(expect.arrayContaining(['erased', 'closed', 'residue-scan']));
  });
});

describe('erasure from Account Home', () => {
  it('is recorded as a request confirmed at once, and closed and minimised when done', async () => {
    const customer = await signedInCustomer(shop.app);
    const res = await send(customer.shopper, '/account/privacy/delete', '/account/privacy/delete', { password: customer.person.password });
    expect(res.statusCode).toBe(200);
    const reference = res.body.match(/PR-[0-9A-HJKMNP-TV-Z]{6}/)?.[0] ?? '';
    expect(reference).not.toBe('');
    const row = await byRef(reference);
    expect(row).toMatchObject({ kind: 'erasure', channel: 'account', status: 'completed', email: null, customer_id: null });
    expect(row.confirmed_at).toBe(now.toISOString());
    expect(row.minimised_at).toBe(now.toISOString());
    expect(await stepsOf(reference)).toEqual(['received', 'confirmed', 'erased', 'closed']);
  });
});

describe('objection', () => {
  it('applies the flags the person chose and closes the request', async () => {
    const email = fresh('object');
    const r = await confirmedRequest(shop.app, email, { kind: 'objection', objections: ['sharing', 'statistics'] });
    const res = await act(r.reference, 'apply');
    expect(res.statusCode).toBe(303);
    const row = await byRef(r.reference);
    expect(row.status).toBe('completed');
    const flags = await db().selectFrom('privacy_flags').select('kind').where('request_id', '=', row.id).orderBy('kind').execute();
    expect(flags.map((f) => f.kind)).toEqual(['objection-sharing', 'objection-statistics']);
  });
});

describe('the dashboard and the daily job', () => {
  it('counts due-soon and overdue requests and complaints to acknowledge; the owner gets a digest; closed requests are minimised', async () => {
    // A fresh clock far ahead, so that only the requests made here are live and due.
    now = new Date('2028-05-01T09:00:00Z');
    await move(0);
    await db()
      .updateTable('privacy_requests')
      .set({ status: 'withdrawn', closed_at: now.toISOString() })
      .where('status', 'in', ['open', 'extended'])
      .execute();
    const soon = await confirmedRequest(shop.app, fresh('soon'), { kind: 'access' });
    const over = await confirmedRequest(shop.app, fresh('over'), { kind: 'restriction' });
    await confirmedRequest(shop.app, fresh('grumble'), { kind: 'complaint', details: 'Unhappy' });
    // Move the clock: 'soon' is due in 5 days; make 'over' overdue by dating its confirmation back.
    await move(26 * DAY);
    await db().updateTable('privacy_requests').set({ due_at: '2028-05-20' }).where('id', '=', over.id).execute();
    const dash = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: staff.cookie } });
    expect(dash.statusCode).toBe(200);
    const panel = dash.body.replace(/<[^>]+>/g, '');
    expect(panel).toContain('1 privacy requests overdue, 2 due');
    expect(panel).toContain('1 complaint awaiting acknowledgement');
    const marketing = await signInAs(shop.app, 'marketing');
    const theirs = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie: marketing.cookie } });
    expect(theirs.body).not.toContain('privacy requests overdue');

    // An unconfirmed request older than 24 hours expires.
    const unconfirmedEmail = fresh('never');
    await submitForm(shop.app, '/privacy/rights', '/privacy/rights', { kind: 'access', email: unconfirmedEmail });
    await move(25 * 3_600_000);
    const awaiting = await db().selectFrom('privacy_requests').select('id').where('status', '=', 'awaiting-confirmation').execute();
    expect(awaiting.length).toBeGreaterThanOrEqual(2);
    const counts = await jobRegistry['privacy.requests'].run(shop.app, now);
    expect(counts.expired).toBe(awaiting.length);
    expect(counts.digests).toBeGreaterThanOrEqual(1);
    const digest = await lastMail(shop.app, owner.email, 'privacy-requests-digest');
    expect(digest?.text_body).toContain(over.reference);
    expect(digest?.text_body).toContain(soon.reference);
    expect(digest?.text_body).toContain('Overdue:');
    expect(digest?.text_body).not.toContain(over.email!);
    expect(
      (await db().selectFrom('privacy_requests').select('status').where('email', '=', unconfirmedEmail).executeTakeFirstOrThrow()).status,
    ).toBe('expired');

    // Closed 30 days ago and more: minimised; the record and its fingerprint stay.
    expect((await act(soon.reference, 'answer')).statusCode).toBe(303);
    await move(31 * DAY);
    const later = await jobRegistry['privacy.requests'].run(shop.app, now);
    expect(later.minimised).toBeGreaterThanOrEqual(1);
    const row = await byRef(soon.reference);
    expect(row).toMatchObject({ email: null, name: null, details: null, customer_id: null, answer_token_hash: null });
    expect(row.minimised_at).toBe(now.toISOString());
    expect(row.address_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
