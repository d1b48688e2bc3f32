import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  CUSTOMER_PASSWORD,
  type TestCustomer,
  checkout,
  csrfOf,
  payFor,
  send,
  signInHeaders,
  signInShopper,
  signedInCustomer,
} from '../support/customer.js';
import { cookieHeader, formBody } from '../support/forms.js';

/**
 * A customer reaches only their own data. Every route under /account is walked from the route
 * table (so a new one is covered the day it is added): signed out, and signed in as customer A
 * with customer B's identifiers in every parameter. Nothing of B's may show, and nothing of B's
 * may change.
 */

let shop: TestShop;
const now = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '1000' } });
});
afterAll(async () => shop?.close());

/** The account pages anyone may open: they hold nobody's data. */
const PUBLIC = new Set([
  '/account/register',
  '/account/register/sent',
  '/account/verify',
  '/account/sign-in',
  '/account/reset',
  '/account/reset/choose',
  '/account/email/confirm',
]);
/** Ends the session that sends it, and only that: walked last. */
const SIGN_OUT = '/account/sign-out';

/** Every form field any account form takes, valid, so that a route missing its owner check would act. */
const EVERY_FIELD = {
  first_name: 'Mallory',
  surname: 'Intruder',
  phone: '07700 900666',
  line1: '1 Spy Lane',
  line2: '',
  city: 'Leeds',
  postcode: 'LS1 4AP',
  make_default: 'yes',
  general_subscription: 'yes',
  email: 'mallory@example.net',
  // A wrong current password: the walk must not change how the later tests sign in.
  current_password: 'not the password of anyone here',
  password: 'periscope tangerine ballroom',
};

const accountRoutes = () =>
  shop.app.routeTable.filter((r) => (r.url === '/account' || r.url.startsWith('/account/')) && !PUBLIC.has(r.url));

let a: TestCustomer;
let b: TestCustomer;
let bIds: { address: number; otherAddress: number; order: string; session: number };
let aOrder: string;
let secrets: string[];

async function snapshotOf(customerId: number) {
  const db = shop.app.db;
  const [customer, addresses, sessions, orders, tokens, mails] = await Promise.all([
    db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow(),
    db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).orderBy('id').execute(),
    db.selectFrom('customer_sessions').selectAll().where('customer_id', '=', customerId).orderBy('id').execute(),
    db.selectFrom('orders').selectAll().where('customer_id', '=', customerId).orderBy('id').execute(),
    db.selectFrom('customer_tokens').selectAll().where('customer_id', '=', customerId).orderBy('id').execute(),
    db.selectFrom('mail_outbox').select(['id', 'kind']).where('reference', '=', `customer-${customerId}`).orderBy('id').execute(),
  ]);
  return { customer, addresses, sessions, orders, tokens, mails };
}

/** B's identifier for a route's parameter; a parameter nobody has thought about fails the test. */
function bValueFor(url: string, param: string): string {
  if (url.startsWith('/account/addresses/') && param === 'id') return String(url.endsWith('/delete') ? bIds.address : bIds.otherAddress);
  if (url.startsWith('/account/orders/') && param === 'number') return bIds.order;
  if (url.startsWith('/account/sessions/') && param === 'id') return String(bIds.session);
  throw new Error(`${url}: no identifier of customer B for :${param}. Add one here, so that this route is tested for access control.`);
}

const ownValueFor = (ids: { address: number; order: string; session: number }) => (url: string, param: string) => {
  if (url.startsWith('/account/addresses/') && param === 'id') return String(ids.address);
  if (url.startsWith('/account/orders/') && param === 'number') return ids.order;
  if (url.startsWith('/account/sessions/') && param === 'id') return String(ids.session);
  throw new Error(`${url}: no identifier of customer A for :${param}`);
};

const fill = (url: string, value: (url: string, param: string) => string) => url.replace(/:(\w+)/g, (_m, p: string) => value(url, p));

function inject(method: string, url: string, auth: { cookie: string; csrf: string } | null, fields: Record<string, string> = {}) {
  const posting = method !== 'GET' && method !== 'HEAD';
  return shop.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(auth ? { cookie: auth.cookie } : {}),
      ...(posting
        ? { 'content-type': 'application/x-www-form-urlencoded', origin: shop.config.publicUrl, 'sec-fetch-site': 'same-origin' }
        : {}),
    },
    ...(posting ? { payload: formBody(auth ? { _csrf: auth.csrf, ...fields } : fields) } : {}),
  });
}

