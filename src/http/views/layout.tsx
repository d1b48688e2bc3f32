import type { ComponentChildren } from 'preact';

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

const defaultDescription =
  'Fine jewellery from an independent UK jeweller: hallmarked gold, silver and platinum rings, necklaces, earrings and bracelets.';

export function Layout({ chrome, meta, children }: { chrome: Chrome; meta: PageMeta; children: ComponentChildren }) {
  const title = meta.title === chrome.shopName ? chrome.shopName : `${meta.title} | ${chrome.shopName}`;
  return (
    <html lang="en-GB">
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
        {meta.jsonLd && (
          <script
            type="application/ld+json"
            // JSON-LD is data, not script: CSP does not execute it. "<" is escaped so it cannot close the tag.
            dangerouslySetInnerHTML={{ __html: JSON.stringify(meta.jsonLd).replace(/</g, '\\u003c') }}
          />
        )}
      </head>
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
              <a class="bag-link" href="/account">
                Account
              </a>
              <a class="bag-link" href="/bag">
                Bag
              </a>
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
              </ul>
            </nav>
          </div>
          <p class="footer-small">
            Prices include VAT at 20 %. Card payments are taken on our payment provider's secure page; we never see or store your card
            details.
          </p>
        </footer>
      </body>
    </html>
  );
}
