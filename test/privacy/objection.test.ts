import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsSendJob } from '../../src/features/campaigns/campaigns.job.js';
import { recordConsent } from '../../src/features/consent/consent.service.js';
import { deliverDueMail, enqueueMarketingMail } from '../../src/features/mail/outbox.service.js';
import { flagsFor, isHeldBack, liftFlags, setFlags } from '../../src/features/privacy/flags.service.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { alertConfirmToken, askForAlert, keepingMailer, pressAlertConfirm, restock, soldOutPiece } from '../support/alerts.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInHeaders } from '../support/customer.js';
import { deliveredOrder } from '../support/feedback.js';
import { adminPost, signInAs } from '../support/staff.js';
import { ACME, choosePartner, customerWithAddress, declareAsOwner } from '../partners/support.js';
import { FIREFOX_WINDOWS, rawRows, view } from '../statistics/visits.js';

/**
 * Objection and restriction, honoured on every path: marketing (a campaign's audience and the
 * outbox's gate), back-in-stock alerts, feedback requests, the partner export and the visitor
 * statistics. A restriction holds back all of them, and an order still goes through.
 */
let now = new Date('2026-12-01T10:00:00Z');
const DAY = 86_400_000;
let shop: TestShop;
const db = () => shop.app.db;
const domain = 'shop.example';

beforeAll(async () => {
  shop = await buildTestShop({
    clock: () => now,
    env: { FORM_RATE_LIMIT: '100000', FEEDBACK_REQUEST_DAYS: '5', UNPAID_ORDERS_PER_BUYER: '100', MARKETING_RATE_PER_MINUTE: '60000' },
  });
});
afterAll(async () => shop?.close());

const subscribe = (email: string) =>
  recordConsent(db(), { subject: { customerId: null, email }, purpose: 'general-subscription', action: 'given', method: 'staff' }, now);

const marketingMail = (to: string) =>
  enqueueMarketingMail(
    db(),
    {
      kind: 'campaign',
      purpose: 'general-subscription',
      reference: 'test-mail',
      to,
      subject: 'New pieces',
      text: 'New pieces %%unsubscribe_url%%',
      html: '<p>New pieces <a href="%%unsubscribe_url%%">Unsubscribe</a></p>',
    },
    now,
    domain,
  );

