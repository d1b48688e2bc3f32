import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PublicError, notFound } from '../../http/errors.js';
import { privatePage } from '../../http/render.js';
import { Breadcrumbs, Money, Notice } from '../../http/views/components.js';
import { hasPlainBagLink, withBagLink } from '../../http/views/layout.js';
import { metalLabel } from '../catalog/catalog.domain.js';
import { ProductPage } from '../catalog/views/product.js';
import { parseChoice, resolveVariant } from '../catalog/catalog.variants.js';
import { bagLink, bagTokenOf, cookieCarries } from '../../http/bag-token.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { orderTotals, variantLabel } from '../orders/orders.domain.js';
import { TotalsList } from '../orders/views/summary.js';
import { afterBagChoice, promptFor } from '../preferences/preferences.splice.js';
import { RememberPrompt } from '../preferences/views/choice.js';
import { checkoutStep, nextTurn } from '../checkout/checkout.turns.js';
import { BAG_COOKIE } from './bag.inventory.js';
import {
  BAG_LIFETIME_DAYS,
  type Bag,
  type BagLine,
  type BagContents,
  addToBag,
  bagContents,
  bagCount,
  bagProblems,
  changeQuantity,
  openBag,
  setAsideReason,
  subtotalOf,
} from './bag.service.js';

/**
 * The bag's pages. The bag works with or without cookies (see http/bag-token.ts for how a request
 * names its bag). Pages that carry a token are never cached and send no Referer, so the token
 * stays on this site.
 */

/**
 * The header's bag count. Pages are rendered with a plain "Bag" link (cached catalogue pages are
 * the same bytes for every visitor); the count goes in as a page is sent, and only for a request
 * that names a bag — by its cookie, a link or a form — so a request without one costs nothing more.
 * A page with a count is this visitor's alone: no shared cache may keep it, and one that carries
 * the token (cookies refused) is not kept at all.
 */
export function installBagCount(app: FastifyInstance): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[BAG_COOKIE];
    const token = bagTokenOf(req);
    if (token === undefined || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return done(null, payload);
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !type.startsWith('text/html') || !hasPlainBagLink(payload)) return done(null, payload);
    bagCount(app.db, token, app.clock()).then(
      (count) => {
        if (count === 0) return done(null, payload);
        const viaLink = cookie !== token;
        if (viaLink) reply.header('cache-control', 'no-store');
        else if (reply.getHeader('cache-control') !== 'no-store') reply.header('cache-control', 'private, no-cache');
        done(null, withBagLink(payload, count, viaLink ? bagLink('/bag', token) : '/bag'));
        // The count is a nicety: when the database cannot give it (it is out of reach, and this may be
        // the page saying so), the page goes as it is, with its plain "Bag" link.
      },
      () => done(null, payload),
    );
  });
}

const quantityText = singleText.pipe(
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? 1 : Number(v))),
);

// Built once: a zod object schema compiles its parser on first use, so one made per request is compiled per request.
const addItemForm = z.object({
  product: z.string().max(200),
  metal: singleText,
  size: singleText,
  length: singleText,
  quantity: quantityText,
});
const bagQuery = z.object({ added: singleText, updated: singleText, bag: singleText });
const bagLinesForm = z.object({
  bag: singleText,
  variant: singleText.pipe(
    z.string({ message: 'Please choose a line in your bag.' }).regex(/^\d{1,12}$/, 'Please choose a line in your bag.'),
  ),
  quantity: singleText,
  remove: singleText,
});

