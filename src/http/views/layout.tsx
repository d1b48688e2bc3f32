import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { NewsletterForm } from '../../features/consent/views/newsletter-form.js';

export interface Chrome {
  shopName: string;
  publicUrl: string;
  categories: { slug: string; name: string }[];
}

export interface PageMeta {
  title: string;
  description?: string;
  /** Path of the canonical URL, e.g. /rings; omitted for pages that should not be indexed. */
  canonicalPath?: string;
  noindex?: boolean;
  /** Structured data (schema.org), rendered as JSON-LD. */
  jsonLd?: object;
  /** Name of the current section, for aria-current in the navigation. */
  section?: string;
  /** Pre-filled search box. */
  query?: string;
}

/**
 * The header's link to the bag. Every page is rendered with it plain — catalogue pages are cached
 * as the same bytes for every visitor — and the count (and, for a shopper whose browser refuses
 * cookies, the bag's token) is put in as the page is sent, by withBagLink.
 */
export function BagLink({ count = 0, href = '/bag' }: { count?: number; href?: string }) {
  // Read as "Bag 3 pieces": the visible "Bag 3" begins the link's name, as it should.
  return (
    <a class="bag-link" href={href}>
      Bag
      {count > 0 && (
        <>
          {' '}
          <span class="bag-count">
            {count}
            <span class="visually-hidden">{count === 1 ? ' piece' : ' pieces'}</span>
          </span>
        </>
      )}
    </a>
  );
}

const plainBagLink = renderToString(<BagLink />);
const plainBagLinkBytes = Buffer.from(plainBagLink, 'utf8');

/** True when the page has the header's plain bag link, so that a count can go in. */
export function hasPlainBagLink(page: string | Buffer): boolean {
  return (typeof page === 'string' ? page.indexOf(plainBagLink) : page.indexOf(plainBagLinkBytes)) >= 0;
}

/** The page with its header's plain bag link replaced by one showing the count (a copy: cached bytes stay as they are). */
export function withBagLink<T extends string | Buffer>(page: T, count: number, href: string): T {
  const link = renderToString(<BagLink count={count} href={href} />);
  if (typeof page === 'string') {
    const at = page.indexOf(plainBagLink);
    return (at < 0 ? page : page.slice(0, at) + link + page.slice(at + plainBagLink.length)) as T;
  }
  const at = page.indexOf(plainBagLinkBytes);
  if (at < 0) return page;
  return Buffer.concat([page.subarray(0, at), Buffer.from(link, 'utf8'), page.subarray(at + plainBagLinkBytes.length)]) as T;
}

/**
 * Where the notice of a material change to the privacy policy goes (features/privacy/policy.notice):
 * an HTML comment, the same in every page (cached ones too), filled in as the page is sent.
 */
export const POLICY_NOTICE_MARKER = '<!--assay:policy-notice-->';

const defaultDescription =
  'Fine jewellery from an independent UK jeweller: hallmarked gold, silver and platinum rings, necklaces, earrings and bracelets.';

/** The page's head: its title, description, canonical link and structured data, and the shop's assets. */
export function DocumentHead({ chrome, meta }: { chrome: Chrome; meta: PageMeta }) {
  const title = meta.title === chrome.shopName ? chrome.shopName : `${meta.title} | ${chrome.shopName}`;
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <meta name="description" content={meta.description ?? defaultDescription} />
      {meta.canonicalPath !== undefined && !meta.noindex && <link rel="canonical" href={`${chrome.publicUrl}${meta.canonicalPath}`} />}
      {meta.noindex && <meta name="robots" content="noindex" />}
      <link
        rel="preload"
        href="/assets/fonts/cormorant-garamond-latin-500-normal.woff2"
        as="font"
        type="font/woff2"
        crossorigin="anonymous"
      />
      <link rel="stylesheet" href="/assets/site.css" />
      <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      <script src="/assets/site.js" defer />
      <script src="/assets/statistics.js" defer />
      {meta.jsonLd && (
        <script
          type="application/ld+json"
          // JSON-LD is data, not script: CSP does not execute it. "<" is escaped so it cannot close the tag.
          dangerouslySetInnerHTML={{ __html: JSON.stringify(meta.jsonLd).replace(/</g, '\\u003c') }}
        />
      )}
    </head>
  );
}

export function Layout({ chrome, meta, children }: { chrome: Chrome; meta: PageMeta; children: ComponentChildren }) {
  return (
    <html lang="en-GB">
      <DocumentHead chrome={chrome} meta={meta} />
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="header-inner">
            <a class="wordmark" href="/">
              {chrome.shopName}
            </a>
            <form class="search-form" action="/search" method="get" role="search">
              <label for="q" class="visually-hidden">
                Search the shop
              </label>
              <input id="q" name="q" type="search" placeholder="Search rings, sapphire, 18ct…" value={meta.query ?? ''} maxLength={200} />
              <button type="submit">Search</button>
            </form>
            <nav class="header-links" aria-label="Your shopping">
              <a class="account-link" href="/account">
                Account
              </a>
              <BagLink />
            </nav>
          </div>
          <nav aria-label="Main" class="main-nav">
            <ul>
              {chrome.categories.map((c) => (
                <li key={c.slug}>
                  <a href={`/${c.slug}`} aria-current={meta.section === c.slug ? 'page' : undefined}>
                    {c.name}
                  </a>
                </li>
              ))}
              <li>
                <a href="/collections" aria-current={meta.section === 'collections' ? 'page' : undefined}>
                  Collections
                </a>
              </li>
            </ul>
          </nav>
        </header>
        <div class="policy-notice-slot" dangerouslySetInnerHTML={{ __html: POLICY_NOTICE_MARKER }} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="footer-inner">
            <div>
              <p class="footer-brand">{chrome.shopName}</p>
              <p>Independent jewellers. Every piece hallmarked, every promise kept.</p>
            </div>
            <nav aria-label="Shop information">
              <ul>
                <li>
                  <a href="/about">About us</a>
                </li>
                <li>
                  <a href="/contact">Contact</a>
                </li>
                <li>
                  <a href="/delivery-returns">Delivery &amp; Returns</a>
                </li>
                <li>
                  <a href="/terms">Terms &amp; Conditions</a>
                </li>
              </ul>
            </nav>
            <nav aria-label="Your privacy">
              <ul>
                <li>
                  <a href="/privacy">Privacy Policy</a>
                </li>
                <li>
                  <a href="/cookies">Cookies</a>
                </li>
                <li>
                  <a href="/cookies#choices">Cookie settings</a>
                </li>
                <li>
                  <a href="/privacy/rights">Your privacy rights</a>
                </li>
              </ul>
            </nav>
          </div>
          <section class="footer-newsletter" aria-labelledby="newsletter-heading">
            <h2 id="newsletter-heading" class="footer-heading">
              Newsletter
            </h2>
            <NewsletterForm />
          </section>
          <p class="footer-small">
            Prices include VAT at 20 %. Card payments are taken on our payment provider's secure page; we never see or store your card
            details.
          </p>
        </footer>
      </body>
    </html>
  );
}
