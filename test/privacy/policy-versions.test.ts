import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyText, policyTextOf } from '../../src/features/privacy/policy.text.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { send, signedInCustomer } from '../support/customer.js';

let now = new Date('2026-03-03T10:00:00Z');
const clock = () => now;

let first: TestShop;
/** The same shop after its hosting moved to Germany: another process on the same database, with another HOSTING_PROCESSOR. */
let moved: TestShop;
let v1: string;
let v2: string;
/** A version published before texts were kept: its text is ''. */
const OLD = '0123456789ab';

function decode(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

beforeAll(async () => {
  first = await buildTestShop({ clock, env: { SEED_DEMO: 'false' } });
  await first.app.db
    .insertInto('policy_versions')
    .values({ version: OLD, published_at: '2026-01-05T09:00:00.000Z', summary: 'old' })
    .execute();
  v1 = (await first.app.privacy.policy(now)).version;
  now = new Date('2026-03-10T10:00:00Z');
  moved = await buildTestShop({
    sharingDatabaseOf: first,
    clock,
    env: { SEED_DEMO: 'false', HOSTING_PROCESSOR: 'Hetzner Online GmbH; Germany' },
  });
  v2 = (await moved.app.privacy.policy(now)).version;
});
afterAll(async () => {
  await moved?.close();
  await first?.close();
});

describe(`every published version is kept with its text (${testDialect})`, () => {
  it('keeps the text of /privacy as people read it: the same page, in plain text, headings and list items readable', async () => {
    const row = await first.app.db
      .selectFrom('policy_versions')
      .select(['text', 'published_at'])
      .where('version', '=', v2)
      .executeTakeFirstOrThrow();
    expect(row.published_at).toBe('2026-03-10T10:00:00.000Z');
    // What the page shows, word for word (its body, without the shop's header and footer).
    const page = (await moved.app.inject({ url: '/privacy' })).body;
    const article = page.slice(page.indexOf('<article class="policy'), page.indexOf('</article>') + '</article>'.length);
    expect(policyTextOf(article)).toBe(row.text);
    expect(row.text).not.toMatch(/<[a-z]+[ >]/);
    expect(row.text).toContain('\nWho we are\n');
    expect(row.text).toContain(`Version ${v2}, in force since 10 March 2026.`);
    expect(row.text).toMatch(/\n \* When you order: /);
    expect(row.text).toContain('Hosting the shop: Hetzner Online GmbH');
    expect(policyText(await moved.app.privacy.policy(now))).toBe(row.text);
    const before = await first.app.db.selectFrom('policy_versions').select('text').where('version', '=', v1).executeTakeFirstOrThrow();
    expect(before.text).toContain('Hosting the shop: The server the shop runs on, at the shop');
  });

  it('lists every version at /privacy/versions, newest first, with its date, linked from /privacy', async () => {
    expect((await moved.app.inject({ url: '/privacy' })).body).toContain('href="/privacy/versions"');
    const res = await moved.app.inject({ url: '/privacy/versions' });
    expect(res.statusCode).toBe(200);
    const text = decode(res.body);
    const at = (s: string) => text.indexOf(s);
    expect(at(`10 March 2026 — version ${v2}`)).toBeGreaterThan(0);
    expect(at(`3 March 2026 — version ${v1}`)).toBeGreaterThan(at(`10 March 2026 — version ${v2}`));
    expect(at(`5 January 2026 — version ${OLD}`)).toBeGreaterThan(at(`3 March 2026 — version ${v1}`));
    expect(text).toContain('text not kept (published before versions were kept in full)');
    // The comparing form works without JavaScript: a GET to the compare page, newest two chosen.
    expect(res.body).toContain('<form method="get" action="/privacy/versions/compare"');
    expect(res.body).toMatch(new RegExp(`<select id="compare-from" name="from">.*?<option value="${v1}" selected`));
    expect(res.body).toMatch(new RegExp(`<select id="compare-to" name="to"><option value="${v2}" selected`));
  });

  it('shows one version’s text at /privacy/versions/<v>, and says when a text was not kept', async () => {
    const one = await moved.app.inject({ url: `/privacy/versions/${v1}` });
    expect(one.statusCode).toBe(200);
    expect(decode(one.body)).toContain('Published 3 March 2026.');
    expect(decode(one.body)).toContain('Hosting the shop: The server the shop runs on, at the shop');
    const old = await moved.app.inject({ url: `/privacy/versions/${OLD}` });
    expect(old.statusCode).toBe(200);
    expect(decode(old.body)).toContain('The text not kept (published before versions were kept in full).');
  });

  it('compares two versions: what was added and removed, marked for the eye and in words for screen readers', async () => {
    const res = await moved.app.inject({ url: `/privacy/versions/compare?from=${v1}&to=${v2}` });
    expect(res.statusCode).toBe(200);
    const diff = res.body.slice(res.body.indexOf('<div class="policy-diff">'));
    expect(diff).toMatch(
      /<ins><span class="visually-hidden">\[Added: <\/span>Hetzner Online GmbH<span class="visually-hidden">\]<\/span><\/ins>/,
    );
    expect(diff).toMatch(/<del><span class="visually-hidden">\[Removed: <\/span>The server the shop runs on, at the shop/);
    // The country changed with it; what stayed the same is shown only around the changes.
    expect(decode(diff)).toContain('[Removed: United Kingdom]');
    expect(decode(diff)).toContain('[Added: Germany]');
    expect(diff).toMatch(/unchanged lines/);
    // Chosen the other way round, it still reads from the older to the newer.
    const reversed = await moved.app.inject({ url: `/privacy/versions/compare?from=${v2}&to=${v1}` });
    expect(decode(reversed.body)).toContain(`From version ${v1} of 3 March 2026 to version ${v2} of 10 March 2026.`);
  });

  it('answers a version it does not know with a plain 404, the same one twice with a clear message, and a text not kept plainly', async () => {
    const unknown = await moved.app.inject({ url: `/privacy/versions/compare?from=${v1}&to=ffffffffffff` });
    expect(unknown.statusCode).toBe(404);
    expect(decode(unknown.body)).toContain('We have no version "ffffffffffff" of our privacy policy.');
    expect(unknown.body).not.toMatch(/at .*\.ts:\d+/);
    expect((await moved.app.inject({ url: '/privacy/versions/nonsense' })).statusCode).toBe(404);
    expect((await moved.app.inject({ url: '/privacy/versions/ffffffffffff' })).statusCode).toBe(404);
    const same = await moved.app.inject({ url: `/privacy/versions/compare?from=${v2}&to=${v2}` });
    expect(same.statusCode).toBe(400);
    expect(decode(same.body)).toContain(`You chose version ${v2} twice. Please choose two different versions`);
    const missing = await moved.app.inject({ url: `/privacy/versions/compare?from=${v2}` });
    expect(missing.statusCode).toBe(400);
    expect(decode(missing.body)).toContain('Please choose the newer version to compare.');
    const old = await moved.app.inject({ url: `/privacy/versions/compare?from=${OLD}&to=${v2}` });
    expect(old.statusCode).toBe(200);
    expect(decode(old.body)).toContain(`Version ${OLD} was published before versions were kept in full`);
  });

  it('shows in Account Home, for each consent choice, the version it was made under, with its date and a link to it', async () => {
    const { shopper } = await signedInCustomer(moved.app);
    expect((await send(shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' })).statusCode).toBe(303);
    const page = (await shopper.get('/account/newsletter')).body;
    const history = page.match(/<ol class="plain consent-history">([\s\S]*?)<\/ol>/)?.[1] ?? '';
    expect(history).toContain(`Privacy policy in force: <a href="/privacy/versions/${v2}">version ${v2}, of 10 March 2026</a>.`);
    expect((await moved.app.inject({ url: `/privacy/versions/${v2}` })).statusCode).toBe(200);
  });
});
