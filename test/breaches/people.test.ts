import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breachesSubjects } from '../../src/features/breaches/breaches.service.js';
import { contracts } from '../../src/features/privacy/contracts.registry.js';
import { inTransaction } from '../../src/db/database.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { registerAndVerify } from '../support/customer.js';
import { keepingMailer } from '../support/mail.js';
import { manager, pageText } from './support.js';

/**
 * Telling the people a breach affects (Art. 34): listing them by address (checked, each once,
 * matched to accounts), the notice drafted from the record, its review (cleared by any change),
 * and one e-mail each through the outbox with exactly the reviewed text, each person once.
 * Then their rows as the privacy feature sees them: exported, kept through an erasure.
 */
let now = new Date('2027-03-01T21:20:00Z');
let shop: TestShop;
let staff: ReturnType<typeof manager>;
const db = () => shop.app.db;
const breach = (id: number) => db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const people = (id: number) => db().selectFrom('breach_people').selectAll().where('breach_id', '=', id).orderBy('email').execute();
const noticesOf = (id: number) =>
  db().selectFrom('mail_outbox').selectAll().where('reference', '=', `breach-${id}`).orderBy('to_address').execute();

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now });
  staff = manager(shop.app);
});
afterAll(async () => shop?.close());

describe(`telling the people affected (${testDialect})`, () => {
  let id: number;
  let account: { id: number; email: string };
  const at = () => `/admin/breaches/${id}`;

  beforeAll(async () => {
    const registered = await registerAndVerify(shop.app);
    account = { id: registered.id, email: registered.person.email };
    id = await staff.record({
      risk: 'high',
      risk_assessment: 'Addresses with what was bought: a risk of burglary.',
      actions: 'Asked the supplier to delete it.',
    });
  });

  it('adds people from a pasted list, checked, each once, matched to their accounts, audited by counts', async () => {
    const bad = await staff.post(at(), `${at()}/people`, { emails: 'ann@example.org\nnot an address' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Line 2 is not an e-mail address');
    expect(pageText(bad.body)).toContain('not an address');
    expect(await people(id)).toEqual([]);

    const list = ['ann@example.org', 'ANN@example.org', '', account.email.toUpperCase(), 'bob@example.org'].join('\r\n');
    expect((await staff.post(at(), `${at()}/people`, { emails: list })).statusCode).toBe(303);
    // Once more, with one new: only that one is added.
    expect((await staff.post(at(), `${at()}/people`, { emails: 'Bob@example.org\ncarol@example.org' })).statusCode).toBe(303);
    const rows = await people(id);
    expect(rows.map((r) => r.email.toLowerCase()).sort()).toEqual(
      ['ann@example.org', account.email.toLowerCase(), 'bob@example.org', 'carol@example.org'].sort(),
    );
    expect(rows.find((r) => r.email.toLowerCase() === account.email.toLowerCase())?.customer_id).toBe(account.id);
    expect(rows.find((r) => r.email === 'ann@example.org')?.customer_id).toBeNull();
    expect(pageText((await staff.get(at())).body)).toContain('4 listed, 0 told.');

    const entries = await db()
      .selectFrom('audit_log')
      .select(['action', 'fields', 'reason'])
      .where('subject_type', '=', 'breach')
      .where('subject_id', '=', String(id))
      .execute();
    expect(entries.filter((e) => e.fields === 'breach_people').map((e) => e.reason)).toEqual([
      '3 added, 0 already listed',
      '1 added, 1 already listed',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/@/);
  });

  it('records the look at the list of addresses in the audit trail', async () => {
    const res = await staff.get(`${at()}/people`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('carol@example.org');
    const look = await db()
      .selectFrom('audit_log')
      .select(['action', 'fields'])
      .where('subject_type', '=', 'breach')
      .where('action', '=', 'view')
      .execute();
    expect(look).toEqual([{ action: 'view', fields: 'breach_people.email,breach_people.customer_id' }]);
  });

  it('refuses to send before the notice is written and reviewed', async () => {
    const refused = await staff.post(at(), `${at()}/notice/send`, {});
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('The notice has not been reviewed');
    expect(await noticesOf(id)).toEqual([]);
  });

  it('drafts the notice from the record, and will not mark it reviewed while parts are left to complete', async () => {
    const form = pageText((await staff.get(`${at()}/notice`)).body);
    expect(form).toContain('Important: a breach affecting your data at');
    expect(form).toContain('What happened: A packing list of orders was e-mailed to a supplier by mistake.');
    expect(form).toContain('What this may mean for you: Addresses with what was bought: a risk of burglary.');
    expect(form).toContain('What we are doing: Asked the supplier to delete it.');
    expect(form).toContain('What you can do: [To complete:');
    expect(form).toContain(shop.config.shop.email);
    const draft = /<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(form)?.[1] ?? '';
    expect((await staff.post(`${at()}/notice`, `${at()}/notice`, { subject: 'A breach of your data', body: draft })).statusCode).toBe(303);
    const refused = await staff.post(`${at()}/notice/preview`, `${at()}/notice/review`, {});
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('please complete them first');
    expect((await staff.post(`${at()}/notice`, `${at()}/notice`, { subject: '', body: '' })).statusCode).toBe(400);
  });

  const finalBody = [
    'We are writing to tell you about a breach of your data.',
    'What happened: a list of orders went to the wrong supplier.\nThey have deleted it.',
    'What you can do: be wary of anyone calling about your order.',
  ].join('\n\n');

  it('previews exactly the e-mail, records who reviewed it and when, and clears the review when the text changes', async () => {
    expect((await staff.post(`${at()}/notice`, `${at()}/notice`, { subject: 'A breach of your data', body: finalBody })).statusCode).toBe(
      303,
    );
    const preview = await staff.get(`${at()}/notice/preview`);
    expect(preview.statusCode).toBe(200);
    expect(pageText(preview.body)).toContain('What happened: a list of orders went to the wrong supplier.\nThey have deleted it.');
    const html = await staff.get(`${at()}/notice/preview.html`);
    expect(html.headers['content-security-policy']).toContain('sandbox');
    expect(pageText(html.body)).toContain('be wary of anyone calling about your order.');

    const reviewer = await staff.cookie();
    expect((await staff.post(`${at()}/notice/preview`, `${at()}/notice/review`, {})).statusCode).toBe(303);
    const reviewed = await breach(id);
    expect(reviewed.notice_reviewed_at).toBe(now.toISOString());
    expect(reviewed.notice_reviewed_by).toBeGreaterThan(0);
    expect(pageText((await staff.get(`${at()}/notice/preview`)).body)).toContain('Reviewed on 1 March 2027 at 21:20 by Test manager.');
    expect(reviewer).toBeTruthy();

    // A change after the review clears it: the changed text must be reviewed again.
    await staff.post(`${at()}/notice`, `${at()}/notice`, { subject: 'A breach of your data at our shop', body: finalBody });
    expect(await breach(id)).toMatchObject({ notice_reviewed_at: null, notice_reviewed_by: null });
    expect((await staff.post(at(), `${at()}/notice/send`, {})).statusCode).toBe(409);
    now = new Date(now.getTime() + 60_000);
    expect((await staff.post(`${at()}/notice/preview`, `${at()}/notice/review`, {})).statusCode).toBe(303);
  });

  it('sends one service e-mail per person through the outbox with the reviewed text, each person once', async () => {
    const sent = await staff.post(at(), `${at()}/notice/send`, {});
    expect(sent.statusCode).toBe(303);
    const mails = await noticesOf(id);
    expect(mails).toHaveLength(4);
    expect(new Set(mails.map((m) => m.to_address.toLowerCase())).size).toBe(4);
    for (const m of mails) {
      expect(m).toMatchObject({ kind: 'breach-notice', subject: 'A breach of your data at our shop', purpose: null });
      expect(m.text_body).toContain('What happened: a list of orders went to the wrong supplier.\nThey have deleted it.');
      expect(m.text_body).toContain('be wary of anyone calling about your order.');
    }
    const rows = await people(id);
    expect(rows.every((r) => r.told_at === now.toISOString())).toBe(true);
    expect((await breach(id)).people_told_at).toBe(now.toISOString());

    // Sending again tells no one twice; someone added later is told alone.
    expect((await staff.post(at(), `${at()}/notice/send`, {})).statusCode).toBe(409);
    await staff.post(at(), `${at()}/people`, { emails: 'dan@example.org\nann@example.org' });
    expect((await staff.post(at(), `${at()}/notice/send`, {})).statusCode).toBe(303);
    const after = await noticesOf(id);
    expect(after).toHaveLength(5);
    expect(after.filter((m) => m.to_address === 'ann@example.org')).toHaveLength(1);

    // The outbox delivers them: the mail server receives the reviewed text.
    const mailer = keepingMailer();
    const { deliverDueMail } = await import('../../src/features/mail/outbox.service.js');
    await deliverDueMail(db(), mailer, now);
    const delivered = mailer.sent.filter((m) => m.subject === 'A breach of your data at our shop');
    expect(delivered).toHaveLength(5);
    expect(delivered[0]?.text).toContain('be wary of anyone calling about your order.');

    const sends = await db()
      .selectFrom('audit_log')
      .select(['fields', 'reason'])
      .where('subject_type', '=', 'breach')
      .where('subject_id', '=', String(id))
      .where('reason', 'like', 'notice queued%')
      .execute();
    expect(sends.map((s) => s.reason)).toEqual(['notice queued for 4 people', 'notice queued for 1 person']);

    // Told: the high-risk breach may now close (once reported).
    await staff.post(at(), `${at()}/report`, { reported_at: '', ico_reference: 'IC-5', late_reason: '' });
    expect((await staff.post(at(), `${at()}/close`, {})).statusCode).toBe(303);
  });
});

describe(`sending twice at once (${testDialect})`, () => {
  it('tells each person once when two members of staff press Send together', async () => {
    const id = await staff.record({ title: 'Twice', risk: 'high', risk_assessment: 'A risk of fraud.' });
    const at = `/admin/breaches/${id}`;
    await staff.post(at, `${at}/people`, { emails: 'p1@example.org\np2@example.org\np3@example.org' });
    await staff.post(`${at}/notice`, `${at}/notice`, { subject: 'About your data', body: 'We are writing to tell you about a breach.' });
    expect((await staff.post(`${at}/notice/preview`, `${at}/notice/review`, {})).statusCode).toBe(303);
    const statuses = (await Promise.all([staff.post(at, `${at}/notice/send`, {}), staff.post(at, `${at}/notice/send`, {})])).map(
      (r) => r.statusCode,
    );
    expect(statuses.sort()).toEqual([303, 409]);
    expect(await noticesOf(id)).toHaveLength(3);
  });
});

describe(`the people's rows as the privacy feature sees them (${testDialect})`, () => {
  it('exports every declared column, and erasure deletes the rows, leaving the register and other people as they were', async () => {
    const registered = await registerAndVerify(shop.app);
    const id = await staff.record({ title: 'For the copy' });
    await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/people`, { emails: registered.person.email });
    const person = { customerId: registered.id, emails: [registered.person.email.toUpperCase()], staffId: null };
    const declared = contracts
      .flatMap((c) => c.inventory.personal)
      .filter((c) => c.table === 'breach_people')
      .map((c) => c.column);
    expect(declared.sort()).toEqual(['customer_id', 'email', 'told_at']);

    const copy = await inTransaction(db(), (trx) => breachesSubjects.exportSubject(trx, person));
    expect(copy.breach_people).toHaveLength(1);
    for (const column of declared) expect(copy.breach_people?.[0]).toHaveProperty(column);
    expect(copy.breach_people?.[0]).toMatchObject({ breach_id: id, customer_id: registered.id });

    const known = await inTransaction(db(), (trx) => breachesSubjects.knownPeople!(trx));
    expect(known).toContainEqual({ email: registered.person.email, customerId: registered.id, staffId: null });

    await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/people`, { emails: 'someone.else@example.org' });
    const report = await inTransaction(db(), (trx) => breachesSubjects.eraseSubject(trx, person, now));
    expect(report).toEqual({ breach_people: { deleted: 1, anonymised: 0 } });
    expect((await people(id)).map((r) => r.email)).toEqual(['someone.else@example.org']);
    expect((await breach(id)).title).toBe('For the copy');
  });

  it('deletes the people of a breach 90 days after it closes, by its retention job', async () => {
    const id = await staff.record({ title: 'Retention', risk: 'unlikely', risk_assessment: 'Nothing readable was sent.' });
    await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/people`, { emails: 'erin@example.org' });
    await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/not-reported`, {
      not_reported_reason: 'The file was encrypted and the key was not sent.',
    });
    expect((await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/close`, {})).statusCode).toBe(303);
    const closedAt = now.getTime();
    const run = (days: number) => jobRegistry['breaches.retention'].run(shop.app, new Date(closedAt + days * 86_400_000));
    expect(await run(89)).toEqual({ deleted: 0 });
    expect(await people(id)).toHaveLength(1);
    expect((await run(91)).deleted).toBeGreaterThanOrEqual(1);
    expect(await people(id)).toHaveLength(0);
    expect((await breach(id)).title).toBe('Retention');
  });
});
