import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  CUSTOMER_PASSWORD,
  checkout,
  formValues,
  lastMail,
  linkToken,
  newPerson,
  payFor,
  registerAndVerify,
  send,
  signInShopper,
  signedInCustomer,
} from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';
import { adminPost, signInAs } from '../support/staff.js';

let shop: TestShop;
let now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());
beforeEach(() => {
  now = new Date('2026-11-23T10:00:00Z');
});

const customerRow = (id: number) => shop.app.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const addressRows = (customerId: number) =>
  shop.app.db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
const orderRow = (number: string) => shop.app.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

/** The text of a field's error on a page, by the id the form gives it. */
const fieldError = (html: string, name: string) => html.match(new RegExp(`id="${name}-error">([^<]*)<`))?.[1];

describe(`Account Home (${testDialect})`, () => {
  it('greets the customer, links every section and is never cached', async () => {
    const { shopper } = await signedInCustomer(shop.app, { first_name: 'Winifred' });
    const home = await shopper.get('/account');
    expect(home.statusCode).toBe(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.body).toContain('Hello, Winifred');
    for (const path of [
      '/account/details',
      '/account/addresses',
      '/account/orders',
      '/account/newsletter',
      '/account/privacy',
      '/account/security',
    ]) {
      expect(home.body).toContain(`href="${path}"`);
    }
    expect(home.body).toContain('Newsletter Subscription');
    expect(home.body).toContain('Default for delivery');
    expect(home.body).toContain('B1 3HN');
  });

  it('sends a signed-out visitor to sign in, and back afterwards', async () => {
    const res = await new Shopper(shop.app).get('/account/addresses');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/sign-in?next=%2Faccount%2Faddresses');
  });
});

describe(`My details (${testDialect})`, () => {
  it('changes name and phone at once, and refuses bad input next to the field with the form kept', async () => {
    const { shopper, id } = await signedInCustomer(shop.app);
    const refused = await send(shopper, '/account/details', '/account/details', { first_name: 'Augusta', surname: 'King', phone: '12' });
    expect(refused.statusCode).toBe(400);
    expect(fieldError(refused.body, 'phone')).toContain('UK phone number');
    expect(refused.body).toContain('value="Augusta"');
    expect((await customerRow(id)).first_name).toBe('Grace');

    const saved = await send(shopper, '/account/details', '/account/details', {
      first_name: '  Augusta ',
      surname: 'King',
      phone: '+44 7700 900999',
    });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, '/account/details?saved=1']);
    const row = await customerRow(id);
    expect([row.first_name, row.surname, row.phone]).toEqual(['Augusta', 'King', '07700 900999']);
    const page = await shopper.follow(saved);
    expect(page.body).toContain('Your details are saved.');
    expect(page.body).toContain('value="07700 900999"');
    expect((await shopper.get('/account')).body).toContain('Hello, Augusta');
  });

  it('changes the e-mail address only once the new one is confirmed, and tells the old one', async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app);
    const next = newPerson().email;

    const same = await send(shopper, '/account/details', '/account/details/email', {
      email: person.email,
      current_password: CUSTOMER_PASSWORD,
    });
    expect(same.statusCode).toBe(400);
    expect(fieldError(same.body, 'email')).toContain('already the address');
    const bad = await send(shopper, '/account/details', '/account/details/email', {
      email: 'not-an-address',
      current_password: CUSTOMER_PASSWORD,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="not-an-address"');

    const asked = await send(shopper, '/account/details', '/account/details/email', {
      email: next.toUpperCase(),
      current_password: CUSTOMER_PASSWORD,
    });
    expect([asked.statusCode, asked.headers.location]).toEqual([303, '/account/details?email=sent']);
    const notice = await shopper.follow(asked);
    expect(notice.body).toContain("We've sent a link to the new address");
    expect(notice.body).toContain('changes once you confirm it');
    expect(notice.body).toContain("We've told your current address");

    const toOld = await lastMail(shop.app, person.email, 'account-email-change');
    expect(toOld?.text_body).toContain(next);
    const toNew = await lastMail(shop.app, next, 'account-email-confirm');
    expect(toNew).toBeTruthy();
    expect((await customerRow(id)).email).toBe(person.email);

    const token = linkToken(toNew?.text_body, '/account/email/confirm');
    const confirmed = await send(shopper, `/account/email/confirm?token=${token}`, '/account/email/confirm', { token });
    expect([confirmed.statusCode, confirmed.headers.location]).toEqual([303, '/account/details?email=changed']);
    expect((await customerRow(id)).email).toBe(next);
    expect((await shopper.follow(confirmed)).body).toContain(`Your e-mail address is now ${next}`);
    expect(await lastMail(shop.app, person.email, 'account-email-changed')).toBeTruthy();
  });
});

