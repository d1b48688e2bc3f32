import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, notFound, PublicError } from '../../http/errors.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { privatePage } from '../../http/render.js';
import { parsePounds } from '../../shared/money.js';
import { Breadcrumbs, Notice } from '../../http/views/components.js';
import { isMetal, isStone } from './catalog.domain.js';
import { pickWidth, readImageFile } from './catalog.images.js';
import { findImageSource, listSitemapEntries } from './catalog.repository.js';
import { type ListingQuery, SEARCH_MAX_LENGTH } from './catalog.service.js';
import { parseChoice, resolveVariant } from './catalog.variants.js';
import { isBagToken } from '../bag/bag.service.js';
import { preferredFor } from '../preferences/preferences.splice.js';
import { ProductGrid } from './views/cards.js';
import { HomePage } from './views/home.js';
import { ListingPage } from './views/listing.js';
import { ProductPage, productJsonLd } from './views/product.js';

const MAX_PAGE = 1000;
const MAX_POUNDS = 1_000_000;

const listOf = (field: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== ''))
    .refine((v) => v.length <= 16, `Too many ${field} choices.`);

const pounds = (label: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const r = parsePounds(v, { allowZero: true, maxPence: MAX_POUNDS * 100 });
      if (!r.ok) {
        const message =
          r.problem === 'too_large'
            ? `The ${label} price is higher than anything we sell.`
            : `The ${label} price should be a number of pounds, such as 250.`;
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return r.pence;
    });

const pageNumber = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return 1;
    if (!/^-?\d+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'The page number should be a whole number, such as 2.' });
      return z.NEVER;
    }
    const n = Number(v);
    if (n < 1) {
      ctx.addIssue({ code: 'custom', message: 'Page numbers start at 1.' });
      return z.NEVER;
    }
    if (n > MAX_PAGE) {
      ctx.addIssue({ code: 'custom', message: `There aren't that many pages. Please choose a page up to ${MAX_PAGE}.` });
      return z.NEVER;
    }
    return n;
  });

const listingSchema = z.object({
  metal: listOf('metal').refine((v) => v.every(isMetal), {
    message: "We don't recognise one of the metals chosen. Please use the choices on the page.",
  }),
  stone: listOf('stone').refine((v) => v.every(isStone), {
    message: "We don't recognise one of the stones chosen. Please use the choices on the page.",
  }),
  min: singleText.pipe(pounds('lowest')),
  max: singleText.pipe(pounds('highest')),
  sort: singleText
    .pipe(
      z
        .enum(['featured', 'price-asc', 'price-desc', 'newest', 'name'], {
          message: "We don't know that way of sorting. Please use the choices on the page.",
        })
        .optional(),
    )
    .transform((v) => v ?? 'featured'),
  page: singleText.pipe(pageNumber),
});

function parseListing(query: unknown): ListingQuery {
  const q = parseInput(listingSchema, query);
  let { min, max } = q;
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  return { metals: q.metal, stones: q.stone, minPence: min, maxPence: max, sort: q.sort, page: q.page };
}

const imageQuerySchema = z.object({
  w: singleText.pipe(
    z
      .enum(['400', '800', '1600'], { message: 'Images come 400, 800 or 1600 pixels wide.' })
      .optional()
      .transform((v) => (v === undefined ? undefined : Number(v))),
  ),
});

const productQuerySchema = z.object({
  metal: singleText,
  size: singleText,
  length: singleText,
  bag: singleText,
});

// Built once: a schema made per request costs a search as much as its query.
const searchQuerySchema = z.object({ q: z.union([z.string(), z.array(z.string())]).optional(), page: singleText.pipe(pageNumber) });

