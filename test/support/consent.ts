import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { csrfOf, lastMail, linkToken } from './customer.js';
import { Shopper } from './shopper.js';

/**
 * The newsletter's double opt-in and the unsubscribe link, driven as a person does it: the form
 * at the foot of every page, the confirmation e-mail's link, the page with the Confirm button,
 * and the link (or the mail program's one-click button) at the bottom of a marketing e-mail.
 */

/** The kind of the e-mail that carries the newsletter's confirmation link. */
export const NEWSLETTER_CONFIRM_KIND = 'newsletter-confirm';

/** Sends the footer's newsletter form from a page of the shop (the home page unless told), as a browser does. */
export async function signUpForNewsletter(
  app: FastifyInstance,
  email: string,
  options: { shopper?: Shopper; from?: string } = {},
): Promise<LightMyRequestResponse> {
  const shopper = options.shopper ?? new Shopper(app);
  const page = await shopper.get(options.from ?? '/');
  if (!page.body.includes('action="/newsletter"')) throw new Error(`no newsletter form on ${options.from ?? '/'}`);
  return shopper.post('/newsletter', { ...Shopper.formFields(page.body, '/newsletter'), email });
}

/** The newest newsletter confirmation e-mail to an address (throws when there is none). */
export async function confirmationMailTo(app: FastifyInstance, email: string) {
  const mail = await lastMail(app, email, NEWSLETTER_CONFIRM_KIND);
  if (!mail) throw new Error(`no ${NEWSLETTER_CONFIRM_KIND} e-mail to ${email}`);
  return mail;
}

/** The token of the confirmation link in a newsletter confirmation e-mail. */
export function confirmationTokenOf(mail: { text_body: string }): string {
  return linkToken(mail.text_body, '/newsletter/confirm');
}

/** Opens a confirmation link and presses its Confirm button; returns the answer to the press (a 303 to "You're subscribed"). */
export async function pressConfirm(app: FastifyInstance, token: string, shopper = new Shopper(app)): Promise<LightMyRequestResponse> {
  const page = await shopper.get(`/newsletter/confirm?token=${encodeURIComponent(token)}`);
  if (page.statusCode !== 200) throw new Error(`the confirmation page answered ${page.statusCode}`);
  return shopper.post('/newsletter/confirm', { _csrf: csrfOf(page.body), ...Shopper.formFields(page.body, '/newsletter/confirm') });
}

/**
 * Signs an address up on the footer form and confirms it from the e-mail, as a person does: a
 * General Subscription consent recorded with method newsletter-confirmation. Throws if any step fails.
 */
export async function signUpAndConfirm(app: FastifyInstance, email: string): Promise<void> {
  const shopper = new Shopper(app);
  const signedUp = await signUpForNewsletter(app, email, { shopper });
  if (signedUp.statusCode !== 303) throw new Error(`newsletter sign-up refused: ${signedUp.statusCode} ${signedUp.body.slice(0, 300)}`);
  const confirmed = await shopper.follow(await pressConfirm(app, confirmationTokenOf(await confirmationMailTo(app, email)), shopper));
  if (confirmed.statusCode !== 200 || !confirmed.body.includes("You're subscribed")) {
    throw new Error(`newsletter confirmation refused: ${confirmed.statusCode} ${confirmed.body.slice(0, 300)}`);
  }
}

/**
 * An unsubscribe link as a path within the shop with its query (`/unsubscribe/<token>?from=…`),
 * ready for app.inject: the link itself, or the one in the text of a marketing e-mail as sent.
 */
export function unsubscribeLinkOf(sent: string | { text?: string | null }): string {
  const url = typeof sent === 'string' ? sent : sent.text?.match(/https?:\/\/\S+\/unsubscribe\/\S+/)?.[0];
  if (!url) throw new Error('no unsubscribe link in the e-mail');
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** What a mail program sends for RFC 8058 one-click unsubscribe: a bare POST with no cookie, token or Origin. */
export function oneClickUnsubscribe(app: FastifyInstance, link: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: link,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
}

/** Opens an unsubscribe link's page and presses its Unsubscribe button, as a person does; returns the answer to the press. */
export async function pressUnsubscribe(app: FastifyInstance, link: string, shopper = new Shopper(app)): Promise<LightMyRequestResponse> {
  const page = await shopper.get(link);
  if (page.statusCode !== 200) throw new Error(`the unsubscribe page answered ${page.statusCode}`);
  const action = page.body.match(/<form method="post" action="(\/unsubscribe\/[^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
  if (!action) throw new Error('no Unsubscribe button on the page');
  return shopper.post(action, Shopper.formFields(page.body, action.replace(/&/g, '&amp;')));
}
