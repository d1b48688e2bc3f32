import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_CHARACTER_MESSAGE, MULTILINE_FIELDS, hasHiddenCharacter } from '../../src/shared/text.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { formValues, newPerson, pieceInStock, send, signedInCustomer } from '../support/customer.js';
import { submitForm } from '../support/forms.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { signInAs } from '../support/staff.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());

/** One of each kind the shop refuses: C0, DEL, C1, a bidi override and a bidi isolate. */
const HIDDEN = ['\u0007', '\u007F', '\u0085', '\u202E', '\u2067'];
const LINE_BREAKS = ['\t', '\n', '\r'];

const refusal = (body: string) => body.includes(HIDDEN_CHARACTER_MESSAGE.replace(/'/g, '&#39;')) || body.includes(HIDDEN_CHARACTER_MESSAGE);

async function rowCounts() {
  const count = async (table: 'orders' | 'customers' | 'customer_addresses' | 'contact_messages') =>
    Number(
      (
        await shop.app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    orders: await count('orders'),
    customers: await count('customers'),
    addresses: await count('customer_addresses'),
    enquiries: await count('contact_messages'),
  };
}

describe('the text rule', () => {
  it('refuses controls and direction overrides everywhere, tab and line breaks only on one line', () => {
    for (const c of HIDDEN) {
      expect(hasHiddenCharacter(`a${c}b`)).toBe(true);
      expect(hasHiddenCharacter(`a${c}b`, true)).toBe(true);
    }
    for (const c of LINE_BREAKS) {
      expect(hasHiddenCharacter(`a${c}b`)).toBe(true);
      expect(hasHiddenCharacter(`a${c}b`, true)).toBe(false);
    }
    // Letters of every script, accents, emoji, and the left-to-right/right-to-left marks people type are all fine.
    expect(hasHiddenCharacter('Zoë Ó Súilleabháin — שלום، مرحبا 💍 \u200E\u200F')).toBe(false);
  });
});

describe('control and bidi characters are refused in every stored text field, with a plain message', () => {
  it('checkout: every text field, nothing stored', async () => {
    const shopper = new Shopper(shop.app);
    const added = await shopper.post('/bag/items', await pieceInStock(shop.app));
    const bag = await shopper.follow(added);
    const href = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&') as string;
    const page = await shopper.get(href);
    const fields = { ...formValues(page.body, '/checkout'), ...GUEST, gift_message: 'Happy birthday' };
    const before = await rowCounts();
    const textFields = ['first_name', 'surname', 'email', 'phone', 'billing_line1', 'billing_city', 'billing_postcode', 'gift_message'];
    for (const name of textFields) {
      for (const c of HIDDEN) {
        const res = await shopper.post('/checkout', { ...fields, [name]: `${fields[name as keyof typeof fields]}${c}x` });
        expect(res.statusCode, `${name} with U+${c.codePointAt(0)!.toString(16)}`).toBe(400);
        expect(refusal(res.body)).toBe(true);
      }
    }
    // A line break is fine in the gift message, and nowhere else.
    expect((await shopper.post('/checkout', { ...fields, first_name: 'Ada\nBob' })).statusCode).toBe(400);
    expect(await rowCounts()).toEqual(before);
    const placed = await shopper.post('/checkout', { ...fields, gift_message: 'Happy birthday,\r\nwith love' });
    expect(placed.statusCode).toBe(303);
    const order = await shop.app.db.selectFrom('orders').select('gift_message').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(order.gift_message).toContain('with love');
  });

  it('registration, details and the address book', async () => {
    const before = await rowCounts();
    for (const name of ['first_name', 'surname', 'line1', 'line2', 'city', 'postcode', 'phone', 'email'] as const) {
      const person = newPerson();
      const res = await send(new Shopper(shop.app), '/account/register', '/account/register', {
        ...person,
        [name]: `${person[name]}\u202E`,
      });
      expect(res.statusCode, name).toBe(400);
      expect(refusal(res.body)).toBe(true);
    }
    expect(await rowCounts()).toEqual(before);

    const { shopper, person } = await signedInCustomer(shop.app);
    const details = await send(shopper, '/account/details', '/account/details', {
      first_name: 'Grace\u0085',
      surname: person.surname,
      phone: person.phone,
    });
    expect(details.statusCode).toBe(400);
    const address = await send(shopper, '/account/addresses', '/account/addresses', {
      first_name: 'Grace',
      surname: 'Hopper',
      line1: '1 Main\tStreet',
      line2: '',
      city: 'Birmingham',
      postcode: 'B1 1AA',
      phone: '07700 900123',
    });
    expect(address.statusCode).toBe(400);
    const after = await shop.app.db
      .selectFrom('customers')
      .select('first_name')
      .where('email', '=', person.email)
      .executeTakeFirstOrThrow();
    expect(after.first_name).toBe(person.first_name);
  });

  it('contact enquiries: refused on one line and in the message, but tabs and line breaks are fine in the message', async () => {
    const before = await rowCounts();
    const ok = { name: 'Grace Hopper', email: 'grace@example.co.uk', subject: 'other', message: 'Hello' };
    for (const [name, value] of [
      ['name', 'Grace\u2066 Hopper'],
      ['email', 'grace@example.co.uk\u0007'],
      ['message', 'Please \u202Eresize my ring'],
      ['name', 'Grace\tHopper'],
    ] as const) {
      const res = await submitForm(shop.app, '/contact', '/contact', { ...ok, [name]: value });
      expect(res.statusCode, name).toBe(400);
      expect(refusal(res.body)).toBe(true);
    }
    expect(await rowCounts()).toEqual(before);
    const sent = await submitForm(shop.app, '/contact', '/contact', { ...ok, message: 'Line one\r\n\tLine two' });
    expect(sent.statusCode).toBe(303);
  });

  it('search and other queries', async () => {
    const res = await shop.app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent('ring\u202E')}` });
    expect(res.statusCode).toBe(400);
    expect(refusal(res.body)).toBe(true);
  });
});

describe('the multi-line fields are exactly the textareas', () => {
  it('every textarea on the shop and back-office pages is declared multi-line', async () => {
    const names = new Set<string>();
    const collect = (html: string) => {
      for (const m of html.matchAll(/<textarea[^>]*\sname="([^"]+)"/g)) names.add(m[1] as string);
    };
    const shopper = new Shopper(shop.app);
    const added = await shopper.post('/bag/items', await pieceInStock(shop.app));
    const bag = await shopper.follow(added);
    const href = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&') as string;
    collect((await shopper.get(href)).body);
    collect((await shop.app.inject({ method: 'GET', url: '/contact' })).body);
    const { cookie } = await signInAs(shop.app, 'owner');
    const product = await shop.app.db.selectFrom('products').select('id').orderBy('id').executeTakeFirstOrThrow();
    for (const url of ['/admin/products/new', `/admin/products/${product.id}`, '/admin/categories']) {
      const res = await shop.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(200);
      collect(res.body);
    }
    expect(names.size).toBeGreaterThanOrEqual(3);
    expect([...names].filter((n) => !MULTILINE_FIELDS.has(n))).toEqual([]);
  });
});
