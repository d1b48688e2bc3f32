import { Notice } from '../../../http/views/components.js';
import { Checkbox, Csrf } from '../../../http/views/form.js';
import { CONSENT_METHODS, CONSENT_PURPOSES, CONSENT_WORDING, type PurposeKey, familyOf } from '../../consent/consent.inventory.js';
import type { HistoryEntry } from '../../consent/consent.service.js';
import { type Partner, receivesInWords } from '../../partners/partners.service.js';
import { When } from './when.js';

/** One box of the Newsletter Subscription page: its form field, the purpose it stands for and the exact words it shows. */
export interface NewsletterBox {
  field: string;
  purpose: PurposeKey;
  wording: string;
  /** The partner a sharing box is about, described beside it. */
  partner?: Partner;
}

/**
 * The boxes the page offers, in the words the ledger records: the General Subscription, feedback
 * requests, and one per partner in use now. A retired partner is no longer offered; `retired`
 * are those the account still consents to, shown so that the consent can be withdrawn.
 */
export function newsletterBoxes(partners: Partner[], retired: Partner[] = []): NewsletterBox[] {
  return [
    { field: 'general_subscription', purpose: 'general-subscription', wording: CONSENT_WORDING.accountGeneral },
    { field: 'feedback_requests', purpose: 'feedback', wording: CONSENT_WORDING.accountFeedback },
    ...[...partners, ...retired].map((p) => ({
      field: `partner_${p.id}`,
      purpose: `partner:${p.id}` as const,
      wording: CONSENT_WORDING.partner({ name: p.name, receives: receivesInWords(p), why: p.why }),
      partner: p,
    })),
  ];
}

