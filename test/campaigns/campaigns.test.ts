import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsSendJob } from '../../src/features/campaigns/campaigns.job.js';
import { recordConsent, unsubscribeWithToken, withdrawAddress } from '../../src/features/consent/consent.service.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import type { Role } from '../../src/features/staff/staff.domain.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { keepingMailer } from '../support/mail.js';
import { adminPost, openAdminForm, signInAs } from '../support/staff.js';

/**
 * Campaigns through the back office, as each role, and their sending: the audience read from the
 * consent ledger at send time, e-mails spread at the configured rate, the Unsubscribe link and the
 * one-click headers in what the mail server receives, and the report's numbers.
 */
let shop: TestShop;
let now = new Date('2026-12-01T10:00:00Z');
const db = () => shop.app.db;
const staff = new Map<Role, { cookie: string; staffId: number; email: string }>();
const as = (role: Role) => staff.get(role)!;

const consent = (email: string, customerId: number | null = null) =>
  recordConsent(
    db(),
    {
      subject: customerId === null ? { customerId: null, email } : { customerId, email },
      purpose: 'general-subscription',
      action: 'given',
      method: 'newsletter-confirmation',
      wording: 'Send me news of new pieces',
      policyVersion: 'v1',
    },
    now,
  );

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000', MARKETING_RATE_PER_MINUTE: '2' }, clock: () => now });
  for (const role of ['owner', 'manager', 'marketing', 'customer_service', 'fulfilment'] as Role[])
    staff.set(role, await signInAs(shop.app, role));
});
afterAll(async () => shop?.close());

/** Moves the clock, and signs the staff in afresh (their sessions end after 30 idle minutes). */
async function moveTo(at: Date) {
  now = at;
  for (const role of staff.keys()) staff.set(role, await signInAs(shop.app, role));
}

const get = (role: Role, url: string) => shop.app.inject({ method: 'GET', url, headers: { cookie: as(role).cookie } });

async function newCampaign(role: Role, fields: Record<string, string>) {
  const res = await adminPost(shop.app, as(role).cookie, '/admin/campaigns/new', '/admin/campaigns/new', fields);
  const id = Number(/\/admin\/campaigns\/(\d+)/.exec(String(res.headers.location ?? ''))?.[1]);
  return { res, id };
}

const campaignRow = (id: number) => db().selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxOf = (reference: string) =>
  db().selectFrom('mail_outbox').selectAll().where('reference', '=', reference).orderBy('next_attempt_at').orderBy('id').execute();
const runJob = () => campaignsSendJob.run(shop.app, now);

describe(`who may use campaigns (${testDialect})`, () => {
  it('marketing, manager and owner see and write campaigns; customer service and fulfilment are refused', async () => {
    for (const role of ['marketing', 'manager', 'owner'] as Role[]) {
      expect((await get(role, '/admin/campaigns')).statusCode, role).toBe(200);
      expect((await get(role, '/admin/campaigns/new')).statusCode, role).toBe(200);
      expect((await get(role, '/admin')).body, role).toContain('href="/admin/campaigns"');
    }
    for (const role of ['customer_service', 'fulfilment'] as Role[]) {
      const list = await get(role, '/admin/campaigns');
      expect(list.statusCode, role).toBe(403);
      expect(list.body).toContain('Not part of your role');
      expect((await get(role, '/admin/campaigns/new')).statusCode, role).toBe(403);
      expect((await get(role, '/admin')).body, role).not.toContain('href="/admin/campaigns"');
      const { csrf, cookie } = await openAdminForm(shop.app, as(role).cookie, '/admin/account');
      const post = await shop.app.inject({
        method: 'POST',
        url: '/admin/campaigns/new',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, title: 'T', subject: 'S', body: 'B' }).toString(),
      });
      expect(post.statusCode, role).toBe(403);
    }
    expect(await db().selectFrom('campaigns').select('id').execute()).toEqual([]);
  });

  it('the marketing-request form is open to customer service too, not to fulfilment', async () => {
    for (const role of ['marketing', 'manager', 'owner', 'customer_service'] as Role[]) {
      expect((await get(role, '/admin/marketing-requests')).statusCode, role).toBe(200);
    }
    expect((await get('fulfilment', '/admin/marketing-requests')).statusCode).toBe(403);
  });
});

