import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_WORDING, type PurposeKey } from '../../src/features/consent/consent.inventory.js';
import {
  consentingTo,
  unsubscribeToken,
  unsubscribeUrl,
  unsubscribeWithToken,
  verifyConsentLedger,
} from '../../src/features/consent/consent.service.js';
import { deliverDueMail } from '../../src/features/mail/outbox.service.js';
import { jobRegistry } from '../../src/jobs/registry.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import {
  ALERT_CONFIRM_KIND,
  alertConfirmToken,
  askForAlert,
  keepingMailer,
  pressAlertConfirm,
  restock,
  soldOutPiece,
} from '../support/alerts.js';
import { lastMail } from '../support/customer.js';
import { Shopper } from '../support/shopper.js';

/**
 * "Tell me when it's back": a sold-out piece's form, the double opt-in, and the one e-mail sent
 * when stock returns — to each confirmed address, once, through the outbox's consent gate.
 */
let now = new Date('2026-12-01T10:00:00Z');
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
let shop: TestShop;
const db = () => shop.app.db;
const sendAlerts = () => jobRegistry['alerts.send'].run(shop.app, now);

beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { FORM_RATE_LIMIT: '100000' } });
});
afterAll(async () => shop?.close());

async function stateOf(email: string, purpose: string) {
  return db()
    .selectFrom('consent_state as s')
    .innerJoin('consent_ledger as l', 'l.id', 's.entry_id')
    .select(['s.given', 'l.method', 'l.action'])
    .where('s.email', '=', email)
    .where('s.purpose', '=', purpose)
    .executeTakeFirst();
}

const alertsTo = (purpose: string) =>
  db().selectFrom('mail_outbox').selectAll().where('kind', '=', 'stock-alert').where('purpose', '=', purpose).orderBy('id').execute();