export async function bagRoutes(app: FastifyInstance): Promise<void> {
  const formLimit = { max: app.config.rateLimits.formsPer10Minutes * 6, timeWindow: '10 minutes' };
  const maxPerLine = app.config.orders.maxLineQuantity;

  function setBagCookie(reply: FastifyReply, bag: Bag) {
    reply.setCookie(BAG_COOKIE, bag.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.config.secureCookies,
      maxAge: BAG_LIFETIME_DAYS * 86_400,
    });
  }

  app.post('/bag/items', { ...checkoutStep, config: { csrf: 'origin', rateLimit: formLimit } }, async (req, reply) => {
    await nextTurn();
    const body = parseInput(addItemForm, req.body);
    const product = await app.catalog.product(body.product);
    if (!product) throw notFound("We couldn't find that piece. It may no longer be available.");
    const choice = parseChoice(
      product.variants.map((v) => v.metal),
      body,
    );
    const quantity = body.quantity;
    const errors: Record<string, string> = {};
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > maxPerLine)
      errors.quantity = `Please choose a quantity from 1 to ${maxPerLine}.`;
    const resolved = resolveVariant(product.variants, choice);
    if (!resolved.ok) errors[resolved.field] = resolved.message;
    let bag: Bag | null = null;
    if (resolved.ok && !errors.quantity) {
      const added = await addToBag(app.db, bagTokenOf(req), resolved.variant.id, quantity, app.clock(), maxPerLine);
      if (added.ok) bag = added.bag;
      else if (added.reason === 'sold_out' || added.available <= 0)
        errors.form = 'Sorry, that one is sold out — or you already have every one we have in your bag.';
      else if (added.reason === 'not_enough') errors.form = `Sorry, we can only add ${added.available} more of these.`;
      else errors.form = 'Sorry, that piece is no longer available.';
    }
    if (!bag) {
      const token = bagTokenOf(req);
      reply.header('cache-control', 'no-store');
      return reply.page(
        { title: product.name, noindex: true },
        <ProductPage
          maxPerLine={maxPerLine}
          product={product}
          choice={choice}
          chosen={resolved.ok ? resolved.variant : null}
          bagToken={token && !req.cookies[BAG_COOKIE] ? token : undefined}
          errors={errors}
        />,
        400,
      );
    }
    setBagCookie(reply, bag);
    afterBagChoice(req, reply, choice);
    // The token rides on the redirect once: if the cookie comes back with the next request, cookies work.
    return reply.redirect(`/bag?added=1&bag=${encodeURIComponent(bag.token)}`, 303);
  });

  app.get('/bag', async (req, reply) => {
    const q = parseInput(bagQuery, req.query);
    const bag = await openBag(app.db, bagTokenOf(req), app.clock());
    if (q.bag && bag && cookieCarries(req, bag)) {
      // Cookies work, so the token need not stay in the address bar (or in the browser's history).
      const flag = q.added ? '?added=1' : q.updated ? '?updated=1' : '';
      return reply.redirect(`/bag${flag}`, 303);
    }
    privatePage(reply);
    const contents = await bagContents(app.db, bag);
    // Just after adding a piece with a size: may we remember it?
    const prompt = q.added ? promptFor(req, contents.lines[contents.lines.length - 1]) : null;
    const token = bag && !cookieCarries(req, bag) ? bag.token : null;
    return reply.page(
      { title: 'Your bag', noindex: true },
      <>
        <BagPage
          maxPerLine={maxPerLine}
          contents={contents}
          bagToken={bag?.token ?? null}
          linkToken={token}
          notice={q.added ? 'Added to your bag.' : q.updated ? 'Your bag has been updated.' : null}
          expired={q.bag !== undefined && !bag}
        />
        {prompt && <RememberPrompt remembered={prompt} back={bagLink('/bag', token)} />}
      </>,
    );
  });

  app.post('/bag/lines', { config: { csrf: 'origin', rateLimit: formLimit } }, async (req, reply) => {
    const body = parseInput(bagLinesForm, req.body);
    const bag = await openBag(app.db, bagTokenOf(req), app.clock());
    if (!bag) throw new PublicError(410, 'Your bag has expired. Please add your pieces again.', 'Bag expired');
    const quantity = body.remove !== undefined ? 0 : Number(body.quantity ?? 'x');
    const linkToken = cookieCarries(req, bag) ? null : bag.token;
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > maxPerLine) {
      return renderBagWithError(reply, bag, linkToken, Number(body.variant), `Please choose a quantity from 0 to ${maxPerLine}.`);
    }
    const changed = await changeQuantity(app.db, bag, Number(body.variant), quantity, app.clock(), maxPerLine);
    if (!changed.ok) {
      const message =
        changed.reason === 'unknown'
          ? "That line isn't in your bag any more."
          : changed.reason === 'sold_out'
            ? 'Sorry, this has sold out.'
            : `Sorry, only ${changed.available} left.`;
      return renderBagWithError(reply, bag, linkToken, Number(body.variant), message);
    }
    return reply.redirect(bagLink('/bag?updated=1', linkToken), 303);
  });

  async function renderBagWithError(reply: FastifyReply, bag: Bag, linkToken: string | null, variantId: number, message: string) {
    privatePage(reply);
    const contents = await bagContents(app.db, bag);
    return reply.page(
      { title: 'Your bag', noindex: true },
      <BagPage
        maxPerLine={maxPerLine}
        contents={contents}
        bagToken={bag.token}
        linkToken={linkToken}
        lineErrors={new Map([[variantId, message]])}
        notice={null}
        expired={false}
      />,
      400,
    );
  }
}