describe(`composing, previewing, testing, scheduling and cancelling (${testDialect})`, () => {
  let id: number;

  it('refuses a campaign without its words, saying what is missing, and keeps what was typed', async () => {
    const { res } = await newCampaign('marketing', { title: 'Winter', subject: '', body: 'Hello' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please enter a subject line.');
    expect(res.body).toContain('Winter');
  });

  it('saves a draft, audited, and previews it in the shop frame with raw HTML escaped', async () => {
    const created = await newCampaign('marketing', {
      title: 'Winter collection',
      subject: 'New for winter',
      body: '# Winter pieces\n\nOur **new** rings.\n\n<script>alert(1)</script>\n\nA [look](https://shop.example/winter) and a <img src=x onerror=alert(1)> [trap](javascript:alert(1)).',
    });
    expect(created.res.statusCode).toBe(303);
    id = created.id;
    expect(created.res.headers.location).toBe(`/admin/campaigns/${id}?done=saved`);
    const page = await get('marketing', `/admin/campaigns/${id}?done=saved`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Saved.');
    expect(page.body).toContain(`src="/admin/campaigns/${id}/preview"`);
    expect(page.body.match(/<iframe[^>]*>/)?.[0]).toMatch(/\ssandbox(="")?[\s>]/);

    const preview = await get('marketing', `/admin/campaigns/${id}/preview`);
    expect(preview.statusCode).toBe(200);
    expect(String(preview.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(String(preview.headers['content-security-policy'])).toContain('sandbox');
    expect(preview.body).toContain('<h1>Winter pieces</h1>');
    expect(preview.body).toContain('<strong>new</strong>');
    expect(preview.body).toContain('<a href="https://shop.example/winter">look</a>');
    expect(preview.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(preview.body).not.toMatch(/<script|<img src="?x|onerror=alert\(1\)>|href="javascript/i);
    expect(preview.body).toContain(shop.config.shop.name);
    expect(preview.body).toContain('Unsubscribe</a>');

    const audit = await db().selectFrom('audit_log').selectAll().where('subject_type', '=', 'campaign').execute();
    expect(audit.map((a) => [a.action, a.subject_id, a.actor_staff_id])).toEqual([['create', String(id), as('marketing').staffId]]);
  });

  it("test-sends to the staff member's own address as a transactional e-mail, with a stand-in for the link", async () => {
    const res = await adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/test-send`, {});
    expect(res.statusCode).toBe(303);
    const mail = await db().selectFrom('mail_outbox').selectAll().where('kind', '=', 'campaign-test').executeTakeFirstOrThrow();
    expect(mail.to_address).toBe(as('marketing').email);
    expect(mail.purpose).toBeNull();
    expect(mail.subject).toBe('[Test] New for winter');
    expect(mail.text_body).toContain("[each recipient's own unsubscribe link goes here]");
    expect(mail.html_body).toContain('href="#each-recipients-own-unsubscribe-link"');
    expect(mail.text_body).not.toContain('%%');
  });

  it('schedules for a London date and time (GMT in winter, BST in summer), refusing one in the past or made up', async () => {
    const schedule = (date: string, time: string) =>
      adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/schedule`, { date, time });
    const past = await schedule('2026-11-30', '09:00');
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('Please choose a time from now on');
    const nonsense = await schedule('2026-02-30', '25:00');
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.body).toContain('Please give a real date and time');
    const skipped = await schedule('2027-03-28', '01:30');
    expect(skipped.statusCode).toBe(400);

    expect((await schedule('2027-06-01', '12:00')).statusCode).toBe(303);
    expect((await campaignRow(id)).scheduled_for).toBe('2027-06-01T11:00:00.000Z');
  });

  it('keeps a scheduled campaign from changing until its schedule is cancelled; then it is a draft again', async () => {
    const edit = await adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}`, {
      title: 'Winter collection',
      subject: 'Changed',
      body: 'Changed',
    });
    expect(edit.statusCode).toBe(409);
    expect((await campaignRow(id)).subject).toBe('New for winter');

    expect(
      (await adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/cancel`, {})).statusCode,
    ).toBe(303);
    const cancelled = await campaignRow(id);
    expect([cancelled.status, cancelled.scheduled_for]).toEqual(['cancelled', null]);
    const again = await adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/cancel`, {});
    expect(again.statusCode).toBe(409);

    const changed = await adminPost(shop.app, as('marketing').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}`, {
      title: 'Winter collection',
      subject: 'New for winter, again',
      body: 'Hello **again**',
    });
    expect(changed.statusCode).toBe(303);
    expect(await campaignRow(id)).toMatchObject({ status: 'draft', subject: 'New for winter, again', body_markdown: 'Hello **again**' });

    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('subject_type', '=', 'campaign')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', reason: null },
      { action: 'create', reason: null },
      { action: 'change', reason: 'scheduled' },
      { action: 'change', reason: 'cancelled' },
      { action: 'change', reason: null },
    ]);
  });

  it('customer service cannot send, schedule, test or cancel it', async () => {
    for (const action of ['send-now', 'schedule', 'test-send', 'cancel', 'preview']) {
      const url = `/admin/campaigns/${id}${action === 'preview' ? '/preview' : `/${action}`}`;
      const { csrf, cookie } = await openAdminForm(shop.app, as('customer_service').cookie, '/admin/account');
      const res =
        action === 'preview'
          ? await get('customer_service', url)
          : await shop.app.inject({
              method: 'POST',
              url,
              headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams({ _csrf: csrf }).toString(),
            });
      expect(res.statusCode, action).toBe(403);
    }
    expect((await campaignRow(id)).status).toBe('draft');
  });
});