describe(`Address book (${testDialect})`, () => {
  it('adds, changes, makes default and deletes addresses; the default moves when the default goes', async () => {
    const { shopper, id } = await signedInCustomer(shop.app);
    const [first] = await addressRows(id);

    const refused = await send(shopper, '/account/addresses', '/account/addresses', {
      first_name: 'Ada',
      surname: 'Byron',
      line1: '1 St James Square',
      city: 'London',
      postcode: 'nowhere',
    });
    expect(refused.statusCode).toBe(400);
    expect(fieldError(refused.body, 'postcode')).toContain('UK postcode');
    expect(refused.body).toContain('value="1 St James Square"');

    const added = await send(shopper, '/account/addresses', '/account/addresses', {
      first_name: 'Ada',
      surname: 'Byron',
      line1: '1 St James Square',
      line2: '',
      city: 'London',
      postcode: 'sw1y 4jh',
    });
    expect([added.statusCode, added.headers.location]).toEqual([303, '/account/addresses?done=added']);
    let rows = await addressRows(id);
    expect(rows.map((r) => [r.postcode, r.is_default])).toEqual([
      ['B1 3HN', 1],
      ['SW1Y 4JH', 0],
    ]);
    const second = rows[1]!;
    const list = await shopper.get('/account/addresses');
    expect(list.body).toContain('Default for delivery');
    expect(list.body).toContain('SW1Y 4JH');

    const editForm = await shopper.get(`/account/addresses/${second.id}`);
    expect(editForm.statusCode).toBe(200);
    expect(editForm.body).toContain('value="1 St James Square"');
    const badEdit = await send(shopper, `/account/addresses/${second.id}`, `/account/addresses/${second.id}`, {
      ...formValues(editForm.body, `/account/addresses/${second.id}`),
      city: '',
    });
    expect(badEdit.statusCode).toBe(400);
    expect(fieldError(badEdit.body, 'city')).toContain('town or city');
    const edited = await send(shopper, `/account/addresses/${second.id}`, `/account/addresses/${second.id}`, {
      ...formValues(editForm.body, `/account/addresses/${second.id}`),
      line2: 'Flat 3',
    });
    expect(edited.statusCode).toBe(303);
    expect((await addressRows(id))[1]?.line2).toBe('Flat 3');

    const madeDefault = await send(shopper, '/account/addresses', `/account/addresses/${second.id}/default`, {});
    expect([madeDefault.statusCode, madeDefault.headers.location]).toEqual([303, '/account/addresses?done=default']);
    rows = await addressRows(id);
    expect(rows.map((r) => r.is_default)).toEqual([0, 1]);

    // Deleting the default: the one left takes its place.
    const deleted = await send(shopper, '/account/addresses', `/account/addresses/${second.id}/delete`, {});
    expect(deleted.statusCode).toBe(303);
    rows = await addressRows(id);
    expect(rows.map((r) => [r.id, r.is_default])).toEqual([[first!.id, 1]]);

    expect((await shopper.get(`/account/addresses/${second.id}`)).statusCode).toBe(404);
    expect((await shopper.get('/account/addresses/abc')).statusCode).toBe(404);
    expect((await shopper.get('/account/addresses/99999999999')).statusCode).toBe(404);
  });

  it('holds at most 20 addresses, says so in plain words, and keeps to it under parallel posts', async () => {
    const { shopper, id } = await signedInCustomer(shop.app);
    const page = await shopper.get('/account/addresses');
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] as string;
    const address = (n: number) => ({
      _csrf: csrf,
      first_name: 'Ada',
      surname: 'Byron',
      line1: `${n} Vyse Street`,
      city: 'Birmingham',
      postcode: 'B18 6NF',
    });
    // Registration made the first; 19 more fill the book.
    for (let n = 2; n <= 20; n++) expect((await shopper.post('/account/addresses', address(n))).statusCode, `address ${n}`).toBe(303);
    expect(await addressRows(id)).toHaveLength(20);

    const full = await shopper.post('/account/addresses', address(21));
    expect(full.statusCode).toBe(400);
    expect(full.body).toContain(
      'Your address book is full: it holds up to 20 addresses. Please delete one you no longer need, then add the new one.',
    );
    expect(full.body).toContain('value="21 Vyse Street"');
    expect(await addressRows(id)).toHaveLength(20);
    expect((await shopper.get('/account/addresses')).body).toContain('holds up to 20 addresses');

    const rows = await addressRows(id);
    for (const r of rows.slice(-3))
      expect((await send(shopper, '/account/addresses', `/account/addresses/${r.id}/delete`, {})).statusCode).toBe(303);
    const raced = await Promise.all([22, 23, 24, 25, 26, 27].map((n) => shopper.post('/account/addresses', address(n))));
    expect(raced.map((r) => r.statusCode).sort()).toEqual([303, 303, 303, 400, 400, 400]);
    expect(await addressRows(id)).toHaveLength(20);
  });
});

