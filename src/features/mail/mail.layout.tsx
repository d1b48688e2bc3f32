import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { UNSUBSCRIBE_PLACEHOLDER } from './outbox.service.js';

/**
 * The one frame every shop e-mail's HTML part sits in: the shop's name at the top, the content,
 * a quiet footer. Inline styles only, because mail programs ignore style sheets.
 */
export const MAIL_TEXT = 'font-family:Arial,sans-serif;font-size:15px;line-height:1.5';

export function renderMailHtml(m: { shopName: string; subject: string; footer: string; children: ComponentChildren }): string {
  return (
    '<!doctype html>' +
    renderToString(
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <title>{m.subject}</title>
        </head>
        <body style="margin:0;padding:24px;background:#f7f4ef;color:#2b2622">
          <div style="max-width:600px;margin:0 auto;background:#fff;border:1px solid #e6dfd4;padding:24px 28px">
            <p style="font-family:Georgia,serif;font-size:22px;margin:0 0 16px">{m.shopName}</p>
            {m.children}
            <p style="font-family:Arial,sans-serif;font-size:13px;color:#6b625a">{m.footer}</p>
          </div>
        </body>
      </html>,
    )
  );
}

/** The paragraphs of a plain message, for the HTML part. */
export function MailParagraphs({ paragraphs }: { paragraphs: string[] }) {
  return (
    <>
      {paragraphs.map((p) => (
        <p style={MAIL_TEXT}>{p}</p>
      ))}
    </>
  );
}

const BUTTON = 'display:inline-block;background:#1d1a16;color:#fff;padding:10px 18px;text-decoration:none';
const QUIET = 'font-family:Arial,sans-serif;font-size:13px;color:#6b625a';

/**
 * A plain shop e-mail as text and HTML: its paragraphs, a link shown as a button, and — for a
 * marketing e-mail — a quiet line ending in its Unsubscribe link (`unsubscribe` is the words before
 * it; the outbox puts the recipient's link where the placeholder is), then the shop's name and address.
 */
export function plainMail(
  shop: { shopName: string; shopEmail: string },
  subject: string,
  paragraphs: string[],
  options: { link?: { href: string; label: string }; unsubscribe?: string } = {},
): { subject: string; text: string; html: string } {
  const { link, unsubscribe } = options;
  const closing = `${shop.shopName} · ${shop.shopEmail}`;
  const text = [
    ...paragraphs,
    ...(link ? ['', `${link.label}: ${link.href}`] : []),
    '',
    ...(unsubscribe ? [`${unsubscribe} Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`, ''] : []),
    closing,
    '',
  ].join('\n');
  const html = renderMailHtml({
    shopName: shop.shopName,
    subject,
    footer: closing,
    children: (
      <>
        <MailParagraphs paragraphs={paragraphs} />
        {link && (
          <p>
            <a href={link.href} style={BUTTON}>
              {link.label}
            </a>
          </p>
        )}
        {unsubscribe && (
          <p style={QUIET}>
            {unsubscribe} <a href={UNSUBSCRIBE_PLACEHOLDER}>Unsubscribe</a>
          </p>
        )}
      </>
    ),
  });
  return { subject, text, html };
}
