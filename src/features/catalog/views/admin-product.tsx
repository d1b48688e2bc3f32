import { type ComponentChildren, Fragment } from 'preact';
import { Money, Notice } from '../../../http/views/components.js';
import {
  ActionButton,
  Checkbox,
  Csrf,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  SelectField,
  describedBy,
} from '../../../http/views/form.js';
import type { AdminImage, AdminProduct, AdminVariant, PriceChange, StockMovement } from '../catalog.admin.repository.js';
import { STOCK_REASONS } from '../catalog.admin.service.js';
import { CHAIN_LENGTHS_IN, METALS, metalLabel, RING_SIZES, STONES } from '../catalog.domain.js';
import { MAX_UPLOAD_TEXT } from '../catalog.images.js';
import type { CategoryRow, CollectionRow } from '../catalog.repository.js';
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

/** One row of the variants table as it was sent; a price left out of the form (by a role that cannot change it) is undefined. */
export interface VariantRowValues {
  price?: string;
  delta: string;
  reason: string;
  note: string;
  remove: boolean;
}

/** What the page shows besides the product itself: a notice, or the form that was sent back with problems. */
export interface ProductPageState {
  notice?: string;
  details?: { values: ProductFormValues; errors: FieldErrors };
  newVariant?: { values: VariantFormValues; errors: FieldErrors };
  /** The variants table as sent, with each problem under its field's name (price-12, delta-12…). */
  variants?: { values: Record<number, VariantRowValues>; errors: FieldErrors };
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
      <Field name="name" label="Name" value={values.name} error={errors.name} maxLength={120} />
      <Field
        name="slug"
        label="Web address name"
        value={values.slug}
        error={errors.slug}
        maxLength={80}
        hint="Lowercase letters, numbers and hyphens, as in /products/sapphire-halo-ring. Leave empty to make one from the name. Changing it changes the page's address."
      />
      <SelectField
        name="category"
        label="Category"
        value={values.category}
        error={errors.category}
        options={[{ value: '', label: 'Choose a category' }, ...categories.map((c) => ({ value: String(c.id), label: c.name }))]}
      />
      <Field name="description" label="Description" value={values.description} error={errors.description} maxLength={5000} rows={5} />
      <Field
        name="hallmark"
        label="Hallmark"
        value={values.hallmark}
        error={errors.hallmark}
        maxLength={300}
        hint="For example: Hallmarked 750 (18ct gold) at the Birmingham Assay Office."
      />
      <Field name="care" label="Caring for it" value={values.care} error={errors.care} maxLength={1000} rows={5} />
      <SelectField
        name="stone"
        label="Stone"
        value={values.stone}
        error={errors.stone}
        options={[{ value: '', label: 'No stone' }, ...STONES.map((s) => ({ value: s.code, label: s.label }))]}
      />
      <Checkbox name="featured" label="Feature on the home page" checked={values.featured} />
      <fieldset
        class={`choice-group${errors.collections ? ' has-error' : ''}`}
        aria-describedby={describedBy('collections', errors.collections, collections.length > 0 ? 'hint' : undefined)}
      >
        <legend>Collections</legend>
        {collections.length === 0 ? (
          <p class="hint">There are no collections yet. Add them under Categories &amp; collections.</p>
        ) : (
          <>
            <p class="hint" id="collections-hint">
              Choose any number, or none.
            </p>
            <div class="choice-grid">
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
            </div>
          </>
        )}
        <FieldError id="collections" error={errors.collections} />
      </fieldset>
    </>
  );
}

export function VariantFields({ values, errors }: { values: VariantFormValues; errors: FieldErrors }) {
  return (
    <>
      <SelectField
        name="metal"
        label="Metal"
        value={values.metal}
        error={errors.metal}
        options={[{ value: '', label: 'Choose a metal' }, ...METALS.map((m) => ({ value: m.code, label: m.label }))]}
      />
      <SelectField
        name="ringSize"
        label="Ring size (UK)"
        value={values.ringSize}
        error={errors.ringSize}
        hint="Rings only."
        options={[{ value: '', label: 'None' }, ...RING_SIZES.map((s) => ({ value: s, label: s }))]}
      />
      <SelectField
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
      <Field
        name="sku"
        label="SKU"
        value={values.sku}
        error={errors.sku}
        maxLength={40}
        hint="Your own code for this variant, such as ASY-R001-9YG-N."
      />
      <Field
        name="price"
        label="Price in pounds, including VAT"
        value={values.price}
        error={errors.price}
        inputMode="decimal"
        maxLength={20}
        hint="For example 249.99"
      />
      <Field name="stock" label="Number in stock" value={values.stock} error={errors.stock} inputMode="numeric" maxLength={7} />
    </>
  );
}

