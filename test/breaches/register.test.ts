import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';
import { breachForm, manager, pageText } from './support.js';

/**
 * The breach register over HTTP, on a fixed clock that the tests move: recording (and refusing
 * bad input with the form kept), editing, the 72-hour clock on the register and the dashboard,
 * reporting or deciding not to, closing, the ICO draft, access and the audit trail.
 */
const HOUR = 3_600_000;
// 31 hours after the form's discovery time (2027-02-28 14:20 UK time, which is GMT then).
let now = new Date('2027-03-01T21:20:00Z');
let shop: TestShop;
let staff: ReturnType<typeof manager>;
const db = () => shop.app.db;
const breach = (id: number) => db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = (id: number) =>
  db()
    .selectFrom('audit_log')
    .select(['action', 'fields', 'reason', 'actor_role'])
    .where('subject_type', '=', 'breach')
    .where('subject_id', '=', String(id))
    .orderBy('id')
    .execute();

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now });
  staff = manager(shop.app);
});
afterAll(async () => shop?.close());

describe(`recording a suspected breach (${testDialect})`, () => {
  it('offers the form with discovery defaulting to now, the risk levels explained and the data categories', async () => {
    const res = await staff.get('/admin/breaches/new');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text).toContain('value="2027-03-01T21:20"');
    expect(text).toContain('Report it to the ICO within 72 hours of discovering it.');
    expect(text).toContain('also tell the people affected without undue delay');
    expect(text).toContain('No report to the ICO is needed, but the breach stays in this register');
    expect(text).toContain('value="address"');
    expect(text).toContain('do not type names, e-mail addresses');
  });

  it('refuses bad input with a 400, plain messages and the form kept', async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ title: '' }, 'Please give the breach a short title.'],
      [{ discovered_at: '2027-03-05T10:00' }, 'When it was discovered cannot be in the future.'],
      [{ discovered_at: 'last tuesday' }, 'Please give when it was discovered as a day and time'],
      [{ occurred_at: '2027-03-01T10:00' }, 'It cannot have happened after it was discovered.'],
      [{ categories: [] }, 'Please tick at least one kind of data affected'],
      [{ categories: ['passwords'] }, 'Please choose the kinds of data from the list.'],
      [{ risk: 'maybe' }, 'Please choose the risk to the people affected.'],
      [{ risk: 'high' }, 'Please explain the assessment'],
      [{ people_count: 'forty' }, 'Please give the number of people as a whole number'],
      [{ people_affected: 'Ann (ann@example.org) and others' }, 'without their e-mail addresses'],
    ];
    const before = (await db().selectFrom('breaches').select('id').execute()).length;
    for (const [fields, message] of cases) {
      const res = await staff.post('/admin/breaches/new', '/admin/breaches/new', breachForm({ title: 'Kept title', ...fields }));
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      const text = pageText(res.body);
      expect(text, JSON.stringify(fields)).toContain(message);
      if (fields.title === undefined) expect(text).toContain('value="Kept title"');
    }
    expect((await db().selectFrom('breaches').select('id').execute()).length).toBe(before);
  });

  it('records one, with line breaks in its description, audited without what it says', async () => {
    const id = await staff.record();
    const row = await breach(id);
    expect(row).toMatchObject({ discovered_at: '2027-02-28T14:20:00.000Z', risk: 'unassessed', people_count: 40, closed_at: null });
    expect(row.what_happened).toContain('by mistake.\nThe supplier');
    expect(JSON.parse(row.categories)).toEqual(['identity', 'address']);
    const page = pageText((await staff.get(`/admin/breaches/${id}`)).body);
    expect(page).toContain('Report to the ICO by Wed 3 March, 14:20 (41 hours left)');
    expect(page).toContain('1 March 2027 at 21:20 by Test manager');
    const entries = await auditOf(id);
    expect(entries).toEqual([expect.objectContaining({ action: 'create', actor_role: 'manager' })]);
    expect(entries[0]?.fields).toContain('what_happened');
    expect(JSON.stringify(entries)).not.toContain('supplier');
  });
});

