import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inTransaction } from '../../src/db/database.js';
import { returnStock } from '../../src/features/catalog/catalog.service.js';
import { demoVariantWithStock, lastMail } from './customer.js';
import { Shopper } from './shopper.js';

/**
 * Back-in-stock alerts and feedback requests, driven as a person does it: the form under a
 * sold-out piece, the confirmation e-mail's link and its Confirm button; and a mail server that
 * keeps what it is given, to read the headers the outbox adds.
 */

export const ALERT_CONFIRM_KIND = 'stock-alert-confirm';

/** A demo variant of a piece on sale, made sold out, with the product page address that shows it chosen. */
export async function soldOutPiece(app: FastifyInstance, offset = 0): Promise<{ variantId: number; pageUrl: string; slug: string }> {
  const v = await demoVariantWithStock(app, offset, 0);
  return { variantId: v.id, pageUrl: `/products/${v.slug}?${new URLSearchParams(v.choice)}`, slug: v.slug };
}

/** Stock comes back, as the catalogue records a delivery: with its movement row, and the pages refreshed. */
export async function restock(app: FastifyInstance, variantId: number, quantity: number, now: Date): Promise<void> {
  await inTransaction(app.db, (trx) => returnStock(trx, [{ variantId, quantity }], 'Delivery received', now));
  await app.catalog.invalidate();
}

/** Sends "Tell me when it's back" from the piece's page, as a browser does. */
export async function askForAlert(app: FastifyInstance, pageUrl: string, email: string, shopper = new Shopper(app)) {
  const page = await shopper.get(pageUrl);
  if (!page.body.includes('action="/alerts"')) throw new Error(`no alert form on ${pageUrl}`);
  return shopper.post('/alerts', { ...Shopper.formFields(page.body, '/alerts'), email });
}

/** The token of the newest alert confirmation e-mail to an address. */
export async function alertConfirmToken(app: FastifyInstance, email: string): Promise<string> {
  const mail = await lastMail(app, email, ALERT_CONFIRM_KIND);
  const token = mail?.text_body.match(/\/alerts\/confirm\?token=([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no alert confirmation link to ${email}`);
  return token;
}

/** Opens the confirmation link and presses Confirm; returns the answer to the press. */
export async function pressAlertConfirm(app: FastifyInstance, token: string, shopper = new Shopper(app)): Promise<LightMyRequestResponse> {
  const page = await shopper.get(`/alerts/confirm?token=${token}`);
  if (page.statusCode !== 200) throw new Error(`the confirmation page answered ${page.statusCode}`);
  return shopper.post('/alerts/confirm', Shopper.formFields(page.body, '/alerts/confirm'));
}

export { keepingMailer } from './mail.js';