/**
 * The product's details form, the same on the new and the edit page: `children` adds fields
 * before the button (the first variant, on the new page). Read-only shows the same fields in a
 * disabled fieldset, which cannot be changed or sent.
 */
function ProductForm(
  props: {
    action?: string;
    csrf: string;
    values: ProductFormValues;
    errors: FieldErrors;
    submitLabel: string;
    readOnly?: boolean;
    children?: ComponentChildren;
  } & Choices,
) {
  const fields = (
    <ProductFields values={props.values} errors={props.errors} categories={props.categories} collections={props.collections} />
  );
  if (props.readOnly) {
    return (
      <form class="stacked-form product-form">
        <fieldset disabled class="plain-fieldset">
          <legend class="visually-hidden">Product details (read only)</legend>
          {fields}
        </fieldset>
      </form>
    );
  }
  return (
    <form method="post" action={props.action} class="stacked-form product-form" novalidate>
      <Csrf token={props.csrf} />
      {fields}
      {props.children}
      <button type="submit" class="button button-primary">
        {props.submitLabel}
      </button>
    </form>
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
      <ProductForm
        action="/admin/products/new"
        csrf={props.csrf}
        values={props.values}
        errors={props.errors}
        categories={props.categories}
        collections={props.collections}
        submitLabel="Save product"
      >
        <fieldset class="choice-group">
          <legend>First variant</legend>
          <VariantFields values={props.variant} errors={props.errors} />
        </fieldset>
      </ProductForm>
    </section>
  );
}

function variantChoiceText(v: AdminVariant): string {
  if (v.ringSize) return v.ringSize;
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
  // The variants table's problems are listed beside it, far down a long page: the top only points there.
  const formErrors = {
    ...detailErrors,
    ...(state.newVariant?.errors ?? {}),
    ...(state.image?.errors ?? {}),
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
              <ActionButton action={`/admin/products/${p.id}/restore`} csrf={csrf} buttonClass="button button-small button-primary">
                Restore to the shop
              </ActionButton>
            ) : (
              <ActionButton
                action={`/admin/products/${p.id}/archive`}
                csrf={csrf}
                confirm="Take this piece off the shop? You can restore it later."
              >
                Archive
              </ActionButton>
            ))}
        </div>
      </div>
      {state.notice && <Notice kind="success">{state.notice}</Notice>}
      <ErrorSummary errors={formErrors} />
      {state.variants && (
        <Notice kind="error">
          Nothing in the variants table was saved. <a href="#variants">Go to the rows that need correcting</a>.
        </Notice>
      )}
      {p.archived && (
        <Notice kind="info">This piece is archived: shoppers cannot find it or open its page. Restore it to put it back on sale.</Notice>
      )}
      <p class="form-note">
        Added {formatTime(p.createdAt)} · last updated {formatTime(p.updatedAt)}
      </p>

      <section class="admin-card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {!canEdit && <p class="hint">Your role can see products but not change them.</p>}
        <ProductForm
          action={`/admin/products/${p.id}`}
          csrf={csrf}
          values={canEdit ? (state.details?.values ?? productFormValues(p)) : productFormValues(p)}
          errors={canEdit ? detailErrors : {}}
          categories={props.categories}
          collections={props.collections}
          submitLabel="Save details"
          readOnly={!canEdit}
        />
      </section>

      <section aria-labelledby="variants-heading" id="variants">
        <h2 id="variants-heading">Variants</h2>
        <VariantsForm {...props} />
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

/** The variants grouped by metal, in the order the piece lists them. */
function byMetal(variants: AdminVariant[]): [string, AdminVariant[]][] {
  const groups = new Map<string, AdminVariant[]>();
  for (const v of variants) groups.set(v.metal, [...(groups.get(v.metal) ?? []), v]);
  return [...groups];
}

