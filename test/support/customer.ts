import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildResultCrypt, decryptCrypt, parsePairs } from '../../src/features/payments/opayo.js';
import { cookieHeader, formBody } from './forms.js';
import { Shopper } from './shopper.js';

/** The password every test customer uses: long, uncommon and free of their name. */
export const CUSTOMER_PASSWORD = 'copper kettle harbour lantern';

export interface TestPerson {
  first_name: string;
  surname: string;
  email: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  postcode: string;
  password: string;
}

/** A new person with an address no other test uses; override any field. */
export function newPerson(overrides: Partial<TestPerson> = {}): TestPerson {
  const tag = randomBytes(4).toString('hex');
  return {
    first_name: 'Grace',
    surname: `Hopper`,
    email: `grace-${tag}@example.co.uk`,
    phone: '07700 900456',
    line1: '12 Frederick Street',
    line2: '',
    city: 'Birmingham',
    postcode: 'B1 3HN',
    password: CUSTOMER_PASSWORD,
    ...overrides,
  };
}

export interface TestCustomer {
  person: TestPerson;
  id: number;
  /** A browser signed in to the account (its cookie jar holds the session). */
  shopper: Shopper;
}

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error('no form token on the page');
  return token;
}

/** Posts a CSRF-protected form the way a browser does: open the page, then send its token with the fields. */
export async function send(
  shopper: Shopper,
  pageUrl: string,
  action: string,
  fields: Record<string, string | string[]>,
): Promise<LightMyRequestResponse> {
  const page = await shopper.get(pageUrl);
  if (page.statusCode !== 200) throw new Error(`could not open ${pageUrl}: ${page.statusCode}`);
  return shopper.post(action, { _csrf: csrfOf(page.body), ...fields });
}

