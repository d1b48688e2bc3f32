import { buildQueryString } from '../../../http/query.js';
import { Breadcrumbs, Pagination } from '../../../http/views/components.js';
import { METALS, STONES } from '../catalog.domain.js';
import type { ProductCard, ProductSort } from '../catalog.repository.js';
import type { ListingQuery } from '../catalog.service.js';
import { ProductGrid } from './cards.js';

export const SORTS: { value: ProductSort; label: string }[] = [
  { value: 'featured', label: 'Featured' },
  { value: 'newest', label: 'Newest' },
  { value: 'price-asc', label: 'Price: low to high' },
  { value: 'price-desc', label: 'Price: high to low' },
  { value: 'name', label: 'Name: A to Z' },
];

export interface ListingProps {
  basePath: string;
  title: string;
  intro: string;
  trail: { href?: string; label: string }[];
  query: ListingQuery;
  cards: ProductCard[];
  total: number;
  pages: number;
  facets: { metals: string[]; stones: string[]; minPence: number; maxPence: number };
}

export function listingQueryParams(q: ListingQuery, page = q.page) {
  return {
    metal: q.metals,
    stone: q.stones,
    min: q.minPence !== undefined ? q.minPence / 100 : undefined,
    max: q.maxPence !== undefined ? q.maxPence / 100 : undefined,
    sort: q.sort === 'featured' ? undefined : q.sort,
    page: page === 1 ? undefined : page,
  };
}

export function ListingPage(p: ListingProps) {
  const { query: q } = p;
  const filtered = q.metals.length > 0 || q.stones.length > 0 || q.minPence !== undefined || q.maxPence !== undefined;
  return (
    <div class="listing">
      <Breadcrumbs trail={p.trail} />
      <header class="listing-header">
        <h1>{p.title}</h1>
        <p class="lead">{p.intro}</p>
      </header>
      <div class="listing-body">
        <aside class="filters" aria-labelledby="filters-heading">
          <h2 id="filters-heading">Refine</h2>
          <form method="get" action={p.basePath} class="filter-form">
            <fieldset>
              <legend>Metal</legend>
              {METALS.filter((m) => p.facets.metals.includes(m.code)).map((m) => (
                <label key={m.code} class="check">
                  <input type="checkbox" name="metal" value={m.code} checked={q.metals.includes(m.code)} />
                  <span class="swatch" data-metal={m.code} aria-hidden="true" /> {m.label}
                </label>
              ))}
            </fieldset>
            {p.facets.stones.length > 0 && (
              <fieldset>
                <legend>Stone</legend>
                {STONES.filter((s) => p.facets.stones.includes(s.code)).map((s) => (
                  <label key={s.code} class="check">
                    <input type="checkbox" name="stone" value={s.code} checked={q.stones.includes(s.code)} /> {s.label}
                  </label>
                ))}
              </fieldset>
            )}
            <fieldset class="price-range">
              <legend>Price (£)</legend>
              <label>
                <span>From</span>
                <input
                  type="number"
                  name="min"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  value={q.minPence !== undefined ? q.minPence / 100 : ''}
                  placeholder={String(Math.floor(p.facets.minPence / 100))}
                />
              </label>
              <label>
                <span>To</span>
                <input
                  type="number"
                  name="max"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  value={q.maxPence !== undefined ? q.maxPence / 100 : ''}
                  placeholder={String(Math.ceil(p.facets.maxPence / 100))}
                />
              </label>
            </fieldset>
            <label class="sort">
              <span>Sort by</span>
              <select name="sort">
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value} selected={q.sort === s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="button">
              Show results
            </button>
            {filtered && (
              <a class="clear-filters" href={p.basePath}>
                Clear all filters
              </a>
            )}
          </form>
        </aside>
        <section class="results" aria-labelledby="results-heading">
          <h2 id="results-heading" class="results-count" aria-live="polite">
            {p.total === 1 ? '1 piece' : `${p.total} pieces`}
            {p.pages > 1 ? ` · page ${q.page} of ${p.pages}` : ''}
          </h2>
          {p.cards.length === 0 ? (
            <div class="empty">
              <p>Nothing matches those choices. Try fewer filters or a wider price range.</p>
              <a class="button button-quiet" href={p.basePath}>
                Show everything
              </a>
            </div>
          ) : (
            <ProductGrid cards={p.cards} headingLevel={3} />
          )}
          <Pagination page={q.page} pages={p.pages} hrefFor={(n) => `${p.basePath}${buildQueryString(listingQueryParams(q, n))}`} />
        </section>
      </div>
    </div>
  );
}