describe(`sending a campaign (${testDialect})`, () => {
  const mailer = keepingMailer();
  const people = {
    ann: 'ann@example.org',
    bob: 'Bob@Example.org',
    cat: 'cat@example.org',
    withdrawn: 'withdrawn@example.org',
    never: 'never@example.org',
  };
  let id: number;
  let start: Date;

  beforeAll(async () => {
    for (const email of [people.ann, people.bob, people.cat, people.withdrawn]) await consent(email);
    await withdrawAddress(db(), { email: people.withdrawn, purpose: 'general-subscription', method: 'account' }, now);
    const created = await newCampaign('manager', { title: 'Advent', subject: 'Advent pieces', body: 'Open a door *every day*.' });
    id = created.id;
  });

  it('is queued by the job, at send time, to exactly the consented addresses, spread at the configured rate', async () => {
    await moveTo(new Date('2026-12-02T09:00:00Z'));
    start = now;
    const res = await adminPost(shop.app, as('manager').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/send-now`, {});
    expect(res.statusCode).toBe(303);
    expect(await outboxOf(`campaign-${id}`)).toEqual([]);
    // Consent given after "send now" but before the job's run counts: the audience is read when it is sent.
    await consent('late@example.org');

    expect(await runJob()).toEqual({ started: 1, queued: 4, finished: 0 });
    const rows = await outboxOf(`campaign-${id}`);
    expect(rows.map((r) => r.to_address.toLowerCase()).sort()).toEqual([
      'ann@example.org',
      'bob@example.org',
      'cat@example.org',
      'late@example.org',
    ]);
    expect(rows.every((r) => r.kind === 'campaign' && r.purpose === 'general-subscription' && r.body_id !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.body_id)).size).toBe(1);
    // Two a minute: 30 seconds apart, from the start.
    expect(rows.map((r) => r.next_attempt_at)).toEqual([
      '2026-12-02T09:00:00.000Z',
      '2026-12-02T09:00:30.000Z',
      '2026-12-02T09:01:00.000Z',
      '2026-12-02T09:01:30.000Z',
    ]);
    expect(await campaignRow(id)).toMatchObject({ status: 'sending', audience: 4, queued: 4, started_at: start.toISOString() });

    // A second run, or a second process, does not send it again.
    expect(await runJob()).toEqual({ started: 0, queued: 0, finished: 0 });
    expect(await outboxOf(`campaign-${id}`)).toHaveLength(4);

    // Sent campaigns (and those being sent) are read-only.
    const edit = await adminPost(shop.app, as('manager').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}`, {
      title: 'x',
      subject: 'x',
      body: 'x',
    });
    expect(edit.statusCode).toBe(409);
  });

  it('reaches them with the Unsubscribe link in both bodies and the one-click headers; withholds one who withdrew meanwhile', async () => {
    await withdrawAddress(db(), { email: 'late@example.org', purpose: 'general-subscription', method: 'account' }, now);
    now = new Date(start.getTime() + 5 * 60_000);
    const tally = await deliverDueMail(db(), mailer, now, { unsubscribeMailto: 'unsubscribe@shop.example' });
    // The outbox also sends what else was due (the staff test-send); the campaign's are those with its subject.
    expect(tally.withheld).toBe(1);
    const campaign = mailer.sent.filter((m) => m.subject === 'Advent pieces');
    expect(tally.sent).toBe(campaign.length + mailer.sent.filter((m) => m.subject !== 'Advent pieces').length);
    expect(campaign.map((m) => m.to.toLowerCase()).sort()).toEqual(['ann@example.org', 'bob@example.org', 'cat@example.org']);
    expect(mailer.sent.filter((m) => m.headers?.['List-Unsubscribe'] !== undefined)).toHaveLength(3);
    for (const m of campaign) {
      expect(m.subject).toBe('Advent pieces');
      const link = /<(http[^>]+)>/.exec(m.headers?.['List-Unsubscribe'] ?? '')?.[1] ?? '';
      expect(link).toMatch(new RegExp(`/unsubscribe/[^?]+\\?from=campaign-${id}$`));
      expect(m.headers?.['List-Unsubscribe']).toContain('<mailto:unsubscribe@shop.example?subject=unsubscribe>');
      expect(m.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(m.text).toContain(`Unsubscribe: ${link}`);
      expect(m.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);
      expect(m.html).toContain('<em>every day</em>');
      expect(m.text + m.html).not.toContain('%%unsubscribe_url%%');
    }
    expect(new Set(campaign.map((m) => m.headers?.['List-Unsubscribe'])).size).toBe(3);
    const late = await db().selectFrom('mail_outbox').selectAll().where('to_address', '=', 'late@example.org').executeTakeFirstOrThrow();
    expect([late.sent_at, late.withheld_at]).toEqual([null, now.toISOString()]);
  });

  it('is marked sent once nothing waits, and reports audience, sent, failed, withheld and unsubscribed afterwards', async () => {
    const ann = mailer.sent.find((m) => m.to === people.ann)!;
    const token = decodeURIComponent(/\/unsubscribe\/([^?>]+)/.exec(ann.headers?.['List-Unsubscribe'] ?? '')?.[1] ?? '');
    expect(await unsubscribeWithToken(db(), token, 'one-click', now, `campaign-${id}`)).toMatchObject({ ok: true });

    expect(await runJob()).toEqual({ started: 0, queued: 0, finished: 1 });
    expect(await campaignRow(id)).toMatchObject({ status: 'sent', audience: 4, queued: 4, sent: 3, failed: 0, withheld: 1 });
    // The numbers stay once the outbox has deleted the sent e-mails.
    await db().deleteFrom('mail_outbox').where('reference', '=', `campaign-${id}`).execute();
    const page = await get('marketing', `/admin/campaigns/${id}`);
    expect(page.statusCode).toBe(200);
    const cell = (label: string) => new RegExp(`${label}[^<]*</th>\\s*<td class="num">(\\d+)</td>`).exec(page.body)?.[1];
    expect({
      audience: cell('Audience'),
      queued: cell('Queued'),
      sent: cell('Sent'),
      failed: cell('Failed'),
      withheld: cell('Withheld'),
      unsubscribed: cell('Unsubscribed'),
    }).toEqual({ audience: '4', queued: '4', sent: '3', failed: '0', withheld: '1', unsubscribed: '1' });
    expect(page.body).not.toContain('/send-now');
    expect(page.body).not.toContain('Save changes');
  });

  it('sends a scheduled campaign only when its time comes, and never to the one who unsubscribed', async () => {
    const next = await newCampaign('marketing', { title: 'New year', subject: 'New year', body: 'Hello' });
    const schedule = await adminPost(
      shop.app,
      as('marketing').cookie,
      `/admin/campaigns/${next.id}`,
      `/admin/campaigns/${next.id}/schedule`,
      {
        date: '2026-12-31',
        time: '18:00',
      },
    );
    expect(schedule.statusCode).toBe(303);
    await moveTo(new Date('2026-12-31T17:59:00Z'));
    expect((await runJob()).started).toBe(0);
    now = new Date('2026-12-31T18:00:00Z');
    expect((await runJob()).started).toBe(1);
    const to = (await outboxOf(`campaign-${next.id}`)).map((r) => r.to_address.toLowerCase()).sort();
    expect(to).toEqual(['bob@example.org', 'cat@example.org']);
  });
});

describe(`two processes sending at once (${testDialect})`, () => {
  it('sends a due campaign once: only one process wins its claim', async () => {
    const other = await buildTestShop({
      sharingDatabaseOf: shop,
      env: { SEED_DEMO: 'false', MARKETING_RATE_PER_MINUTE: '2' },
      clock: () => now,
    });
    try {
      const { id } = await newCampaign('owner', { title: 'Race', subject: 'Race', body: 'Hello' });
      const send = await adminPost(shop.app, as('owner').cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/send-now`, {});
      expect(send.statusCode).toBe(303);
      // At once on PostgreSQL. SQLite's two connections here share one thread, where a writer
      // waiting for the other's lock would block the very thread that holds it, so there the
      // second process runs just after the first (each process is its own thread in production).
      const runs =
        testDialect === 'postgres'
          ? await Promise.all([campaignsSendJob.run(shop.app, now), campaignsSendJob.run(other.app, now)])
          : [await campaignsSendJob.run(shop.app, now), await campaignsSendJob.run(other.app, now)];
      expect(runs.map((r) => r.started).sort()).toEqual([0, 1]);
      const rows = await outboxOf(`campaign-${id}`);
      expect(rows.map((r) => r.to_address.toLowerCase()).sort()).toEqual(['bob@example.org', 'cat@example.org']);
      expect(await campaignRow(id)).toMatchObject({ status: 'sending', audience: 2, queued: 2 });
    } finally {
      await other.close();
    }
  });
});

describe(`recording a marketing request received by e-mail or post (${testDialect})`, () => {
  const post = (role: Role, fields: Record<string, string>) =>
    adminPost(shop.app, as(role).cookie, '/admin/marketing-requests', '/admin/marketing-requests', fields);

  it('says what is wrong with each field, and records nothing', async () => {
    const res = await post('customer_service', { email: 'not an address', purpose: 'partner:1', channel: 'fax', reason: ' ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please enter a valid e-mail address');
    expect(res.body).toContain('Please choose what they want to stop.');
    expect(res.body).toContain('Please say how the request arrived');
    expect(res.body).toContain('Please enter the reason');
    expect(res.body).toContain('not an address');
  });

  it('withdraws the consent at once, suppresses the address, and keeps the reason in the ledger and the audit trail', async () => {
    await consent('letter@example.org');
    const res = await post('customer_service', {
      email: ' Letter@Example.org ',
      purpose: 'general-subscription',
      channel: 'post',
      reason: 'Letter of 28 November asking to be removed',
    });
    expect(res.statusCode).toBe(303);
    const ledger = await db()
      .selectFrom('consent_ledger')
      .select(['action', 'method', 'staff_id', 'reason', 'detail'])
      .where('email', '=', 'letter@example.org')
      .orderBy('id')
      .execute();
    expect(ledger.at(-1)).toEqual({
      action: 'withdrawn',
      method: 'staff',
      staff_id: as('customer_service').staffId,
      reason: 'Letter of 28 November asking to be removed (received by post)',
      detail: 'request-by-post',
    });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['actor_staff_id', 'reason'])
      .where('actor_staff_id', '=', as('customer_service').staffId)
      .where('action', '=', 'change')
      .execute();
    expect(audit.map((a) => a.reason)).toContain('Letter of 28 November asking to be removed (received by post)');
    expect(await db().selectFrom('marketing_suppressions').select('purpose').execute()).toContainEqual({ purpose: 'general-subscription' });
  });

  it('suppresses an address that had nothing to withdraw, and audits that too', async () => {
    const before = (await db().selectFrom('marketing_suppressions').select('address_hash').execute()).length;
    const res = await post('marketing', {
      email: 'stranger@example.org',
      purpose: 'feedback',
      channel: 'email',
      reason: 'Asked by e-mail',
    });
    expect(res.statusCode).toBe(303);
    expect((await db().selectFrom('marketing_suppressions').select('address_hash').execute()).length).toBe(before + 1);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['subject_type', 'subject_id', 'reason'])
      .where('actor_staff_id', '=', as('marketing').staffId)
      .execute();
    expect(audit).toContainEqual({
      subject_type: 'marketing_suppression',
      subject_id: 'feedback',
      reason: 'Asked by e-mail (received by e-mail)',
    });
  });
});
