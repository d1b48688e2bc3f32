import type { FastifyInstance } from 'fastify';
import { plainMail } from '../mail/mail.layout.js';
import { messageIdDomain } from '../mail/outbox.service.js';
import { CATEGORY_TEXT } from '../privacy/inventory.js';
import { TO_COMPLETE, categoriesOf } from './breaches.domain.js';
import type { BreachRow } from './breaches.repository.js';

/** The shop as a breach notice and the ICO draft name it, from the configuration. */
export interface BreachMailContext {
  shopName: string;
  shopEmail: string;
  /** The host name Message-IDs are made with. */
  domain: string;
}

export function breachMailContext(app: FastifyInstance): BreachMailContext {
  return { shopName: app.config.shop.name, shopEmail: app.config.shop.email, domain: messageIdDomain(app.config.publicUrl) };
}

/** The notice's paragraphs: its body split at blank lines, each paragraph's own line breaks kept as spaces. */
export function noticeParagraphs(body: string): string[] {
  return body
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The notice e-mail exactly as each person is sent it: the reviewed subject and body, in the shop's frame. */
export function breachNoticeMail(ctx: BreachMailContext, notice: { subject: string; body: string }) {
  return plainMail(ctx, notice.subject, noticeParagraphs(notice.body));
}

/**
 * A first draft of the notice to the people affected, from the record, with what Art. 34(2)
 * asks it to say in clear words: what happened, the likely consequences, what we are doing, what
 * they can do, and whom to contact. What the record cannot know is left marked for staff to
 * complete; the notice cannot be marked reviewed until none is left.
 */
export function draftNotice(ctx: BreachMailContext, b: BreachRow): { subject: string; body: string } {
  const kinds = categoriesOf(b.categories).map((c) => CATEGORY_TEXT[c].toLowerCase());
  const missing = (what: string) => `${TO_COMPLETE} ${what}]`;
  return {
    subject: `Important: a breach affecting your data at ${ctx.shopName}`,
    body: [
      `We are writing to tell you about a personal data breach at ${ctx.shopName} that affects your data. We are sorry it happened.`,
      `What happened: ${b.what_happened}`,
      `The data involved: ${b.data_affected}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}.`,
      `What this may mean for you: ${b.risk_assessment || missing('the likely consequences for the people affected')}`,
      `What we are doing: ${b.actions || missing('what we have done and are doing about it')}`,
      `What you can do: ${missing('the steps people can take to protect themselves, such as changing a password or watching for e-mails that pretend to come from us')}`,
      `If you have any questions, reply to this e-mail or write to us at ${ctx.shopEmail}. You also have the right to complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113).`,
    ].join('\n\n'),
  };
}
