import { ContinueShopping, Notice } from '../../../http/views/components.js';
import { Csrf } from '../../../http/views/form.js';
import { SIGN_UP_CONFIRM_DAYS } from '../consent.inventory.js';
import { NewsletterForm } from './newsletter-form.js';

/** The storefront pages of signing up for the newsletter and of unsubscribing. */

const HOW_TO_STOP = (
  <p>
    Every e-mail we send you has an <strong>Unsubscribe</strong> link at the bottom: one press stops them at once, with no need to sign in.
    If you have an account, you can also un-tick General Subscription in Account Home, under{' '}
    <a href="/account/newsletter">Newsletter Subscription</a>. Our <a href="/privacy">privacy policy</a> explains what we keep.
  </p>
);

/** The newsletter form on a page of its own: where the footer's form comes back when the address needs putting right. */
export function NewsletterPage({ value, error }: { value?: string; error?: string }) {
  return (
    <section class="narrow newsletter-page">
      <h1>Sign up for our newsletter</h1>
      {error && <Notice kind="error">Please correct the highlighted field.</Notice>}
      <NewsletterForm id="newsletter-page" value={value} error={error} />
    </section>
  );
}

/** The one answer to every sign-up, whatever the address's state, so the form never tells who is subscribed. */
export function CheckInboxPage() {
  return (
    <section class="narrow">
      <h1>Check your inbox</h1>
      <p class="lead">If the address can be signed up, we have sent it an e-mail with a link. Open it and press Confirm to start.</p>
      <p>
        Nothing is sent until you confirm, and the link works for {SIGN_UP_CONFIRM_DAYS} days. If nothing arrives within a few minutes, look
        in your junk mail folder, or send the form again later.
      </p>
      <ContinueShopping />
    </section>
  );
}

/** The confirmation link's page: opening it confirms nothing (mail scanners open links); the button does. */
export function ConfirmSignUpPage({ csrf, token, email }: { csrf: string; token: string; email: string }) {
  return (
    <section class="narrow">
      <h1>Confirm your newsletter sign-up</h1>
      <p class="lead">
        Press Confirm to receive our e-mails about new pieces and events at <strong>{email}</strong>.
      </p>
      <form method="post" action="/newsletter/confirm">
        <Csrf token={csrf} />
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="button button-primary">
          Confirm
        </button>
      </form>
      <p class="form-note">If you didn't ask for this, close the page: without confirmation nothing is sent and the sign-up is deleted.</p>
    </section>
  );
}

export function SubscribedPage() {
  return (
    <section class="narrow">
      <Notice kind="success">Thank you — your sign-up is confirmed.</Notice>
      <h1>You're subscribed</h1>
      <p class="lead">We'll e-mail you about new pieces and events.</p>
      <h2>How to stop</h2>
      {HOW_TO_STOP}
      <ContinueShopping />
    </section>
  );
}

/** An unknown, used or expired confirmation link. */
export function SignUpLinkFailedPage({ expired }: { expired: boolean }) {
  return (
    <section class="narrow">
      <h1>{expired ? 'That link has expired' : "We couldn't find that sign-up"}</h1>
      <p class="lead">
        {expired
          ? `Confirmation links work for ${SIGN_UP_CONFIRM_DAYS} days, and this one is older, so nothing has been signed up.`
          : 'The link may have been used already, or copied only in part. Nothing has been changed.'}{' '}
        You can sign up again with the form below.
      </p>
      <NewsletterForm id="newsletter-page" />
    </section>
  );
}

/** The unsubscribe link's page: opening it unsubscribes nothing (mail scanners open links); the button does, at once. */
export function UnsubscribePage({ action, purposeName }: { action: string; purposeName: string }) {
  return (
    <section class="narrow">
      <h1>Unsubscribe from {purposeName}</h1>
      <p class="lead">Press Unsubscribe and we stop at once: no more {purposeName} e-mails to this address. You don't need to sign in.</p>
      <form method="post" action={action}>
        <button type="submit" class="button button-primary">
          Unsubscribe
        </button>
      </form>
    </section>
  );
}

export function UnsubscribedPage({ purposeName }: { purposeName: string }) {
  return (
    <section class="narrow">
      <Notice kind="success">Done — you're unsubscribed from {purposeName}.</Notice>
      <h1>You're unsubscribed</h1>
      <p class="lead">
        We won't send this address {purposeName} e-mails again. E-mails about your orders and your account still come as usual.
      </p>
      <p>
        We keep only a one-way fingerprint of the address, never the address itself, so that it stays off our list even if your other data
        is later erased. If you change your mind, sign up again with the form at the foot of any page.
      </p>
      <ContinueShopping />
    </section>
  );
}

/** A link that is not one of ours, or was copied only in part. */
export function UnsubscribeLinkFailedPage({ shopEmail }: { shopEmail: string }) {
  return (
    <section class="narrow">
      <h1>We couldn't read that unsubscribe link</h1>
      <p class="lead">
        It may have been copied only in part. Please use the link in the e-mail itself, or write to{' '}
        <a href={`mailto:${shopEmail}`}>{shopEmail}</a> and we'll take your address off our list.
      </p>
    </section>
  );
}
