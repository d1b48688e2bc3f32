import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSENT_WORDING } from '../../src/features/consent/consent.inventory.js';
import { reachableAddresses } from '../../src/features/consent/consent.service.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { formValues, newPerson, signedInCustomer } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';

let shop: TestShop;
let now = new Date('2026-12-01T10:30:00Z');

beforeAll(async () => {
  // Every order here comes from one network: the limit on unpaid orders per buyer is raised out of the way.
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '1000', UNPAID_ORDERS_PER_BUYER: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-12-01T10:30:00Z');
});

let nextVariant = 0;

/** A demo variant no other test here uses, with its stock set, as the fields that put it in the bag. */
async function piece(stock: number): Promise<{ variantId: number; fields: Record<string, string> }> {
  const v = await shop.app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .offset(3 + nextVariant++ * 4)
    .limit(1)
    .executeTakeFirstOrThrow();
  await shop.app.db.updateTable('variants').set({ stock }).where('id', '=', v.id).execute();
  await shop.app.catalog.invalidate();
  const fields: Record<string, string> = { product: v.slug, metal: v.metal, quantity: '1' };
  if (v.ring_size) fields.size = v.ring_size;
  if (v.chain_length_in) fields.length = String(v.chain_length_in);
  return { variantId: v.id, fields };
}

/** Puts a piece in the bag and opens the checkout page, as a shopper would. */
async function openCheckout(shopper: Shopper, stock = 1000): Promise<{ page: string; variantId: number }> {
  const p = await piece(stock);
  const added = await shopper.post('/bag/items', p.fields);
  expect(added.statusCode).toBe(303);
  const bag = await shopper.follow(added);
  const href = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&');
  expect(href).toBeTruthy();
  const page = await shopper.get(href as string);
  expect(page.statusCode).toBe(200);
  return { page: page.body, variantId: p.variantId };
}