describe(`the register and the dashboard (${testDialect})`, () => {
  it('lists every breach, newest first, with its clock, and shows the open ones on the dashboard, the most urgent first', async () => {
    const older = await staff.record({ title: 'Laptop left on a train', discovered_at: '2027-02-27T09:00' });
    const newer = await staff.record({ title: 'Wrong address label', discovered_at: '2027-03-01T20:00' });
    const list = pageText((await staff.get('/admin/breaches')).body);
    expect(list.indexOf('Wrong address label')).toBeLessThan(list.indexOf('Laptop left on a train'));
    expect(list).toContain('Report to the ICO by Thu 4 March, 20:00 (70 hours left)');
    expect(list).toContain('Report to the ICO by Tue 2 March, 09:00 (11 hours left)');

    const dashboard = pageText((await staff.get('/admin')).body);
    expect(dashboard).toContain('a report to the ICO or a decision not to report');
    expect(dashboard).not.toContain('the most urgent shown here');
    expect(dashboard.indexOf(`#${older} Laptop left on a train`)).toBeGreaterThan(-1);
    expect(dashboard.indexOf(`#${older} Laptop`)).toBeLessThan(dashboard.indexOf(`#${newer} Wrong address label`));
    expect(dashboard).toContain('(11 hours left)');
  });

  it('shows an overdue report in red on the register and the dashboard', async () => {
    const id = await staff.record({ title: 'Old unreported incident', discovered_at: '2027-02-26T16:20' });
    const list = (await staff.get('/admin/breaches')).body;
    expect(list).toContain(
      '<strong class="breach-overdue">Overdue by 5 hours: the report to the ICO was due by Mon 1 March, 16:20</strong>',
    );
    expect((await staff.get('/admin')).body).toContain(`#${id} Old unreported incident`);
  });

  it('shows the ten most urgent on the dashboard, and says when there are more', async () => {
    const open = await db().selectFrom('breaches').select('id').where('closed_at', 'is', null).execute();
    for (let i = open.length; i <= 10; i++) await staff.record({ title: `Extra ${i}`, discovered_at: '2027-03-01T21:00' });
    const dashboard = pageText((await staff.get('/admin')).body);
    expect(dashboard).toContain('10+</span> breaches need a report to the ICO or a decision not to report (the most urgent shown here)');
    expect(dashboard).toContain('Old unreported incident');
    expect(dashboard).not.toContain(`Extra 10`);
  });

  it('refuses customer service the register and its actions, and leaves the panel off their dashboard', async () => {
    const { cookie } = await signInAs(shop.app, 'customer_service');
    for (const url of [
      '/admin/breaches',
      '/admin/breaches/new',
      '/admin/breaches/1',
      '/admin/breaches/1/report',
      '/admin/breaches/1/report.txt',
    ]) {
      const res = await shop.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(403);
    }
    const post = await shop.app.inject({
      method: 'POST',
      url: '/admin/breaches/new',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'title=x',
    });
    expect(post.statusCode).toBe(403);
    const dashboard = await shop.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).not.toContain('Breach register');
  });

  it('answers a page past the last, and a breach that does not exist, with a 404', async () => {
    expect((await staff.get('/admin/breaches?page=99')).statusCode).toBe(404);
    expect((await staff.get('/admin/breaches?page=abc')).statusCode).toBe(400);
    expect((await staff.get('/admin/breaches/999999')).statusCode).toBe(404);
    expect((await staff.get('/admin/breaches/nope')).statusCode).toBe(404);
  });
});

