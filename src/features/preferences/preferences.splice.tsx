import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { VariantRow } from '../catalog/catalog.domain.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { ProductGrid } from '../catalog/views/cards.js';
import {
  type Answer,
  CHOICE_COOKIE,
  COOKIE_DAYS,
  PREFS_COOKIE,
  type Remembered,
  type Selections,
  preferredOptions,
  readChoice,
  readRemembered,
  readSelections,
  withChoice,
  withView,
  writeSelections,
} from './preferences.domain.js';
import { recentCards } from './preferences.service.js';
import { RecentlyViewed } from './views/choice.js';
import { RECENT_MARKER } from './views/slot.js';

/**
 * How a request stands on remembered selections: `Sec-GPC: 1` is a no whatever the cookies say;
 * the selections are read only after a yes (a preferences cookie without one is treated as absent).
 */
export interface VisitorStanding {
  gpc: boolean;
  answer: Answer | null;
  visitorId: string | null;
  /** Null unless the visitor said yes (and sends no GPC). */
  selections: Selections | null;
}

const standings = new WeakMap<FastifyRequest, VisitorStanding>();

export function visitorStanding(req: FastifyRequest): VisitorStanding {
  let s = standings.get(req);
  if (!s) {
    const gpc = req.headers['sec-gpc'] === '1';
    const choice = readChoice(req.cookies[CHOICE_COOKIE]);
    const answer = gpc ? 'no' : (choice?.answer ?? null);
    s = {
      gpc,
      answer: gpc && !choice ? null : answer,
      visitorId: choice?.visitorId ?? null,
      selections: !gpc && answer === 'yes' ? (readSelections(req.cookies[PREFS_COOKIE]) ?? { recent: [] }) : null,
    };
    standings.set(req, s);
  }
  return s;
}

export function cookieOptions(reply: FastifyReply) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: reply.server.config.secureCookies,
    maxAge: COOKIE_DAYS * 86_400,
  };
}

export function setSelectionsCookie(reply: FastifyReply, s: Selections): void {
  reply.setCookie(PREFS_COOKIE, writeSelections(s), cookieOptions(reply));
}

/** The options a product page opens with for this visitor (nothing without a yes). */
export function preferredFor(req: FastifyRequest, variants: VariantRow[]): { metal?: string; size?: string; length?: string } {
  const s = visitorStanding(req).selections;
  return s ? preferredOptions(variants, s) : {};
}

/** The recently viewed block around its cards, rendered once: the cards go between the two halves. */
const GRID_OPEN = '<ul class="product-grid">';
const [BLOCK_HEAD = '', BLOCK_TAIL = ''] = renderToString(<RecentlyViewed cards={[]} />).split(`${GRID_OPEN}</ul>`);

/** One piece's card as the block shows it, rendered once per catalogue version (null when it is not sold). */
function cardHtml(catalog: CatalogService, slug: string): Promise<string | null> {
  return catalog.memo(`recent-card:${slug}`, async () => {
    const [card] = await recentCards(catalog, [slug], null);
    if (!card) return null;
    const grid = renderToString(<ProductGrid cards={[card]} headingLevel={3} />);
    return grid.slice(GRID_OPEN.length, grid.length - '</ul>'.length);
  });
}

/** This visitor's recently viewed block, from cards rendered once per catalogue version; null when it would be empty. */
async function recentlyViewedBlock(catalog: CatalogService, recent: string[], except: string | null): Promise<Buffer | null> {
  const cards = (await Promise.all(recent.filter((slug) => slug !== except).map((slug) => cardHtml(catalog, slug)))).filter(
    (c): c is string => c !== null,
  );
  return cards.length === 0 ? null : Buffer.from(`${BLOCK_HEAD}${GRID_OPEN}${cards.join('')}</ul>${BLOCK_TAIL}`, 'utf8');
}

const MARKER = Buffer.from(RECENT_MARKER, 'utf8');

/**
 * A cached page as this visitor gets it (`reply.cachedPage` asks for every one): the same bytes
 * for everyone, unless they said yes to remembering their selections, when their recently viewed
 * block is spliced in at its marker (on a product page, without the piece on screen) and a
 * product page they open is added to the list (a Set-Cookie on this response).
 */
export async function personalisePage(req: FastifyRequest, reply: FastifyReply, key: string, bytes: Buffer): Promise<Buffer> {
  const s = visitorStanding(req).selections;
  if (!s) return bytes;
  // This visitor's alone, as a page with a bag count is: no shared cache may keep it.
  if (reply.getHeader('cache-control') === undefined) reply.header('cache-control', 'private, no-cache');
  const product = key.startsWith('product:') ? (key.split(':')[1] ?? '') : null;
  if (product !== null) setSelectionsCookie(reply, withView(s, product));
  const at = s.recent.length > 0 ? bytes.indexOf(MARKER) : -1;
  if (at < 0) return bytes;
  const block = await recentlyViewedBlock(reply.server.catalog, s.recent, product);
  if (!block) return bytes;
  return Buffer.concat([bytes.subarray(0, at), block, bytes.subarray(at + MARKER.length)]);
}

/** After a piece goes into the bag with these options: with a yes, they are remembered (a Set-Cookie on this response). */
export function afterBagChoice(req: FastifyRequest, reply: FastifyReply, choice: { metal: string; size?: string; length?: number }): void {
  const selections = visitorStanding(req).selections;
  if (selections) setSelectionsCookie(reply, withChoice(selections, choice));
}

/**
 * The question to show on the bag page just after a piece was added: only before any answer,
 * never with GPC, and only when the newest line has a ring size or chain length to remember.
 */
export function promptFor(
  req: FastifyRequest,
  newest: { ringSize: string | null; chainLengthIn: number | null } | undefined,
): Remembered | null {
  const standing = visitorStanding(req);
  if (standing.gpc || standing.answer !== null || !newest) return null;
  if (newest.ringSize !== null) return readRemembered(`size:${newest.ringSize}`);
  if (newest.chainLengthIn !== null) return readRemembered(`length:${newest.chainLengthIn}`);
  return null;
}
