import { Field, type FieldErrors } from '../../../http/views/form.js';

/** The personal fields shared by registration, My details and the address book, written once. */
type Values = Partial<Record<string, string>>;

export function NameFields({ values, errors }: { values: Values; errors: FieldErrors }) {
  return (
    <div class="field-pair">
      <Field
        name="first_name"
        label="First name"
        value={values.first_name}
        errors={errors}
        autocomplete="given-name"
        maxLength={60}
        required
      />
      <Field name="surname" label="Surname" value={values.surname} errors={errors} autocomplete="family-name" maxLength={60} required />
    </div>
  );
}

export function PhoneField({ values, errors, hint }: { values: Values; errors: FieldErrors; hint?: string }) {
  return (
    <Field
      name="phone"
      label="Phone number"
      type="tel"
      value={values.phone}
      errors={errors}
      autocomplete="tel"
      maxLength={20}
      required
      hint={hint}
    />
  );
}

export function PostalFields({ values, errors }: { values: Values; errors: FieldErrors }) {
  return (
    <>
      <Field
        name="line1"
        label="Address line 1"
        value={values.line1}
        errors={errors}
        autocomplete="address-line1"
        maxLength={50}
        required
      />
      <Field
        name="line2"
        label="Address line 2 (optional)"
        value={values.line2}
        errors={errors}
        autocomplete="address-line2"
        maxLength={50}
      />
      <div class="field-pair">
        <Field name="city" label="Town or city" value={values.city} errors={errors} autocomplete="address-level2" maxLength={40} required />
        <Field
          name="postcode"
          label="Postcode"
          value={values.postcode}
          errors={errors}
          autocomplete="postal-code"
          maxLength={10}
          required
        />
      </div>
    </>
  );
}
