import { Notice } from '../../../http/views/components.js';
import { Checkbox, Csrf } from '../../../http/views/form.js';
import { CONSENT_WORDING } from '../../consent/consent.inventory.js';
import { When } from './when.js';

export function NewsletterPage({
  csrf,
  subscribed,
  changedAt,
  saved,
}: {
  csrf: string;
  subscribed: boolean;
  changedAt: string | null;
  saved: boolean;
}) {
  return (
    <>
      <p class="lead">
        We send news of new pieces and events only to customers who ask for it, and every one of those e-mails has a link to unsubscribe at
        once. Messages about your orders and your account come whatever you choose here.
      </p>
      {saved && (
        <Notice kind="success">
          {subscribed ? 'Saved: you are subscribed to the General Subscription.' : 'Saved: you are not subscribed to any newsletter.'}
        </Notice>
      )}
      <form method="post" action="/account/newsletter" class="account-form">
        <Csrf token={csrf} />
        <fieldset class="plain-fieldset">
          <legend>Your subscriptions</legend>
          <Checkbox name="general_subscription" label={CONSENT_WORDING.accountGeneral} checked={subscribed} />
        </fieldset>
        {changedAt && (
          <p class="form-note">
            Last changed on <When iso={changedAt} time />.
          </p>
        )}
        <button type="submit" class="button button-primary">
          Save
        </button>
      </form>
    </>
  );
}
