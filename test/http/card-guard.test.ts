import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { CARD_NUMBER_MESSAGE, CARD_NUMBER_TITLE, holdsCardNumber } from '../../src/http/card-guard.js';
import { luhnValid } from '../../src/shared/card.js';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';
import { registerAndVerify, signInHeaders } from '../support/customer.js';
import { formBody, openForm } from '../support/forms.js';
import { openAdminForm, signInAs } from '../support/staff.js';

/** Visa and Mastercard test numbers, both Luhn-valid, as a shopper might type them. */
const VISA = '4929 0000 0000 6';
const MASTERCARD = '5404-0000-0000-0001';
const CARD_DIGITS = ['4929000000006', '5404000000000001'];

/** Every field a form of the shop has or might have, and one no form has. */
const FIELDS = [
  'name',
  'email',
  'message',
  'subject',
  'q',
  'phone',
  'line1',
  'line2',
  'city',
  'postcode',
  'gift_message',
  'note',
  'reason',
  'title',
  'description',
  'alt',
  'first_name',
  'surname',
  'tracking_number',
  'anything_else',
];

/** The card's digits in order, whatever sits between them (spaces, dashes, +, %20, JSON…). */
function findsCard(text: string): boolean {
  const loose = text.replace(/%2[0d]/gi, ' ');
  return CARD_DIGITS.some((digits) => new RegExp(digits.split('').join('[^0-9]{0,3}')).test(loose));
}

const decoded = (html: string) =>
  html
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('recognising card numbers in request fields', () => {
  it('finds a Luhn-valid 13 to 19 digit number, spaced or dashed, at any depth', () => {
    for (const card of [
      VISA,
      '4929000000006',
      '4929-0000-0000-6',
      MASTERCARD,
      '5404 0000 0000 0001',
      '5404000000000001',
      '4929 0000 0000 0000 006',
      'My card is 4929 0000 0000 6, expiry 12/29',
    ]) {
      expect(holdsCardNumber({ message: card }), card).toBe(true);
    }
    expect(holdsCardNumber({ lines: [{ note: 'ok' }, { note: [`x ${MASTERCARD}`] }] })).toBe(true);
    expect(holdsCardNumber({ [VISA]: 'a field named with a card number' })).toBe(true);
    expect(holdsCardNumber(`plain=${VISA}`)).toBe(true);
  });

  it('leaves alone what only looks like one', () => {
    const twelve = '492900000000';
    const twenty = '49290000000000000000';
    expect(luhnValid(twelve) && luhnValid(twenty)).toBe(true);
    for (const text of [
      twelve,
      '4929 0000 0000',
      twenty,
      '4929 0000 0000 7', // fails the checksum
      '07700 900123',
      '+44 7700 900123',
      'Order AS-2026-000123, 2 rings at £1,250.00',
      // An Opayo-style crypt: hex in which digit runs sit between letters.
      '@2A5F4929000000006B1C5404000000000001DE0F4111111111111111A9',
    ]) {
      expect(holdsCardNumber({ message: text }), text).toBe(false);
    }
    expect(holdsCardNumber({ _csrf: VISA, bag: VISA, crypt: VISA })).toBe(false);
    expect(holdsCardNumber({ image: Buffer.from(VISA) })).toBe(false);
    expect(holdsCardNumber(undefined)).toBe(false);
  });
});