/** The text of a checkbox's label on a page, as a person reads it. */
function labelText(html: string, name: string): string {
  const inner = html.match(new RegExp(`<label class="check" for="${name}">([\\s\\S]*?)</label>`))?.[1];
  if (inner === undefined) throw new Error(`no box named ${name} on the page`);
  return inner
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every ledger entry about an address, with the words it stores. */
const ledgerOf = (email: string) =>
  shop.app.db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
    .select(['l.customer_id', 'l.email', 'l.purpose', 'l.action', 'l.method', 'l.policy_version', 'l.at', 'w.text as wording'])
    .where('l.email', '=', email)
    .orderBy('l.id')
    .execute();

const policyVersion = async () => (await shop.app.privacy.policy(now)).version;
const reaches = async (email: string, purpose: string) => (await reachableAddresses(shop.app.db, [email], purpose)).has(email);

describe(`Checkout's opt-ins (${testDialect})`, () => {
  it('offers the General Subscription and feedback requests as two unticked boxes, in the words the inventory declares', async () => {
    const { page } = await openCheckout(new Shopper(shop.app));
    expect(labelText(page, 'general_subscription')).toBe(CONSENT_WORDING.checkout);
    expect(labelText(page, 'feedback_requests')).toBe(CONSENT_WORDING.checkoutFeedback);
    const sent = formValues(page, '/checkout');
    expect(sent.general_subscription).toBeUndefined();
    expect(sent.feedback_requests).toBeUndefined();
  });

  it("records a guest's ticks for the address, with the words shown and the policy in force, when the order is placed", async () => {
    const shopper = new Shopper(shop.app);
    const email = newPerson().email;
    const { page } = await openCheckout(shopper);
    const placed = await shopper.post('/checkout', {
      ...formValues(page, '/checkout'),
      ...GUEST,
      email,
      general_subscription: 'yes',
      feedback_requests: 'yes',
    });
    expect(placed.statusCode, placed.body.slice(0, 300)).toBe(303);
    expect(String(placed.headers.location)).toMatch(/^\/orders\/AS-/);

    const entries = await ledgerOf(email);
    const version = await policyVersion();
    expect(entries).toEqual([
      {
        customer_id: null,
        email,
        purpose: 'general-subscription',
        action: 'given',
        method: 'checkout',
        policy_version: version,
        at: now.toISOString(),
        wording: labelText(page, 'general_subscription'),
      },
      {
        customer_id: null,
        email,
        purpose: 'feedback',
        action: 'given',
        method: 'checkout',
        policy_version: version,
        at: now.toISOString(),
        wording: labelText(page, 'feedback_requests'),
      },
    ]);
    expect(await reaches(email, 'general-subscription')).toBe(true);
    expect(await reaches(email, 'feedback')).toBe(true);
  });

  it('records nothing for boxes left unticked: an order is no consent to marketing', async () => {
    const shopper = new Shopper(shop.app);
    const email = newPerson().email;
    const { page } = await openCheckout(shopper);
    const placed = await shopper.post('/checkout', { ...formValues(page, '/checkout'), ...GUEST, email });
    expect(placed.statusCode).toBe(303);
    const order = await shop.app.db.selectFrom('orders').select('email').where('email', '=', email).executeTakeFirst();
    expect(order?.email).toBe(email);
    expect(await ledgerOf(email)).toEqual([]);
    expect(await reaches(email, 'general-subscription')).toBe(false);
    expect(await reaches(email, 'feedback')).toBe(false);
  });

  it("records a signed-in customer's tick for the account, which Account Home then shows ticked", async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app);
    const { page } = await openCheckout(shopper);
    const placed = await shopper.post('/checkout', { ...formValues(page, '/checkout'), feedback_requests: 'yes' });
    expect(placed.statusCode, placed.body.slice(0, 300)).toBe(303);

    const entries = await ledgerOf(person.email);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      customer_id: id,
      purpose: 'feedback',
      action: 'given',
      method: 'checkout',
      policy_version: await policyVersion(),
      wording: labelText(page, 'feedback_requests'),
    });
    const newsletter = formValues((await shopper.get('/account/newsletter')).body, '/account/newsletter');
    expect(newsletter.feedback_requests).toBe('yes');
    expect(newsletter.general_subscription).toBeUndefined();
    expect(await reaches(person.email, 'feedback')).toBe(true);
    expect(await reaches(person.email, 'general-subscription')).toBe(false);
  });

  it('records the consent of the address typed, not the account, when a customer orders for another address', async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app);
    const other = newPerson().email;
    const { page } = await openCheckout(shopper);
    const placed = await shopper.post('/checkout', { ...formValues(page, '/checkout'), email: other, general_subscription: 'yes' });
    expect(placed.statusCode).toBe(303);
    expect(await ledgerOf(person.email)).toEqual([]);
    expect(await ledgerOf(other)).toMatchObject([{ customer_id: null, purpose: 'general-subscription', method: 'checkout' }]);
    expect(await reaches(other, 'general-subscription')).toBe(true);
    expect(await reaches(person.email, 'general-subscription')).toBe(false);
    const account = await shop.app.db.selectFrom('consent_state').select('purpose').where('customer_id', '=', id).execute();
    expect(account).toEqual([]);
  });

  it('keeps the ticks on a refused form, and records nothing until the order is placed', async () => {
    const shopper = new Shopper(shop.app);
    const email = newPerson().email;
    const { page } = await openCheckout(shopper);
    const refused = await shopper.post('/checkout', {
      ...formValues(page, '/checkout'),
      ...GUEST,
      email,
      phone: '12',
      general_subscription: 'yes',
    });
    expect(refused.statusCode).toBe(400);
    const kept = formValues(refused.body, '/checkout');
    expect(kept.general_subscription).toBe('yes');
    expect(kept.feedback_requests).toBeUndefined();
    expect(await ledgerOf(email)).toEqual([]);

    const placed = await shopper.post('/checkout', { ...kept, phone: GUEST.phone });
    expect(placed.statusCode).toBe(303);
    expect(await ledgerOf(email)).toMatchObject([{ purpose: 'general-subscription', action: 'given', method: 'checkout' }]);
  });

  it('records nothing when the order cannot be placed because the piece sold out meanwhile', async () => {
    const shopper = new Shopper(shop.app);
    const email = newPerson().email;
    const { page, variantId } = await openCheckout(shopper, 1);
    await shop.app.db.updateTable('variants').set({ stock: 0 }).where('id', '=', variantId).execute();
    await shop.app.catalog.invalidate();
    const refused = await shopper.post('/checkout', {
      ...formValues(page, '/checkout'),
      ...GUEST,
      email,
      general_subscription: 'yes',
      feedback_requests: 'yes',
    });
    expect(refused.statusCode).toBe(303);
    expect(String(refused.headers.location)).toMatch(/^\/bag/);
    expect(await shop.app.db.selectFrom('orders').select('id').where('email', '=', email).execute()).toEqual([]);
    expect(await ledgerOf(email)).toEqual([]);
    expect(await reaches(email, 'general-subscription')).toBe(false);
  });
});
