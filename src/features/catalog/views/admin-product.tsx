import type { ComponentChildren } from 'preact';
import { Money, Notice } from '../../../http/views/components.js';
import { Csrf, ErrorSummary, type FieldErrors } from '../../../http/views/form.js';
import type { AdminImage, AdminProduct, AdminVariant, PriceChange, StockMovement } from '../catalog.admin.repository.js';
import { STOCK_REASONS } from '../catalog.admin.service.js';
import { CHAIN_LENGTHS_IN, METALS, metalLabel, RING_SIZES, STONES } from '../catalog.domain.js';
import { MAX_UPLOAD_TEXT } from '../catalog.images.js';
import type { CategoryRow, CollectionRow } from '../catalog.repository.js';
import { ActionButton, Checkbox, ErrorText, SelectInput, TextInput, describedBy } from './admin-fields.js';
import { formatTime } from './admin-products.js';

export interface ProductFormValues {
  name: string;
  slug: string;
  category: string;
  description: string;
  hallmark: string;
  care: string;
  stone: string;
  featured: boolean;
  collections: string[];
}

export interface VariantFormValues {
  metal: string;
  ringSize: string;
  chainLength: string;
  sku: string;
  price: string;
  stock: string;
}

export const emptyVariantValues: VariantFormValues = { metal: '', ringSize: '', chainLength: '', sku: '', price: '', stock: '0' };

export function productFormValues(p: AdminProduct): ProductFormValues {
  return {
    name: p.name,
    slug: p.slug,
    category: String(p.categoryId),
    description: p.description,
    hallmark: p.hallmark,
    care: p.care,
    stone: p.stone ?? '',
    featured: p.featured,
    collections: p.collectionIds.map(String),
  };
}

/** What the page shows besides the product itself: a notice, or the form that was sent back with problems. */
export interface ProductPageState {
  notice?: string;
  details?: { values: ProductFormValues; errors: FieldErrors };
  newVariant?: { values: VariantFormValues; errors: FieldErrors };
  price?: { variantId: number; value: string; error: string };
  stock?: { variantId: number; values: { delta: string; reason: string; note: string }; errors: FieldErrors };
  variantProblem?: { variantId: number; message: string };
  image?: { alt: string; errors: FieldErrors };
}

interface Choices {
  categories: CategoryRow[];
  collections: CollectionRow[];
}

export function penceToPounds(pence: number): string {
  return (pence / 100).toFixed(2);
}

function pounds(pence: number) {
  return <Money pence={pence} />;
}

export function ProductFields({ values, errors, categories, collections }: { values: ProductFormValues; errors: FieldErrors } & Choices) {
  return (
    <>
      <TextInput id="name" name="name" label="Name" value={values.name} error={errors.name} maxLength={120} />
      <TextInput
        id="slug"
        name="slug"
        label="Web address name"
        value={values.slug}
        error={errors.slug}
        maxLength={80}
        hint="Lowercase letters, numbers and hyphens, as in /products/sapphire-halo-ring. Leave empty to make one from the name. Changing it changes the page's address."
      />
      <SelectInput
        id="category"
        name="category"
        label="Category"
        value={values.category}
        error={errors.category}
        options={[{ value: '', label: 'Choose a category' }, ...categories.map((c) => ({ value: String(c.id), label: c.name }))]}
      />
      <TextInput
        id="description"
        name="description"
        label="Description"
        value={values.description}
        error={errors.description}
        maxLength={5000}
        multiline
      />
      <TextInput
        id="hallmark"
        name="hallmark"
        label="Hallmark"
        value={values.hallmark}
        error={errors.hallmark}
        maxLength={300}
        hint="For example: Hallmarked 750 (18ct gold) at the Birmingham Assay Office."
      />
      <TextInput id="care" name="care" label="Caring for it" value={values.care} error={errors.care} maxLength={1000} multiline />
      <SelectInput
        id="stone"
        name="stone"
        label="Stone"
        value={values.stone}
        error={errors.stone}
        options={[{ value: '', label: 'No stone' }, ...STONES.map((s) => ({ value: s.code, label: s.label }))]}
      />
      <Checkbox id="featured" name="featured" label="Feature on the home page" checked={values.featured} />
      <fieldset
        class={`field${errors.collections ? ' has-error' : ''}`}
        aria-describedby={errors.collections ? 'collections-error' : undefined}
      >
        <legend>Collections</legend>
        {collections.length === 0 && <p class="hint">There are no collections yet.</p>}
        {collections.map((c) => (
          <Checkbox
            key={c.id}
            id={`collection-${c.id}`}
            name="collections"
            value={String(c.id)}
            label={c.name}
            checked={values.collections.includes(String(c.id))}
          />
        ))}
        <ErrorText id="collections" error={errors.collections} />
      </fieldset>
    </>
  );
}

