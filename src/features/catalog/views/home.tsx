import type { CategoryRow, CollectionRow, ProductCard } from '../catalog.repository.js';
import { RecentlyViewedSlot } from '../../preferences/views/slot.js';
import { ProductGrid } from './cards.js';

export function HomePage({
  featured,
  collections,
  categories,
}: {
  featured: ProductCard[];
  collections: { collection: CollectionRow; cards: ProductCard[] }[];
  categories: CategoryRow[];
}) {
  return (
    <div class="home">
      <section class="hero" aria-labelledby="hero-title">
        <div class="hero-text">
          <p class="eyebrow">Made and hallmarked in Britain</p>
          <h1 id="hero-title">Fine jewellery, honestly made</h1>
          <p class="lead">
            Rings, necklaces, earrings and bracelets in gold, silver and platinum — each piece hallmarked at a British assay office, each
            price including VAT, and your personal details treated with the same care as the pieces themselves.
          </p>
          <p class="actions">
            <a class="button button-primary" href="/rings">
              Shop rings
            </a>
            <a class="button button-quiet" href="/collections">
              Explore collections
            </a>
          </p>
        </div>
      </section>
      <nav aria-label="Shop by category" class="category-tiles">
        <ul>
          {categories.map((c) => (
            <li key={c.slug}>
              <a href={`/${c.slug}`} class={`tile tile-${c.slug}`}>
                <span>{c.name}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <RecentlyViewedSlot />
      {featured.length > 0 && (
        <section aria-labelledby="featured-title" class="home-section">
          <h2 id="featured-title">Featured pieces</h2>
          <ProductGrid cards={featured} headingLevel={3} />
        </section>
      )}
      {collections.map(({ collection, cards }) => (
        <section key={collection.slug} aria-labelledby={`col-${collection.slug}`} class="home-section collection-strip">
          <div class="section-head">
            <h2 id={`col-${collection.slug}`}>{collection.name}</h2>
            <a href={`/collections/${collection.slug}`}>
              See the whole collection<span class="visually-hidden">: {collection.name}</span> →
            </a>
          </div>
          <p>{collection.description}</p>
          <ProductGrid cards={cards} headingLevel={3} />
        </section>
      ))}
      <section class="promises" aria-labelledby="promises-title">
        <h2 id="promises-title">Our promises</h2>
        <ul>
          <li>
            <h3>Hallmarked</h3>
            <p>Every gold, silver and platinum piece over the legal weight carries a UK hallmark.</p>
          </li>
          <li>
            <h3>Free delivery over £100</h3>
            <p>Tracked delivery across the UK, with 30 days to change your mind.</p>
          </li>
          <li>
            <h3>Your data, kept small</h3>
            <p>
              We collect only what an order needs, never sell it, and tell you exactly what we hold — see our{' '}
              <a href="/privacy">privacy policy</a>.
            </p>
          </li>
        </ul>
      </section>
    </div>
  );
}