export async function catalogRoutes(app: FastifyInstance): Promise<void> {
  const { catalog } = app;

  app.get('/', async (_req, reply) => {
    const featured = await catalog.featured(8);
    const collections = catalog.allCollections().filter((c) => c.featured);
    const previews = await Promise.all(collections.map(async (c) => ({ collection: c, cards: await catalog.collectionPreview(c.id, 4) })));
    return reply.cachedPage(
      'home',
      () => ({ title: app.config.shop.name, canonicalPath: '/' }),
      () => <HomePage featured={featured} collections={previews} categories={catalog.navCategories()} />,
    );
  });

  app.get('/collections', async (_req, reply) => {
    const collections = catalog.allCollections();
    const previews = await Promise.all(collections.map(async (c) => ({ collection: c, cards: await catalog.collectionPreview(c.id, 4) })));
    return reply.page(
      { title: 'Collections', canonicalPath: '/collections', section: 'collections', description: 'Our jewellery collections.' },
      <div class="collections-index">
        <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: 'Collections' }]} />
        <h1>Collections</h1>
        {previews.map(({ collection, cards }) => (
          <section key={collection.slug} class="collection-strip" aria-labelledby={`c-${collection.slug}`}>
            <h2 id={`c-${collection.slug}`}>
              <a href={`/collections/${collection.slug}`}>{collection.name}</a>
            </h2>
            <p>{collection.description}</p>
            <ProductGrid cards={cards} headingLevel={3} />
          </section>
        ))}
      </div>,
    );
  });

  app.get<{ Params: { slug: string } }>('/collections/:slug', async (req, reply) => {
    const collection = catalog.collection(req.params.slug);
    if (!collection) throw notFound("We couldn't find that collection. Browse all our collections instead.");
    return renderListing(
      req,
      reply,
      `/collections/${collection.slug}`,
      collection.name,
      collection.description,
      { collectionId: collection.id },
      [{ href: '/', label: 'Home' }, { href: '/collections', label: 'Collections' }, { label: collection.name }],
      'collections',
    );
  });

  app.get(
    '/search',
    { config: { rateLimit: { max: app.config.rateLimits.searchPerMinute, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const params = parseInput(searchQuerySchema, req.query);
      if (Array.isArray(params.q)) throw badRequest('Please search for one thing at a time.');
      const text = (params.q ?? '').trim();
      if (text.length > SEARCH_MAX_LENGTH)
        throw badRequest(`Your search is too long. Please use fewer than ${SEARCH_MAX_LENGTH} characters.`);
      const result = text ? await catalog.search(text, params.page) : { cards: [], total: 0, pages: 1, terms: [] };
      if (params.page > result.pages) throw notFound(`There is no page ${params.page} of these results.`);
      const hrefFor = (n: number) => `/search?q=${encodeURIComponent(text)}${n > 1 ? `&page=${n}` : ''}`;
      return reply.page(
        { title: text ? `Search: ${text}` : 'Search', noindex: true, query: text },
        <div class="search-page">
          <h1>{text ? <>Results for “{text}”</> : 'Search the shop'}</h1>
          {!text && <p class="lead">Search by name, metal, stone or type of piece — for example “sapphire ring” or “18ct hoops”.</p>}
          {text && result.total === 0 && (
            <Notice kind="info">
              Nothing matched “{text}”. Try a shorter word, or browse <a href="/rings">rings</a>, <a href="/necklaces">necklaces</a>,{' '}
              <a href="/earrings">earrings</a> or <a href="/bracelets">bracelets</a>.
            </Notice>
          )}
          {result.total > 0 && <p class="results-count">{result.total === 1 ? '1 piece found' : `${result.total} pieces found`}</p>}
          <ProductGrid cards={result.cards} />
          {result.pages > 1 && (
            <nav aria-label="Pages" class="pagination">
              <ul>
                {params.page > 1 && (
                  <li>
                    <a rel="prev" href={hrefFor(params.page - 1)}>
                      ← Previous
                    </a>
                  </li>
                )}
                <li>
                  <span aria-current="page">{params.page}</span>
                </li>
                {params.page < result.pages && (
                  <li>
                    <a rel="next" href={hrefFor(params.page + 1)}>
                      Next →
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          )}
        </div>,
      );
    },
  );

  app.get<{ Params: { slug: string } }>('/products/:slug', async (req, reply) => {
    const product = await catalog.product(req.params.slug);
    if (!product) throw notFound("We couldn't find that piece. It may have sold out for good — have a look at what's new instead.");
    const asked = parseInput(productQuerySchema, req.query);
    // With a yes to remembering selections, a page opened without options opens with the last
    // ones chosen: the cached page for those options, the same bytes anyone asking for them gets.
    const q =
      asked.metal || asked.size || asked.length || asked.bag !== undefined ? asked : { ...asked, ...preferredFor(req, product.variants) };
    const choice = parseChoice(
      product.variants.map((v) => v.metal),
      q,
    );
    const resolved = resolveVariant(product.variants, choice);
    if (q.bag !== undefined) {
      // A shopper without cookies, whose bag token travels in the link: this page is theirs alone.
      privatePage(reply);
      return reply.page(
        { title: product.name, noindex: true, canonicalPath: `/products/${product.slug}` },
        <ProductPage
          maxPerLine={app.config.orders.maxLineQuantity}
          product={product}
          choice={choice}
          chosen={resolved.ok ? resolved.variant : null}
          bagToken={isBagToken(q.bag) ? q.bag : undefined}
        />,
      );
    }
    return reply.cachedPage(
      `product:${product.slug}:${choice.metal}:${choice.size ?? ''}:${choice.length ?? ''}`,
      () => ({
        title: product.name,
        description: product.description.slice(0, 155),
        canonicalPath: `/products/${product.slug}`,
        jsonLd: productJsonLd(product, app.config.publicUrl),
        section: product.category.slug,
      }),
      () => (
        <ProductPage
          product={product}
          choice={choice}
          chosen={resolved.ok ? resolved.variant : null}
          maxPerLine={app.config.orders.maxLineQuantity}
        />
      ),
    );
  });

  app.get<{ Params: { id: string } }>('/images/products/:id', async (req, reply) => {
    if (!/^\d{1,12}$/.test(req.params.id)) throw notFound("We couldn't find that image.");
    const { w } = parseInput(imageQuerySchema, req.query);
    const image = await catalog.memo(`image:${req.params.id}`, () => findImageSource(app.db, Number(req.params.id)));
    if (!image) throw notFound("We couldn't find that image.");
    // Uploaded photos are files on disk, in a few widths; drawn images are served from the row itself.
    let bytes: Buffer | string = image.body;
    let contentType = image.contentType;
    if (image.fileKey) {
      const width = pickWidth(image.widths, w);
      const file = width === undefined ? null : await readImageFile(app.config.dataDir, image.fileKey, width);
      if (!file) throw notFound("We couldn't find that image.");
      bytes = file;
      contentType = 'image/webp';
    }
    // Image rows are never edited in place (a new image gets a new id), so they can be cached for good.
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return reply.type(contentType).send(bytes);
  });

  app.get('/sitemap.xml', async (_req, reply) => {
    const base = app.config.publicUrl;
    const products = await catalog.memo('sitemap', () => listSitemapEntries(app.db));
    const urls = [
      '/',
      ...catalog.navCategories().map((c) => `/${c.slug}`),
      '/collections',
      ...catalog.allCollections().map((c) => `/collections/${c.slug}`),
      '/about',
      '/contact',
      '/delivery-returns',
      '/terms',
      '/privacy',
      '/cookies',
    ].map((u) => `<url><loc>${base}${u}</loc></url>`);
    for (const p of products) urls.push(`<url><loc>${base}/products/${p.slug}</loc><lastmod>${p.updatedAt.slice(0, 10)}</lastmod></url>`);
    return reply
      .type('application/xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  });

  app.get('/robots.txt', async (_req, reply) => {
    return reply
      .type('text/plain; charset=utf-8')
      .send(`User-agent: *\nDisallow: /search\nDisallow: /bag\nDisallow: /admin\n\nSitemap: ${app.config.publicUrl}/sitemap.xml\n`);
  });

  // Categories live at the top level (/rings); registered last so fixed paths win.
  app.get<{ Params: { category: string } }>('/:category', async (req, reply) => {
    const category = catalog.category(req.params.category);
    if (!category) throw notFound();
    return renderListing(
      req,
      reply,
      `/${category.slug}`,
      category.name,
      category.description,
      { categoryId: category.id },
      [{ href: '/', label: 'Home' }, { label: category.name }],
      category.slug,
    );
  });

  async function renderListing(
    req: FastifyRequest,
    reply: FastifyReply,
    basePath: string,
    title: string,
    intro: string,
    scope: { categoryId?: number; collectionId?: number },
    trail: { href?: string; label: string }[],
    section: string,
  ) {
    const query = parseListing(req.query);
    const key = `listing:${basePath}:${JSON.stringify(query)}`;
    const result = await catalog.memo(`data:${key}`, () => catalog.listing(scope, query));
    if (!result.ok) {
      throw new PublicError(
        404,
        `There is no page ${query.page} here — there ${result.pages === 1 ? 'is only 1 page' : `are ${result.pages} pages`}.`,
        'Page not found',
      );
    }
    const filtered =
      query.metals.length + query.stones.length > 0 ||
      query.minPence !== undefined ||
      query.maxPence !== undefined ||
      query.sort !== 'featured';
    return reply.cachedPage(
      key,
      () => ({
        title: query.page > 1 ? `${title} — page ${query.page}` : title,
        description: intro.slice(0, 155),
        canonicalPath: query.page > 1 && !filtered ? `${basePath}?page=${query.page}` : basePath,
        noindex: filtered,
        section,
      }),
      () => (
        <ListingPage
          basePath={basePath}
          title={title}
          intro={intro}
          trail={trail}
          query={query}
          cards={result.cards}
          total={result.total}
          pages={result.pages}
          facets={result.facets}
        />
      ),
    );
  }
}
