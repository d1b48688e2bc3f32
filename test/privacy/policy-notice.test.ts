import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { POLICY_CHANGE_MAIL_KIND } from '../../src/features/privacy/policy.mail.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { pieceInStock, registerAndVerify } from '../support/customer.js';
import { keepingMailer } from '../support/mail.js';
import { registeredUnconfirmed } from '../support/privacy.js';
import { Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

const DAY = 86_400_000;
let now = new Date('2026-03-01T09:00:00Z');
const clock = () => now;

let before: TestShop;
/** The shop after its e-mail moved to a provider: another version of the policy, the one marked material. */
let shop: TestShop;
let v1: string;
let v2: string;
let owner: { cookie: string };
const accounts: string[] = [];
let unconfirmed: string;

const SUMMARY = 'We now send our e-mails through Postmark, in the United States, under the UK-US data bridge.';
const ORIGIN = { origin: 'http://localhost:3000' };

function decode(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const notice = (html: string) => html.match(/<aside class="policy-notice"[\s\S]*?<\/aside>/)?.[0] ?? null;

async function notifiedAt(version: string): Promise<string | null> {
  for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((r) => setTimeout(r, 10))) {
    const row = await shop.app.db.selectFrom('policy_versions').select('notified_at').where('version', '=', version).executeTakeFirst();
    if (row?.notified_at) return row.notified_at;
  }
  return null;
}

beforeAll(async () => {
  before = await buildTestShop({ clock, env: { SEED_DEMO: 'true' } });
  v1 = (await before.app.privacy.policy(now)).version;
  for (let i = 0; i < 3; i++) accounts.push((await registerAndVerify(before.app)).person.email);
  unconfirmed = (await registeredUnconfirmed(before.app)).person.email;
  now = new Date('2026-03-03T10:00:00Z');
  shop = await buildTestShop({
    sharingDatabaseOf: before,
    clock,
    env: {
      SEED_DEMO: 'true',
      SMTP_URL: 'smtp://mail.example:587',
      MAIL_PROCESSOR: 'Postmark (ActiveCampaign LLC); United States; uk-us-data-bridge',
      MARKETING_RATE_PER_MINUTE: '2',
    },
  });
  v2 = (await shop.app.privacy.policy(now)).version;
  owner = await signInAs(shop.app, 'owner');
});
afterAll(async () => {
  await shop?.close();
  await before?.close();
});

describe(`marking a material change to the privacy policy (${testDialect})`, () => {
  it('is for the owner only, and refuses a missing, too long or HTML summary in plain words', async () => {
    const manager = await signInAs(shop.app, 'manager');
    expect((await shop.app.inject({ url: '/admin/policy', headers: { cookie: manager.cookie } })).statusCode).toBe(403);
    const empty = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', { version: v2, summary: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(decode(empty.body)).toContain('Please say in a sentence or two what changed, in plain English');
    const long = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', {
      version: v2,
      summary: 'a'.repeat(501),
    });
    expect(long.statusCode).toBe(400);
    expect(decode(long.body)).toContain('Please keep the summary to 500 characters');
    const html = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', { version: v2, summary: '<b>new</b>' });
    expect(html.statusCode).toBe(400);
    expect(decode(html.body)).toContain('Please write the summary as plain text');
    // An earlier version's change is history: it cannot be marked.
    const old = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', { version: v1, summary: SUMMARY });
    expect(old.statusCode).toBe(409);
    expect(decode(old.body)).toContain('Only the version in force can be marked as a material change');
    const row = await shop.app.db.selectFrom('policy_versions').select('material_at').where('version', '=', v1).executeTakeFirstOrThrow();
    expect(row.material_at).toBeNull();
    // Nothing shows yet.
    expect(notice((await shop.app.inject({ url: '/' })).body)).toBeNull();
  });

  it('marks the version in force, audited, and refuses to mark it twice', async () => {
    const page = await shop.app.inject({ url: '/admin/policy', headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(decode(page.body)).toContain(`Version ${v2}`);
    const res = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', {
      version: v2,
      summary: `  ${SUMMARY}  `,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/policy?done=marked');
    const row = await shop.app.db.selectFrom('policy_versions').selectAll().where('version', '=', v2).executeTakeFirstOrThrow();
    expect(row.material_summary).toBe(SUMMARY);
    expect(row.material_at).toBe('2026-03-03T10:00:00.000Z');
    expect(row.notice_ends_at).toBe('2026-04-02T10:00:00.000Z');
    const audit = await shop.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'policy-version')
      .where('subject_id', '=', v2)
      .execute();
    expect(audit.map((a) => [a.action, a.actor_role])).toEqual([['change', 'owner']]);
    const again = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/material', { version: v2, summary: 'Again.' });
    expect(again.statusCode).toBe(409);
    expect(decode(again.body)).toContain('That version is already marked as a material change');
    expect(
      (await shop.app.db.selectFrom('policy_versions').select('material_summary').where('version', '=', v2).executeTakeFirstOrThrow())
        .material_summary,
    ).toBe(SUMMARY);
  });

  it('queues a service notice with the summary for every confirmed account holder, at the marketing rate, with no unsubscribe', async () => {
    expect(await notifiedAt(v2)).toBe('2026-03-03T10:00:00.000Z');
    const mails = await shop.app.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('kind', '=', POLICY_CHANGE_MAIL_KIND)
      .orderBy('next_attempt_at')
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([...accounts].sort());
    expect(mails.map((m) => m.to_address)).not.toContain(unconfirmed);
    expect(mails.every((m) => m.purpose === null)).toBe(true);
    // Two a minute (MARKETING_RATE_PER_MINUTE=2): the second half a minute after the first.
    expect(mails.map((m) => m.next_attempt_at)).toEqual([
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T10:00:30.000Z',
      '2026-03-03T10:01:00.000Z',
    ]);
    // Only what is due goes: at 10:00:40 two of the three.
    const mailer = keepingMailer();
    const told = () => mailer.sent.filter((m) => m.subject === 'We have changed our privacy policy');
    await deliverDueMail(shop.app.db, mailer, new Date('2026-03-03T10:00:40Z'));
    expect(told().length).toBe(2);
    await deliverDueMail(shop.app.db, mailer, new Date('2026-03-03T10:05:00Z'));
    expect(
      told()
        .map((m) => m.to)
        .sort(),
    ).toEqual([...accounts].sort());
    for (const m of told()) {
      expect(m.subject).toBe('We have changed our privacy policy');
      expect(m.text).toContain(SUMMARY);
      expect(m.text).toContain(`http://localhost:3000/privacy/versions/compare?from=${v1}&to=${v2}`);
      expect(m.text).toContain('http://localhost:3000/privacy');
      expect(m.text).toContain('We changed our privacy policy on 3 March 2026.');
      expect(m.html).toContain(SUMMARY);
      expect(m.headers?.['List-Unsubscribe']).toBeUndefined();
    }
    const page = await shop.app.inject({ url: '/admin/policy', headers: { cookie: owner.cookie } });
    expect(decode(page.body)).toContain('3 sent, 0 waiting');
  });
  it('queues the rest after a stop half-way, from the greatest address queued, telling nobody twice', async () => {
    // As if the process had stopped before the last address: its row never written, the version not recorded as told.
    const last = [...accounts].sort().at(-1) ?? '';
    await shop.app.db.deleteFrom('mail_outbox').where('kind', '=', POLICY_CHANGE_MAIL_KIND).where('to_address', '=', last).execute();
    await shop.app.db.updateTable('policy_versions').set({ notified_at: null }).where('version', '=', v2).execute();
    const page = await shop.app.inject({ url: '/admin/policy', headers: { cookie: owner.cookie } });
    expect(page.body).toContain('action="/admin/policy/notify"');
    const res = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/notify', { version: v2 });
    expect(res.statusCode).toBe(303);
    expect(await notifiedAt(v2)).not.toBeNull();
    const mails = await shop.app.db.selectFrom('mail_outbox').select('to_address').where('kind', '=', POLICY_CHANGE_MAIL_KIND).execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([...accounts].sort());
    const again = await adminPost(shop.app, owner.cookie, '/admin/policy', '/admin/policy/notify', { version: v2 });
    expect(again.statusCode).toBe(409);
    expect(decode(again.body)).toContain('There is nothing left to queue for that version');
    const audited = await shop.app.db
      .selectFrom('audit_log')
      .select(['action', 'actor_role'])
      .where('subject_type', '=', 'policy-version')
      .where('subject_id', '=', v2)
      .where('reason', '=', 'queued the remaining notices')
      .execute();
    expect(audited).toEqual([{ action: 'change', actor_role: 'owner' }]);
  });
});