describe(`Newsletter Subscription (${testDialect})`, () => {
  it('keeps the General Subscription box as it was last saved', async () => {
    const { shopper, id } = await signedInCustomer(shop.app);
    const page = await shopper.get('/account/newsletter');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('General Subscription');
    expect(page.body).toContain('unsubscribe');
    expect(formValues(page.body, '/account/newsletter').general_subscription).toBeUndefined();

    now = new Date('2026-11-23T10:30:00Z');
    const on = await send(shopper, '/account/newsletter', '/account/newsletter', { general_subscription: 'yes' });
    expect(on.statusCode).toBe(303);
    const stateOf = () =>
      shop.app.db
        .selectFrom('consent_state')
        .select(['given', 'changed_at'])
        .where('customer_id', '=', id)
        .where('purpose', '=', 'general-subscription')
        .executeTakeFirst();
    expect(await stateOf()).toEqual({ given: 1, changed_at: now.toISOString() });
    const shown = await shopper.get('/account/newsletter');
    expect(formValues(shown.body, '/account/newsletter').general_subscription).toBe('yes');

    const off = await send(shopper, '/account/newsletter', '/account/newsletter', {});
    expect(off.statusCode).toBe(303);
    expect((await stateOf())?.given).toBe(0);
    expect(formValues((await shopper.get('/account/newsletter')).body, '/account/newsletter').general_subscription).toBeUndefined();
  });
});

