import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventories } from '../../src/features/privacy/inventory.registry.js';
import { PROCESSOR_ROLES, SAFEGUARD_TEXT, processorsInUse } from '../../src/features/privacy/processors.js';
import { policyContent } from '../../src/features/privacy/privacy.service.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

/** The page's text, tags dropped and entities read, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<\/(dt|dd|li|p|h\d)>/g, '$& ')
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no #${id} on the page`);
  return html.slice(start, html.indexOf('<h3', start + 10));
}

const ABROAD = {
  SMTP_URL: 'smtp://mail.example:587',
  MAIL_PROCESSOR: 'Postmark (ActiveCampaign LLC); United States; uk-us-data-bridge',
  HOSTING_PROCESSOR: 'Hetzner Online GmbH; Germany',
};

let home: TestShop;
let abroad: TestShop;
beforeAll(async () => {
  home = await buildTestShop({ env: { SEED_DEMO: 'false' } });
  abroad = await buildTestShop({ sharingDatabaseOf: home, env: { SEED_DEMO: 'false', ...ABROAD } });
});
afterAll(async () => {
  await abroad?.close();
  await home?.close();
});

describe(`the processors and transfers on /privacy (${testDialect})`, () => {
  it('names each processor in use by its role: company, what it receives, why, country and the safeguard in words', async () => {
    const html = (await abroad.app.inject({ url: '/privacy' })).body;
    const used = processorsInUse(abroad.config);
    expect(used.map((p) => p.role)).toEqual(['payments', 'hosting', 'email']);
    const processors = textOf(section(html, 'processors'));
    for (const p of used) {
      expect(processors).toContain(`${PROCESSOR_ROLES[p.role].title}: ${p.name}`);
      expect(processors).toContain(PROCESSOR_ROLES[p.role].receives);
      expect(processors).toContain(PROCESSOR_ROLES[p.role].why);
    }
    expect(processors).toContain('Postmark (ActiveCampaign LLC)');
    expect(processors).toContain(SAFEGUARD_TEXT['uk-us-data-bridge']);
    expect(processors).toContain(SAFEGUARD_TEXT.adequacy);
    // Backups are not set up, so no backup company is named.
    expect(processors).not.toContain(PROCESSOR_ROLES.backups.title);
  });

  it('says where data leaves the UK, to whom and under which safeguard, and offers a copy; no blanket consent to transfers', async () => {
    const html = (await abroad.app.inject({ url: '/privacy' })).body;
    const transfers = textOf(section(html, 'transfers'));
    expect(transfers).toContain('Your data leaves the UK only to these, each with the safeguard named; ask us for a copy of the safeguard');
    expect(transfers).toContain(
      `Postmark (ActiveCampaign LLC) (sending e-mail), in United States. Safeguard: ${SAFEGUARD_TEXT['uk-us-data-bridge']}.`,
    );
    expect(transfers).toContain(`Hetzner Online GmbH (hosting the shop), in Germany. Safeguard: ${SAFEGUARD_TEXT.adequacy}.`);
    expect(transfers).not.toContain('Opayo');
    expect(textOf(html)).not.toMatch(/consent to (these|the) transfers/i);
  });

  it('says the data stays in the UK when no processor is abroad', async () => {
    const html = (await home.app.inject({ url: '/privacy' })).body;
    expect(textOf(section(html, 'transfers'))).toContain('Your data stays in the UK: every company above keeps it in the United Kingdom.');
    expect(textOf(section(html, 'processors'))).toContain('Card payments: Elavon Financial Services DAC, trading as Opayo');
  });

  it('makes a new version of the policy when a processor changes', async () => {
    const [a, b] = await Promise.all([home.app.privacy.policy(home.app.clock()), abroad.app.privacy.policy(abroad.app.clock())]);
    expect(a.version).not.toBe(b.version);
    const shop = home.config.shop;
    const one = processorsInUse(home.config);
    const other = one.map((p) => (p.role === 'payments' ? { ...p, name: 'Another Payments Ltd' } : p));
    expect(policyContent(inventories, shop, [], undefined, one).version).not.toBe(
      policyContent(inventories, shop, [], undefined, other).version,
    );
    expect(policyContent(inventories, shop, [], undefined, one).version).toBe(policyContent(inventories, shop, [], undefined, one).version);
    const versions = await home.app.db.selectFrom('policy_versions').select(['version', 'text']).execute();
    expect(versions.map((v) => v.version)).toEqual(expect.arrayContaining([a.version, b.version]));
    expect(versions.find((v) => v.version === b.version)?.text).toContain('Sending e-mail: Postmark (ActiveCampaign LLC)');
  });

  it('says staff are bound by a confidentiality undertaking, see only what their role needs, and every look is recorded and shown', async () => {
    const html = (await home.app.inject({ url: '/privacy' })).body;
    const text = textOf(html);
    expect(text).toContain(
      "Everyone who works for us accepts a confidentiality undertaking, which names the UK's Jewellery Retail Codes of Conduct, before the back office shows them any personal data.",
    );
    expect(text).toContain('Each member of staff sees only what their role needs');
    expect(text).toContain(
      "Every time a member of staff looks at a customer's data, it is recorded, and the record is shown in that customer's copy of their data.",
    );
    expect(text).toContain(
      `By law, we are registered with the Information Commissioner's Office (ICO), number ${home.config.shop.icoNumber}.`,
    );
    expect(html).toContain('href="/privacy/retention"');
    expect(html).toContain('href="/privacy/versions"');
  });
});
