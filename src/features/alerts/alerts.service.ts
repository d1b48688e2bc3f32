import { type Executor, inTransaction } from '../../db/database.js';
import { variantsForSale } from '../catalog/catalog.service.js';
import { CONSENT_WORDING, familyOf } from '../consent/consent.inventory.js';
import {
  type SignUpLookup,
  awaitedStockAlerts,
  confirmSignUp,
  consentingTo,
  findSignUp,
  normaliseAddress,
  requestSignUp,
} from '../consent/consent.service.js';
import { addressesAwaitingMail, enqueueMarketingMail } from '../mail/outbox.service.js';
import { pieceName } from './alerts.domain.js';
import { type AlertMailContext, alertMails } from './alerts.mail.js';

/**
 * Back-in-stock alerts: "Tell me when it's back" under a sold-out variant. An alert is a consent
 * to the purpose `stock-alert:<variant id>` in the consent ledger, given by double opt-in like the
 * newsletter (the e-mail's link opens a page whose Confirm button records it). When the variant
 * is in stock again, `sendBackInStockAlerts` queues one e-mail to each address waiting for it;
 * once the outbox has sent it, the consent is withdrawn as "sent": it is used once, and the
 * ledger keeps the entry. An alert never sent is withdrawn as "expired" after 6 months by consent.housekeeping.
 * No table of its own: the consent feature keeps everything.
 */

export type AlertRequestResult = { ok: true } | { ok: false; reason: 'unknown' | 'in_stock' };

/**
 * Starts an alert for a sold-out variant: a sign-up waiting for its confirmation, and the
 * confirmation e-mail, in one transaction. Whatever the state of the address (already waiting,
 * asked a minute ago, unsubscribed), the answer is the same.
 */
export async function requestBackInStockAlert(
  db: Executor,
  input: { email: string; variantId: number },
  now: Date,
  ctx: AlertMailContext & { policyVersion: string },
): Promise<AlertRequestResult> {
  const variant = (await variantsForSale(db, [input.variantId])).get(input.variantId);
  if (!variant || !variant.available) return { ok: false, reason: 'unknown' };
  if (variant.stock > 0) return { ok: false, reason: 'in_stock' };
  const piece = pieceName(variant);
  await requestSignUp(
    db,
    {
      email: input.email,
      purpose: `stock-alert:${variant.variantId}`,
      method: 'stock-alert-confirmation',
      wording: CONSENT_WORDING.stockAlert(piece),
      policyVersion: ctx.policyVersion,
    },
    now,
    {
      domain: ctx.messageDomain,
      compose: (token) => ({
        kind: 'stock-alert-confirm',
        reference: `stock-alert-${variant.variantId}`,
        to: input.email.trim(),
        ...alertMails.confirm(ctx, piece, `${ctx.publicUrl}/alerts/confirm?token=${encodeURIComponent(token)}`),
      }),
    },
  );
  return { ok: true };
}

export type AlertSignUp = { ok: true; piece: string; productSlug: string } | { ok: false; reason: 'unknown' | 'expired' };

async function describe(db: Executor, found: SignUpLookup): Promise<AlertSignUp> {
  if (!found.ok) return found;
  if (familyOf(found.purpose) !== 'stock-alert') return { ok: false, reason: 'unknown' };
  const variantId = Number(found.purpose.split(':')[1]);
  const variant = (await variantsForSale(db, [variantId])).get(variantId);
  if (!variant) return { ok: false, reason: 'unknown' };
  return { ok: true, piece: pieceName(variant), productSlug: variant.productSlug };
}

/** What an alert's confirmation link is for, confirming nothing (a link scanner's GET must not). */
export async function findAlertSignUp(db: Executor, token: string, now: Date): Promise<AlertSignUp> {
  return describe(db, await findSignUp(db, token, now));
}

/** The Confirm button: the alert is recorded in the ledger with the words shown at sign-up. A newsletter link does nothing here. */
export function confirmAlert(db: Executor, token: string, now: Date): Promise<AlertSignUp> {
  return inTransaction(db, async (trx) => {
    const before = await findAlertSignUp(trx, token, now);
    if (!before.ok) return before;
    const confirmed = await confirmSignUp(trx, token, now);
    return confirmed.ok ? before : confirmed;
  });
}

/**
 * Sends the alerts of every variant that is back in stock: one e-mail to each address with a
 * current alert for it and none already waiting in the outbox. The alert is used up when the
 * outbox has sent it (the consent gate withdraws it as "sent" then), so one that could not be
 * delivered is tried again, and one withdrawn before its turn is withheld. The job runs once per
 * scheduled time across processes. Archived pieces are not announced.
 */
export async function sendBackInStockAlerts(db: Executor, now: Date, ctx: AlertMailContext): Promise<{ pieces: number; sent: number }> {
  const purposes = await awaitedStockAlerts(db);
  const variants = await variantsForSale(
    db,
    purposes.map((p) => Number(p.split(':')[1])),
  );
  let pieces = 0;
  let sent = 0;
  for (const purpose of purposes) {
    const variant = variants.get(Number(purpose.split(':')[1]));
    if (!variant || !variant.available || variant.stock <= 0) continue;
    pieces++;
    const piece = pieceName(variant);
    const productUrl = `${ctx.publicUrl}/products/${variant.productSlug}`;
    const waiting = new Map((await consentingTo(db, purpose)).map((p) => [normaliseAddress(p.email), p.email]));
    // An alert queued on an earlier run and not yet sent is not queued again.
    const queuedBefore = await addressesAwaitingMail(db, purpose, [...waiting.keys()]);
    for (const [key, email] of waiting) {
      if (queuedBefore.has(key)) continue;
      const id = await enqueueMarketingMail(
        db,
        {
          kind: 'stock-alert',
          purpose,
          reference: `stock-alert-${variant.variantId}`,
          to: email,
          ...alertMails.backInStock(ctx, piece, productUrl),
        },
        now,
        ctx.messageDomain,
      );
      if (id !== null) sent++;
    }
  }
  return { pieces, sent };
}
