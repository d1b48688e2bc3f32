import { Notice } from '../../../http/views/components.js';
import { Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import { EmailField, NameFields, PhoneField } from '../../../http/views/person-fields.js';

export type DetailsValues = Partial<Record<'first_name' | 'surname' | 'phone', string>>;

export function DetailsPage({
  csrf,
  email,
  values,
  errors,
  emailValue,
  emailErrors,
  notice,
}: {
  csrf: string;
  email: string;
  values: DetailsValues;
  errors: FieldErrors;
  emailValue: string;
  emailErrors: FieldErrors;
  notice?: { kind: 'success' | 'info'; text: string };
}) {
  return (
    <>
      <p class="lead">Correct anything here and it takes effect at once, on your account and at your next checkout.</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <section class="account-section" aria-labelledby="name-phone">
        <h2 id="name-phone">Name and phone</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/details" class="account-form" novalidate>
          <Csrf token={csrf} />
          <NameFields values={values} errors={errors} />
          <PhoneField values={values} errors={errors} hint="Only so that the courier can reach you about a delivery." />
          <button type="submit" class="button button-primary">
            Save my details
          </button>
        </form>
      </section>
      <section class="account-section" aria-labelledby="email-heading">
        <h2 id="email-heading">E-mail address</h2>
        <p>
          Your account's address is <strong>{email}</strong>.
        </p>
        <ErrorSummary errors={emailErrors} />
        <form method="post" action="/account/details/email" class="account-form" novalidate>
          <Csrf token={csrf} />
          <EmailField
            label="New e-mail address"
            value={emailValue}
            errors={emailErrors}
            hint="We'll send a link to the new address. Your address changes once you open it, and we'll tell your current address too."
          />
          <Field
            name="current_password"
            label="Your current password"
            type="password"
            errors={emailErrors}
            autocomplete="current-password"
            maxLength={200}
            required
            hint="So that no one else can move your account to another address."
          />
          <button type="submit" class="button">
            Change my e-mail address
          </button>
        </form>
      </section>
    </>
  );
}