describe(`refusing card numbers in every request, on ${testDialect}`, () => {
  let shop: TestShop;
  let owner: { cookie: string };
  const logLines: string[] = [];
  let ids: { product: number; slug: string; variant: number; image: number; category: number; collection: number; staff: number };

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    shop = await buildTestShop({ env: { LOG_LEVEL: 'debug' }, logger: true, logStream });
    owner = await signInAs(shop.app, 'owner');
    const colleague = await signInAs(shop.app, 'customer_service');
    const db = shop.app.db;
    const product = await db.selectFrom('products').select(['id', 'slug']).orderBy('id').executeTakeFirstOrThrow();
    const first = async (table: 'variants' | 'product_images' | 'categories' | 'collections') =>
      (await db.selectFrom(table).select('id').orderBy('id').executeTakeFirst())?.id ?? 1;
    ids = {
      product: product.id,
      slug: product.slug,
      variant: await first('variants'),
      image: await first('product_images'),
      category: await first('categories'),
      collection: await first('collections'),
      staff: colleague.staffId,
    };
  });
  afterAll(async () => shop?.close());

  /** A route's address with plausible values for its parameters: real ids from the demo catalogue. */
  function fill(url: string): string {
    const byParent: Record<string, number> = {
      products: ids.product,
      variants: ids.variant,
      images: ids.image,
      categories: ids.category,
      collections: ids.collection,
      staff: ids.staff,
    };
    return url
      .replace(/\/([^/]+)\/:(\w+)/g, (_m, parent: string, name: string) => {
        if (name === 'slug') return `/${parent}/${ids.slug}`;
        if (name === 'token') return `/${parent}/${randomBytes(16).toString('hex')}`;
        return `/${parent}/${byParent[parent] ?? 1}`;
      })
      .replace(/:(\w+)/g, (_m, name: string) => (name === 'slug' ? ids.slug : '1'))
      .replace(/\*/g, 'x');
  }

  function expectRefused(res: { statusCode: number; body: string }, what: string) {
    expect(res.statusCode, what).toBe(400);
    const text = decoded(res.body);
    expect(text, what).toContain(CARD_NUMBER_MESSAGE);
    expect(text, what).toContain(CARD_NUMBER_TITLE);
  }

  it('refuses a contact message holding a card number, and stores and sends nothing', async () => {
    const valid = { name: 'Jane Doe', email: 'jane.doe@example.com', subject: 'order', message: 'Where is my ring?' };
    // The same form without a card number goes through, so it is the card number that is refused.
    const { csrf, cookie } = await openForm(shop.app, '/contact');
    const post = (fields: Record<string, string>) =>
      shop.app.inject({
        method: 'POST',
        url: '/contact',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        payload: formBody({ _csrf: csrf, ...fields }),
      });
    expect((await post(valid)).statusCode).toBe(303);
    expectRefused(await post({ ...valid, message: `Please charge my card ${VISA}, expiry 12/29` }), 'contact');
    expectRefused(await post({ ...valid, name: MASTERCARD }), 'contact name');
    const json = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/json', cookie },
      payload: JSON.stringify({ _csrf: csrf, ...valid, message: { nested: [VISA] } }),
    });
    expectRefused(json, 'contact as JSON');
    const rows = await shop.app.db.selectFrom('contact_messages').select('message').execute();
    expect(rows).toEqual([{ message: 'Where is my ring?' }]);
  });

  it('refuses a back-office product edit holding a card number, before anything changes', async () => {
    const product = await shop.app.db.selectFrom('products').selectAll().where('id', '=', ids.product).executeTakeFirstOrThrow();
    const collections = await shop.app.db
      .selectFrom('product_collections')
      .select('collection_id')
      .where('product_id', '=', ids.product)
      .execute();
    const fields = {
      name: product.name,
      slug: product.slug,
      category: String(product.category_id),
      description: 'Hand-raised in the Jewellery Quarter.',
      hallmark: product.hallmark,
      care: product.care,
      stone: product.stone ?? '',
      featured: product.featured ? '1' : '',
      collections: collections.map((c) => String(c.collection_id)),
    };
    const post = async (f: Record<string, string | string[]>) => {
      const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, `/admin/products/${ids.product}`);
      return shop.app.inject({
        method: 'POST',
        url: `/admin/products/${ids.product}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        payload: formBody({ _csrf: csrf, ...f }),
      });
    };
    expect((await post(fields)).statusCode).toBe(303);
    expectRefused(await post({ ...fields, description: `Paid by card ${VISA}` }), 'product edit');
    const after = await shop.app.db.selectFrom('products').select('description').where('id', '=', ids.product).executeTakeFirstOrThrow();
    expect(after.description).toBe('Hand-raised in the Jewellery Quarter.');
  });

  it('refuses a photo upload whose description holds a card number (multipart)', async () => {
    const png = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#c9a' } })
      .png()
      .toBuffer();
    const upload = async (alt: string) => {
      const { csrf, cookie } = await openAdminForm(shop.app, owner.cookie, `/admin/products/${ids.product}`);
      const boundary = `----AssayTest${randomBytes(8).toString('hex')}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n${alt}\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="ring.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return shop.app.inject({
        method: 'POST',
        url: `/admin/products/${ids.product}/images`,
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      });
    };
    const count = async () =>
      (await shop.app.db.selectFrom('product_images').select('id').where('product_id', '=', ids.product).execute()).length;
    const before = await count();
    expect((await upload('The ring from above')).statusCode).toBe(303);
    expectRefused(await upload(`Ring ${MASTERCARD}`), 'photo upload');
    expect(await count()).toBe(before + 1);
  });

  it('refuses a search for a card number', async () => {
    expectRefused(await shop.app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent(VISA)}` }), 'search');
    expectRefused(await shop.app.inject({ method: 'GET', url: `/search?q=${MASTERCARD}` }), 'search');
  });

  it('refuses a card number in any field of every form the shop and the back office accept', async () => {
    const posts = shop.app.routeTable.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(20);
    const { csrf, cookie: staffCookie } = await openAdminForm(shop.app, owner.cookie, '/admin');
    // Signed in as a customer too, so that the account's forms read their fields rather than send the request to sign in.
    const customer = await registerAndVerify(shop.app);
    const cookie = `${staffCookie}; assay_session=${(await signInHeaders(shop.app, customer.person.email)).sessionToken}`;
    for (const route of posts) {
      const url = fill(route.url);
      // A step of signing in (the two-factor code) turns a signed-in owner away before reading the form.
      const turnedAway = route.access === 'signed-in' && !(route.stages ?? ['full']).includes('full');
      for (const card of [VISA, MASTERCARD]) {
        const res = await shop.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: shop.config.publicUrl },
          payload: formBody({ _csrf: csrf, ...Object.fromEntries(FIELDS.map((f) => [f, card])) }),
        });
        if (turnedAway) expect(res.statusCode, `POST ${url}`).toBe(303);
        else expectRefused(res, `POST ${url} with ${card}`);
      }
    }
  });

  it('refuses a card number in the query of every page', async () => {
    const gets = shop.app.routeTable.filter((r) => r.method === 'GET');
    for (const route of gets) {
      const url = `${fill(route.url)}?q=${encodeURIComponent(VISA)}`;
      expectRefused(await shop.app.inject({ method: 'GET', url, headers: { cookie: owner.cookie } }), `GET ${url}`);
    }
  });

  it('leaves no trace of a card number in the database, the logs or any file the shop wrote', async () => {
    expect(findsCard(`x=${VISA.replace(/ /g, '+')}`) && findsCard(JSON.stringify({ m: MASTERCARD }))).toBe(true);

    // Every table, listed by the database itself, so a table added later is searched too.
    const db = shop.app.db;
    const tables =
      testDialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows
        : (
            await sql<{ name: string }>`select table_name as name from information_schema.tables
              where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
          ).rows;
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['contact_messages', 'products', 'mail_outbox', 'audit_log']));
    for (const { name } of tables) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      const text = rows
        .flatMap((row) => Object.values(row))
        .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
        .join('\n');
      expect(findsCard(text), `table ${name}`).toBe(false);
    }

    const log = logLines.join('');
    expect(log).toContain('request refused');
    expect(findsCard(log), 'log').toBe(false);

    // The outbox (the contact e-mail queued above, once sent, is there), photos and, on SQLite, the database files themselves.
    await deliverDueMail(shop.app.db, shop.app.mailer, shop.app.clock());
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(shop.dataDir);
    expect(existsSync(shop.config.outboxDir) && readdirSync(shop.config.outboxDir).some((f) => f.endsWith('.eml'))).toBe(true);
    for (const file of files) expect(findsCard(readFileSync(file).toString('latin1')), file).toBe(false);
  });
});