describe(`editing, reporting, not reporting and closing (${testDialect})`, () => {
  it('edits the record, auditing which fields changed and the risk levels only', async () => {
    const id = await staff.record();
    const page = `/admin/breaches/${id}/edit`;
    expect(pageText((await staff.get(page)).body)).toContain('value="2027-02-28T14:20"');
    const bad = await staff.post(page, page, breachForm({ risk: 'risk', risk_assessment: '' }));
    expect(bad.statusCode).toBe(400);
    const res = await staff.post(
      page,
      page,
      breachForm({ risk: 'risk', risk_assessment: 'Addresses could be misused for unwanted post.' }),
    );
    expect(res.statusCode).toBe(303);
    expect(await breach(id)).toMatchObject({ risk: 'risk', risk_assessment: 'Addresses could be misused for unwanted post.' });
    const change = (await auditOf(id)).at(-1)!;
    expect(change).toMatchObject({ action: 'change', fields: 'risk,risk_assessment', reason: 'risk: unassessed → risk' });
    expect(JSON.stringify(change)).not.toContain('misused');

    const action = await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/actions`, {
      new_action: 'Asked the supplier to delete the e-mail.',
    });
    expect(action.statusCode).toBe(303);
    expect((await breach(id)).actions).toBe('1 March 2027 at 21:20: Asked the supplier to delete the e-mail.');
    expect((await staff.post(`/admin/breaches/${id}`, `/admin/breaches/${id}/actions`, { new_action: ' ' })).statusCode).toBe(400);
  });

  it('decides not to report only a breach unlikely to result in a risk, with a reason, and keeps it in the register', async () => {
    const id = await staff.record({ risk: 'risk', risk_assessment: 'Could be misused.' });
    const at = `/admin/breaches/${id}`;
    const refused = await staff.post(at, `${at}/not-reported`, { not_reported_reason: 'We think it does not matter much.' });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('so the breach must be reported to the ICO');
    expect((await staff.get(at)).body).not.toContain(`action="${at}/not-reported"`);
    await staff.post(`${at}/edit`, `${at}/edit`, breachForm({ risk: 'unlikely', risk_assessment: 'The list was deleted unread.' }));
    expect((await staff.get(at)).body).toContain(`action="${at}/not-reported"`);
    expect((await staff.post(at, `${at}/not-reported`, { not_reported_reason: 'short' })).statusCode).toBe(400);
    const decided = await staff.post(at, `${at}/not-reported`, {
      not_reported_reason: 'The supplier confirmed it deleted the e-mail unread.',
    });
    expect(decided.statusCode).toBe(303);
    expect(pageText((await staff.get('/admin/breaches')).body)).toContain(
      'Not reported: The supplier confirmed it deleted the e-mail unread.',
    );
    // Raising the risk again withdraws the decision: the clock runs again.
    await staff.post(`${at}/edit`, `${at}/edit`, breachForm({ risk: 'risk', risk_assessment: 'It was read after all.' }));
    expect((await breach(id)).not_reported_reason).toBeNull();
    expect((await auditOf(id)).at(-1)?.fields).toContain('not_reported_reason');
  });

  it('records a report, requiring the reason for a delay after 72 hours, and closes the breach', async () => {
    const id = await staff.record({ discovered_at: '2027-02-26T10:00', risk: 'risk', risk_assessment: 'Could be misused.' });
    const at = `/admin/breaches/${id}`;
    expect((await staff.post(at, `${at}/close`, {})).statusCode).toBe(409);
    const noRef = await staff.post(at, `${at}/report`, { reported_at: '', ico_reference: '', late_reason: '' });
    expect(noRef.statusCode).toBe(400);
    expect(pageText(noRef.body)).toContain('Please give the reference the ICO gave the report.');
    const late = await staff.post(at, `${at}/report`, { reported_at: '', ico_reference: 'IC-123456-A1B2', late_reason: '' });
    expect(late.statusCode).toBe(400);
    expect(pageText(late.body)).toContain('please give the reason for the delay');
    expect(pageText(late.body)).toContain('value="IC-123456-A1B2"');
    const future = await staff.post(at, `${at}/report`, { reported_at: '2027-03-09T10:00', ico_reference: 'IC-1', late_reason: '' });
    expect(future.statusCode).toBe(400);
    const ok = await staff.post(at, `${at}/report`, {
      reported_at: '',
      ico_reference: 'IC-123456-A1B2',
      late_reason: 'The owner was abroad and only learnt of it on her return.',
    });
    expect(ok.statusCode).toBe(303);
    expect(await breach(id)).toMatchObject({ reported_at: now.toISOString(), ico_reference: 'IC-123456-A1B2' });
    expect(pageText((await staff.get('/admin/breaches')).body)).toContain('Reported on 1 March 2027 at 21:20 (after the 72 hours)');
    expect((await staff.post(at, `${at}/report`, { reported_at: '', ico_reference: 'IC-2', late_reason: '' })).statusCode).toBe(409);

    expect((await staff.post(at, `${at}/close`, {})).statusCode).toBe(303);
    expect((await breach(id)).closed_at).toBe(now.toISOString());
    // Closed: the record stays in the register, and no longer changes.
    expect((await staff.post(at, `${at}/edit`, breachForm())).statusCode).toBe(409);
    expect((await staff.post(at, `${at}/actions`, { new_action: 'More' })).statusCode).toBe(409);
    expect(pageText((await staff.get('/admin/breaches')).body)).toContain('Closed 1 March 2027 at 21:20');
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['create', 'change', 'change']);
  });

  it('closes a high-risk breach only once the people are told or the reason they are not is recorded', async () => {
    const id = await staff.record({ risk: 'high', risk_assessment: 'Addresses with what was bought: risk of burglary.' });
    const at = `/admin/breaches/${id}`;
    await staff.post(at, `${at}/report`, { reported_at: '2027-03-01T09:00', ico_reference: 'IC-99', late_reason: '' });
    expect((await breach(id)).late_reason).toBeNull();
    const refused = await staff.post(at, `${at}/close`, {});
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('The risk is high: please tell the people affected');
    expect(
      (await staff.post(at, `${at}/not-told`, { not_told_reason: 'The list was encrypted with a key the supplier never had.' })).statusCode,
    ).toBe(303);
    expect((await staff.post(at, `${at}/close`, {})).statusCode).toBe(303);
  });
});

describe(`the draft of the ICO report (${testDialect})`, () => {
  it('assembles the record in the order of the ICO’s form, printable and as plain text', async () => {
    const id = await staff.record({
      discovered_at: '2027-02-26T10:00',
      occurred_at: '2027-02-25T18:00',
      risk: 'risk',
      risk_assessment: 'Names and addresses could be used for unwanted post.',
      actions: 'Asked the supplier to delete it.',
    });
    const html = await staff.get(`/admin/breaches/${id}/report`);
    expect(html.statusCode).toBe(200);
    const page = pageText(html.body);
    const { shop: org } = shop.config;
    const order = [
      org.name,
      org.address,
      org.icoNumber,
      org.email,
      'A packing list of orders was e-mailed to a supplier by mistake.',
      '25 February 2027 at 18:00',
      '26 February 2027 at 10:00',
      'How we discovered it',
      'Identity, Addresses',
      'Names and delivery addresses; no payment details.',
      '40',
      'Customers whose orders were packed on 26 February',
      'Names and addresses could be used for unwanted post.',
      'Asked the supplier to delete it.',
      'Have the people affected been told?',
      'Why this report is later than 72 hours',
    ];
    let last = -1;
    for (const part of order) {
      const i = page.indexOf(part, last + 1);
      expect(i, part).toBeGreaterThan(last);
      last = i;
    }
    expect(html.body).toContain('class="breach-report-help"');

    const txt = await staff.get(`/admin/breaches/${id}/report.txt`);
    expect(txt.statusCode).toBe(200);
    expect(txt.headers['content-type']).toContain('text/plain');
    expect(txt.headers['content-disposition']).toBe(`attachment; filename="breach-${id}-ico-report.txt"`);
    expect(txt.body).toContain(`Organisation name:\n  ${org.name}`);
    expect(txt.body).toContain(
      'What happened:\n  A packing list of orders was e-mailed to a supplier by mistake.\n  The supplier told us the same day.',
    );
    expect(txt.body).toContain('Number of people affected:\n  40');

    // Once reported late, the reason is in the draft.
    const at = `/admin/breaches/${id}`;
    await staff.post(at, `${at}/report`, {
      reported_at: '',
      ico_reference: 'IC-7',
      late_reason: 'Our only manager was on leave that week.',
    });
    const after = (await staff.get(`/admin/breaches/${id}/report.txt`)).body;
    expect(after).toContain('ICO reference:\n  IC-7');
    expect(after).toContain('Why this report is later than 72 hours:\n  Our only manager was on leave that week.');
  });
});

describe(`time moves on (${testDialect})`, () => {
  it('turns a breach overdue on the register once its 72 hours pass', async () => {
    const id = await staff.record({ title: 'Clock check', discovered_at: '2027-03-01T21:00' });
    expect(pageText((await staff.get(`/admin/breaches/${id}`)).body)).toContain('(71 hours left)');
    now = new Date(now.getTime() + 72 * HOUR);
    expect(pageText((await staff.get(`/admin/breaches/${id}`)).body)).toContain('Overdue by 20 minutes');
  });
});
