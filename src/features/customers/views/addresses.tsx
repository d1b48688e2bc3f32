import { Notice } from '../../../http/views/components.js';
import { ActionButton, Checkbox, Csrf, ErrorSummary, type FieldErrors } from '../../../http/views/form.js';
import { MAX_ADDRESSES } from '../customers.domain.js';
import type { AddressRow } from '../customers.repository.js';
import { NameFields, PostalFields } from '../../../http/views/person-fields.js';

export const ADDRESS_BOOK_FULL = `Your address book is full: it holds up to ${MAX_ADDRESSES} addresses. Please delete one you no longer need, then add the new one.`;

export type AddressValues = Partial<Record<'first_name' | 'surname' | 'line1' | 'line2' | 'city' | 'postcode' | 'make_default', string>>;

export const addressValues = (a: AddressRow): AddressValues => ({
  first_name: a.first_name,
  surname: a.surname,
  line1: a.line1,
  line2: a.line2 ?? '',
  city: a.city,
  postcode: a.postcode,
});

/** A postal address as it is written on an envelope. */
export function AddressLines({
  address,
}: {
  address: Pick<AddressRow, 'first_name' | 'surname' | 'line1' | 'line2' | 'city' | 'postcode'>;
}) {
  return (
    <address>
      {address.first_name} {address.surname}
      <br />
      {address.line1}
      <br />
      {address.line2 && (
        <>
          {address.line2}
          <br />
        </>
      )}
      {address.city}
      <br />
      {address.postcode}
    </address>
  );
}

/** The fields of an address, for adding one and for changing one. */
export function AddressFields({ values, errors }: { values: AddressValues; errors: FieldErrors }) {
  return (
    <>
      <NameFields values={values} errors={errors} />
      <PostalFields values={values} errors={errors} />
    </>
  );
}

export function AddressBook({
  csrf,
  addresses,
  values,
  errors,
  notice,
  error,
}: {
  csrf: string;
  addresses: AddressRow[];
  values: AddressValues;
  errors: FieldErrors;
  notice?: string;
  /** Why the address just sent was not added, when it is not one of its fields. */
  error?: string;
}) {
  return (
    <>
      <p class="lead">The addresses you deliver to. The default one is filled in for you at checkout; you can choose another there.</p>
      {notice && <Notice kind="success">{notice}</Notice>}
      {error ? (
        <Notice kind="error">{error}</Notice>
      ) : (
        addresses.length >= MAX_ADDRESSES && <Notice kind="info">{ADDRESS_BOOK_FULL}</Notice>
      )}
      {addresses.length === 0 ? (
        <p>Your address book is empty. Add an address below and it becomes your default for delivery.</p>
      ) : (
        <ul class="card-list address-list">
          {addresses.map((a) => (
            <li key={a.id} class={a.is_default === 1 ? 'is-default' : undefined}>
              {a.is_default === 1 && <p class="tag">Default for delivery</p>}
              <AddressLines address={a} />
              <div class="card-actions">
                <a class="button button-quiet" href={`/account/addresses/${a.id}`}>
                  Change<span class="visually-hidden"> the address at {a.line1}</span>
                </a>
                {a.is_default !== 1 && (
                  <ActionButton action={`/account/addresses/${a.id}/default`} csrf={csrf} buttonClass="button button-quiet">
                    Make default<span class="visually-hidden"> the address at {a.line1}</span>
                  </ActionButton>
                )}
                <ActionButton action={`/account/addresses/${a.id}/delete`} csrf={csrf} buttonClass="button button-quiet">
                  Delete<span class="visually-hidden"> the address at {a.line1}</span>
                </ActionButton>
              </div>
            </li>
          ))}
        </ul>
      )}
      <section class="account-section" aria-labelledby="add-address">
        <h2 id="add-address">Add an address</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/addresses" class="account-form" novalidate>
          <Csrf token={csrf} />
          <AddressFields values={values} errors={errors} />
          <Checkbox name="make_default" label="Make this my default delivery address" checked={values.make_default === 'yes'} />
          <button type="submit" class="button button-primary">
            Add the address
          </button>
        </form>
      </section>
    </>
  );
}

export function EditAddress({ csrf, id, values, errors }: { csrf: string; id: number; values: AddressValues; errors: FieldErrors }) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/account/addresses/${id}`} class="account-form" novalidate>
        <Csrf token={csrf} />
        <AddressFields values={values} errors={errors} />
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            Save the address
          </button>
          <a href="/account/addresses">Back to the address book</a>
        </div>
      </form>
      <p class="form-note">Changing an address here does not change orders already placed: they keep the address they were sent to.</p>
    </>
  );
}