/** A variant's row as the form first shows it: its price, and no stock change. */
function untouchedRow(v: AdminVariant): VariantRowValues {
  return { price: penceToPounds(v.pricePence), delta: '', reason: '', note: '', remove: false };
}

/** A small input in a table cell, labelled for screen readers (the column heading shows the label), with its error under it. */
function CellInput(props: {
  id: string;
  label: string;
  value: string;
  error?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  maxLength: number;
  size: number;
}) {
  return <Field {...props} name={props.id} hideLabel class="cell-field" />;
}

/**
 * Every variant of the piece in one table and one form: a price to change, stock to adjust with
 * a reason, a variant to remove. It is saved as a whole: if one row is wrong, nothing is saved
 * and the problem shows in that row. A role shows only the columns it may change.
 */
function VariantsForm(props: { product: AdminProduct; csrf: string; canEdit: boolean; canAdjust: boolean; state: ProductPageState }) {
  const { product: p, csrf, canEdit, canAdjust, state } = props;
  if (p.variants.length === 0) return <p>This piece has no variants, so it cannot be bought. Add one below.</p>;
  const editable = canEdit || canAdjust;
  const errors = state.variants?.errors ?? {};
  // Problems that belong to no row on the page, such as a variant removed meanwhile.
  const elsewhere = Object.entries(errors).filter(([k, m]) => m && k.startsWith('row-'));
  const columns = 4 + (canAdjust ? 3 : 0) + (canEdit ? 1 : 0);
  const table = (
    <div class="table-scroll variants-scroll">
      <table class="admin-table variants-table">
        <caption class="visually-hidden">
          Variants of {p.name}
          {editable ? ': change any rows, then save them all at once' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={canAdjust ? 2 : 1}>
              SKU
            </th>
            <th scope="col" rowSpan={canAdjust ? 2 : 1}>
              {p.category.slug === 'rings' ? 'Size' : 'Size or length'}
            </th>
            <th scope="col" class="num" rowSpan={canAdjust ? 2 : 1}>
              {canEdit ? 'Price (£)' : 'Price'}
            </th>
            <th scope="col" class="num" rowSpan={canAdjust ? 2 : 1}>
              In stock
            </th>
            {canAdjust && (
              <th scope="colgroup" colSpan={3} class="group-head">
                Adjust stock
              </th>
            )}
            {canEdit && (
              <th scope="col" rowSpan={canAdjust ? 2 : 1}>
                Remove
              </th>
            )}
          </tr>
          {canAdjust && (
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Reason</th>
              <th scope="col">Note (optional)</th>
            </tr>
          )}
        </thead>
        {byMetal(p.variants).map(([metal, variants]) => (
          <tbody key={metal}>
            <tr class="metal-row">
              <th scope="rowgroup" colSpan={columns}>
                {metalLabel(metal)}
              </th>
            </tr>
            {variants.map((v) => {
              const typed = state.variants?.values[v.id];
              const values = { ...untouchedRow(v), ...typed, price: typed?.price ?? penceToPounds(v.pricePence) };
              const err = (field: string) => errors[`${field}-${v.id}`];
              const rowHasError = ['price', 'delta', 'reason', 'note', 'remove'].some((f) => err(f));
              return (
                <tr key={v.id} id={`variant-${v.id}`} class={rowHasError ? 'row-error' : undefined}>
                  <th scope="row">
                    {v.sku}
                    {editable && <input type="hidden" name="row" value={String(v.id)} />}
                    {canEdit && <input type="hidden" name={`was-${v.id}`} value={String(v.pricePence)} />}
                  </th>
                  <td>{variantChoiceText(v)}</td>
                  {canEdit ? (
                    <td class="num">
                      <CellInput
                        id={`price-${v.id}`}
                        label={`Price of ${v.sku} in pounds`}
                        value={values.price}
                        error={err('price')}
                        inputMode="decimal"
                        maxLength={20}
                        size={8}
                      />
                    </td>
                  ) : (
                    <td class="num">{pounds(v.pricePence)}</td>
                  )}
                  <td class="num">{v.stock}</td>
                  {canAdjust && (
                    <>
                      <td>
                        <CellInput
                          id={`delta-${v.id}`}
                          label={`Stock change for ${v.sku}: +5 adds five, -2 takes two away`}
                          value={values.delta}
                          error={err('delta')}
                          maxLength={8}
                          size={4}
                        />
                      </td>
                      <td>
                        <SelectField
                          name={`reason-${v.id}`}
                          label={`Reason for the stock change to ${v.sku}`}
                          hideLabel
                          class="cell-field"
                          value={values.reason}
                          error={err('reason')}
                          options={[{ code: '', label: 'Choose a reason' }, ...STOCK_REASONS].map((r) => ({
                            value: r.code,
                            label: r.label,
                          }))}
                        />
                      </td>
                      <td>
                        <CellInput
                          id={`note-${v.id}`}
                          label={`Note on the stock change to ${v.sku}`}
                          value={values.note}
                          error={err('note')}
                          maxLength={200}
                          size={12}
                        />
                      </td>
                    </>
                  )}
                  {canEdit && (
                    <td>
                      {v.hasMovements ? (
                        <span class="hint">Has stock history</span>
                      ) : (
                        <Checkbox
                          name={`remove-${v.id}`}
                          value="1"
                          checked={values.remove}
                          label={<span class="visually-hidden">Remove {v.sku}</span>}
                          input={{
                            'data-confirm-item': v.sku,
                            'aria-invalid': err('remove') ? 'true' : undefined,
                            'aria-describedby': describedBy(`remove-${v.id}`, err('remove')),
                          }}
                        />
                      )}
                      <FieldError id={`remove-${v.id}`} error={err('remove')} />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
  if (!editable) return table;
  const wrongRows = p.variants.filter((v) => ['price', 'delta', 'reason', 'note', 'remove'].some((f) => errors[`${f}-${v.id}`]));
  return (
    <>
      <p class="hint variants-hint">
        Change any rows, then save them all at once.
        {canEdit && ' Ticking Remove takes a variant that never held stock off the piece.'}
        <span class="phone-only"> Swipe the table sideways for stock and removal.</span>
      </p>
      <form method="post" action={`/admin/products/${p.id}/variants/save`} class="variants-form" novalidate data-confirm-ticked="Remove">
        <Csrf token={csrf} />
        {state.variants && (
          <Notice kind="error">
            Nothing was saved.{' '}
            {wrongRows.length > 0 && (
              <>
                {wrongRows.length === 1 ? 'This row needs' : `These ${wrongRows.length} rows need`} correcting:{' '}
                {wrongRows.map((v, i) => (
                  <Fragment key={v.id}>
                    {i > 0 && ', '}
                    <a href={`#variant-${v.id}`}>{v.sku}</a>
                  </Fragment>
                ))}
                .{' '}
              </>
            )}
            Everything you typed is still here: correct it and save again.
            {elsewhere.map(([k, m]) => (
              <span key={k} class="notice-line">
                {m}
              </span>
            ))}
          </Notice>
        )}
        {table}
        <div class="save-bar">
          <button type="submit" class="button button-primary">
            Save variants
          </button>
        </div>
      </form>
    </>
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
                          ariaLabel={`Move photo ${i + 1} earlier`}
                          fields={{ direction: 'up' }}
                        >
                          ↑
                        </ActionButton>
                      )}
                      {i < p.images.length - 1 && (
                        <ActionButton
                          action={`/admin/images/${img.id}/move`}
                          csrf={csrf}
                          ariaLabel={`Move photo ${i + 1} later`}
                          fields={{ direction: 'down' }}
                        >
                          ↓
                        </ActionButton>
                      )}
                    </div>
                  </td>
                )}
                {canEdit && (
                  <td>
                    <ActionButton
                      action={`/admin/images/${img.id}/delete`}
                      csrf={csrf}
                      ariaLabel={`Remove photo ${i + 1}`}
                      confirm="Remove this photo from the shop?"
                    >
                      Remove
                    </ActionButton>
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
          <Field
            name="image"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            label="Photo"
            hint={`JPEG, PNG or WebP, up to ${MAX_UPLOAD_TEXT}. Location and camera details are removed before it is stored.`}
            error={errors.image}
          />
          <Field
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