/** The newest captured mail of a kind to an address. */
export async function lastMail(app: FastifyInstance, to: string, kind: string) {
  return app.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * The newest mail of a kind to an address once it has been queued (newer than `newerThan`, a
 * mail id): the password-reset answer is sent before its mail is queued, so it can arrive a little later.
 */
export async function awaitMail(app: FastifyInstance, to: string, kind: string, newerThan = 0) {
  for (const started = Date.now(); Date.now() - started < 5_000; await new Promise((r) => setTimeout(r, 2))) {
    const mail = await lastMail(app, to, kind);
    if (mail && mail.id > newerThan) return mail;
  }
  throw new Error(`no ${kind} mail to ${to} within 5 seconds`);
}

/** The one-time token in a link to `path` in a mail's text. */
export function linkToken(text: string | undefined, path: string): string {
  const token = text?.match(new RegExp(`${path}\\?token=([A-Za-z0-9_-]{43})`))?.[1];
  if (!token) throw new Error(`no ${path} link in the mail`);
  return token;
}

/** Opens an account and confirms its address from the link in the captured mail; not signed in yet. */
export async function registerAndVerify(
  app: FastifyInstance,
  overrides: Partial<TestPerson> = {},
): Promise<{ person: TestPerson; id: number }> {
  const person = newPerson(overrides);
  const s = new Shopper(app);
  const registered = await send(s, '/account/register', '/account/register', { ...person });
  if (registered.statusCode !== 303) throw new Error(`registration refused: ${registered.statusCode} ${registered.body.slice(0, 300)}`);
  const token = linkToken((await lastMail(app, person.email, 'account-verify'))?.text_body, '/account/verify');
  const verified = await send(s, `/account/verify?token=${token}`, '/account/verify', { token });
  if (verified.statusCode !== 303) throw new Error(`verification refused: ${verified.statusCode}`);
  const row = await app.db.selectFrom('customers').select('id').where('email', '=', person.email).executeTakeFirstOrThrow();
  return { person, id: row.id };
}

/** A new browser signed in with the given address and password (each call is a new session: a new device). */
export async function signInShopper(app: FastifyInstance, email: string, password = CUSTOMER_PASSWORD): Promise<Shopper> {
  const s = new Shopper(app);
  const res = await send(s, '/account/sign-in', '/account/sign-in', { email, password });
  if (res.statusCode !== 303 || !s.cookieNames.includes('assay_session')) throw new Error(`sign-in refused: ${res.statusCode}`);
  return s;
}

/** Registers, verifies and signs in a customer: the usual start of an account test. */
export async function signedInCustomer(app: FastifyInstance, overrides: Partial<TestPerson> = {}): Promise<TestCustomer> {
  const { person, id } = await registerAndVerify(app, overrides);
  return { person, id, shopper: await signInShopper(app, person.email, person.password) };
}

/**
 * Every field a form would send as it stands: text inputs with their values, ticked boxes, the
 * chosen radio and option. What a browser submits when the shopper changes nothing.
 */
export function formValues(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = attr(tag, 'type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    out[name] = decode(attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = [...(m[2] as string).matchAll(/<option\b([^>]*)>/g)];
    const chosen = options.find((o) => /\sselected\b/.test(o[1] as string)) ?? options[0];
    out[m[1] as string] = decode(chosen ? (attr(chosen[0], 'value') ?? '') : '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1] as string] = decode(m[2] as string);
  return out;
}

function decode(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A demo variant on sale (the `offset`-th), its stock set to `stock`, with the fields that choose it on its page. */
export async function demoVariantWithStock(
  app: FastifyInstance,
  offset: number,
  stock: number,
): Promise<{ id: number; slug: string; choice: Record<string, string> }> {
  const v = await app.db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.metal', 'v.ring_size', 'v.chain_length_in', 'p.slug'])
    .where('p.archived', '=', 0)
    .orderBy('v.id')
    .offset(offset)
    .limit(1)
    .executeTakeFirstOrThrow();
  await app.db.updateTable('variants').set({ stock }).where('id', '=', v.id).execute();
  await app.catalog.invalidate();
  const choice: Record<string, string> = { metal: v.metal };
  if (v.ring_size) choice.size = v.ring_size;
  if (v.chain_length_in) choice.length = String(v.chain_length_in);
  return { id: v.id, slug: v.slug, choice };
}

/** A demo piece with plenty of stock, as the form fields that put it in the bag. */
export async function pieceInStock(app: FastifyInstance, offset = 0): Promise<Record<string, string>> {
  const v = await demoVariantWithStock(app, offset, 1000);
  return { product: v.slug, ...v.choice, quantity: '1' };
}

/**
 * Puts a piece in the shopper's bag and goes through /checkout, taking the form as the page fills
 * it in (for a signed-in customer, from the account) with `changes` on top. Returns the order.
 */
export async function checkout(
  app: FastifyInstance,
  shopper: Shopper,
  changes: Record<string, string> = {},
): Promise<{ number: string; orderUrl: string; checkoutPage: string }> {
  const added = await shopper.post('/bag/items', await pieceInStock(app));
  if (added.statusCode !== 303) throw new Error(`could not add to the bag: ${added.statusCode}`);
  const bag = await shopper.follow(added);
  const href = bag.body.match(/href="(\/checkout[^"]*)"/)?.[1]?.replace(/&amp;/g, '&');
  if (!href) throw new Error('no checkout link on the bag page');
  const page = await shopper.get(href);
  if (page.statusCode !== 200) throw new Error(`checkout page: ${page.statusCode}`);
  const placed = await shopper.post('/checkout', { ...formValues(page.body, '/checkout'), ...changes });
  if (placed.statusCode !== 303) throw new Error(`checkout refused: ${placed.statusCode} ${placed.body.slice(0, 500)}`);
  const orderUrl = String(placed.headers.location);
  const number = orderUrl.match(/\/orders\/(AS-[A-Z0-9]{6})/)?.[1];
  if (!number) throw new Error(`unexpected place to go after checkout: ${orderUrl}`);
  return { number, orderUrl, checkoutPage: page.body };
}

/** Pays for an order as Opayo would report it: opens its page, reads the crypt and sends back an OK result. */
export async function payFor(app: FastifyInstance, shopper: Shopper, orderUrl: string): Promise<void> {
  const page = await shopper.get(orderUrl);
  const password = app.config.payments.encryptionPassword;
  const pay = Shopper.formFields(page.body, app.config.payments.gatewayUrl);
  const asked = parsePairs(decryptCrypt(pay.Crypt as string, password));
  const crypt = buildResultCrypt(
    {
      VPSProtocol: '4.00',
      TxType: 'PAYMENT',
      VendorTxCode: asked.get('VendorTxCode') as string,
      VPSTxId: `{${randomUUID().toUpperCase()}}`,
      Status: 'OK',
      StatusDetail: '0000 : The Authorisation was Successful.',
      Amount: asked.get('Amount') as string,
      TxAuthNo: '9145',
    },
    password,
  );
  const res = await shopper.get(`/checkout/opayo/success?crypt=${crypt}`);
  if (res.statusCode !== 303) throw new Error(`payment result refused: ${res.statusCode}`);
}

/**
 * A signed-in session as raw headers, for requests a Shopper cannot make (HEAD, any method):
 * the cookies to send and a CSRF token that goes with them.
 */
export async function signInHeaders(
  app: FastifyInstance,
  email: string,
  password = CUSTOMER_PASSWORD,
): Promise<{ cookie: string; csrf: string; sessionToken: string }> {
  const form = await app.inject({ method: 'GET', url: '/account/sign-in' });
  const csrf = csrfOf(form.body);
  const csrfCookie = cookieHeader(form.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/account/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    payload: formBody({ _csrf: csrf, email, password }),
  });
  const session = cookieHeader(res.headers['set-cookie']);
  const sessionToken = session.match(/assay_session=([^;]+)/)?.[1];
  if (res.statusCode !== 303 || !sessionToken) throw new Error(`sign-in refused: ${res.statusCode}`);
  return { cookie: `${csrfCookie}; ${session}`, csrf, sessionToken };
}