describe(`objection and restriction (${testDialect})`, () => {
  it('keeps each flag once per address, whatever its capitals, and says which uses it holds back', async () => {
    await setFlags(db(), 'Flag.Kinds@Example.org', ['objection-marketing', 'objection-marketing'], now, null);
    expect(await flagsFor(db(), 'flag.kinds@example.org ')).toEqual(['objection-marketing']);
    expect(await isHeldBack(db(), 'flag.kinds@example.org', 'marketing')).toBe(true);
    // Alerts are a service the person asked for: an objection to marketing does not stop them.
    expect(await isHeldBack(db(), 'flag.kinds@example.org', 'alerts')).toBe(false);
    expect(await isHeldBack(db(), 'flag.kinds@example.org', 'feedback')).toBe(false);
    await setFlags(db(), 'restricted.kinds@example.org', ['restriction'], now, null);
    for (const use of ['marketing', 'feedback', 'sharing', 'statistics', 'alerts'] as const)
      expect(await isHeldBack(db(), 'restricted.kinds@example.org', use)).toBe(true);
    const stored = await db().selectFrom('privacy_flags').selectAll().execute();
    expect(stored.map((r) => r.address_hash).join(' ')).not.toContain('@');
  });

  it('marketing: a campaign’s audience and any marketing e-mail skip an address that objects or is restricted', async () => {
    const [open, objects, restricted, otherObjection] = ['open', 'objects', 'restricted', 'feedback-only'].map(
      (n) => `${n}.campaign@example.org`,
    ) as [string, string, string, string];
    for (const e of [open, objects, restricted, otherObjection]) await subscribe(e);
    await setFlags(db(), objects, ['objection-marketing'], now, null);
    await setFlags(db(), restricted, ['restriction'], now, null);
    await setFlags(db(), otherObjection, ['objection-feedback'], now, null);

    const manager = await signInAs(shop.app, 'manager');
    const created = await adminPost(shop.app, manager.cookie, '/admin/campaigns/new', '/admin/campaigns/new', {
      title: 'Winter',
      subject: 'Winter pieces',
      body: 'Hello',
    });
    const id = Number(/\/admin\/campaigns\/(\d+)/.exec(String(created.headers.location))?.[1]);
    expect(id).toBeGreaterThan(0);
    const sendNow = await adminPost(shop.app, manager.cookie, `/admin/campaigns/${id}`, `/admin/campaigns/${id}/send-now`, {});
    expect(sendNow.statusCode).toBe(303);
    await campaignsSendJob.run(shop.app, now);
    const queued = await db()
      .selectFrom('mail_outbox')
      .select('to_address')
      .where('reference', '=', `campaign-${id}`)
      .orderBy('to_address')
      .execute();
    expect(queued.map((r) => r.to_address)).toEqual([otherObjection, open]);

    // Queued one at a time: refused at once for the flagged addresses.
    expect(await marketingMail(objects)).toBeNull();
    expect(await marketingMail(restricted)).toBeNull();
    expect(await marketingMail(open)).toEqual(expect.any(Number));
  });

  it('marketing: an e-mail queued before the objection is withheld when it is due to be sent; lifting the flag restores the path', async () => {
    const late = 'late.objection@example.org';
    await subscribe(late);
    expect(await marketingMail(late)).toEqual(expect.any(Number));
    await setFlags(db(), late, ['objection-marketing'], now, null);
    const mailer = keepingMailer();
    await deliverDueMail(db(), mailer, now, { batch: 500 });
    expect(mailer.sent.map((m) => m.to)).not.toContain(late);
    const withheld = await db()
      .selectFrom('mail_outbox')
      .select(['to_address', 'withheld_at'])
      .where('to_address', '=', late)
      .executeTakeFirstOrThrow();
    expect(withheld.withheld_at).not.toBeNull();

    await liftFlags(db(), late, ['objection-marketing']);
    expect(await flagsFor(db(), late)).toEqual([]);
    expect(await marketingMail(late)).toEqual(expect.any(Number));
    await deliverDueMail(db(), mailer, now, { batch: 500 });
    expect(mailer.sent.map((m) => m.to)).toContain(late);
  });

  it('back-in-stock alerts: held back under restriction, but not by an objection to marketing', async () => {
    const piece = await soldOutPiece(shop.app, 0);
    const [restricted, objects, open] = ['restricted', 'objects', 'open'].map((n) => `${n}.alert@example.org`) as [string, string, string];
    for (const e of [restricted, objects, open]) {
      expect((await askForAlert(shop.app, piece.pageUrl, e)).statusCode).toBeLessThan(400);
      expect((await pressAlertConfirm(shop.app, await alertConfirmToken(shop.app, e))).statusCode).toBeLessThan(400);
    }
    await setFlags(db(), restricted, ['restriction'], now, null);
    await setFlags(db(), objects, ['objection-marketing'], now, null);
    await restock(shop.app, piece.variantId, 5, now);
    await jobRegistry['alerts.send'].run(shop.app, now);
    const sent = await db()
      .selectFrom('mail_outbox')
      .select('to_address')
      .where('kind', '=', 'stock-alert')
      .where('purpose', '=', `stock-alert:${piece.variantId}`)
      .orderBy('to_address')
      .execute();
    expect(sent.map((r) => r.to_address)).toEqual([objects, open]);
  });

  it('sharing: the partner export leaves out a customer who objects to sharing or is restricted', async () => {
    const owner = await signInAs(shop.app, 'owner');
    const acme = await declareAsOwner(shop.app, owner.cookie, { ...ACME, name: 'Objection Partner Ltd' });
    const agreed = await customerWithAddress(shop.app, { first_name: 'Ada', surname: 'Agreed' });
    const objects = await customerWithAddress(shop.app, { first_name: 'Olive', surname: 'Objects' });
    const restricted = await customerWithAddress(shop.app, { first_name: 'Rhys', surname: 'Restricted' });
    for (const c of [agreed, objects, restricted]) await choosePartner(shop.app, c, acme, true);
    await setFlags(db(), objects.person.email, ['objection-sharing'], now, null);
    await setFlags(db(), restricted.person.email, ['restriction'], now, null);
    const res = await adminPost(shop.app, owner.cookie, `/admin/partners/${acme}`, `/admin/partners/${acme}/export`, {
      reason: 'Monthly mailing list',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(agreed.person.email);
    expect(res.body).not.toContain(objects.person.email);
    expect(res.body).not.toContain(restricted.person.email);
    const shared = await db().selectFrom('consent_ledger').select('customer_id').where('action', '=', 'shared').execute();
    expect(shared.map((r) => r.customer_id)).toEqual([agreed.id]);
  });

  it('statistics: a signed-in customer who objects (or is restricted) is not counted; visitors and others still are; lifting counts them again', async () => {
    const objects = await customerWithAddress(shop.app, { first_name: 'Stella', surname: 'Stats' });
    const restricted = await customerWithAddress(shop.app, { first_name: 'Rita', surname: 'Restricted' });
    const open = await customerWithAddress(shop.app, { first_name: 'Otis', surname: 'Open' });
    const [objectsSession, restrictedSession, openSession] = await Promise.all(
      [objects, restricted, open].map((c) => signInHeaders(shop.app, c.person.email, c.person.password)),
    );
    const counted = async (cookie: string | null, ip: string) => {
      await shop.app.statistics.flush();
      await db().deleteFrom('stats_page_views').execute();
      const res = await view(shop.app, '/collections', { ip, ua: FIREFOX_WINDOWS }, cookie ? { cookie } : {});
      expect(res.statusCode).toBe(200);
      await shop.app.statistics.flush();
      return (await rawRows(shop.app)).length;
    };
    expect(await counted(objectsSession!.cookie, '203.0.113.20')).toBe(1);
    await setFlags(db(), objects.person.email, ['objection-statistics'], now, null);
    await setFlags(db(), restricted.person.email, ['restriction'], now, null);
    expect(await counted(objectsSession!.cookie, '203.0.113.20')).toBe(0);
    expect(await counted(restrictedSession!.cookie, '203.0.113.21')).toBe(0);
    expect(await counted(openSession!.cookie, '203.0.113.22')).toBe(1);
    expect(await counted(null, '203.0.113.23')).toBe(1);
    await liftFlags(db(), objects.person.email, ['objection-statistics']);
    expect(await counted(objectsSession!.cookie, '203.0.113.20')).toBe(1);
  });

  it('feedback requests and restriction: an objecting or restricted buyer is not asked, while a restricted order is placed, paid, confirmed and dispatched', async () => {
    const [open, objects, restricted] = ['open', 'objects', 'restricted'].map((n) => `${n}.feedback@example.org`) as [
      string,
      string,
      string,
    ];
    await setFlags(db(), restricted, ['restriction'], now, null);
    await setFlags(db(), objects, ['objection-feedback'], now, null);
    const restrictedOrder = await deliveredOrder(shop.app, restricted, true);
    await deliveredOrder(shop.app, objects, true);
    await deliveredOrder(shop.app, open, true);

    const order = await db().selectFrom('orders').select(['status']).where('number', '=', restrictedOrder).executeTakeFirstOrThrow();
    expect(order.status).toBe('delivered');
    const kinds = (await db().selectFrom('mail_outbox').select('kind').where('to_address', '=', restricted).execute()).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['order-confirmation', 'order-dispatch']));

    now = new Date(now.getTime() + 5 * DAY);
    await jobRegistry['feedback.requests'].run(shop.app, now);
    const asked = await db().selectFrom('mail_outbox').select('to_address').where('kind', '=', 'feedback-request').execute();
    expect(asked.map((r) => r.to_address)).toEqual([open]);
  });
});