function expectNoLeak(res: LightMyRequestResponse, where: string) {
  for (const s of secrets) expect(res.body.includes(s), `${where} shows "${s}", which is customer B's`).toBe(false);
  // The address sent back to (sign-in's "next") holds only what the request itself held.
  for (const [name, value] of Object.entries(res.headers)) {
    if (name === 'location') continue;
    for (const s of secrets) expect(String(value).includes(s), `${where} sends "${s}" in a header`).toBe(false);
  }
}

beforeAll(async () => {
  a = await signedInCustomer(shop.app, { first_name: 'Alice', surname: 'Ambler', postcode: 'B1 3HN' });
  b = await signedInCustomer(shop.app, {
    first_name: 'Bartholomew',
    surname: 'Quixley',
    phone: '07700 900789',
    line1: '7 Thistle Court',
    city: 'Edinburgh',
    postcode: 'EH1 1YZ',
  });
  await send(b.shopper, '/account/addresses', '/account/addresses', {
    first_name: 'Bartholomew',
    surname: 'Quixley',
    line1: '42 Harbour Wynd',
    city: 'Leith',
    postcode: 'EH6 6QU',
  });
  aOrder = (await checkout(shop.app, a.shopper)).number;
  const bOrder = await checkout(shop.app, b.shopper);
  await payFor(shop.app, b.shopper, bOrder.orderUrl);
  await signInShopper(shop.app, b.person.email); // a second device of B's

  const db = shop.app.db;
  const bAddresses = await db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', b.id).orderBy('id').execute();
  const bSession = await db
    .selectFrom('customer_sessions')
    .select('id')
    .where('customer_id', '=', b.id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  bIds = { address: bAddresses[0]!.id, otherAddress: bAddresses[1]!.id, order: bOrder.number, session: bSession.id };
  secrets = [
    'Bartholomew',
    'Quixley',
    b.person.email,
    '07700 900789',
    '7 Thistle Court',
    'EH1 1YZ',
    '42 Harbour Wynd',
    'EH6 6QU',
    bOrder.number,
  ];
});

describe(`access control on Account Home (${testDialect})`, () => {
  it('walks every account route: the table holds all the sections, with their parameters known', () => {
    const urls = new Set(accountRoutes().map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'GET /account',
      'GET /account/details',
      'POST /account/details',
      'POST /account/details/email',
      'GET /account/addresses',
      'POST /account/addresses',
      'GET /account/addresses/:id',
      'POST /account/addresses/:id',
      'POST /account/addresses/:id/delete',
      'POST /account/addresses/:id/default',
      'GET /account/orders',
      'GET /account/orders/:number',
      'GET /account/newsletter',
      'POST /account/newsletter',
      'GET /account/privacy',
      'GET /account/security',
      'POST /account/security/password',
      'POST /account/sessions/:id/revoke',
      'POST /account/sessions/revoke-others',
      'POST /account/sign-out',
    ]) {
      expect(urls, `${expected} is missing from the route table`).toContain(expected);
    }
    // Every parameter of every route has an identifier of B's to try (this throws for one that hasn't).
    for (const r of accountRoutes()) fill(r.url, bValueFor);
  });

  it('signed out, no account route answers with a page: pages go to sign-in, forms are refused', async () => {
    const before = await snapshotOf(b.id);
    const signInPage = await shop.app.inject({ method: 'GET', url: '/account/sign-in' });
    const stranger = { cookie: cookieHeader(signInPage.headers['set-cookie']), csrf: csrfOf(signInPage.body) };
    for (const route of accountRoutes()) {
      const url = fill(route.url, bValueFor);
      const where = `${route.method} ${url} (signed out)`;
      if (route.method === 'GET' || route.method === 'HEAD') {
        const res = await inject(route.method, url, null);
        expect(res.statusCode, where).toBe(303);
        expect(String(res.headers.location), where).toMatch(/^\/account\/sign-in\?next=/);
        expectNoLeak(res, where);
        continue;
      }
      // Without a form token: refused before anything else (sent to sign in before the body is read).
      const bare = await inject(route.method, url, null, EVERY_FIELD);
      if (route.url === SIGN_OUT) expect(bare.statusCode, `${where} without a token`).toBe(403);
      else expect(String(bare.headers.location), `${where} without a token`).toMatch(/^\/account\/sign-in\?next=/);
      expectNoLeak(bare, where);
      // With a good token but no session: sent to sign in (signing out just goes home).
      const tokened = await inject(route.method, url, stranger, EVERY_FIELD);
      expect(tokened.statusCode, `${where} with a token`).toBe(303);
      expect(String(tokened.headers.location), where).toMatch(
        route.url === SIGN_OUT ? /^\/account\/sign-in\?signed-out=1$/ : /^\/account\/sign-in\?next=/,
      );
      expectNoLeak(tokened, where);
    }
    expect(await snapshotOf(b.id)).toEqual(before);
  });

  it("signed in as A with B's identifiers, every route says not found or acts on A only, and B's data is unchanged", async () => {
    const before = await snapshotOf(b.id);
    const auth = await signInHeaders(shop.app, a.person.email);
    const routes = accountRoutes().sort((x, y) => Number(x.url === SIGN_OUT) - Number(y.url === SIGN_OUT));
    let walked = 0;
    for (const route of routes) {
      const url = fill(route.url, bValueFor);
      const hasParams = url !== route.url;
      const where = `${route.method} ${url} (as A)`;
      const attempts = route.method === 'GET' || route.method === 'HEAD' ? [{}] : [EVERY_FIELD, {}];
      for (const fields of attempts) {
        const res = await inject(route.method, url, auth, fields);
        walked++;
        expectNoLeak(res, where);
        if (hasParams) {
          // B's address, order or session is simply not there for A.
          expect(res.statusCode, where).toBe(404);
        } else {
          expect([200, 303, 400], where).toContain(res.statusCode);
          // Still signed in: nothing sends A to sign in, except signing out itself.
          if (res.statusCode === 303 && route.url !== SIGN_OUT)
            expect(String(res.headers.location), where).not.toMatch(/^\/account\/sign-in/);
        }
      }
    }
    expect(walked).toBeGreaterThanOrEqual(30);
    expect(await snapshotOf(b.id)).toEqual(before);
    // A did act on A's own account (so the walk really was signed in).
    expect((await snapshotOf(a.id)).customer.first_name).toBe('Mallory');
  });

  it("answers A's own identifiers, so the not-founds above are about ownership", async () => {
    const auth = await signInHeaders(shop.app, a.person.email);
    const db = shop.app.db;
    const session = await db
      .selectFrom('customer_sessions')
      .select('id')
      .where('customer_id', '=', a.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const address = await db
      .selectFrom('customer_addresses')
      .select('id')
      .where('customer_id', '=', a.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const own = ownValueFor({ address: address.id, order: aOrder, session: session.id });
    for (const route of accountRoutes().filter((r) => r.method === 'GET' && r.url.includes(':'))) {
      const res = await inject('GET', fill(route.url, own), auth);
      expect(res.statusCode, route.url).toBe(200);
    }
    const revoke = accountRoutes().find((r) => r.method === 'POST' && r.url === '/account/sessions/:id/revoke');
    const res = await inject('POST', fill(revoke!.url, own), auth);
    expect(res.statusCode).toBe(303);
  });

  it("answers a change to B's e-mail address exactly as to a free one, so accounts cannot be found that way", async () => {
    // A fresh device: the walk above signed out A's others.
    const shopper = await signInShopper(shop.app, a.person.email);
    const taken = await send(shopper, '/account/details', '/account/details/email', {
      email: b.person.email,
      current_password: CUSTOMER_PASSWORD,
    });
    const free = await send(shopper, '/account/details', '/account/details/email', {
      email: 'nobody-here@example.net',
      current_password: CUSTOMER_PASSWORD,
    });
    expect([taken.statusCode, taken.headers.location]).toEqual([free.statusCode, free.headers.location]);
    expect(
      await shop.app.db
        .selectFrom('customer_tokens')
        .select('id')
        .where('email', '=', b.person.email)
        .where('purpose', '=', 'change-email')
        .execute(),
    ).toEqual([]);
  });
});