export function VariantFields({ values, errors }: { values: VariantFormValues; errors: FieldErrors }) {
  return (
    <>
      <SelectInput
        id="metal"
        name="metal"
        label="Metal"
        value={values.metal}
        error={errors.metal}
        options={[{ value: '', label: 'Choose a metal' }, ...METALS.map((m) => ({ value: m.code, label: m.label }))]}
      />
      <SelectInput
        id="ringSize"
        name="ringSize"
        label="Ring size (UK)"
        value={values.ringSize}
        error={errors.ringSize}
        hint="Rings only."
        options={[{ value: '', label: 'None' }, ...RING_SIZES.map((s) => ({ value: s, label: s }))]}
      />
      <SelectInput
        id="chainLength"
        name="chainLength"
        label="Chain length"
        value={values.chainLength}
        error={errors.chainLength}
        hint="Necklaces only."
        options={[
          { value: '', label: 'None' },
          ...CHAIN_LENGTHS_IN.map((l) => ({ value: String(l), label: `${l}″ (${Math.round(l * 2.54)} cm)` })),
        ]}
      />
      <TextInput
        id="sku"
        name="sku"
        label="SKU"
        value={values.sku}
        error={errors.sku}
        maxLength={40}
        hint="Your own code for this variant, such as ASY-R001-9YG-N."
      />
      <TextInput
        id="price"
        name="price"
        label="Price in pounds, including VAT"
        value={values.price}
        error={errors.price}
        inputMode="decimal"
        maxLength={20}
        hint="For example 249.99"
      />
      <TextInput
        id="stock"
        name="stock"
        label="Number in stock"
        value={values.stock}
        error={errors.stock}
        inputMode="numeric"
        maxLength={7}
      />
    </>
  );
}

export function NewProductPage(
  props: {
    csrf: string;
    values: ProductFormValues;
    variant: VariantFormValues;
    errors: FieldErrors;
  } & Choices,
) {
  return (
    <section class="admin-card">
      <p>
        <a href="/admin/products">← All products</a>
      </p>
      <h1>Add a product</h1>
      <p>The piece goes on sale as soon as it is saved, with its first variant. You can add more variants and photos next.</p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/admin/products/new" class="stacked-form" novalidate>
        <Csrf token={props.csrf} />
        <ProductFields values={props.values} errors={props.errors} categories={props.categories} collections={props.collections} />
        <fieldset>
          <legend>First variant</legend>
          <VariantFields values={props.variant} errors={props.errors} />
        </fieldset>
        <button type="submit" class="button button-primary">
          Save product
        </button>
      </form>
    </section>
  );
}

function variantChoiceText(v: AdminVariant): string {
  if (v.ringSize) return `Size ${v.ringSize}`;
  if (v.chainLengthIn) return `${v.chainLengthIn}″ chain`;
  return '—';
}