export function NewsletterPage({
  csrf,
  boxes,
  given,
  saved,
  history,
  partnerNames,
  policyVersions,
}: {
  csrf: string;
  boxes: NewsletterBox[];
  /** The purposes the account consents to now. */
  given: ReadonlySet<string>;
  saved: boolean;
  /** The account's consent history, oldest first (as the ledger holds it). */
  history: HistoryEntry[];
  /** The name of every partner the history mentions, retired ones too. */
  partnerNames: ReadonlyMap<number, string>;
  /** When each version of the privacy policy was published (every version, newest first). */
  policyVersions?: readonly { version: string; publishedAt: string }[];
}) {
  const published = new Map((policyVersions ?? []).map((v) => [v.version, v.publishedAt]));
  const box = (b: NewsletterBox) => <Checkbox key={b.field} name={b.field} label={b.wording} checked={given.has(b.purpose)} />;
  const ours = boxes.filter((b) => !b.partner);
  const partners = boxes.filter((b) => b.partner);
  return (
    <>
      <p class="lead">
        We send news of new pieces and events only to customers who ask for it, and every one of those e-mails has a link to unsubscribe at
        once. Messages about your orders and your account come whatever you choose here.
      </p>
      {saved && (
        <Notice kind="success">
          {given.has('general-subscription')
            ? 'Saved: you are subscribed to the General Subscription.'
            : 'Saved: you are not subscribed to the General Subscription.'}
        </Notice>
      )}
      <form method="post" action="/account/newsletter" class="account-form">
        <Csrf token={csrf} />
        <fieldset class="plain-fieldset">
          <legend>Your subscriptions</legend>
          {ours.map(box)}
        </fieldset>
        {partners.length > 0 && (
          <fieldset class="plain-fieldset">
            <legend>Sharing with our partners</legend>
            <p class="hint">
              We pass your details to one of these companies only if you tick its box, and only what it says. We never sell your data.
            </p>
            {partners.map((b) => (
              <div key={b.field} class="partner-choice">
                {box(b)}
                {b.partner?.retiredAt ? (
                  <p class="hint">
                    We no longer work with {b.partner.name}, and share nothing with it. You can still withdraw the consent you gave it.
                  </p>
                ) : (
                  b.partner && (
                    <p class="hint">
                      {b.partner.name} would receive your {receivesInWords(b.partner)}, {b.partner.why}. It is based in {b.partner.country}.{' '}
                      <a href={b.partner.policyUrl} rel="noopener noreferrer">
                        {b.partner.name}’s privacy policy
                      </a>
                    </p>
                  )
                )}
              </div>
            ))}
          </fieldset>
        )}
        <p class="form-note">
          Unticking a box takes effect at once: nothing more is sent or shared for it from that moment, not even an e-mail already waiting
          to go. Withdrawing also puts a fingerprint of your address on our suppression list for it, so that it is never sent that kind of
          e-mail again, even if you later close your account; ticking the box again lifts it. Our <a href="/privacy">privacy policy</a>{' '}
          explains the suppression list.
        </p>
        <button type="submit" class="button button-primary">
          Save
        </button>
      </form>
      <section id="history" aria-labelledby="history-heading">
        <h2 id="history-heading">Your consent history</h2>
        {history.length === 0 ? (
          <p>You have not given us any consent yet.</p>
        ) : (
          <>
            <p>Every choice you have made, newest first, with the words you saw and the version of our privacy policy in force then.</p>
            <ol class="plain consent-history">
              {[...history].reverse().map((e) => (
                <li key={e.id}>
                  <When iso={e.at} time /> — {historyText(e, partnerNames, false)}
                  <PolicyInForce version={e.policy_version} publishedAt={e.policy_version ? published.get(e.policy_version) : undefined} />
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}

/** A purpose as a sentence names it: "the General Subscription", "sharing your details with Acme Ltd". */
function purposeInWords(purpose: string, partnerNames: ReadonlyMap<number, string>): string {
  const family = familyOf(purpose);
  const id = Number(purpose.split(':')[1]);
  switch (family) {
    case 'general-subscription':
      return `the ${CONSENT_PURPOSES['general-subscription'].name}`;
    case 'feedback':
      return CONSENT_PURPOSES.feedback.name.toLowerCase();
    case 'partner':
      return `sharing your details with ${partnerNames.get(id) ?? 'a partner'}`;
    case 'stock-alert':
      return `a ${CONSENT_PURPOSES['stock-alert'].name.toLowerCase()}`;
    default:
      return purpose;
  }
}

const howInWords = (method: string) => (CONSENT_METHODS as Record<string, string>)[method] ?? method;

const publishedDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** The version of the privacy policy a choice was made under, with its date, linked to that version as it was published. */
function PolicyInForce({ version, publishedAt }: { version: string | null; publishedAt: string | undefined }) {
  if (!version) return null;
  return (
    <>
      {' '}
      Privacy policy in force:{' '}
      <a href={`/privacy/versions/${version}`}>
        version {version}
        {publishedAt ? `, of ${publishedDate.format(new Date(publishedAt))}` : ''}
      </a>
      .
    </>
  );
}

/**
 * One entry of the history, in words: what happened, how, the words shown and (unless `withPolicy`
 * is false, when the page links it) the policy in force.
 */
export function historyText(e: HistoryEntry, partnerNames: ReadonlyMap<number, string>, withPolicy = true): string {
  const what = purposeInWords(e.purpose, partnerNames);
  const how = howInWords(e.method);
  const policy = withPolicy && e.policy_version ? ` Privacy policy in force: version ${e.policy_version}.` : '';
  switch (e.action) {
    case 'given':
      return `You agreed to ${what}, ${how}.${e.wording ? ` The words you saw: “${e.wording}”` : ''}${policy}`;
    case 'withdrawn':
      // An alert that was sent, or ran out, ended by itself: only the other withdrawals are the person's.
      return e.method === 'sent' || e.method === 'expired'
        ? `Your consent to ${what} ended, ${how}.${policy}`
        : `You withdrew your consent to ${what}, ${how}.${policy}`;
    case 'shared':
      return `We shared your ${e.detail ?? 'details'} with ${partnerNames.get(Number(e.purpose.split(':')[1])) ?? 'a partner'}, as you agreed.`;
    case 'moved':
      return `Your choices moved to your new e-mail address, ${how}.`;
    default:
      return `${e.action}: ${what}, ${how}.`;
  }
}
