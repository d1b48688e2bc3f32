import { Money } from '../../../http/views/components.js';
import { metalLabel, stoneLabel } from '../catalog.domain.js';
import type { ProductCard } from '../catalog.repository.js';
import { srcSet, thumbnail } from './product.js';

export function ProductGrid({ cards, headingLevel = 2 }: { cards: ProductCard[]; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul class="product-grid">
      {cards.map((c) => (
        <li key={c.id} class="product-card">
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
        </li>
      ))}
    </ul>
  );
}
