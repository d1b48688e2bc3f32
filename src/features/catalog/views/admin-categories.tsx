import { Notice } from '../../../http/views/components.js';
import { ActionButton, Checkbox, Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import type { GroupRow, GroupTable } from '../catalog.admin.repository.js';

export interface GroupFormValues {
  name: string;
  slug: string;
  description: string;
  featured: boolean;
}

/** A form sent back with problems: which list, which item (null for a new one), what was typed. */
export interface GroupFormState {
  table: GroupTable;
  id: number | null;
  values: GroupFormValues;
  errors: FieldErrors;
}

const WORDS: Record<GroupTable, { one: string; many: string; path: string; intro: string }> = {
  categories: {
    one: 'category',
    many: 'Categories',
    path: '/admin/categories',
    intro: 'Each product is in one category; categories are the main menu of the shop, in this order.',
  },
  collections: {
    one: 'collection',
    many: 'Collections',
    path: '/admin/collections',
    intro: 'A product can be in any number of collections. Featured collections are shown on the home page.',
  },
};

export function GroupsPage(props: {
  csrf: string;
  categories: GroupRow[];
  collections: GroupRow[];
  notice?: string;
  problem?: string;
  form?: GroupFormState;
}) {
  return (
    <section>
      <h1>Categories &amp; collections</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.problem && <Notice kind="error">{props.problem}</Notice>}
      {props.form && <ErrorSummary errors={props.form.errors} />}
      <GroupList table="categories" rows={props.categories} csrf={props.csrf} form={props.form} />
      <GroupList table="collections" rows={props.collections} csrf={props.csrf} form={props.form} />
    </section>
  );
}

function GroupList({ table, rows, csrf, form }: { table: GroupTable; rows: GroupRow[]; csrf: string; form?: GroupFormState }) {
  const w = WORDS[table];
  const creating = form?.table === table && form.id === null ? form : undefined;
  return (
    <section aria-labelledby={`${table}-heading`} id={table}>
      <h2 id={`${table}-heading`}>{w.many}</h2>
      <p>{w.intro}</p>
      {rows.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">{w.many}, in shop order</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Web address</th>
              <th scope="col" class="num">
                Products
              </th>
              {table === 'collections' && <th scope="col">Home page</th>}
              <th scope="col">Order</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const editing = form?.table === table && form.id === r.id ? form : undefined;
              const prefix = `${table}-${r.id}`;
              const values = editing?.values ?? { name: r.name, slug: r.slug, description: r.description, featured: r.featured };
              return (
                <tr key={r.id} id={prefix}>
                  <th scope="row">{r.name}</th>
                  <td>{table === 'categories' ? `/${r.slug}` : `/collections/${r.slug}`}</td>
                  <td class="num">{r.productCount}</td>
                  {table === 'collections' && <td>{r.featured ? 'Featured' : '—'}</td>}
                  <td>
                    <div class="row-actions">
                      {i > 0 && (
                        <ActionButton
                          action={`${w.path}/${r.id}/move`}
                          csrf={csrf}
                          ariaLabel={`Move ${r.name} earlier`}
                          fields={{ direction: 'up' }}
                        >
                          ↑
                        </ActionButton>
                      )}
                      {i < rows.length - 1 && (
                        <ActionButton
                          action={`${w.path}/${r.id}/move`}
                          csrf={csrf}
                          ariaLabel={`Move ${r.name} later`}
                          fields={{ direction: 'down' }}
                        >
                          ↓
                        </ActionButton>
                      )}
                    </div>
                  </td>
                  <td>
                    <details open={editing !== undefined}>
                      <summary>Edit {r.name}</summary>
                      <form method="post" action={`${w.path}/${r.id}`} class="stacked-form" novalidate>
                        <Csrf token={csrf} />
                        <GroupFields table={table} prefix={prefix} values={values} errors={editing?.errors ?? {}} />
                        <button type="submit" class="button button-small button-primary">
                          Save
                        </button>
                      </form>
                      <ActionButton action={`${w.path}/${r.id}/delete`} csrf={csrf} confirm={`Delete the ${w.one} ${r.name}?`}>
                        Delete {w.one}
                      </ActionButton>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <details class="admin-card" open={creating !== undefined}>
        <summary>Add a {w.one}</summary>
        <form method="post" action={`${w.path}/new`} class="stacked-form" novalidate>
          <Csrf token={csrf} />
          <GroupFields
            table={table}
            prefix={`${table}-new`}
            values={creating?.values ?? { name: '', slug: '', description: '', featured: false }}
            errors={creating?.errors ?? {}}
          />
          <button type="submit" class="button button-primary">
            Add {w.one}
          </button>
        </form>
      </details>
    </section>
  );
}

function GroupFields(props: { table: GroupTable; prefix: string; values: GroupFormValues; errors: FieldErrors }) {
  const { table, prefix, values, errors } = props;
  return (
    <>
      <Field id={`${prefix}-name`} name="name" label="Name" value={values.name} error={errors.name} maxLength={80} />
      <Field
        id={`${prefix}-slug`}
        name="slug"
        label="Web address name"
        value={values.slug}
        error={errors.slug}
        maxLength={80}
        hint="Lowercase letters, numbers and hyphens. Leave empty to make one from the name."
      />
      <Field
        id={`${prefix}-description`}
        name="description"
        label="Description"
        value={values.description}
        error={errors.description}
        maxLength={1000}
        rows={5}
      />
      {table === 'collections' && (
        <Checkbox id={`${prefix}-featured`} name="featured" label="Feature on the home page" checked={values.featured} />
      )}
    </>
  );
}
