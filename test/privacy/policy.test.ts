import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { POLICY_TOPICS, type DataSubject, topicId } from '../../src/features/privacy/policy.topics.js';
import { type PolicyItem, policyContent } from '../../src/features/privacy/privacy.service.js';
import { RIGHTS } from '../../src/features/privacy/rights.js';
import { REQUEST_KINDS } from '../../src/features/privacy/requests.domain.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

let shop: TestShop;
let html: string;
let items: PolicyItem[];

beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
  const res = await shop.app.inject({ method: 'GET', url: '/privacy' });
  expect(res.statusCode).toBe(200);
  html = res.body;
  items = policyContent(inventories, shop.config.shop).items;
});
afterAll(async () => shop?.close());

/** From an opening tag (found by a unique fragment of it) to its closing tag, counting nested tags of the same name. */
function element(page: string, opening: string): string {
  const start = page.indexOf(opening);
  if (start < 0) throw new Error(`no ${opening} on the page`);
  const tag = opening.match(/^<([a-z0-9]+)/)?.[1] as string;
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(page); m; m = re.exec(page)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return page.slice(start, m.index + m[0].length);
  }
  throw new Error(`${opening} is not closed`);
}

function textOf(fragment: string): string {
  return fragment
    .replace(/<\/(dt|dd|li|p|h\d|th|td|summary)>/g, '$& ')
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const labelsOf = (subject: DataSubject) => items.filter((i) => i.subject === subject).map((i) => i.label);
/** Each feature's sections: one per part it has data in. */
const sections = () => [...new Map(items.map((i) => [`${i.subject} ${i.feature}`, { feature: i.feature, subject: i.subject }])).values()];

describe(`the privacy policy is a layered notice (${testDialect})`, () => {
  it('files every feature’s data under a topic, as customers’ or staff data, by the subjects it declares', () => {
    for (const inv of inventories) expect(POLICY_TOPICS[inv.feature], inv.feature).toBeDefined();
    for (const s of sections()) expect(POLICY_TOPICS[s.feature]?.[s.subject], `${s.feature} (${s.subject})`).toBeDefined();
    // A label about a staff member is staff data, whichever feature declares it; one about "you" is a customer's.
    for (const i of items) {
      if (/\bstaff member\b/i.test(i.label)) expect(i.subject, i.label).toBe('staff');
      else if (/\byour?\b/i.test(i.label)) expect(i.subject, i.label).toBe('customers');
    }
    expect(labelsOf('staff').length).toBeGreaterThan(0);
    expect(labelsOf('customers').length).toBeGreaterThan(0);
    // One feature can hold both: the outbox carries customers' e-mails and staff members' security notices.
    expect(items.filter((i) => i.feature === 'mail').map((i) => i.subject)).toEqual(expect.arrayContaining(['customers', 'staff']));
  });

  it('opens with a short plain-English summary: what we collect, why, how long, your rights, who to contact', () => {
    const article = element(html, '<article class="policy');
    const summary = element(article, '<section class="policy-summary"');
    // Nothing but the title and version comes before it.
    expect(article.indexOf('<section')).toBe(article.indexOf(summary));
    const text = textOf(summary);
    for (const heading of ['Who we are, and who to contact', 'What we collect, why, and for how long', 'Your rights'])
      expect(text).toContain(heading);
    expect(text).toContain(shop.config.shop.email);
    expect(text).toContain(shop.config.shop.name);
    // Short: a few lines per topic (twelve of them, since breaches), under 470 words.
    expect(text.split(' ').length).toBeLessThan(470);
    // What is kept longest is said here too: the tax record of an order.
    expect(text).toMatch(/some of it for longer: 6 years from the end of our financial year in which your order took its last step/);
    // Each topic of customers' data is summed up, with a link to its section.
    const customerTopics = [...new Set(items.filter((i) => i.subject === 'customers' && i.where === 'Our database').map((i) => i.feature))];
    expect(customerTopics.length).toBeGreaterThan(2);
    for (const feature of customerTopics) {
      expect(summary).toContain(`href="#${topicId(feature, 'customers')}"`);
      expect(text).toContain(POLICY_TOPICS[feature]?.customers);
    }
    // The staff's data is not summed up as if it were a customer's, but pointed to.
    for (const label of labelsOf('staff')) expect(text).not.toContain(label);
    expect(summary).toContain('href="#staff-data"');
  });

  it('gives each topic its own section, with customers’ data apart from staff data', () => {
    const customers = element(html, '<section class="policy-part" id="customers-data"');
    const staff = element(html, '<section class="policy-part" id="staff-data"');
    for (const s of sections()) {
      const part = s.subject === 'staff' ? staff : customers;
      const other = part === staff ? customers : staff;
      const section = textOf(element(part, `<section class="policy-topic" id="${topicId(s.feature, s.subject)}"`));
      expect(section).toContain(POLICY_TOPICS[s.feature]?.[s.subject]);
      for (const c of items.filter((i) => i.feature === s.feature && i.subject === s.subject)) {
        expect(section, c.label).toContain(c.label);
        expect(section).toContain(c.purpose);
        expect(section).toContain(c.retention);
        expect(textOf(other), c.label).not.toContain(c.label);
        if (c.where === 'Our database') for (const r of c.recipients) expect(section).toContain(r);
      }
    }
  });

  it('keeps the full table, with every kind of stored data, folded away for those who want it', () => {
    const details = element(html, '<details class="policy-full-table"');
    expect(details).not.toMatch(/^<details[^>]* open/);
    const rows = element(details, '<table').match(/<th scope="row">/g) ?? [];
    const stored = inventories.flatMap((i) => i.personal);
    expect(rows).toHaveLength(stored.length);
    const text = textOf(details);
    for (const c of stored) {
      expect(text).toContain(c.label);
      expect(text).toContain(c.retention.text);
    }
  });
});

describe(`the policy's rights, from the declaration of rights and the inventory (${testDialect})`, () => {
  it('explains each right: what we do, where to use it online, by e-mail and by post, and by when', () => {
    const rights = element(html, '<section aria-labelledby="rights">');
    const text = textOf(rights);
    expect(text).toContain(shop.config.shop.email);
    expect(text).toContain(shop.config.shop.address);
    expect(rights).toContain('href="/privacy/rights"');
    for (const r of RIGHTS) {
      const row = textOf(element(rights, `<tr id="right-${r.kind}"`));
      expect(row, r.kind).toContain(r.name);
      expect(row, r.kind).toContain(textOf(r.what));
      expect(row, r.kind).toContain(textOf(r.deadline));
      for (const o of r.online) expect(element(rights, `<tr id="right-${r.kind}"`)).toContain(`href="${o.href}"`);
    }
    // Every kind of request the shop takes is explained.
    for (const kind of REQUEST_KINDS) expect(RIGHTS.map((r) => r.kind)).toContain(kind);
  });

  it('says what erasure keeps: every customer column an inventory declares kept, with its reason and end', () => {
    const text = textOf(element(html, '<section aria-labelledby="rights">'));
    const kept = inventories.flatMap((inv) =>
      inv.personal
        .filter((c) => c.erasure.action === 'keep')
        .map((c) => ({ c, part: items.find((i) => i.feature === inv.feature && i.label === c.label)?.subject })),
    );
    const customers = kept.filter((k) => k.part === 'customers');
    expect(customers.length).toBeGreaterThan(3);
    for (const { c } of customers) {
      if (c.erasure.action !== 'keep') continue;
      expect(text, `${c.table}.${c.column}`).toContain(textOf(c.label));
      expect(text, `${c.table}.${c.column}`).toContain(textOf(c.erasure.reason));
    }
    expect(text).toContain('Opayo');
  });
});