describe(`Orders (${testDialect})`, () => {
  it('fills checkout from the account, and shows the order with its status and tracking', async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app, { first_name: 'Mary', surname: 'Somerville' });
    const placed = await checkout(shop.app, shopper);
    const filled = formValues(placed.checkoutPage, '/checkout');
    expect(filled).toMatchObject({
      first_name: 'Mary',
      surname: 'Somerville',
      email: person.email,
      phone: person.phone,
      billing_line1: person.line1,
      billing_city: person.city,
      billing_postcode: person.postcode,
      same_address: 'yes',
    });
    // With a single address there is nothing to choose between.
    expect(placed.checkoutPage).not.toContain('name="saved_delivery"');
    expect((await orderRow(placed.number)).customer_id).toBe(id);

    // Unpaid: the order's own page is where to pay.
    const unpaid = await shopper.get(`/account/orders/${placed.number}`);
    expect(unpaid.statusCode).toBe(200);
    expect(unpaid.body).toContain('Awaiting payment');
    const payHref = unpaid.body.match(/href="(\/orders\/[^"]+)"[^>]*>\s*Pay for this order/)?.[1]?.replace(/&amp;/g, '&');
    expect(payHref).toBe(placed.orderUrl);

    await payFor(shop.app, shopper, placed.orderUrl);
    const fulfilment = await signInAs(shop.app, 'fulfilment');
    const dispatched = await adminPost(
      shop.app,
      fulfilment.cookie,
      `/admin/dispatch/${placed.number}`,
      `/admin/dispatch/${placed.number}/dispatch`,
      { tracking: 'AB123456789GB' },
    );
    expect(dispatched.statusCode, dispatched.body.slice(0, 300)).toBe(303);

    const list = await shopper.get('/account/orders');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/account/orders/${placed.number}"`);
    expect(list.body).toContain('Dispatched');
    expect(list.body).toContain('AB123456789GB');
    expect(list.body).toContain('23 November 2026');

    const detail = await shopper.get(`/account/orders/${placed.number}`);
    const order = await orderRow(placed.number);
    expect(detail.statusCode).toBe(200);
    expect(detail.headers['cache-control']).toBe('no-store');
    expect(detail.body).toContain('Dispatched');
    expect(detail.body).toContain('AB123456789GB');
    expect(detail.body).toContain('Includes VAT at 20 %');
    expect(detail.body).toContain(person.postcode);
    expect(detail.body).not.toContain('Pay for this order');
    const line = await shop.app.db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(detail.body).toContain(line.product_name);

    const home = await shopper.get('/account');
    expect(home.body).toContain(placed.number);
    expect((await shopper.get('/account/orders/AS-000000')).statusCode).toBe(404);
    expect((await shopper.get('/account/orders/not-a-number')).statusCode).toBe(404);
  });

  it('delivers to a saved address chosen at checkout', async () => {
    const { shopper } = await signedInCustomer(shop.app);
    await send(shopper, '/account/addresses', '/account/addresses', {
      first_name: 'Caroline',
      surname: 'Herschel',
      line1: '19 New King Street',
      city: 'Bath',
      postcode: 'BA1 2BL',
    });
    const pick = await checkout(shop.app, shopper, {});
    expect(pick.checkoutPage).toContain('name="saved_delivery"');
    const other = pick.checkoutPage.match(/<option value="(\d+)"[^>]*>[^<]*19 New King Street/)?.[1];
    expect(other).toBeTruthy();
    const placed = await checkout(shop.app, shopper, { saved_delivery: other as string });
    const order = await orderRow(placed.number);
    expect([order.delivery_first_name, order.delivery_line1, order.delivery_postcode]).toEqual([
      'Caroline',
      '19 New King Street',
      'BA1 2BL',
    ]);
    expect(order.billing_postcode).toBe('B1 3HN');
  });

  it('links a guest order placed with the address before registering, once the address is confirmed', async () => {
    const email = newPerson().email;
    const guest = new Shopper(shop.app);
    const placed = await checkout(shop.app, guest, { ...GUEST, email: email.toUpperCase() });
    expect((await orderRow(placed.number)).customer_id).toBeNull();

    const { id } = await registerAndVerify(shop.app, { email });
    expect((await orderRow(placed.number)).customer_id).toBe(id);
    const shopper = await signInShopper(shop.app, email);
    const list = await shopper.get('/account/orders');
    expect(list.body).toContain(placed.number);
    expect((await shopper.get(`/account/orders/${placed.number}`)).statusCode).toBe(200);
  });
});

describe(`Privacy (${testDialect})`, () => {
  it('shows which staff role looked at the orders, and when, but never who', async () => {
    const { shopper } = await signedInCustomer(shop.app);
    const before = await shopper.get('/account/privacy');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('Nobody has looked at your data');
    expect(before.body).toContain('Download my data');
    expect(before.body).toContain('Delete my account');
    expect(before.body).toContain(shop.config.shop.email);
    expect(before.body).toContain('href="/account/privacy/copy"');

    const placed = await checkout(shop.app, shopper);
    now = new Date('2026-11-23T10:35:00Z');
    const manager = await signInAs(shop.app, 'manager');
    expect((await shop.app.inject({ url: `/admin/orders/${placed.number}`, headers: { cookie: manager.cookie } })).statusCode).toBe(200);
    now = new Date('2026-11-23T11:05:00Z');
    const service = await signInAs(shop.app, 'customer_service');
    expect((await shop.app.inject({ url: `/admin/orders/${placed.number}`, headers: { cookie: service.cookie } })).statusCode).toBe(200);

    const after = await shopper.get('/account/privacy');
    const table = after.body.slice(after.body.indexOf('id="who-looked"'));
    expect(table).toContain('Manager');
    expect(table).toContain('Customer service');
    expect(table).toContain(`Order ${placed.number}`);
    expect(table).toContain('23 November 2026 at 10:35');
    expect(table).toContain('23 November 2026 at 11:05');
    expect(table).toContain('Looked at');
    for (const staff of [manager, service]) {
      expect(after.body).not.toContain(staff.email);
      expect(after.body).not.toContain(`>${staff.staffId}<`);
    }
    expect(after.body).not.toContain('Test manager');
    expect(after.body).not.toContain('Test customer service');
    expect((await shopper.get('/account')).body).toContain('Staff accesses to your data recorded: 2');
  });
});