describe(`back-in-stock alerts (${testDialect})`, () => {
  it('offers the form under a sold-out variant, with the consent wording, and not under one in stock', async () => {
    const piece = await soldOutPiece(shop.app, 0);
    const page = await new Shopper(shop.app).get(piece.pageUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/alerts"');
    expect(page.body).toContain(`name="variant" value="${piece.variantId}"`);
    expect(page.body).toMatch(
      /E-mail me once when .+ is back in stock\. We will e-mail you a link to confirm; nothing is sent until you do\./,
    );
    // The page is cached for everyone: the form carries no per-visitor token, and setting none is what lets it be.
    expect(page.headers['set-cookie']).toBeUndefined();

    await restock(shop.app, piece.variantId, 2, now);
    const inStock = await new Shopper(shop.app).get(piece.pageUrl);
    expect(inStock.body).not.toContain('action="/alerts"');
  });

  it('refuses a piece in stock, an unknown piece and a bad address, each with a plain 4xx message', async () => {
    const piece = await soldOutPiece(shop.app, 1);
    const s = new Shopper(shop.app);
    const page = await s.get(piece.pageUrl);
    const fields = Shopper.formFields(page.body, '/alerts');
    const badAddress = await s.post('/alerts', { ...fields, email: 'not an address' });
    expect(badAddress.statusCode).toBe(400);
    expect(badAddress.body).toContain('Please check your e-mail address');
    // The form carries no token (its page is cached for everyone), so a post from another site is refused by origin.
    const crossSite = await shop.app.inject({
      method: 'POST',
      url: '/alerts',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      payload: new URLSearchParams({ ...fields, email: 'ann@example.org' }).toString(),
    });
    expect(crossSite.statusCode).toBe(403);
    const unknown = await s.post('/alerts', { variant: '99999999', email: 'ann@example.org' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain("We couldn't find that piece");
    await restock(shop.app, piece.variantId, 1, now);
    const inStock = await s.post('/alerts', { ...fields, email: 'ann@example.org' });
    expect(inStock.statusCode).toBe(409);
    expect(inStock.body).toContain('in stock now');
    expect(await lastMail(shop.app, 'ann@example.org', ALERT_CONFIRM_KIND)).toBeUndefined();
  });

  it('sends one e-mail to each confirmed address when stock returns, with the unsubscribe link and headers, then never again', async () => {
    const piece = await soldOutPiece(shop.app, 2);
    const purpose: PurposeKey = `stock-alert:${piece.variantId}`;
    const [ann, bob, cat, dan, eve] = ['ann', 'bob', 'cat', 'dan', 'eve'].map((n) => `${n}.alert@example.org`) as [
      string,
      string,
      string,
      string,
      string,
    ];

    // The same answer for every address, whatever its state, and for asking twice.
    const answers = [];
    for (const email of [ann, bob, cat, dan, eve, ann]) answers.push(await askForAlert(shop.app, piece.pageUrl, email));
    for (const a of answers) {
      expect(a.statusCode).toBe(303);
      expect(a.headers.location).toBe('/alerts/requested');
    }
    // Opening the link confirms nothing (a link scanner's GET); the Confirm button does.
    const annToken = await alertConfirmToken(shop.app, ann);
    expect((await new Shopper(shop.app).get(`/alerts/confirm?token=${annToken}`)).body).toContain('Confirm');
    expect(await stateOf(ann, purpose)).toBeUndefined();
    for (const email of [ann, bob, dan, eve]) {
      const confirmed = await pressAlertConfirm(shop.app, await alertConfirmToken(shop.app, email));
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.body).toContain("We'll tell you when it's back");
    }
    // The wording recorded is the one the form showed.
    const wording = await db()
      .selectFrom('consent_ledger as l')
      .innerJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
      .select('w.text')
      .where('l.email', '=', ann)
      .where('l.purpose', '=', purpose)
      .executeTakeFirstOrThrow();
    expect(wording.text).toBe(CONSENT_WORDING.stockAlert(wording.text.replace(/^E-mail me once when (.+) is back in stock\..*$/, '$1')));
    expect(await stateOf(ann, purpose)).toMatchObject({ given: 1, method: 'stock-alert-confirmation' });
    // cat never confirms; bob withdraws with the link of an earlier e-mail.
    await unsubscribeWithToken(db(), unsubscribeToken(db(), bob, purpose), 'unsubscribe-link', later(1));

    // Still sold out: nothing to send.
    expect(await sendAlerts()).toEqual({ pieces: 0, sent: 0 });
    expect(await alertsTo(purpose)).toEqual([]);

    await restock(shop.app, piece.variantId, 3, later(60));
    expect(await sendAlerts()).toEqual({ pieces: 1, sent: 3 });
    const queued = await alertsTo(purpose);
    expect(queued.map((m) => m.to_address).sort()).toEqual([ann, dan, eve]);
    // Queued, not yet sent: the alerts still stand, and a run before the outbox sends queues nothing twice.
    for (const email of [ann, dan, eve]) expect(await stateOf(email, purpose)).toMatchObject({ given: 1 });
    expect(await sendAlerts()).toEqual({ pieces: 1, sent: 0 });
    expect(await alertsTo(purpose)).toHaveLength(3);

    // eve unsubscribes between queueing and sending: hers is withheld; the others go.
    await unsubscribeWithToken(db(), unsubscribeToken(db(), eve, purpose), 'unsubscribe-link', later(1));
    const mailer = keepingMailer();
    const delivered = await deliverDueMail(db(), mailer, later(1), { unsubscribeMailto: 'unsubscribe@assay.example' });
    expect(delivered.withheld).toBe(1);
    const alerts = mailer.sent.filter((m) => m.headers?.['List-Unsubscribe-Post']);
    expect(alerts.map((m) => m.to).sort()).toEqual([ann, dan]);
    for (const m of alerts) {
      // The outbox put in each person's own link as it sent.
      const link = unsubscribeUrl(db(), shop.config.publicUrl, m.to, purpose, 'stock-alert');
      expect(m.subject).toMatch(/ is back in stock$/);
      expect(m.text).toContain(`/products/${piece.slug}`);
      expect(m.text).toContain(`Unsubscribe: ${link}`);
      expect(m.text).not.toContain('%%unsubscribe_url%%');
      expect(m.html).not.toContain('%%unsubscribe_url%%');
      expect(m.headers).toEqual({
        'List-Unsubscribe': `<${link}>, <mailto:unsubscribe@assay.example?subject=unsubscribe>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
    }

    // Each alert is used once: withdrawn as "sent" when the outbox sent it; the ledger keeps both entries.
    for (const email of [ann, dan]) expect(await stateOf(email, purpose)).toMatchObject({ given: 0, method: 'sent', action: 'withdrawn' });
    expect(await stateOf(eve, purpose)).toMatchObject({ given: 0, method: 'unsubscribe-link' });
    expect(await consentingTo(db(), purpose)).toEqual([]);
    expect(await verifyConsentLedger(db())).toMatchObject({ ok: true });

    // A second run, and a later one, send nothing more.
    expect(await sendAlerts()).toEqual({ pieces: 0, sent: 0 });
    later(10);
    expect(await sendAlerts()).toEqual({ pieces: 0, sent: 0 });
    expect(await alertsTo(purpose)).toHaveLength(3);
  });

  it('needs a link it made: an unknown token gets a 404 page, an old one a 410', async () => {
    const unknown = await new Shopper(shop.app).get('/alerts/confirm?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
    expect(unknown.statusCode).toBe(404);
    const piece = await soldOutPiece(shop.app, 3);
    const email = 'slow.alert@example.org';
    await askForAlert(shop.app, piece.pageUrl, email);
    const token = await alertConfirmToken(shop.app, email);
    later(8 * 24 * 60);
    const expired = await new Shopper(shop.app).get(`/alerts/confirm?token=${token}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('run out');
  });
});
