import { buildQueryString } from '../../../http/query.js';
import { Money, Notice, Pagination, ResultsCount, RowLink } from '../../../http/views/components.js';
import { FilterInput, FilterSelect } from '../../../http/views/form.js';
import type { AdminProductListRow, AdminProductSort, ProductStatus } from '../catalog.admin.repository.js';
import type { CategoryRow } from '../catalog.repository.js';

export interface ProductListQuery {
  q: string;
  category: string;
  status: ProductStatus | '';
  sort: AdminProductSort;
  page: number;
}

/** Link to the list with some parameters changed, keeping the rest. */
export function productListHref(query: ProductListQuery, change: Partial<ProductListQuery>): string {
  const q = { ...query, ...change };
  return `/admin/products${buildQueryString({
    q: q.q,
    category: q.category,
    status: q.status,
    sort: q.sort === 'name' ? undefined : q.sort,
    page: q.page > 1 ? q.page : undefined,
  })}`;
}

export function formatTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function ProductListPage(props: {
  query: ProductListQuery;
  categories: CategoryRow[];
  rows: AdminProductListRow[];
  total: number;
  pages: number;
  canEdit: boolean;
}) {
  const { query, rows, total, pages } = props;
  const filtered = query.q !== '' || query.category !== '' || query.status !== '';
  const sortLink = (sort: AdminProductSort, label: string) =>
    query.sort === sort ? (
      <>{label} ▾</>
    ) : (
      <a href={productListHref(query, { sort, page: 1 })} aria-label={`${label}: sort by this`}>
        {label}
      </a>
    );
  return (
    <section>
      <div class="admin-head">
        <h1>Products</h1>
        {props.canEdit && (
          <a class="button button-primary" href="/admin/products/new">
            Add a product
          </a>
        )}
      </div>
      <form method="get" action="/admin/products" class="filter-bar" role="search">
        <FilterInput label="Name or SKU" type="search" name="q" value={query.q} maxLength={100} />
        <FilterSelect
          label="Category"
          name="category"
          value={query.category}
          options={[{ value: '', label: 'All categories' }, ...props.categories.map((c) => ({ value: c.slug, label: c.name }))]}
        />
        <FilterSelect
          label="Status"
          name="status"
          value={query.status}
          options={[
            { value: '', label: 'Active and archived' },
            { value: 'active', label: 'Active' },
            { value: 'archived', label: 'Archived' },
          ]}
        />
        <FilterSelect
          label="Sort by"
          name="sort"
          value={query.sort}
          options={[
            { value: 'name', label: 'Name' },
            { value: 'updated', label: 'Last updated' },
          ]}
        />
        <button type="submit" class="button">
          Show
        </button>
        {filtered && <a href={productListHref({ ...query, q: '', category: '', status: '' }, { page: 1 })}>Clear</a>}
      </form>
      <ResultsCount total={total} noun="product" page={query.page} pages={pages} />
      {rows.length === 0 ? (
        <Notice kind="info">
          {filtered ? 'No products match. Try fewer words, or the start of a SKU.' : 'There are no products yet.'}
        </Notice>
      ) : (
        <div class="table-scroll">
          <table class="admin-table">
            <caption class="visually-hidden">Products</caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={query.sort === 'name' ? 'ascending' : undefined}>
                  {sortLink('name', 'Name')}
                </th>
                <th scope="col">Category</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Variants
                </th>
                <th scope="col" class="num">
                  In stock
                </th>
                <th scope="col">Price</th>
                <th scope="col" aria-sort={query.sort === 'updated' ? 'descending' : undefined}>
                  {sortLink('updated', 'Updated')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <RowLink href={`/admin/products/${r.id}`}>{r.name}</RowLink>
                  <td>{r.categoryName}</td>
                  <td>{r.archived ? <span class="badge">Archived</span> : 'Active'}</td>
                  <td class="num">{r.variantCount}</td>
                  <td class="num">{r.totalStock}</td>
                  <td>
                    {r.minPence === null || r.maxPence === null ? (
                      '—'
                    ) : r.minPence === r.maxPence ? (
                      <Money pence={r.minPence} />
                    ) : (
                      <>
                        <Money pence={r.minPence} /> – <Money pence={r.maxPence} />
                      </>
                    )}
                  </td>
                  <td>{formatTime(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={query.page} pages={pages} hrefFor={(page) => productListHref(query, { page })} />
    </section>
  );
}
