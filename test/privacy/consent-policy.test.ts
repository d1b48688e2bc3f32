import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_PURPOSES } from '../../src/features/consent/consent.inventory.js';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { SPECIAL_CATEGORY, policyContent, specialCategoryItems } from '../../src/features/privacy/privacy.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';
import { ACME, declareAsOwner } from '../partners/support.js';

let shop: TestShop;
let owner: string;
let clock = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false', FORM_RATE_LIMIT: '100000' }, clock: () => clock });
  owner = (await signInAs(shop.app, 'owner')).cookie;
});
afterAll(async () => shop?.close());

function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

async function privacyPage(): Promise<{ html: string; text: string; version: string }> {
  const res = await shop.app.inject({ method: 'GET', url: '/privacy' });
  expect(res.statusCode).toBe(200);
  const version = /Version <code>([0-9a-f]{12})<\/code>/.exec(res.body)?.[1];
  if (!version) throw new Error('no version on the page');
  return { html: res.body, text: textOf(res.body), version };
}

/** The text of the page from the h2 with this id to the next h2. */
function sectionText(html: string, headingId: string): string {
  const start = html.indexOf(`<h2 id="${headingId}"`);
  expect(start, headingId).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('<h2', start + 4);
  return textOf(html.slice(start, end < 0 ? undefined : end));
}

describe(`the privacy page's consent and partners sections (${testDialect})`, () => {
  it('states each purpose and how it is asked, that there is no soft opt-in, and that boxes start unticked with double opt-in for sign-ups', async () => {
    const { html } = await privacyPage();
    const consent = sectionText(html, 'consent-heading');
    for (const p of Object.values(CONSENT_PURPOSES)) {
      expect(consent).toContain(p.name);
      expect(consent).toContain(p.what);
    }
    expect(consent).toContain('unticked');
    expect(consent).toContain('We do not use the "soft opt-in"');
    expect(consent).toContain('marketing e-mail only to people who have said yes to it');
    expect(consent).toContain('counts only once you press Confirm');
    expect(consent).toContain('within 7 days is deleted');
  });

  it('states every way to withdraw, that it is immediate, and what the suppression list is and why it survives an erasure', async () => {
    const { html } = await privacyPage();
    const consent = sectionText(html, 'consent-heading');
    expect(consent).toContain('Account Home, on the Newsletter Subscription page : un-check "General Subscription"');
    expect(html).toContain('href="/account/newsletter"');
    expect(consent).toContain('"Unsubscribe" link at the bottom of every marketing e-mail');
    expect(consent).toContain('one-click unsubscribe');
    expect(consent).toContain(`e-mail ${shop.config.shop.email}`);
    expect(consent).toContain(shop.config.shop.address);
    expect(consent).toContain('takes effect at once');
    expect(consent).toContain('suppression list');
    expect(consent).toContain('never the address itself');
    expect(consent).toContain('we keep it even if you ask us to erase your data');
  });

  it('says the shop collects no sensitive data, because no inventory declares special-category data', async () => {
    const categories = new Set(inventories.flatMap((i) => [...i.personal, ...i.transient].map((c) => c.category)));
    expect(categories.size).toBeGreaterThan(3);
    for (const c of categories) expect(SPECIAL_CATEGORY[c], c).toBe(false);
    expect(specialCategoryItems(policyContent(inventories, shop.config.shop).items)).toEqual([]);
    const { text } = await privacyPage();
    expect(text).toContain('We collect no sensitive ("special category") data about you');
    expect(text).toContain('health');
  });

  it('names each active partner with what it would receive, why, its country and policy, and not a retired one; the version follows every change', async () => {
    const none = await privacyPage();
    const sharingBefore = sectionText(none.html, 'sharing');
    expect(sharingBefore).toContain('We share your details with no partner company');
    expect(sharingBefore).toContain('We never sell your personal data');

    clock = new Date('2026-12-01T10:05:00Z');
    const acme = await declareAsOwner(shop.app, owner);
    const added = await privacyPage();
    expect(added.version).not.toBe(none.version);
    const sharing = sectionText(added.html, 'sharing');
    expect(sharing).toContain(ACME.name);
    expect(sharing).toContain('Your first name, e-mail address and postcode');
    expect(sharing).toContain(`To ${ACME.why.slice(3)}`);
    expect(sharing).toContain(ACME.country);
    expect(added.html).toContain(`href="${ACME.policyUrl}"`);
    expect(sharing).toContain('Sharing needs your consent to each named partner');
    expect(sharing).toContain('stricter than asking once for consent to "carefully selected third parties"');
    expect(sharing).toContain('We never sell your personal data');
    expect(sharing).not.toContain('no partner company');

    clock = new Date('2026-12-01T10:10:00Z');
    const second = await declareAsOwner(shop.app, owner, { ...ACME, name: 'Second Partner GmbH', country: 'Germany', receives: ['town'] });
    const two = await privacyPage();
    expect(two.version).not.toBe(added.version);
    expect(two.text).toContain('Second Partner GmbH');

    clock = new Date('2026-12-01T10:15:00Z');
    const edit = await adminPost(shop.app, owner, `/admin/partners/${acme}`, `/admin/partners/${acme}`, {
      ...ACME,
      why: 'to post you their winter catalogue',
    });
    expect(edit.statusCode).toBe(303);
    const edited = await privacyPage();
    expect(edited.version).not.toBe(two.version);
    expect(edited.text).toContain('To post you their winter catalogue');

    clock = new Date('2026-12-01T10:20:00Z');
    const retire = await adminPost(shop.app, owner, `/admin/partners/${second}`, `/admin/partners/${second}/retire`, {});
    expect(retire.statusCode).toBe(303);
    const retired = await privacyPage();
    expect(retired.version).not.toBe(edited.version);
    expect(retired.text).not.toContain('Second Partner GmbH');
    expect(retired.text).toContain(ACME.name);
    // Each version is listed among the earlier ones.
    for (const v of [none, added, two, edited]) expect(retired.html).toContain(`<code>${v.version}</code>`);
  });

  it('another process of the shop on the same database publishes the same version at once', async () => {
    const other = await buildTestShop({ sharingDatabaseOf: shop, clock: () => clock });
    try {
      const mine = await privacyPage();
      const theirs = (await other.app.privacy.policy(clock)).version;
      expect(theirs).toBe(mine.version);
      await declareAsOwner(shop.app, owner, { ...ACME, name: 'Third Partner Ltd' });
      const after = (await other.app.privacy.policy(clock)).version;
      expect(after).not.toBe(mine.version);
      expect(after).toBe((await privacyPage()).version);
    } finally {
      await other.close();
    }
  });
});
