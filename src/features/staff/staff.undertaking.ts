import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { escapeHtml, safeMarkdown } from '../../shared/markdown.js';

/**
 * The confidentiality undertaking every member of staff accepts before the back office shows
 * them anything: the shop's own words (STAFF_UNDERTAKING_FILE, a Markdown file) or these. Its
 * version is a hash of the text, so any change to the words, however small, asks everyone again.
 * The file is read once, when the shop starts.
 */

export interface Undertaking {
  /** The first 12 hex digits of the SHA-256 of the Markdown text. */
  version: string;
  markdown: string;
  /** The text as HTML: raw HTML in the Markdown shown as the text it is. */
  html: string;
  /** Where the words come from: the shop's file, or the default text. */
  source: { kind: 'file'; path: string } | { kind: 'default' };
}

/** The default words, in the shop's name (the page gives the heading). */
export function defaultUndertakingText(shopName: string): string {
  return `As a member of staff of ${shopName}, I am duty-bound to respect the confidentiality of the personal data of our customers, and of everyone else whose data the shop holds, and to abide by the UK's Jewellery Retail Codes of Conduct. In particular:

1. **Confidentiality.** I keep what I learn about people through my work to myself. I do not discuss it with anyone who does not need it for their work here, during my time at the shop or after I leave.
2. **Only for the task in hand.** I use personal data only for the task in front of me (the order I am packing, the enquiry I am answering, the request I am handling), and never look people up out of curiosity.
3. **Never copied out of the shop.** I do not copy personal data out of the shop's systems: no screenshots, photographs, notes, spreadsheets or e-mails to my own address, except through the shop's own tools, for the task in hand.
4. **Breaches reported at once.** If I think personal data may have gone astray (sent to the wrong person, seen by someone who should not see it, a lost phone or laptop, an account someone else may have used), I tell the owner at once, so that it is recorded in the breach register (Back office > Breach register, at /admin/breaches) and, where the law requires, reported within 72 hours.
5. **Every look is recorded.** I understand that every time I open a customer's personal data in the back office, it is recorded in the audit trail with my name, and that the owner reviews it.
`;
}

export function undertakingVersion(markdown: string): string {
  return createHash('sha256').update(markdown, 'utf8').digest('hex').slice(0, 12);
}

/**
 * Markdown as a back-office page shows it, with the rules the campaign e-mails follow (links go
 * only to http(s) and mailto addresses or the shop's own paths), and no pictures: an image is its
 * description.
 */
const undertakingMarkdown = safeMarkdown({ links: /^(https?:\/\/|mailto:|\/(?!\/))/i, image: (token) => escapeHtml(token.text) });

export function renderUndertaking(text: string): string {
  return undertakingMarkdown(text);
}

/** The undertaking in force for this shop's configuration. Throws a plain message when the shop's file cannot be used. */
export function loadUndertaking(config: { shop: { name: string }; staffUndertakingFile: string | null }): Undertaking {
  const path = config.staffUndertakingFile;
  let text: string;
  if (path === null) text = defaultUndertakingText(config.shop.name);
  else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'the shop may not read it' : 'it could not be read';
      throw new Error(`STAFF_UNDERTAKING_FILE=${JSON.stringify(path)} cannot be used: ${why}.`);
    }
    if (text.trim() === '') throw new Error(`STAFF_UNDERTAKING_FILE=${JSON.stringify(path)} cannot be used: the file is empty.`);
  }
  let html: string | undefined;
  return {
    version: undertakingVersion(text),
    markdown: text,
    // Rendered when first shown: staff see it; a shop at rest need not hold the parser.
    get html() {
      return (html ??= renderUndertaking(text));
    },
    source: path === null ? { kind: 'default' } : { kind: 'file', path },
  };
}
