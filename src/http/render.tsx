import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { type Chrome, DocumentHead, Layout, type PageMeta } from './views/layout.js';

const QUERY_SLOT = 'assay-query-slot-5e1c';
const MAIN_SLOT = 'assay-main-slot-5e1c';
const HEAD_START = '<head>';
const HEAD_END = '</head>';

/** The page around the body, cut where the search box's text and the body go: the same for every page of one section. */
interface Frame {
  /** What comes before the head: `<html lang="en-GB">`. */
  open: string;
  beforeQuery: string;
  beforeMain: string;
  after: string;
}

/** Frames by section, for one chrome (a new catalogue's categories are a new array, so a new set of frames). */
let frames: { chrome: Chrome; shopName: string; publicUrl: string; bySection: Map<string, Frame | null> } | null = null;

/**
 * The frame of a page of this section: Layout rendered once with markers where the search box's
 * text and the page body go. Null when a marker would not come out as it went in.
 */
function frameFor(chrome: Chrome, section: string | undefined): Frame | null {
  if (
    !frames ||
    frames.chrome.categories !== chrome.categories ||
    frames.shopName !== chrome.shopName ||
    frames.publicUrl !== chrome.publicUrl
  ) {
    frames = { chrome, shopName: chrome.shopName, publicUrl: chrome.publicUrl, bySection: new Map() };
  }
  const key = section ?? '';
  if (frames.bySection.has(key)) return frames.bySection.get(key) ?? null;
  const html = renderToString(
    <Layout chrome={chrome} meta={{ title: '', section, query: QUERY_SLOT }}>
      {MAIN_SLOT}
    </Layout>,
  );
  const headAt = html.indexOf(HEAD_START);
  const bodyAt = html.indexOf(HEAD_END) + HEAD_END.length;
  const rest = html.slice(bodyAt).split(QUERY_SLOT);
  const parts = rest.length === 2 ? [rest[0]!, ...rest[1]!.split(MAIN_SLOT)] : [];
  const frame =
    headAt >= 0 && bodyAt > headAt && parts.length === 3 && parts[0]!.endsWith('="') && parts[1]!.startsWith('"')
      ? { open: html.slice(0, headAt), beforeQuery: parts[0]!, beforeMain: parts[1]!, after: parts[2]! }
      : null;
  frames.bySection.set(key, frame);
  return frame;
}

/** As Preact escapes an attribute's value: ", & and <. */
const escapeAttribute = (s: string) => s.replace(/["&<]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&quot;'));

/**
 * A whole page: Layout around the body. The header, navigation and footer are rendered once per
 * section and catalogue (frameFor); only the head (title, description, links), the search box's
 * text and the body are rendered for each page — byte for byte what rendering Layout would give.
 */
export function renderDocument(chrome: Chrome, meta: PageMeta, body: VNode): string {
  const frame = frameFor(chrome, meta.section);
  if (!frame)
    return `<!doctype html>${renderToString(
      <Layout chrome={chrome} meta={meta}>
        {body}
      </Layout>,
    )}`;
  const head = renderToString(<DocumentHead chrome={chrome} meta={meta} />);
  const query = meta.query ?? '';
  // Preact writes an empty attribute bare (`value`), a filled one quoted.
  const search =
    query === ''
      ? `${frame.beforeQuery.slice(0, -2)}${frame.beforeMain.slice(1)}`
      : `${frame.beforeQuery}${escapeAttribute(query)}${frame.beforeMain}`;
  return `<!doctype html>${frame.open}${head}${search}${renderToString(body)}${frame.after}`;
}

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/**
 * A page for one visitor only (it carries a bag token or an order key, or shows their details):
 * never stored by a browser or proxy cache. The site-wide Referrer-Policy (same-origin) already
 * keeps such addresses from reaching other sites.
 */
export function privatePage(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}
