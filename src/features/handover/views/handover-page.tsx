import { Notice } from '../../../http/views/components.js';
import { Checkbox, Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';

/** The back-office page of the whole-shop export and of the notice to customers. */

export interface NoticeDraft {
  newOwner: string;
  transferDate: string;
}

export function HandoverPage(props: {
  csrf: string;
  shopName: string;
  /** Whom the notice goes to: account holders, and guest buyers whose details are held (each once). */
  recipients: { accountHolders: number; guests: number };
  /** The last time the notice was sent, from the audit trail. */
  lastSent?: { at: string; reason: string; recipients: { accountHolders: number; guests: number } | null };
  whenText: (at: string) => string;
  /** Why a second send was refused. */
  againError?: string;
  sqlite: boolean;
  /** Whether the owner has two-factor sign-in set up (the export needs a code). */
  twoFactor: boolean;
  exportError?: { text: string };
  noticeErrors?: FieldErrors;
  draft?: NoticeDraft;
  preview?: { subject: string; text: string; guestText: string };
  sent?: number;
}) {
  const { csrf, draft, recipients, lastSent } = props;
  const everyone = recipients.accountHolders + recipients.guests;
  return (
    <section>
      <h1>Whole-shop export</h1>
      <p>
        One zip of everything the shop is, for a <strong>sale of the business</strong>: the catalogue (categories, collections, products,
        variants, stock, images), the customers' accounts and addresses, the orders with their lines, history and payment attempts, the
        consent ledger with the words each consent was asked with, the current consent state and the suppression list. Each table is there
        as JSON Lines (exact, for <code>npm run import-shop</code> in the new owner's shop) and as CSV (to read), with a{' '}
        <code>manifest.json</code> of every file's SHA-256 and a <code>README.txt</code> of what each file holds and the new owner's duties.
      </p>
      <p>
        Use it only at completion, to hand the shop to its new owner. Before completion the shop's advisors and prospective buyers get only
        what they need to judge the business — counts, totals, a sample without names and addresses — never this export.
      </p>
      <p>
        Not in it: passwords (their fingerprints), sessions and e-mailed links, which are keys to the accounts; staff accounts, the audit
        trail, e-mails, bags, enquiries, statistics and privacy requests, which are the old business's own records. The fingerprints in the
        consent records are keyed with the shop's SECRET_KEY: hand that over too, separately, or the suppression list cannot be matched.
      </p>
      {props.sqlite && (
        <p>
          Take it when the shop is quiet (for example after closing it for orders): on this database the export reads the tables one after
          another while the shop keeps running.
        </p>
      )}
      <h2>Take the export</h2>
      <p>Every export is recorded in the audit trail. Confirm it is you:</p>
      {!props.twoFactor && !props.exportError && (
        <Notice kind="info">
          Set up two-factor sign-in first (<a href="/admin/account/two-factor">Your account &gt; Two-factor sign-in</a>): the export needs
          your password and a current code.
        </Notice>
      )}
      {props.exportError && <Notice kind="error">{props.exportError.text}</Notice>}
      <form method="post" action="/admin/export">
        <Csrf token={csrf} />
        <Field name="password" label="Your password" type="password" autocomplete="current-password" required />
        <Field
          name="code"
          label="A current code from your authenticator app"
          autocomplete="one-time-code"
          inputMode="numeric"
          maxLength={12}
          required
        />
        <button type="submit">Download the whole-shop export</button>
      </form>

      <h2 id="notice">Tell the customers</h2>
      <p>
        A service e-mail saying the business is changing hands, who the new owner is, from when, and what that means for their data: to
        every account holder ({recipients.accountHolders}) and to every guest buyer whose details the export holds ({recipients.guests},
        each address once; not those whose order details were removed at the end of their keeping period, nor those with an account, who get
        the account holders' e-mail). Fill it in and preview it first. It is sent once: sending it again needs you to say so.
      </p>
      {props.sent !== undefined && <Notice kind="success">The notice is queued to {props.sent} people.</Notice>}
      {lastSent && (
        <Notice kind="info">
          Last sent on {props.whenText(lastSent.at)}
          {lastSent.recipients &&
            ` to ${lastSent.recipients.accountHolders + lastSent.recipients.guests} people (${lastSent.recipients.accountHolders} account holders, ${lastSent.recipients.guests} guest buyers)`}
          : {lastSent.reason}.
        </Notice>
      )}
      {props.againError && <Notice kind="error">{props.againError}</Notice>}
      {props.noticeErrors && <ErrorSummary errors={props.noticeErrors} />}
      <form method="post" action="/admin/export/notice">
        <Csrf token={csrf} />
        <Field name="newOwner" label="The new owner's name" value={draft?.newOwner} errors={props.noticeErrors} maxLength={200} required />
        <Field
          name="transferDate"
          label="The date the business changes hands"
          hint="As YYYY-MM-DD, for example 2027-01-31."
          value={draft?.transferDate}
          errors={props.noticeErrors}
          required
        />
        <button type="submit">Preview the e-mail</button>
      </form>
      {props.preview && draft && (
        <>
          <h3>Preview</h3>
          <p>
            <strong>Subject:</strong> {props.preview.subject}
          </p>
          <p>To the account holders ({recipients.accountHolders}):</p>
          <pre class="mail-preview">{props.preview.text}</pre>
          <p>To the guest buyers ({recipients.guests}), who have no account:</p>
          <pre class="mail-preview">{props.preview.guestText}</pre>
          <form method="post" action="/admin/export/notice/send">
            <Csrf token={csrf} />
            <input type="hidden" name="newOwner" value={draft.newOwner} />
            <input type="hidden" name="transferDate" value={draft.transferDate} />
            {lastSent && (
              <Checkbox name="again" label="Send it again: I know it has been sent already and mean everyone to get it a second time" />
            )}
            <button type="submit">
              Send it to {everyone} people ({recipients.accountHolders} account holders, {recipients.guests} guest buyers)
            </button>
          </form>
        </>
      )}
    </section>
  );
}
