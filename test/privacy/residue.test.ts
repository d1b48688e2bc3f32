import { describe, expect, it } from 'vitest';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { eraseSomeone, tracesOfCopy } from '../../src/features/privacy/erasure.service.js';
import { scanResidue, traceKeysOf } from '../../src/features/privacy/residue.service.js';
import { exportPerson, findPerson } from '../../src/features/privacy/subjects.service.js';
import { createMailer } from '../../src/features/mail/mailer.js';
import { testDialect } from '../support/build-app.js';
import { signedInCustomer } from '../support/customer.js';
import { keepingMailer } from '../support/mail.js';
import { DAY, addAddress, paidAndDispatched, sendEnquiry, shopForThisFile } from '../support/privacy.js';

/**
 * The residue scan over the real app's database, outbox files and log: a customer with an
 * account, a second address, a phone, a paid order finished long ago, an enquiry, a newsletter
 * choice and the e-mails all that sent (delivered to files, as in development). Before erasure the
 * scan finds their traces and says where; after erasure, and after the notice is delivered, it is
 * clean — the tax record left on the order holds none of them. A planted value is found again.
 */
let now = new Date('2026-03-02T10:00:00Z');
const shop = shopForThisFile(() => now);
const db = () => shop.app.db;

/** Delivers the outbox as the development mailer does: each e-mail written as an .eml file under DATA_DIR/outbox. */
const deliverToFiles = () => deliverDueMail(db(), createMailer(shop.config), now);

describe(`The residue scan (${testDialect})`, () => {
  it('finds the traces of a person before erasure, and none after it and its notice', async () => {
    const c = await signedInCustomer(shop.app, {
      first_name: 'Ottoline',
      surname: 'Quennell',
      phone: '07700 900777',
      line1: '7 Pinfold Lane',
      postcode: 'LS2 9JT',
    });
    await addAddress(c.shopper, {
      first_name: 'Ottoline',
      surname: 'Quennell',
      line1: '41 Tanner Row',
      line2: '',
      city: 'York',
      postcode: 'YO1 6JP',
    });
    const order = await paidAndDispatched(shop.app, c.shopper);
    const message = 'Please ring me on 07700 900777 about a ring';
    await sendEnquiry(shop.app, { name: 'Ottoline Quennell', email: c.person.email, subject: 'other', message });
    await deliverToFiles();

    const person = await findPerson(db(), { customerId: c.id });
    const traceKeys = traceKeysOf(
      shop.config.secretKey,
      tracesOfCopy(await exportPerson(db(), person!), person!, [shop.config.shop.email]),
    );

    // The control: before erasure, every kind of trace is found, and where.
    const before = await scanResidue(shop.app, traceKeys, now);
    expect(before.clean).toBe(false);
    expect(new Set(before.hits.map((h) => h.what))).toEqual(new Set(['e-mail', 'name', 'phone', 'address', 'postcode']));
    const where = before.hits.map((h) => `${h.where} ${h.what}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'customers.email e-mail',
        'customer_addresses.postcode postcode',
        'orders.phone phone',
        'orders.billing_line1 address',
        'contact_messages.name name',
        'contact_messages.message phone',
      ]),
    );
    expect(before.hits.some((h) => h.where.startsWith('outbox file ') && h.what === 'e-mail')).toBe(true);
    expect(before.files).toBeGreaterThan(0);
    // Never the value.
    expect(JSON.stringify(before)).not.toContain(c.person.email);
    expect(JSON.stringify(before)).not.toContain('Quennell');

    // Finished long ago: dispatched over 30 days back, so only the tax record stays.
    now = new Date(now.getTime() + 60 * DAY);
    const outcome = await eraseSomeone(shop.app, person!, now, { requestId: null, actor: { kind: 'person' } });
    expect(outcome.waitingOrders).toEqual([]);
    expect(new Set(outcome.traceKeys)).toEqual(new Set(traceKeys));
    const notice = keepingMailer();
    expect((await deliverDueMail(db(), notice, now)).sent).toBe(1);
    expect(notice.sent[0]?.to).toBe(c.person.email);

    const after = await scanResidue(shop.app, outcome.traceKeys, now);
    expect(after.hits).toEqual([]);
    expect(after.clean).toBe(true);
    expect(after.tables).toBeGreaterThan(20);
    expect(after.rows).toBeGreaterThan(0);
    // The tax record is still there, and is no hit.
    const taxRecord = await db().selectFrom('orders').selectAll().where('number', '=', order.number).executeTakeFirstOrThrow();
    expect(taxRecord.total_pence).toBeGreaterThan(0);
    expect(taxRecord.delivery_country).toBe('GB');

    // A value planted after erasure is found again, by table and column.
    await db()
      .updateTable('orders')
      .set({ gift_message: 'For Ottoline Quennell, 41 Tanner Row' })
      .where('number', '=', order.number)
      .execute();
    const planted = await scanResidue(shop.app, outcome.traceKeys, now);
    expect(planted.clean).toBe(false);
    expect(planted.hits).toEqual(
      expect.arrayContaining([
        { where: 'orders.gift_message', what: 'name', count: 1 },
        { where: 'orders.gift_message', what: 'address', count: 1 },
      ]),
    );
  });
});