describe(`the storefront notice of a material change (${testDialect})`, () => {
  it('shows on every storefront page, cached ones too, linking to what changed', async () => {
    for (const url of ['/', '/rings', '/privacy', '/contact', '/bag']) {
      const res = await shop.app.inject({ url });
      const shown = notice(res.body);
      expect(shown, url).not.toBeNull();
      expect(decode(shown ?? '')).toContain('We changed our privacy policy on 3 March — see what changed');
      expect(shown).toContain(`href="/privacy/versions/compare?from=${v1}&amp;to=${v2}"`);
      expect(shown).toContain('action="/privacy/notice/dismiss"');
    }
    // Another process of the shop, started now, reads it from the database the first time it is asked.
    const other = await buildTestShop({ sharingDatabaseOf: shop, clock, env: { SEED_DEMO: 'false' } });
    try {
      expect(decode(notice((await other.app.inject({ url: '/rings' })).body) ?? '')).toContain('We changed our privacy policy on 3 March');
    } finally {
      await other.close();
    }
    // The compare page it links to shows the change and its summary.
    const compare = await shop.app.inject({ url: `/privacy/versions/compare?from=${v1}&to=${v2}` });
    expect(compare.statusCode).toBe(200);
    expect(decode(compare.body)).toContain(`What changed, in short: ${SUMMARY}`);
    expect(decode(compare.body)).toContain('[Added: Sending e-mail: Postmark (ActiveCampaign LLC)');
  });

  it('keeps the bag count and the dismissal working beside each other, on cached pages too', async () => {
    const shopper = new Shopper(shop.app);
    expect((await shopper.post('/bag/items', await pieceInStock(shop.app))).statusCode).toBe(303);
    const page = await shopper.get('/rings');
    expect(page.body).toContain('<span class="bag-count">1');
    expect(notice(page.body)).not.toBeNull();
    expect(notice(page.body)).toContain('name="back" value="/rings"');
    // The cached bytes stay as they were: a visitor without a bag still gets the notice and a plain bag link.
    const plain = await shop.app.inject({ url: '/rings' });
    expect(plain.body).not.toContain('bag-count');
    expect(notice(plain.body)).not.toBeNull();
    expect(plain.body).not.toContain('<!--assay:policy-notice-->');
  });

  it('is dismissed by a form post that sets a strictly necessary cookie and returns to a page of this shop only', async () => {
    const res = await shop.app.inject({
      method: 'POST',
      url: '/privacy/notice/dismiss',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN },
      payload: `version=${v2}&back=${encodeURIComponent('/rings?sort=price')}`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/rings?sort=price');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('assay_policy_notice='));
    expect(cookie).toMatch(new RegExp(`^assay_policy_notice=${v2};.*HttpOnly`));
    const dismissed = await shop.app.inject({ url: '/rings', headers: { cookie: `assay_policy_notice=${v2}` } });
    expect(notice(dismissed.body)).toBeNull();
    expect(dismissed.headers['cache-control']).toBe('private, no-cache');
    // Everyone else still sees it.
    expect(notice((await shop.app.inject({ url: '/rings' })).body)).not.toBeNull();
    // It is listed among the cookies, as strictly necessary.
    const cookies = decode((await shop.app.inject({ url: '/cookies' })).body);
    expect(cookies).toMatch(/assay_policy_notice\s*Strictly necessary\s*Remembers that you dismissed the notice/);
    // Only a path on this shop.
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const away = await shop.app.inject({
        method: 'POST',
        url: '/privacy/notice/dismiss',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN },
        payload: `version=${v2}&back=${encodeURIComponent(back)}`,
      });
      expect(away.headers.location, back).toBe('/');
    }
    // From another site: refused.
    const forged = await shop.app.inject({
      method: 'POST',
      url: '/privacy/notice/dismiss',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: `version=${v2}&back=/`,
    });
    expect(forged.statusCode).toBe(403);
    const bad = await shop.app.inject({
      method: 'POST',
      url: '/privacy/notice/dismiss',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN },
      payload: 'version=nonsense',
    });
    expect(bad.statusCode).toBe(400);
    expect(decode(bad.body)).toContain('Please use the Dismiss button on the notice.');
  });

  it('is gone once its 30 days are over', async () => {
    now = new Date('2026-04-02T09:59:00Z');
    expect(notice((await shop.app.inject({ url: '/rings' })).body)).not.toBeNull();
    now = new Date('2026-04-02T10:00:00Z');
    expect(notice((await shop.app.inject({ url: '/rings' })).body)).toBeNull();
    expect(notice((await shop.app.inject({ url: '/' })).body)).toBeNull();
    now = new Date(now.getTime() + DAY);
  });
});
