import { Field, type FieldErrors } from './form.js';

/**
 * The name, e-mail, phone and UK postal fields that registration, sign-in, My details, the
 * address book and checkout share, written once. Checkout asks for two addresses in one form: `prefix` names the
 * fields (billing_line1, delivery_city…) and `section` the browser's autofill section; a
 * delivery address that may be left empty is `optional`.
 */
type Values = Partial<Record<string, string>>;

interface AddressPart {
  values: Values;
  errors: FieldErrors;
  /** Put before each field's name, as in `billing_` or `delivery_`. */
  prefix?: string;
  section?: 'billing' | 'shipping';
  optional?: boolean;
}

function named({ values, errors, prefix = '', section, optional }: AddressPart, name: string, autocomplete: string) {
  const full = `${prefix}${name}`;
  return {
    name: full,
    value: values[full],
    errors,
    autocomplete: section ? `${section} ${autocomplete}` : autocomplete,
    optional,
    required: true,
  };
}

export function NameFields(props: AddressPart) {
  return (
    <div class="field-pair">
      <Field {...named(props, 'first_name', 'given-name')} label="First name" maxLength={60} />
      <Field {...named(props, 'surname', 'family-name')} label="Surname" maxLength={60} />
    </div>
  );
}

/** An e-mail address to write to; at sign-in it is the username a password manager fills in. */
export function EmailField(props: {
  value: string | undefined;
  errors?: FieldErrors;
  label?: string;
  hint?: string;
  autocomplete?: 'email' | 'username';
}) {
  return (
    <Field
      name="email"
      label={props.label ?? 'E-mail address'}
      type="email"
      value={props.value}
      errors={props.errors}
      autocomplete={props.autocomplete ?? 'email'}
      maxLength={80}
      required
      hint={props.hint}
    />
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

export function PostalFields(props: AddressPart) {
  return (
    <>
      <Field {...named(props, 'line1', 'address-line1')} label="Address line 1" maxLength={50} />
      <Field {...named(props, 'line2', 'address-line2')} label="Address line 2" optional maxLength={50} />
      <div class="field-pair">
        <Field {...named(props, 'city', 'address-level2')} label="Town or city" maxLength={40} />
        <Field {...named(props, 'postcode', 'postal-code')} label="Postcode" maxLength={10} />
      </div>
    </>
  );
}
