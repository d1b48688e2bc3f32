import { MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';
import { UNSUBSCRIBE_PLACEHOLDER } from '../mail/outbox.service.js';

export interface FeedbackMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  /** The host name of our Message-IDs (messageIdDomain(publicUrl)). */
  messageDomain: string;
}

const BUTTON = 'display:inline-block;background:#1d1a16;color:#fff;padding:10px 18px;text-decoration:none';
const QUIET = 'font-family:Arial,sans-serif;font-size:13px;color:#6b625a';

/** The feedback request: marketing (sent only with the consent to feedback requests), with its unsubscribe link where the placeholder is. */
export function feedbackRequestMail(ctx: FeedbackMailContext, orderNumber: string, answerUrl: string, linkDays: number) {
  const subject = `How was your order ${orderNumber}?`;
  const paragraphs = [
    `Your order ${orderNumber} was delivered a few days ago. Would you tell us what you thought of it? It takes a minute: a rating, and a few words if you like.`,
    `We keep only what you type — not your name, your address or your order — so we cannot tell whose answer is whose. The link works for ${linkDays} days.`,
    'You are receiving this because you asked us to ask for your feedback after delivery.',
  ];
  const closing = `${ctx.shopName} · ${ctx.shopEmail}`;
  const text = [
    ...paragraphs,
    '',
    `Give your feedback: ${answerUrl}`,
    '',
    `Don't want feedback requests? Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`,
    '',
    closing,
    '',
  ].join('\n');
  const html = renderMailHtml({
    shopName: ctx.shopName,
    subject,
    footer: closing,
    children: (
      <>
        <MailParagraphs paragraphs={paragraphs} />
        <p>
          <a href={answerUrl} style={BUTTON}>
            Give your feedback
          </a>
        </p>
        <p style={QUIET}>
          Don't want feedback requests? <a href={UNSUBSCRIBE_PLACEHOLDER}>Unsubscribe</a>
        </p>
      </>
    ),
  });
  return { subject, text, html };
}