export function ProductEditPage(
  props: {
    product: AdminProduct;
    movements: StockMovement[];
    priceChanges: PriceChange[];
    csrf: string;
    canEdit: boolean;
    canAdjust: boolean;
    state: ProductPageState;
  } & Choices,
) {
  const { product: p, csrf, canEdit, state } = props;
  const detailErrors = state.details?.errors ?? {};
  const formErrors = {
    ...detailErrors,
    ...(state.newVariant?.errors ?? {}),
    ...(state.stock?.errors ?? {}),
    ...(state.image?.errors ?? {}),
    ...(state.price ? { price: state.price.error } : {}),
  };
  return (
    <section>
      <p>
        <a href="/admin/products">← All products</a>
      </p>
      <div class="admin-head">
        <h1>
          {p.name} {p.archived && <span class="badge">Archived</span>}
        </h1>
        <div class="row-actions">
          <a class="button button-small" href={`/admin/products/${p.id}/preview`}>
            Preview
          </a>
          {!p.archived && (
            <a class="button button-small" href={`/products/${p.slug}`}>
              View in the shop
            </a>
          )}
          {canEdit &&
            (p.archived ? (
              <ActionButton action={`/admin/products/${p.id}/restore`} csrf={csrf} label="Restore to the shop" primary />
            ) : (
              <ActionButton
                action={`/admin/products/${p.id}/archive`}
                csrf={csrf}
                label="Archive"
                confirm="Take this piece off the shop? You can restore it later."
              />
            ))}
        </div>
      </div>
      {state.notice && <Notice kind="success">{state.notice}</Notice>}
      {state.variantProblem && <Notice kind="error">{state.variantProblem.message}</Notice>}
      <ErrorSummary errors={formErrors} />
      {p.archived && (
        <Notice kind="info">This piece is archived: shoppers cannot find it or open its page. Restore it to put it back on sale.</Notice>
      )}
      <p class="form-note">
        Added {formatTime(p.createdAt)} · last updated {formatTime(p.updatedAt)}
      </p>

      <section class="admin-card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {!canEdit && <p class="hint">Your role can see products but not change them.</p>}
        {canEdit ? (
          <form method="post" action={`/admin/products/${p.id}`} class="stacked-form" novalidate>
            <Csrf token={csrf} />
            <ProductFields
              values={state.details?.values ?? productFormValues(p)}
              errors={detailErrors}
              categories={props.categories}
              collections={props.collections}
            />
            <button type="submit" class="button button-primary">
              Save details
            </button>
          </form>
        ) : (
          // The same fields, for reading: a disabled fieldset cannot be changed or sent.
          <form class="stacked-form">
            <fieldset disabled>
              <legend class="visually-hidden">Product details (read only)</legend>
              <ProductFields values={productFormValues(p)} errors={{}} categories={props.categories} collections={props.collections} />
            </fieldset>
          </form>
        )}
      </section>

      <section aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        <VariantTable {...props} />
        {canEdit && (
          <details class="admin-card" open={state.newVariant !== undefined}>
            <summary>Add a variant</summary>
            <form method="post" action={`/admin/products/${p.id}/variants`} class="stacked-form" novalidate>
              <Csrf token={csrf} />
              <VariantFields values={state.newVariant?.values ?? emptyVariantValues} errors={state.newVariant?.errors ?? {}} />
              <button type="submit" class="button button-primary">
                Add variant
              </button>
            </form>
          </details>
        )}
      </section>

      <HistorySection
        id="stock"
        title="Stock history"
        what="stock changes"
        items={props.movements}
        columns={[
          { label: 'When', cell: (m) => formatTime(m.createdAt) },
          { label: 'SKU', cell: (m) => m.sku },
          { label: 'Change', num: true, cell: (m) => (m.delta > 0 ? `+${m.delta}` : String(m.delta)) },
          { label: 'Stock after', num: true, cell: (m) => m.stockAfter },
          { label: 'Reason', cell: (m) => m.reason },
          { label: 'By', cell: (m) => m.staffName ?? 'Former staff member' },
        ]}
      />

      <HistorySection
        id="prices"
        title="Price changes"
        what="price changes"
        items={props.priceChanges}
        columns={[
          { label: 'When', cell: (c) => formatTime(c.createdAt) },
          { label: 'SKU', cell: (c) => c.sku },
          { label: 'Was', num: true, cell: (c) => pounds(c.oldPence) },
          { label: 'Now', num: true, cell: (c) => pounds(c.newPence) },
          { label: 'By', cell: (c) => c.staffName ?? 'Former staff member' },
        ]}
      />

      <ImagesSection product={p} csrf={csrf} canEdit={canEdit} state={state} />
    </section>
  );
}

