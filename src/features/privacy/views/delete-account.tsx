import { Fragment } from 'preact';
import { Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import type { KeptRecord } from '../erasure.service.js';

/** Account Home's "Delete my account": what goes, what is kept (from the inventory), and the password asked for again. */
export function DeleteAccountPage({
  csrf,
  errors,
  deleted,
  kept,
  openOrders,
  backupRetention,
}: {
  csrf: string;
  errors: FieldErrors;
  deleted: string[];
  kept: KeptRecord[];
  openOrders: string[];
  /** "within 93 days": the keep policy in force, in words (backupRetentionText). */
  backupRetention: string;
}) {
  return (
    <>
      <p class="lead">
        Deleting your account erases your data from our shop at once and for good. It cannot be undone. An e-mail will confirm what was
        erased and what we keep.
      </p>
      <section class="account-section" aria-labelledby="goes-heading">
        <h2 id="goes-heading">What is deleted</h2>
        <ul>
          {deleted.map((d) => (
            <li key={d}>{d[0]?.toUpperCase() + d.slice(1)}</li>
          ))}
        </ul>
      </section>
      {openOrders.length > 0 && (
        <section class="account-section" aria-labelledby="open-heading">
          <h2 id="open-heading">Orders we are still delivering</h2>
          <p>
            {openOrders.length === 1 ? 'Order' : 'Orders'} {openOrders.join(', ')} {openOrders.length === 1 ? 'is' : 'are'} not yet
            delivered or still in the 30-day returns window. We will finish delivering {openOrders.length === 1 ? 'it' : 'them'} and erase
            your details from {openOrders.length === 1 ? 'it' : 'them'} 30 days after delivery, keeping only the tax record, and e-mail you
            then.
          </p>
        </section>
      )}
      <section class="account-section" aria-labelledby="kept-heading">
        <h2 id="kept-heading">What we keep, why and for how long</h2>
        <dl class="facts">
          {kept.map((k) => (
            <Fragment key={k.what}>
              <dt>{k.what}</dt>
              <dd>
                {k.why}. Kept: {k.until}.
              </dd>
            </Fragment>
          ))}
        </dl>
        <p>
          Opayo (Elavon), our payment provider, keeps its own record of your card payments under its own privacy policy. Backups of our
          database expire {backupRetention} and are never used in the meantime.
        </p>
      </section>
      <section class="account-section" aria-labelledby="confirm-heading">
        <h2 id="confirm-heading">Delete my account</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/account/privacy/delete" class="account-form" novalidate>
          <Csrf token={csrf} />
          <Field
            name="password"
            label="Your password, to confirm it is you"
            type="password"
            errors={errors}
            autocomplete="current-password"
            maxLength={200}
            required
          />
          <button type="submit" class="button button-primary">
            Delete my account and my data
          </button>
        </form>
        <p>
          <a href="/account/privacy">Keep my account</a>
        </p>
      </section>
    </>
  );
}
