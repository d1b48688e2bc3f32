import { escapeHtml, safeMarkdown } from '../../shared/markdown.js';
import { MAIL_TEXT, renderMailHtml } from '../mail/mail.layout.js';
import { UNSUBSCRIBE_PLACEHOLDER } from '../mail/outbox.service.js';

/**
 * A campaign's e-mail: its Markdown rendered into the shop's e-mail frame as HTML, and the same
 * Markdown as the plain-text part (Markdown is written to read well as text). Both end with the
 * Unsubscribe link ("the link about the bottom of our emails"), as UNSUBSCRIBE_PLACEHOLDER, which
 * the outbox replaces with each recipient's own link when it sends.
 *
 * Raw HTML in the Markdown never reaches the e-mail: it is shown as the text it is. Links go only
 * to http(s) and mailto addresses, and images only from https ones; anything else is left as its
 * words, so a campaign cannot carry a script, a form or a javascript: link.
 */

const campaignMarkdown = safeMarkdown({
  links: /^(https?:\/\/|mailto:)/i,
  image: (token) =>
    /^https:\/\//i.test(token.href)
      ? `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}" style="max-width:100%;height:auto">`
      : escapeHtml(token.text),
});

/** The HTML of a campaign's Markdown, raw HTML escaped. */
export function markdownToHtml(source: string): string {
  return campaignMarkdown(source);
}

export interface CampaignFrame {
  shopName: string;
  /** Which consent the audience gave, in words ("General Subscription"), for the footer. */
  purposeName: string;
}

/** A campaign's subject, text and HTML, each body carrying UNSUBSCRIBE_PLACEHOLDER where the link goes. */
export function campaignMail(
  frame: CampaignFrame,
  c: { subject: string; markdown: string },
): { subject: string; text: string; html: string } {
  const why = `You are receiving this because you signed up to our ${frame.purposeName}.`;
  const text = [c.markdown.trim(), '', '—', why, `Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`, ''].join('\n');
  const html = renderMailHtml({
    shopName: frame.shopName,
    subject: c.subject,
    footer: why,
    children: (
      <>
        <div style={MAIL_TEXT} dangerouslySetInnerHTML={{ __html: markdownToHtml(c.markdown) }} />
        <p style={`${MAIL_TEXT};font-size:13px;color:#6b625a;border-top:1px solid #e6dfd4;padding-top:12px;margin-top:24px`}>
          Don't want these e-mails? <a href={UNSUBSCRIBE_PLACEHOLDER}>Unsubscribe</a>
        </p>
      </>
    ),
  });
  return { subject: c.subject, text, html };
}

/** What stands in for the Unsubscribe link in a preview and a test-send to staff, who are not on the list. */
export const SAMPLE_UNSUBSCRIBE = {
  text: "[each recipient's own unsubscribe link goes here]",
  href: '#each-recipients-own-unsubscribe-link',
};

/** A campaign's e-mail with the stand-in for the Unsubscribe link: for the preview and a test-send. */
export function sampleCampaignMail(
  frame: CampaignFrame,
  c: { subject: string; markdown: string },
): { subject: string; text: string; html: string } {
  const m = campaignMail(frame, c);
  return {
    subject: m.subject,
    text: m.text.replaceAll(UNSUBSCRIBE_PLACEHOLDER, SAMPLE_UNSUBSCRIBE.text),
    html: m.html.replaceAll(UNSUBSCRIBE_PLACEHOLDER, SAMPLE_UNSUBSCRIBE.href),
  };
}