/**
 * A product's recent stock or price changes: a table, one column per entry in `columns`, or a
 * sentence when there are none yet. `what` names the changes in the caption and the empty text.
 */
function HistorySection<T extends { id: number }>(props: {
  id: string;
  title: string;
  what: string;
  items: T[];
  columns: { label: string; num?: boolean; cell: (item: T) => ComponentChildren }[];
}) {
  // Amounts are right-aligned, heading and cells alike.
  const numClass = (num?: boolean) => (num ? 'num' : undefined);
  return (
    <section aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {props.items.length === 0 ? (
        <p>No {props.what} yet.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">
            The latest {props.items.length} {props.what}, newest first
          </caption>
          <thead>
            <tr>
              {props.columns.map((col) => (
                <th key={col.label} scope="col" class={numClass(col.num)}>
                  {col.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr key={item.id}>
                {props.columns.map((col) => (
                  <td key={col.label} class={numClass(col.num)}>
                    {col.cell(item)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function VariantTable(props: { product: AdminProduct; csrf: string; canEdit: boolean; canAdjust: boolean; state: ProductPageState }) {
  const { product: p, csrf, canEdit, canAdjust, state } = props;
  if (p.variants.length === 0) return <p>This piece has no variants, so it cannot be bought. Add one below.</p>;
  return (
    <div class="table-scroll">
      <table class="admin-table">
        <caption class="visually-hidden">Variants of {p.name}</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Metal</th>
            <th scope="col">Size or length</th>
            <th scope="col" class="num">
              Price
            </th>
            <th scope="col" class="num">
              In stock
            </th>
            {canEdit && <th scope="col">Change price</th>}
            {canAdjust && <th scope="col">Adjust stock</th>}
            {canEdit && <th scope="col">Remove</th>}
          </tr>
        </thead>
        <tbody>
          {p.variants.map((v) => {
            const price = state.price?.variantId === v.id ? state.price : undefined;
            const stock = state.stock?.variantId === v.id ? state.stock : undefined;
            const problem = state.variantProblem?.variantId === v.id ? state.variantProblem.message : undefined;
            return (
              <tr key={v.id} id={`variant-${v.id}`}>
                <th scope="row">{v.sku}</th>
                <td>{metalLabel(v.metal)}</td>
                <td>{variantChoiceText(v)}</td>
                <td class="num">{pounds(v.pricePence)}</td>
                <td class="num">{v.stock}</td>
                {canEdit && (
                  <td>
                    <form method="post" action={`/admin/variants/${v.id}/price`} class="inline-form" novalidate>
                      <Csrf token={csrf} />
                      <label for={`price-${v.id}`} class="visually-hidden">
                        New price of {v.sku} in pounds
                      </label>
                      <input
                        id={`price-${v.id}`}
                        name="price"
                        value={price ? price.value : penceToPounds(v.pricePence)}
                        inputMode="decimal"
                        size={9}
                        maxLength={20}
                        aria-invalid={price ? 'true' : undefined}
                        aria-describedby={describedBy(`price-${v.id}`, price?.error)}
                      />
                      <button type="submit" class="button button-small">
                        Change
                      </button>
                    </form>
                    <ErrorText id={`price-${v.id}`} error={price?.error} />
                  </td>
                )}
                {canAdjust && (
                  <td>
                    <details open={stock !== undefined}>
                      <summary>Adjust</summary>
                      <form method="post" action={`/admin/variants/${v.id}/stock`} novalidate>
                        <Csrf token={csrf} />
                        <TextInput
                          id={`delta-${v.id}`}
                          name="delta"
                          label="Change"
                          hint="+5 adds five, -2 takes two away."
                          value={stock?.values.delta ?? ''}
                          error={stock?.errors.delta}
                          maxLength={8}
                          size={6}
                        />
                        <SelectInput
                          id={`reason-${v.id}`}
                          name="reason"
                          label="Reason"
                          value={stock?.values.reason ?? ''}
                          error={stock?.errors.reason}
                          options={[
                            { value: '', label: 'Choose a reason' },
                            ...STOCK_REASONS.map((r) => ({ value: r.code, label: r.label })),
                          ]}
                        />
                        <TextInput
                          id={`note-${v.id}`}
                          name="note"
                          label="Note (optional)"
                          value={stock?.values.note ?? ''}
                          error={stock?.errors.note}
                          maxLength={200}
                        />
                        <button type="submit" class="button button-small">
                          Adjust stock
                        </button>
                      </form>
                    </details>
                  </td>
                )}
                {canEdit && (
                  <td>
                    {v.hasMovements ? (
                      <span class="hint">Has stock history</span>
                    ) : (
                      <ActionButton
                        action={`/admin/variants/${v.id}/remove`}
                        csrf={csrf}
                        label="Remove"
                        ariaLabel={`Remove ${v.sku}`}
                        confirm={`Remove ${v.sku}?`}
                      />
                    )}
                    {problem && (
                      <p class="field-error" role="alert">
                        {problem}
                      </p>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function imageSrc(img: AdminImage, width?: number): string {
  return img.fileKey && width ? `/images/products/${img.id}?w=${width}` : `/images/products/${img.id}`;
}

function ImagesSection(props: { product: AdminProduct; csrf: string; canEdit: boolean; state: ProductPageState }) {
  const { product: p, csrf, canEdit, state } = props;
  const errors = state.image?.errors ?? {};
  return (
    <section aria-labelledby="images-heading" id="images">
      <h2 id="images-heading">Photos</h2>
      {p.images.length === 0 ? (
        <p>No photos yet.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">Photos of {p.name}, in the order the shop shows them</caption>
          <thead>
            <tr>
              <th scope="col">Photo</th>
              <th scope="col">Description</th>
              {canEdit && <th scope="col">Order</th>}
              {canEdit && <th scope="col">Remove</th>}
            </tr>
          </thead>
          <tbody>
            {p.images.map((img, i) => (
              <tr key={img.id}>
                <td>
                  <img src={imageSrc(img, 400)} alt="" width={96} height={96} loading="lazy" />
                </td>
                <td>
                  {img.alt}
                  {img.fileKey && <span class="tag">{img.widths.map((w) => `${w}px`).join(' · ')}</span>}
                </td>
                {canEdit && (
                  <td>
                    <div class="row-actions">
                      {i > 0 && (
                        <ActionButton
                          action={`/admin/images/${img.id}/move`}
                          csrf={csrf}
                          label="↑"
                          ariaLabel={`Move photo ${i + 1} earlier`}
                          fields={{ direction: 'up' }}
                        />
                      )}
                      {i < p.images.length - 1 && (
                        <ActionButton
                          action={`/admin/images/${img.id}/move`}
                          csrf={csrf}
                          label="↓"
                          ariaLabel={`Move photo ${i + 1} later`}
                          fields={{ direction: 'down' }}
                        />
                      )}
                    </div>
                  </td>
                )}
                {canEdit && (
                  <td>
                    <ActionButton
                      action={`/admin/images/${img.id}/delete`}
                      csrf={csrf}
                      label="Remove"
                      ariaLabel={`Remove photo ${i + 1}`}
                      confirm="Remove this photo from the shop?"
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <form
          method="post"
          action={`/admin/products/${p.id}/images`}
          enctype="multipart/form-data"
          class="stacked-form admin-card"
          novalidate
        >
          <Csrf token={csrf} />
          <h3>Add a photo</h3>
          <div class={`field${errors.image ? ' has-error' : ''}`}>
            <label for="image">Photo</label>
            <p class="hint" id="image-hint">
              JPEG, PNG or WebP, up to {MAX_UPLOAD_TEXT}. Location and camera details are removed before it is stored.
            </p>
            <input
              id="image"
              name="image"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-invalid={errors.image ? 'true' : undefined}
              aria-describedby={describedBy('image', errors.image, 'hint')}
            />
            <ErrorText id="image" error={errors.image} />
          </div>
          <TextInput
            id="alt"
            name="alt"
            label="Description for people who cannot see the photo"
            hint='Say what it shows, such as "Sapphire ring seen from the side".'
            value={state.image?.alt ?? ''}
            error={errors.alt}
            maxLength={300}
          />
          <button type="submit" class="button button-primary">
            Upload photo
          </button>
        </form>
      )}
    </section>
  );
}
