import { plainMail } from '../mail/mail.layout.js';
import type { OutboxMail } from '../mail/outbox.service.js';
import { SIGN_UP_CONFIRM_DAYS } from './consent.inventory.js';

/**
 * The consent feature's own e-mail: the newsletter's confirmation (double opt-in). It is a
 * service message, not marketing — the person just asked for it, and nothing else is sent until
 * they press Confirm — so it carries no purpose and no unsubscribe link.
 */
export interface ConsentMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
}

/** The kind of the newsletter's confirmation e-mail in the outbox. */
export const NEWSLETTER_CONFIRM_KIND = 'newsletter-confirm';

export function newsletterConfirmMail(ctx: ConsentMailContext, to: string, token: string): OutboxMail {
  const url = `${ctx.publicUrl.replace(/\/$/, '')}/newsletter/confirm?token=${token}`;
  const subject = `Please confirm your newsletter sign-up at ${ctx.shopName}`;
  const paragraphs = [
    'Hello,',
    `Someone — we hope you — asked to receive the ${ctx.shopName} newsletter at this address: e-mails about new pieces and events.`,
    `Nothing is sent until you confirm. The link opens a page with a Confirm button, and works for ${SIGN_UP_CONFIRM_DAYS} days.`,
    "If you didn't ask, ignore this e-mail: without confirmation the sign-up is deleted, and we won't write again.",
  ];
  const { text, html } = plainMail(ctx, subject, paragraphs, { link: { href: url, label: 'Confirm my sign-up' } });
  return { kind: NEWSLETTER_CONFIRM_KIND, reference: 'newsletter', to, subject, text, html };
}
