import type { FastifyInstance } from 'fastify';
import { checkout, payFor } from './customer.js';
import { GUEST, Shopper } from './shopper.js';
import { adminPost, signInAs } from './staff.js';

/**
 * An order as it really comes to be delivered: a guest's checkout (ticking the feedback requests
 * box when `asksForFeedback`) and payment, then fulfilment staff dispatching it and marking it
 * delivered in the back office, at the app's clock.
 */
export async function deliveredOrder(app: FastifyInstance, email: string, asksForFeedback = false): Promise<string> {
  const shopper = new Shopper(app);
  const { number, orderUrl } = await checkout(app, shopper, { ...GUEST, email, ...(asksForFeedback ? { feedback_requests: 'yes' } : {}) });
  await payFor(app, shopper, orderUrl);
  const { cookie } = await signInAs(app, 'fulfilment');
  const page = `/admin/dispatch/${number}`;
  const dispatched = await adminPost(app, cookie, page, `${page}/dispatch`, { tracking: 'AB123456789GB', from: 'dispatch' });
  if (dispatched.statusCode !== 303) throw new Error(`could not dispatch ${number}: ${dispatched.statusCode}`);
  const delivered = await adminPost(app, cookie, page, `${page}/delivered`, { from: 'dispatch' });
  if (delivered.statusCode !== 303) throw new Error(`could not mark ${number} delivered: ${delivered.statusCode}`);
  return number;
}

/** The path of the answer link in a feedback request's text (`/feedback/<token>`). */
export function feedbackLinkOf(mail: { text_body: string } | undefined): string {
  const path = mail?.text_body.match(/https?:\/\/[^/\s]+(\/feedback\/[A-Za-z0-9.-]+)/)?.[1];
  if (!path) throw new Error('no feedback link in the e-mail');
  return path;
}
