import { renderToString } from 'preact-render-to-string';
import { Money } from '../../../http/views/components.js';
import { metalLabel, stoneLabel } from '../catalog.domain.js';
import type { ProductCard } from '../catalog.repository.js';
import { srcSet, thumbnail } from './product.js';

type HeadingLevel = 2 | 3;

/** A card's inside as HTML, made once per card object and heading level (CatalogService keeps one object per piece and catalogue version). */
const made: Record<HeadingLevel, WeakMap<ProductCard, string>> = { 2: new WeakMap(), 3: new WeakMap() };

function cardHtml(card: ProductCard, level: HeadingLevel): string {
  let html = made[level].get(card);
  if (html === undefined) {
    html = renderToString(<CardInside card={card} level={level} />);
    made[level].set(card, html);
  }
  return html;
}

/**
 * A grid of product cards. Each card's inside is rendered once for its card object and kept with
 * it, so a page of cards already shown (search results, from the catalogue's kept cards) costs no
 * rendering; a card of a new catalogue version is a new object, rendered afresh.
 */
export function ProductGrid({ cards, headingLevel = 2 }: { cards: ProductCard[]; headingLevel?: HeadingLevel }) {
  return (
    <ul class="product-grid">
      {cards.map((c) => (
        <li key={c.id} class="product-card" dangerouslySetInnerHTML={{ __html: cardHtml(c, headingLevel) }} />
      ))}
    </ul>
  );
}

function CardInside({ card: c, level }: { card: ProductCard; level: HeadingLevel }) {
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <>
      <a href={`/products/${c.slug}`}>
        {c.imageId !== null && (
          <img
            src={thumbnail(c.imageId, c.imageWidths)}
            srcset={srcSet(c.imageId, c.imageWidths)}
            sizes={c.imageWidths.length ? '(max-width: 820px) 50vw, 280px' : undefined}
            alt={c.imageAlt}
            width={400}
            height={400}
            loading="lazy"
            decoding="async"
          />
        )}
        <H class="card-title">{c.name}</H>
      </a>
      <p class="card-meta">
        {c.metals.length === 1 ? metalLabel(c.metals[0] ?? '') : `${c.metals.length} metals`}
        {c.stone ? ` · ${stoneLabel(c.stone)}` : ''}
      </p>
      <p class="card-price">
        {c.metals.length > 1 ? 'From ' : ''}
        <Money pence={c.fromPence} />
        {c.stock === 0 && <span class="badge">Sold out</span>}
      </p>
    </>
  );
}
