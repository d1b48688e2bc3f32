import type { Marked, Tokens } from 'marked';
import { lazy } from './lazy.js';

/** Loaded the first time Markdown is rendered rather than when the shop starts. */
const loadMarked = lazy<typeof import('marked')>('marked');

export const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

export interface MarkdownRules {
  /** The link addresses kept as links; any other link is left as its words. */
  links: RegExp;
  /** What an image becomes (its `alt` text is `token.text`). */
  image(token: Tokens.Image): string;
}

/**
 * Markdown that cannot carry markup of its own: raw HTML is shown as the text it is, a link is
 * kept only when its address passes `rules.links`, and an image is what `rules.image` makes of
 * it. So the text cannot put a script, a form or a javascript: link on a page or in an e-mail.
 * The parser is made at the first call.
 */
export function safeMarkdown(rules: MarkdownRules): (source: string) => string {
  let parser: Marked | undefined;
  return (source) =>
    (parser ??= new (loadMarked().Marked)({
      gfm: true,
      async: false,
      renderer: {
        html(token: Tokens.HTML | Tokens.Tag) {
          return 'block' in token && token.block ? `<p>${escapeHtml(token.text)}</p>\n` : escapeHtml(token.text);
        },
        link(token: Tokens.Link) {
          const inner = this.parser.parseInline(token.tokens);
          if (!rules.links.test(token.href)) return inner;
          const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
          return `<a href="${escapeHtml(token.href)}"${title}>${inner}</a>`;
        },
        image: rules.image,
      },
    })).parse(source, { async: false });
}
