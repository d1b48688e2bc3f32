import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { POLICY_NOTICE_MARKER } from '../../http/views/layout.js';
import { POLICY_NOTICE_COOKIE, POLICY_NOTICE_COOKIE_DAYS } from './privacy.inventory.js';
import { type PolicyNotice, comparePath, noticeDayMonth } from './privacy.service.js';

/**
 * The storefront notice of a material change to the privacy policy. Every storefront page is
 * rendered with an empty slot (catalogue pages are cached as the same bytes for everyone); the
 * notice goes into it as the page is sent, while it runs (MATERIAL_NOTICE_DAYS from being marked)
 * and unless this browser dismissed it. The notice is read from the privacy service's memory, so a
 * page costs no query for it. Dismissing sets a strictly necessary cookie naming the version
 * dismissed, which needs no consent: it only carries out what the visitor asked.
 */

export { POLICY_NOTICE_COOKIE as NOTICE_COOKIE, POLICY_NOTICE_COOKIE_DAYS as NOTICE_COOKIE_DAYS };

const MARKER = Buffer.from(POLICY_NOTICE_MARKER, 'utf8');

export function PolicyChangeNotice({ notice, back }: { notice: PolicyNotice; back: string }) {
  const href = notice.previous ? comparePath(notice.previous, notice.version) : `/privacy/versions/${notice.version}`;
  return (
    <aside class="policy-notice" aria-labelledby="policy-notice-text">
      <p id="policy-notice-text">
        We changed our privacy policy on {noticeDayMonth(notice.markedAt)} — <a href={href}>see what changed</a>
      </p>
      <form method="post" action="/privacy/notice/dismiss" class="policy-notice-dismiss">
        <input type="hidden" name="version" value={notice.version} />
        <input type="hidden" name="back" value={back} />
        <button type="submit" class="button-link">
          Dismiss<span class="visually-hidden"> the notice of our privacy policy change</span>
        </button>
      </form>
    </aside>
  );
}

/** Where a dismissal returns to: a path on this shop only (never another site, never a scheme). */
export function safeBack(back: string | undefined): string {
  if (!back || back.length > 500 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(back)) return '/';
  return back;
}

const BACK_SLOT = '/assay-back-slot';
let rendered: { notice: PolicyNotice; head: string; tail: string } | null = null;

const escapeAttribute = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The notice's HTML for a page: rendered once per notice, with only the page's own address put in as it is sent. */
function noticeHtml(notice: PolicyNotice, back: string): string {
  if (rendered?.notice !== notice) {
    const [head = '', tail = ''] = renderToString(<PolicyChangeNotice notice={notice} back={BACK_SLOT} />).split(BACK_SLOT);
    rendered = { notice, head, tail };
  }
  return rendered.head + escapeAttribute(back) + rendered.tail;
}

async function withNotice(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, payload: string | Buffer) {
  const at = typeof payload === 'string' ? payload.indexOf(POLICY_NOTICE_MARKER) : payload.indexOf(MARKER);
  if (at < 0) return payload;
  const notice = await app.privacy.currentNotice(app.clock());
  if (!notice) return payload;
  if (req.cookies[POLICY_NOTICE_COOKIE] === notice.version) {
    // Without the notice for this visitor alone, while everyone else's page has it: no shared cache may keep it.
    if (reply.getHeader('cache-control') !== 'no-store') reply.header('cache-control', 'private, no-cache');
    return payload;
  }
  const html = noticeHtml(notice, safeBack(req.url));
  if (typeof payload === 'string') return payload.slice(0, at) + html + payload.slice(at + POLICY_NOTICE_MARKER.length);
  return Buffer.concat([payload.subarray(0, at), Buffer.from(html, 'utf8'), payload.subarray(at + MARKER.length)]);
}

/** Puts the notice into every storefront page that has its slot (an onSend hook, as the bag count is). */
export function installPolicyNotice(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !type.startsWith('text/html')) return payload;
    try {
      return await withNotice(app, req, reply, payload);
    } catch {
      // The notice is read from memory; should the first read of it fail, the page goes without it.
      return payload;
    }
  });
}
