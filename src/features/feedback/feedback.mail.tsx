import { plainMail } from '../mail/mail.layout.js';

export interface FeedbackMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  /** The host name of our Message-IDs (messageIdDomain(publicUrl)). */
  messageDomain: string;
}

/** The feedback request: marketing (sent only with the consent to feedback requests), with its unsubscribe link where the placeholder is. */
export function feedbackRequestMail(ctx: FeedbackMailContext, orderNumber: string, answerUrl: string, linkDays: number) {
  const subject = `How was your order ${orderNumber}?`;
  const paragraphs = [
    `Your order ${orderNumber} was delivered a few days ago. Would you tell us what you thought of it? It takes a minute: a rating, and a few words if you like.`,
    `We keep only what you type — not your name, your address or your order — so we cannot tell whose answer is whose. The link works for ${linkDays} days.`,
    'You are receiving this because you asked us to ask for your feedback after delivery.',
  ];
  return plainMail(ctx, subject, paragraphs, {
    link: { href: answerUrl, label: 'Give your feedback' },
    unsubscribe: "Don't want feedback requests?",
  });
}
