import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsSendJob } from '../../src/features/campaigns/campaigns.job.js';
import { AUDIENCE_PAGE } from '../../src/features/campaigns/campaigns.domain.js';
import { addressHashOf, subjectKeyOf } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * A campaign's audience is queued a page per transaction, so no transaction holds the database
 * for the whole audience; a run that stops after some pages is resumed after the last one by the
 * next run, and nobody gets the campaign twice.
 */
let shop: TestShop;
let now = new Date('2026-12-01T10:00:00Z');
const later = (ms: number) => (now = new Date(now.getTime() + ms));
const db = () => shop.app.db;
const PEOPLE = AUDIENCE_PAGE + 50;

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', MARKETING_RATE_PER_MINUTE: '60000' }, clock: () => now });
  // Subscribers as the ledger leaves them in the current state (made directly: a thousand sign-ups through the pages would take minutes).
  const rows = Array.from({ length: PEOPLE }, (_, i) => {
    const email = `reader${i}@example.org`;
    return {
      subject_key: subjectKeyOf(db(), { customerId: null, email }),
      purpose: 'general-subscription',
      given: 1,
      customer_id: null,
      email,
      address_hash: addressHashOf(db(), email),
      entry_id: i + 1,
      changed_at: now.toISOString(),
    };
  });
  for (let i = 0; i < rows.length; i += 200)
    await db()
      .insertInto('consent_state')
      .values(rows.slice(i, i + 200))
      .execute();
});
afterAll(async () => shop?.close());

const outbox = (id: number) =>
  db().selectFrom('mail_outbox').select(['id', 'to_address']).where('reference', '=', `campaign-${id}`).orderBy('id').execute();
const campaign = (id: number) => db().selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe(`queueing a campaign page by page (${testDialect})`, () => {
  it('queues every page, and resumes after the last page queued when a run stopped half-way', async () => {
    const manager = await signInAs(shop.app, 'manager');
    const created = await adminPost(shop.app, manager.cookie, '/admin/campaigns/new', '/admin/campaigns/new', {
      title: 'Pages',
      subject: 'Pages',
      body: 'Hello',
    });
    const id = Number(/\/admin\/campaigns\/(\d+)/.exec(String(created.headers.location))?.[1]);
    expect((await adminPost(shop.app, manager.cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/send-now`, {})).statusCode).toBe(
      303,
    );
    expect(await campaignsSendJob.run(shop.app, now)).toEqual({ started: 1, queued: PEOPLE, finished: 0 });
    const all = await outbox(id);
    expect(new Set(all.map((r) => r.to_address)).size).toBe(PEOPLE);
    const done = await campaign(id);
    expect(done).toMatchObject({ status: 'sending', audience: PEOPLE, queued: PEOPLE, queued_at: now.toISOString() });

    // As if the run had stopped after its first page: the second page's e-mails and progress never written.
    // Pages go in address order: the first page holds the first thousand addresses.
    const inAddressOrder = await db()
      .selectFrom('mail_outbox')
      .select('id')
      .where('reference', '=', `campaign-${id}`)
      .orderBy(sql`lower(to_address)`)
      .execute();
    expect(inAddressOrder.map((r) => r.id)).toEqual(all.map((r) => r.id));
    const secondPage = all.slice(AUDIENCE_PAGE).map((r) => r.id);
    await db().deleteFrom('mail_outbox').where('id', 'in', secondPage).execute();
    await sql`update campaigns set queued_at = null, audience = ${AUDIENCE_PAGE}, queued = ${AUDIENCE_PAGE} where id = ${id}`.execute(db());

    // While its last page is recent, another process may still be at it: it is left alone.
    expect(await campaignsSendJob.run(shop.app, now)).toEqual({ started: 0, queued: 0, finished: 0 });
    later(6 * 60_000);
    expect(await campaignsSendJob.run(shop.app, now)).toEqual({ started: 0, queued: PEOPLE - AUDIENCE_PAGE, finished: 0 });
    const resumed = await outbox(id);
    expect(resumed).toHaveLength(PEOPLE);
    // Turns follow the queue: spaced at the sending rate, and the resumed ones (their turns past) due at once.
    const due = (
      await db().selectFrom('mail_outbox').select('next_attempt_at').where('reference', '=', `campaign-${id}`).orderBy('id').execute()
    ).map((r) => r.next_attempt_at);
    expect(due).toEqual([...due].sort());
    expect(new Set(due.slice(0, AUDIENCE_PAGE)).size).toBe(AUDIENCE_PAGE);
    expect(due.slice(AUDIENCE_PAGE).every((d) => d === now.toISOString())).toBe(true);
    expect(new Set(resumed.map((r) => r.to_address)).size).toBe(PEOPLE);
    expect(await campaign(id)).toMatchObject({ audience: PEOPLE, queued: PEOPLE, queued_at: now.toISOString() });
    // Finished, nothing more is queued.
    expect(await campaignsSendJob.run(shop.app, now)).toEqual({ started: 0, queued: 0, finished: 0 });
  });
});
