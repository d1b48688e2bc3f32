import { Field } from '../../../http/views/form.js';
import { CONSENT_WORDING } from '../consent.inventory.js';

/**
 * The newsletter sign-up: an address and a button, with the exact words the ledger records
 * (CONSENT_WORDING.newsletterForm). It sits in the footer of every storefront page, catalogue
 * pages included, which are cached as the same bytes for everyone: so it carries no per-visitor
 * token, and /newsletter checks instead that the post comes from the shop's own pages (like the
 * bag's forms). `id` keeps the control's id unique when a page shows the form twice.
 */
export function NewsletterForm({ id = 'newsletter', value, error }: { id?: string; value?: string; error?: string }) {
  return (
    <form method="post" action="/newsletter" class="newsletter-form">
      <Field
        name="email"
        id={`${id}-email`}
        // A label of its own, so that a page's "E-mail address" field (sign-in, checkout) stays the only one by that name.
        label="E-mail for our newsletter"
        type="email"
        autocomplete="email"
        maxLength={80}
        value={value}
        error={error}
        hint={CONSENT_WORDING.newsletterForm}
        required
      />
      <button type="submit" class="button">
        Sign up
      </button>
    </form>
  );
}
