import type { ComponentChildren } from 'preact';
import { MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';
import { UNSUBSCRIBE_PLACEHOLDER } from '../mail/outbox.service.js';

/** What the alert e-mails need to know about the shop. */
export interface AlertMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  /** The host name of our Message-IDs (messageIdDomain(publicUrl)). */
  messageDomain: string;
}

const BUTTON = 'display:inline-block;background:#1d1a16;color:#fff;padding:10px 18px;text-decoration:none';

function compose(
  ctx: AlertMailContext,
  subject: string,
  paragraphs: string[],
  link: { href: string; label: string },
  after: { text: string[]; html: ComponentChildren } = { text: [], html: null },
) {
  const closing = `${ctx.shopName} · ${ctx.shopEmail}`;
  const text = [...paragraphs, '', `${link.label}: ${link.href}`, '', ...after.text, closing, ''].join('\n');
  const html = renderMailHtml({
    shopName: ctx.shopName,
    subject,
    footer: closing,
    children: (
      <>
        <MailParagraphs paragraphs={paragraphs} />
        <p>
          <a href={link.href} style={BUTTON}>
            {link.label}
          </a>
        </p>
        {after.html}
      </>
    ),
  });
  return { subject, text, html };
}

export const alertMails = {
  /** The double opt-in: a service message (no consent yet), whose link opens the page with the Confirm button. */
  confirm: (ctx: AlertMailContext, piece: string, url: string) =>
    compose(
      ctx,
      `Please confirm: e-mail you when ${piece} is back`,
      [
        `You asked us to e-mail you once when ${piece} is back in stock. Please confirm that this address is yours and that you want that e-mail.`,
        `Nothing is sent until you confirm. If you didn't ask, ignore this e-mail: the request is deleted within 7 days.`,
      ],
      { href: url, label: 'Confirm my alert' },
    ),

  /** The alert itself: marketing (it needs the consent), sent once; its unsubscribe link goes where the placeholder is. */
  backInStock: (ctx: AlertMailContext, piece: string, productUrl: string) =>
    compose(
      ctx,
      `${piece} is back in stock`,
      [
        `Good news: ${piece} is back in stock, as you asked us to tell you.`,
        'This is the only e-mail we send about it: your alert has now been used, and we have not added you to any other list.',
      ],
      { href: productUrl, label: 'See the piece' },
      {
        text: [`Don't want e-mails like this? Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`, ''],
        html: (
          <p style="font-family:Arial,sans-serif;font-size:13px;color:#6b625a">
            Don't want e-mails like this? <a href={UNSUBSCRIBE_PLACEHOLDER}>Unsubscribe</a>
          </p>
        ),
      },
    ),
};
