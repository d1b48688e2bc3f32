import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';
import { manager, pageText } from './support.js';

/**
 * Removing a person listed by mistake from a breach's people affected: only while they have not
 * been told (the record of who was told stays) and while the breach is open; audited by count,
 * never by address; the removed person is not e-mailed when the notice is sent.
 */
const now = new Date('2027-03-01T21:20:00Z');
let shop: TestShop;
let staff: ReturnType<typeof manager>;
const db = () => shop.app.db;
const people = (id: number) =>
  db().selectFrom('breach_people').select(['email', 'told_at']).where('breach_id', '=', id).orderBy('email').execute();
const noticesOf = (id: number) =>
  db().selectFrom('mail_outbox').select('to_address').where('reference', '=', `breach-${id}`).orderBy('to_address').execute();
const entriesOf = (id: number) =>
  db()
    .selectFrom('audit_log')
    .selectAll()
    .where('subject_type', '=', 'breach')
    .where('subject_id', '=', String(id))
    .orderBy('id')
    .execute();

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now });
  staff = manager(shop.app);
});
afterAll(async () => shop?.close());

describe(`removing a person listed by mistake (${testDialect})`, () => {
  let id: number;
  const at = () => `/admin/breaches/${id}`;
  const list = () => `${at()}/people`;
  const remove = (email: string) => staff.post(list(), `${list()}/remove`, { email });

  beforeAll(async () => {
    id = await staff.record({ risk: 'high', risk_assessment: 'Addresses with what was bought: a risk of burglary.' });
    const added = await staff.post(at(), list(), { emails: 'ann@example.org\nbob@example.org\nwrong@example.org' });
    expect(added.statusCode).toBe(303);
  });

  it('shows a Remove button for each person not told, and removes one, the counts following', async () => {
    const page = await staff.get(list());
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/action="\/admin\/breaches\/\d+\/people\/remove"/g)).toHaveLength(3);
    expect(pageText(page.body)).toContain('3 listed, 0 told.');

    const res = await remove('Wrong@Example.org');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${list()}?done=removed`);
    expect((await people(id)).map((p) => p.email)).toEqual(['ann@example.org', 'bob@example.org']);

    const after = pageText((await staff.get(String(res.headers.location))).body);
    expect(after).toContain('The address is removed from the people affected.');
    expect(after).toContain('2 listed, 0 told.');
    expect(after).not.toContain('wrong@example.org');
    expect(pageText((await staff.get(at())).body)).toContain('2 listed, 0 told.');

    // One not listed (removed already) is answered beside the list, not with an error page.
    const again = await remove('wrong@example.org');
    expect(again.statusCode).toBe(404);
    expect(pageText(again.body)).toContain('That address is not listed for this breach.');
    const empty = await remove('');
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('Please choose the person to remove');
  });

  it('writes an audit entry of the removal by table and count, never the address', async () => {
    const removal = (await entriesOf(id)).filter((e) => e.action === 'delete');
    expect(removal).toHaveLength(1);
    expect(removal[0]).toMatchObject({ fields: 'breach_people', reason: '1 removed, not told' });
    expect(JSON.stringify(await entriesOf(id))).not.toContain('wrong@example.org');
    expect(JSON.stringify(await entriesOf(id))).not.toMatch(/wrong@/i);
  });

  it('does not e-mail the removed person when the notice is sent', async () => {
    await staff.post(`${at()}/notice`, `${at()}/notice`, {
      subject: 'About your data',
      body: 'We are writing to tell you about a breach.',
    });
    expect((await staff.post(`${at()}/notice/preview`, `${at()}/notice/review`, {})).statusCode).toBe(303);
    expect((await staff.post(at(), `${at()}/notice/send`, {})).statusCode).toBe(303);
    expect((await noticesOf(id)).map((m) => m.to_address)).toEqual(['ann@example.org', 'bob@example.org']);
  });

  it('refuses to remove a person already told, with a plain 409, keeping the record', async () => {
    const page = await staff.get(list());
    expect(page.body).not.toMatch(/action="\/admin\/breaches\/\d+\/people\/remove"/);
    expect(pageText(page.body)).toContain('Told: kept');

    const refused = await remove('ann@example.org');
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('This person has been told already');
    expect(refused.body).not.toMatch(/stack|at Object\./);
    expect((await people(id)).map((p) => p.email)).toEqual(['ann@example.org', 'bob@example.org']);
    expect((await people(id)).every((p) => p.told_at !== null)).toBe(true);
    expect((await entriesOf(id)).filter((e) => e.action === 'delete')).toHaveLength(1);
  });

  it('refuses to remove anyone from a closed breach, and shows no Remove button there', async () => {
    const closedId = await staff.record({ title: 'Closed', risk: 'unlikely', risk_assessment: 'Nothing readable was sent.' });
    const where = `/admin/breaches/${closedId}`;
    await staff.post(where, `${where}/people`, { emails: 'erin@example.org' });
    await staff.post(where, `${where}/not-reported`, { not_reported_reason: 'The file was encrypted and the key was not sent.' });
    expect((await staff.post(where, `${where}/close`, {})).statusCode).toBe(303);

    const page = await staff.get(`${where}/people`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/people/remove');

    const refused = await staff.post(`${where}/people`, `${where}/people/remove`, { email: 'erin@example.org' });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('This breach is closed');
    expect((await people(closedId)).map((p) => p.email)).toEqual(['erin@example.org']);
    expect((await entriesOf(closedId)).filter((e) => e.action === 'delete')).toEqual([]);
  });

  it('refuses another role with a 403, and a breach that does not exist with a 404', async () => {
    const other = await staff.record({ title: 'Other role' });
    const where = `/admin/breaches/${other}`;
    await staff.post(where, `${where}/people`, { emails: 'fay@example.org' });
    const { cookie } = await signInAs(shop.app, 'customer_service');
    // A valid CSRF token from a page they may open: the refusal is the permission's, not the token's.
    const res = await adminPost(shop.app, cookie, '/admin', `${where}/people/remove`, { email: 'fay@example.org' });
    expect(res.statusCode).toBe(403);
    expect((await people(other)).map((p) => p.email)).toEqual(['fay@example.org']);

    const missing = await staff.post(where, '/admin/breaches/999999/people/remove', { email: 'fay@example.org' });
    expect(missing.statusCode).toBe(404);
  });
});
