import { Breadcrumbs, Money } from '../../../http/views/components.js';
import { FieldError, controlProps } from '../../../http/views/form.js';
import { vatIncluded } from '../../../shared/money.js';
import { METALS, metalLabel, RING_SIZES, stoneLabel } from '../catalog.domain.js';
import type { ProductDetail, VariantRow } from '../catalog.repository.js';
import { BackInStockForm } from '../../alerts/views/alert-form.js';
import { RecentlyViewedSlot } from '../../preferences/views/slot.js';

export interface VariantChoice {
  metal: string;
  size?: string;
  length?: number;
}

export interface ProductPageProps {
  product: ProductDetail;
  choice: VariantChoice;
  chosen: VariantRow | null;
  /** For a shopper without cookies: the bag the piece goes into. */
  bagToken?: string;
  errors?: { size?: string; length?: string; metal?: string; quantity?: string; form?: string };
  /** The most of one piece a bag line may hold (MAX_LINE_QUANTITY). */
  maxPerLine: number;
}

export function stockText(stock: number): string {
  if (stock <= 0) return 'Sold out';
  if (stock <= 2) return `Only ${stock} left`;
  return 'In stock';
}

export function ProductPage({ product: p, choice, chosen, bagToken, errors = {}, maxPerLine }: ProductPageProps) {
  const metals = METALS.filter((m) => p.variants.some((v) => v.metal === m.code));
  const forMetal = p.variants.filter((v) => v.metal === choice.metal);
  const sizes = RING_SIZES.filter((s) => forMetal.some((v) => v.ringSize === s));
  const lengths = [...new Set(forMetal.map((v) => v.chainLengthIn).filter((l): l is number => l !== null))].sort((a, b) => a - b);
  const priceFrom = Math.min(...forMetal.map((v) => v.pricePence));
  const price = chosen ? chosen.pricePence : priceFrom;
  // Compact "metal|size|length|pence|stock|sku;…" rather than JSON: it is read by site.js and sent with every page.
  const variantsData = p.variants
    .map((v) => [v.metal, v.ringSize ?? '', v.chainLengthIn ?? '', v.pricePence, v.stock, v.sku].join('|'))
    .join(';');
  return (
    <article class="product">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { href: `/${p.category.slug}`, label: p.category.name }, { label: p.name }]} />
      <div class="product-layout">
        <section class="gallery" aria-label="Images">
          {/* A scrollable region must be focusable so that keyboard users can scroll it (WCAG 2.1.1). */}
          <ul class="gallery-track" tabIndex={0} aria-label={`${p.images.length} images of ${p.name}; scroll sideways for more`}>
            {p.images.map((img, i) => (
              <li key={img.id} id={`image-${i + 1}`}>
                <img
                  src={`/images/products/${img.id}`}
                  srcset={srcSet(img.id, img.widths)}
                  sizes={img.widths.length ? '(max-width: 820px) 100vw, 55vw' : undefined}
                  alt={img.alt}
                  width={800}
                  height={800}
                  loading={i === 0 ? 'eager' : 'lazy'}
                  decoding="async"
                />
              </li>
            ))}
          </ul>
          {p.images.length > 1 && (
            <ul class="gallery-thumbs">
              {p.images.map((img, i) => (
                <li key={img.id}>
                  <a href={`#image-${i + 1}`} aria-label={`Show image ${i + 1} of ${p.images.length}`}>
                    <img src={thumbnail(img.id, img.widths)} alt="" width={96} height={96} loading="lazy" />
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="buy-box" aria-labelledby="product-title">
          <p class="eyebrow">{p.category.name}</p>
          <h1 id="product-title">{p.name}</h1>
          <p class="price" data-price>
            {!chosen && (sizes.length > 0 || lengths.length > 1) && forMetal.length > 1 ? 'From ' : ''}
            <Money pence={price} />
          </p>
          <p class="vat-note">
            Includes VAT of{' '}
            <span data-vat>
              <Money pence={vatIncluded(price)} />
            </span>
          </p>
          <p class={`stock ${chosen && chosen.stock === 0 ? 'stock-out' : ''}`} data-stock aria-live="polite">
            {chosen ? stockText(chosen.stock) : sizes.length > 0 ? 'Choose a size to check availability' : ''}
          </p>
          {errors.form && (
            <p class="field-error" role="alert">
              {errors.form}
            </p>
          )}
          <form method="post" action="/bag/items" class="buy-form" data-variants={variantsData} novalidate>
            {bagToken && <input type="hidden" name="bag" value={bagToken} />}
            <input type="hidden" name="product" value={p.slug} />
            <label for="metal">Metal</label>
            <select {...controlProps('metal', errors.metal)} name="metal">
              {metals.map((m) => (
                <option key={m.code} value={m.code} selected={m.code === choice.metal}>
                  {m.label}
                </option>
              ))}
            </select>
            <FieldError id="metal" error={errors.metal} />
            {sizes.length > 0 && (
              <>
                <label for="size">
                  Ring size (UK){' '}
                  <a href="/delivery-returns#ring-sizes" class="hint-link">
                    Size guide
                  </a>
                </label>
                <select {...controlProps('size', errors.size)} name="size">
                  <option value="">Choose a size</option>
                  {sizes.map((s) => {
                    const v = forMetal.find((x) => x.ringSize === s);
                    return (
                      <option key={s} value={s} selected={s === choice.size}>
                        {s}
                        {v && v.stock === 0 ? ' — sold out' : ''}
                      </option>
                    );
                  })}
                </select>
                <FieldError id="size" error={errors.size} />
              </>
            )}
            {lengths.length > 0 && (
              <>
                <label for="length">Chain length</label>
                <select {...controlProps('length', errors.length)} name="length">
                  {lengths.map((l) => (
                    <option key={l} value={String(l)} selected={l === choice.length}>
                      {l}″ ({Math.round(l * 2.54)} cm)
                    </option>
                  ))}
                </select>
                <FieldError id="length" error={errors.length} />
              </>
            )}
            <label for="quantity">Quantity</label>
            <input
              {...controlProps('quantity', errors.quantity)}
              name="quantity"
              type="number"
              min={1}
              max={maxPerLine}
              value="1"
              inputMode="numeric"
            />
            <FieldError id="quantity" error={errors.quantity} />
            <div class="buy-actions">
              <button type="submit" class="button button-primary" disabled={chosen !== null && chosen.stock === 0}>
                Add to bag
              </button>
              <button type="submit" class="button button-quiet js-hide" formmethod="get" formaction={`/products/${p.slug}`} formnovalidate>
                Check price &amp; availability
              </button>
            </div>
          </form>
          {chosen && chosen.stock === 0 && (
            <BackInStockForm
              variantId={chosen.id}
              piece={{ productName: p.name, metal: chosen.metal, ringSize: chosen.ringSize, chainLengthIn: chosen.chainLengthIn }}
            />
          )}
          {!chosen && p.variants.every((v) => v.stock === 0) && (
            <p class="form-note alert-hint">
              Sold out for now. Choose your {sizes.length > 0 ? 'size' : 'options'} and press “Check price &amp; availability” to ask us to
              e-mail you when it's back.
            </p>
          )}
          <dl class="facts">
            <dt>Metal</dt>
            <dd>{metalLabel(choice.metal)}</dd>
            <dt>Stone</dt>
            <dd>{stoneLabel(p.stone)}</dd>
            <dt>SKU</dt>
            <dd data-sku>{chosen ? chosen.sku : 'Shown when you choose'}</dd>
          </dl>
          {metals.length > 1 && (
            <details class="price-table">
              <summary>Prices by metal</summary>
              <table>
                <caption class="visually-hidden">Starting price in each metal</caption>
                <thead>
                  <tr>
                    <th scope="col">Metal</th>
                    <th scope="col">From</th>
                  </tr>
                </thead>
                <tbody>
                  {metals.map((m) => (
                    <tr key={m.code}>
                      <th scope="row">{m.label}</th>
                      <td>
                        <Money pence={Math.min(...p.variants.filter((v) => v.metal === m.code).map((v) => v.pricePence))} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </section>
      </div>
      <section class="product-details">
        <div>
          <h2>About this piece</h2>
          <p>{p.description}</p>
        </div>
        {(p.hallmark || p.care) && (
          <div>
            {p.hallmark && (
              <>
                <h2>Hallmark</h2>
                <p>{p.hallmark}</p>
              </>
            )}
            {p.care && (
              <>
                <h2>Caring for it</h2>
                <p>{p.care}</p>
              </>
            )}
          </div>
        )}
        {p.collections.length > 0 && (
          <div>
            <h2>Part of</h2>
            <ul class="plain">
              {p.collections.map((c) => (
                <li key={c.slug}>
                  <a href={`/collections/${c.slug}`}>{c.name}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <RecentlyViewedSlot />
    </article>
  );
}

export function productJsonLd(p: ProductDetail, publicUrl: string) {
  const prices = p.variants.map((v) => v.pricePence);
  const inStock = p.variants.some((v) => v.stock > 0);
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: p.name,
    description: p.description,
    sku: p.variants[0]?.sku,
    category: p.category.name,
    image: p.images.map((i) => `${publicUrl}/images/products/${i.id}`),
    material: [...new Set(p.variants.map((v) => metalLabel(v.metal)))].join(', '),
    url: `${publicUrl}/products/${p.slug}`,
    offers: {
      '@type': 'AggregateOffer',
      priceCurrency: 'GBP',
      lowPrice: (Math.min(...prices) / 100).toFixed(2),
      highPrice: (Math.max(...prices) / 100).toFixed(2),
      offerCount: p.variants.length,
      availability: inStock ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
    },
  };
}

/** Responsive sources for uploaded photos (stored in several widths); drawn SVGs need none. */
export function srcSet(id: number, widths: number[]): string | undefined {
  return widths.length ? widths.map((w) => `/images/products/${id}?w=${w} ${w}w`).join(', ') : undefined;
}

/** The smallest stored width, for thumbnails. */
export function thumbnail(id: number, widths: number[]): string {
  return widths.length ? `/images/products/${id}?w=${Math.min(...widths)}` : `/images/products/${id}`;
}