describe(`Security (${testDialect})`, () => {
  it('changes the password only with the current one, and signs out every other device', async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app);
    const other = await signInShopper(shop.app, person.email);

    const wrong = await send(shopper, '/account/security', '/account/security/password', {
      current_password: 'not my password at all',
      password: 'lighthouse meadow copper violin',
    });
    expect(wrong.statusCode).toBe(400);
    expect(fieldError(wrong.body, 'current_password')).toContain("isn't your current password");
    const weak = await send(shopper, '/account/security', '/account/security/password', {
      current_password: CUSTOMER_PASSWORD,
      password: `${person.email.split('@')[0]}2026`,
    });
    expect(weak.statusCode).toBe(400);
    expect(fieldError(weak.body, 'password')).toContain('does not contain your name or e-mail');
    const before = (await customerRow(id)).password_hash;
    expect((await other.get('/account')).statusCode).toBe(200);

    const changed = await send(shopper, '/account/security', '/account/security/password', {
      current_password: CUSTOMER_PASSWORD,
      password: 'lighthouse meadow copper violin',
    });
    expect([changed.statusCode, changed.headers.location]).toEqual([303, '/account/security?done=password']);
    expect((await customerRow(id)).password_hash).not.toBe(before);
    expect((await shopper.follow(changed)).body).toContain('every other device has been signed out');
    expect((await other.get('/account')).statusCode).toBe(303);
    expect((await shopper.get('/account')).statusCode).toBe(200);
    expect(await lastMail(shop.app, person.email, 'account-password-changed')).toBeTruthy();
    await expect(signInShopper(shop.app, person.email, 'lighthouse meadow copper violin')).resolves.toBeTruthy();
  });

  it('lists the devices signed in, and signs out one, all others, or this one', async () => {
    const { shopper, id, person } = await signedInCustomer(shop.app);
    now = new Date('2026-11-23T10:20:00Z');
    const laptop = await signInShopper(shop.app, person.email);
    const phone = await signInShopper(shop.app, person.email);
    const sessions = await shop.app.db.selectFrom('customer_sessions').selectAll().where('customer_id', '=', id).orderBy('id').execute();
    expect(sessions).toHaveLength(3);
    const [mine, laptopSession] = sessions;

    const page = await shopper.get('/account/security');
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/This device/g)).toHaveLength(1);
    expect(page.body).toContain('23 November 2026 at 10:20');
    for (const s of sessions) expect(page.body).toContain(`action="/account/sessions/${s.id}/revoke"`);
    expect(page.body).toContain('Sign out of all other devices (2)');

    const revoked = await send(shopper, '/account/security', `/account/sessions/${laptopSession!.id}/revoke`, {});
    expect([revoked.statusCode, revoked.headers.location]).toEqual([303, '/account/security?done=revoked']);
    expect((await laptop.get('/account')).statusCode).toBe(303);
    expect((await phone.get('/account')).statusCode).toBe(200);
    expect((await send(shopper, '/account/security', `/account/sessions/${laptopSession!.id}/revoke`, {})).statusCode).toBe(404);

    const others = await send(shopper, '/account/security', '/account/sessions/revoke-others', {});
    expect(others.statusCode).toBe(303);
    expect((await phone.get('/account')).statusCode).toBe(303);
    expect((await shopper.get('/account')).statusCode).toBe(200);

    const self = await send(shopper, '/account/security', `/account/sessions/${mine!.id}/revoke`, {});
    expect(self.statusCode).toBe(303);
    expect(String(self.headers['set-cookie'])).toContain('assay_session=;');
    expect(await shop.app.db.selectFrom('customer_sessions').select('id').where('customer_id', '=', id).execute()).toEqual([]);
  });

  it('lists only sessions that still work, not those ended by time', async () => {
    const { id, person } = await signedInCustomer(shop.app);
    const remembered = new Shopper(shop.app);
    await send(remembered, '/account/sign-in', '/account/sign-in', { email: person.email, password: CUSTOMER_PASSWORD, remember: 'yes' });
    now = new Date('2026-11-23T13:00:00Z');
    const page = await remembered.get('/account/security');
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/action="\/account\/sessions\/\d+\/revoke"/g)).toHaveLength(1);
    expect(page.body).not.toContain('Sign out of all other devices');
    expect((await remembered.get('/account')).body).toContain('Signed in on this device only.');
    // The idle one is still a row until the clean-up, but it no longer signs anyone in.
    expect(await shop.app.db.selectFrom('customer_sessions').select('id').where('customer_id', '=', id).execute()).toHaveLength(2);
  });
});
