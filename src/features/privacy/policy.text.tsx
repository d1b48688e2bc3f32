import type { FormatCallback } from 'html-to-text';
import { renderToString } from 'preact-render-to-string';
import type { PolicyModel } from './policy.model.js';
import { lazy } from '../../shared/lazy.js';
import { PrivacyPolicy } from './views/policy-page.js';

/** Loaded when a new policy version is first kept, which is rare. */
const loadHtmlToText = lazy<typeof import('html-to-text')>('html-to-text');

/** A table row as one line, its cells apart: a column layout would reflow every line when one cell grows. */
const rowLine: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  const cells = (elem.children ?? []).filter((c: { type: string }) => c.type === 'tag');
  cells.forEach((cell: unknown, i: number) => {
    if (i > 0) builder.addInline(' | ');
    walk([cell as never], builder);
  });
  builder.closeBlock({ trailingLineBreaks: 1 });
};

/**
 * The policy as people read it, in plain text: the very JSX of the /privacy page rendered to HTML
 * and converted, so that the text kept for a version is what was shown. One line per paragraph,
 * heading, list item and table row (no wrapping), so that two versions compare paragraph by
 * paragraph; headings keep their case, list items their bullet, links only their words. The
 * breadcrumbs are the site's, not the policy's.
 */
export function policyText(policy: PolicyModel): string {
  return policyTextOf(renderToString(<PrivacyPolicy policy={policy} />));
}

/** The policy page's HTML (its article) as the plain text a version keeps. */
export function policyTextOf(html: string): string {
  return loadHtmlToText()
    .convert(html, {
      wordwrap: false,
      formatters: { rowLine },
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'h1', options: { uppercase: false } },
        { selector: 'h2', options: { uppercase: false } },
        { selector: 'h3', options: { uppercase: false } },
        { selector: 'h4', options: { uppercase: false } },
        { selector: 'nav.breadcrumbs', format: 'skip' },
        { selector: 'dt', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
        { selector: 'dd', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
        { selector: 'summary', format: 'block' },
        { selector: 'table', format: 'block' },
        { selector: 'caption', format: 'block' },
        { selector: 'tr', format: 'rowLine' },
        { selector: 'span.tag', format: 'inline' },
      ],
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