function BagPage({
  contents,
  bagToken,
  linkToken,
  notice,
  expired,
  lineErrors = new Map(),
  maxPerLine,
}: {
  contents: BagContents;
  bagToken: string | null;
  linkToken: string | null;
  notice: string | null;
  expired: boolean;
  lineErrors?: Map<number, string>;
  maxPerLine: number;
}) {
  const { lines, setAside } = contents;
  const problems = new Map([...bagProblems(lines, maxPerLine), ...lineErrors]);
  const subtotal = subtotalOf(lines);
  const totals = orderTotals(subtotal, 'tracked48');
  const lineItem = (l: BagLine, setAside: boolean) => (
    <BagLineItem
      key={l.variantId}
      line={l}
      bagToken={bagToken}
      linkToken={linkToken}
      problem={problems.get(l.variantId)}
      maxPerLine={maxPerLine}
      setAside={setAside}
    />
  );
  return (
    <div class="bag-page">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: 'Your bag' }]} />
      <h1>Your bag</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      {expired && <Notice kind="info">That bag has expired, or the link is incomplete. Your bag is empty.</Notice>}
      {lines.length === 0 && setAside.length === 0 ? (
        <div class="empty">
          <p class="lead">Your bag is empty.</p>
          <p>
            <a class="button button-primary" href="/">
              Start shopping
            </a>
          </p>
        </div>
      ) : (
        <div class="bag-layout">
          <div class="bag-main">
            {lines.length > 0 ? (
              <ul class="bag-lines">{lines.map((l) => lineItem(l, false))}</ul>
            ) : (
              <div class="empty">
                <p class="lead">Nothing in your bag can be ordered at the moment.</p>
                <p>
                  <a class="button button-primary" href="/">
                    Continue shopping
                  </a>
                </p>
              </div>
            )}
            {setAside.length > 0 && (
              <section class="bag-set-aside" aria-labelledby="set-aside-heading">
                <h2 id="set-aside-heading">Not in your order</h2>
                <p class="form-note">
                  {setAside.length === 1 ? 'This piece is' : 'These pieces are'} not in your total and will not be ordered. Placing your
                  order takes {setAside.length === 1 ? 'it' : 'them'} out of your bag.
                </p>
                <ul class="set-aside-lines">{setAside.map((l) => lineItem(l, true))}</ul>
              </section>
            )}
          </div>
          {lines.length > 0 && (
            <aside class="bag-totals" aria-labelledby="bag-totals-heading">
              <h2 id="bag-totals-heading">Total</h2>
              <TotalsList totals={totals} deliveryLabel="Tracked delivery" />
              <p class="form-note">Free tracked delivery on orders of £100 or more. Next-day Special Delivery is available at checkout.</p>
              {problems.size > 0 ? (
                <p class="field-error">Please sort out the highlighted lines before checking out.</p>
              ) : (
                <a class="button button-primary button-wide" href={bagLink('/checkout', linkToken)}>
                  Checkout securely
                </a>
              )}
              <p class="form-note">Card payments are taken on Opayo's secure page. We never see or store your card details.</p>
            </aside>
          )}
        </div>
      )}
    </div>
  );
}

/** One line of the bag: with its quantity form, or — set aside — with why it cannot be ordered and a Remove button. */
function BagLineItem({
  line: l,
  bagToken,
  linkToken,
  problem,
  maxPerLine,
  setAside = false,
}: {
  line: BagLine;
  bagToken: string | null;
  linkToken: string | null;
  problem: string | undefined;
  maxPerLine: number;
  setAside?: boolean;
}) {
  const id = `line-${l.variantId}`;
  const message = setAside ? (problem ?? setAsideReason(l)) : problem;
  return (
    <li class={setAside ? 'bag-line bag-line-set-aside' : 'bag-line'}>
      {l.imageId !== null && <img src={`/images/products/${l.imageId}?w=400`} alt="" width={96} height={96} loading="lazy" />}
      <div class="bag-line-text">
        {l.available ? (
          <a href={bagLink(`/products/${l.productSlug}`, linkToken)} class="bag-line-name">
            {l.productName}
          </a>
        ) : (
          <span class="bag-line-name">{l.productName}</span>
        )}
        <span class="bag-line-detail">
          {variantLabel(l, metalLabel(l.metal))} · SKU {l.sku}
        </span>
        <span class="bag-line-price">
          <Money pence={l.pricePence} /> each{setAside && ` · ${l.quantity} in your bag`}
        </span>
        {message && (
          <p class={setAside ? 'set-aside-reason' : 'field-error'} id={`${id}-error`} role={setAside ? undefined : 'alert'}>
            {message}
          </p>
        )}
      </div>
      <form method="post" action="/bag/lines" class="bag-line-form">
        <input type="hidden" name="bag" value={bagToken ?? ''} />
        <input type="hidden" name="variant" value={String(l.variantId)} />
        {!setAside && (
          <>
            <label for={`${id}-qty`}>Quantity</label>
            <input
              id={`${id}-qty`}
              name="quantity"
              type="number"
              min={0}
              max={maxPerLine}
              value={String(l.quantity)}
              inputMode="numeric"
              aria-describedby={problem ? `${id}-error` : undefined}
              aria-invalid={problem ? 'true' : undefined}
            />
            <button type="submit" class="button">
              Update
            </button>
          </>
        )}
        <button type="submit" name="remove" value="1" class="button button-quiet" aria-describedby={setAside ? `${id}-error` : undefined}>
          Remove
        </button>
      </form>
      {!setAside && (
        <span class="bag-line-total">
          <Money pence={l.pricePence * l.quantity} />
        </span>
      )}
    </li>
  );
}
