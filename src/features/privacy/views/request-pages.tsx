import type { ComponentChildren } from 'preact';
import { Breadcrumbs, ContinueShopping } from '../../../http/views/components.js';
import { RIGHTS } from '../rights.js';
import { Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import {
  ANSWER_LINK_DAYS,
  CONFIRMATION_HOURS,
  KIND_TEXT,
  OBJECTION_TARGETS,
  OBJECTION_TEXT,
  REQUEST_KINDS,
  dateForPeople,
} from '../requests.domain.js';

/** The public pages of a privacy request: the form, "check your e-mail", the confirmation and the links that failed. */

export function RadioGroup(props: {
  name: string;
  legend: string;
  options: { value: string; label: ComponentChildren }[];
  value: string | undefined;
  error?: string;
}) {
  const errorId = `${props.name}-error`;
  return (
    <fieldset
      class={['plain-fieldset', props.error ? 'has-error' : ''].filter(Boolean).join(' ')}
      aria-describedby={props.error ? errorId : undefined}
    >
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label class="check" for={`${props.name}-${o.value}`} key={o.value}>
          <input type="radio" id={`${props.name}-${o.value}`} name={props.name} value={o.value} checked={props.value === o.value} />
          {o.label}
        </label>
      ))}
      {props.error && (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

export function ObjectionBoxes({ chosen, error, legend }: { chosen: string[]; error?: string; legend: string }) {
  return (
    <fieldset
      class={['plain-fieldset', error ? 'has-error' : ''].filter(Boolean).join(' ')}
      aria-describedby={error ? 'objections-error' : undefined}
    >
      <legend>{legend}</legend>
      {OBJECTION_TARGETS.map((t) => (
        <label class="check" for={`objections-${t}`} key={t}>
          <input type="checkbox" id={`objections-${t}`} name="objections" value={t} checked={chosen.includes(t)} />
          {OBJECTION_TEXT[t]}
        </label>
      ))}
      {error && (
        <p class="field-error" id="objections-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** What every privacy request form asks first: the kind of request and, for an objection, what it objects to. */
export function KindQuestions(props: {
  kindLegend: string;
  objectionLegend: string;
  values: { kind?: string; objections?: string[] };
  errors: FieldErrors;
}) {
  return (
    <>
      <RadioGroup
        name="kind"
        legend={props.kindLegend}
        value={props.values.kind}
        error={props.errors.kind}
        options={REQUEST_KINDS.map((k) => ({ value: k, label: KIND_TEXT[k] }))}
      />
      <ObjectionBoxes legend={props.objectionLegend} chosen={props.values.objections ?? []} error={props.errors.objections} />
    </>
  );
}

export interface RequestFormValues {
  kind?: string;
  email?: string;
  name?: string;
  details?: string;
  objections?: string[];
}

export function RequestFormPage(props: {
  csrf: string;
  values: RequestFormValues;
  errors: FieldErrors;
  shopEmail: string;
  shopAddress: string;
}) {
  const { values, errors } = props;
  return (
    <div class="privacy-rights">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { href: '/privacy', label: 'Privacy' }, { label: 'Your privacy rights' }]} />
      <h1>Your privacy rights</h1>
      <p class="lead">
        You can ask us at any time, free of charge, and you do not need an account. We answer within one calendar month of your confirming
        the request.
      </p>
      <dl class="facts">
        {REQUEST_KINDS.map((k) => (
          <>
            <dt key={`t${k}`}>{KIND_TEXT[k]}</dt>
            <dd key={`d${k}`}>{RIGHTS.find((r) => r.kind === k)?.what}</dd>
          </>
        ))}
      </dl>
      <section aria-labelledby="ask">
        <h2 id="ask">Make a request</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/privacy/rights" class="stacked-form" novalidate>
          <Csrf token={props.csrf} />
          <KindQuestions
            kindLegend="What would you like us to do?"
            objectionLegend="If you object: what do you object to?"
            values={values}
            errors={errors}
          />
          <Field
            name="email"
            label="Your e-mail address"
            type="email"
            autocomplete="email"
            value={values.email}
            maxLength={254}
            errors={errors}
            hint="The address you used with us. We send a link to it to check that the request is really yours."
            required
          />
          <Field name="name" label="Your name" autocomplete="name" value={values.name} maxLength={100} errors={errors} optional />
          <Field
            name="details"
            label="Details"
            rows={6}
            value={values.details}
            maxLength={5000}
            errors={errors}
            hint="Needed for a correction (what is wrong and what it should say) or a complaint. Please don't include card details."
          />
          <button type="submit" class="button button-primary">
            Send my request
          </button>
        </form>
        <p class="form-note">
          You can also e-mail <a href={`mailto:${props.shopEmail}`}>{props.shopEmail}</a> or write to us at {props.shopAddress}. See our{' '}
          <a href="/privacy">privacy policy</a> for how long we keep the record of a request.
        </p>
      </section>
    </div>
  );
}

export function CheckYourEmailPage() {
  return (
    <section class="narrow">
      <h1>Check your e-mail</h1>
      <p class="lead">
        If the address is right, we have sent it an e-mail with a link. Open it and press Confirm: that is how we check the request is
        yours.
      </p>
      <p>
        The link works for {CONFIRMATION_HOURS} hours, and our one-month clock starts when you confirm. If nothing arrives within a few
        minutes, look in your junk mail folder.
      </p>
      <ContinueShopping />
    </section>
  );
}

export function ConfirmRequestPage({ csrf, token, reference, kind }: { csrf: string; token: string; reference: string; kind: string }) {
  return (
    <section class="narrow">
      <h1>Confirm your privacy request</h1>
      <p class="lead">
        Press Confirm to send us your request {reference} ({KIND_TEXT[kind as keyof typeof KIND_TEXT] ?? kind}).
      </p>
      <form method="post" action="/privacy/rights/confirm">
        <Csrf token={csrf} />
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="button button-primary">
          Confirm
        </button>
      </form>
      <p class="form-note">If you didn't ask for this, close the page: without confirmation nothing happens.</p>
    </section>
  );
}

export function RequestConfirmedPage({ reference, due }: { reference: string; due: string }) {
  return (
    <section class="narrow">
      <h1>Thank you — your request is confirmed</h1>
      <p class="lead">
        Your reference is <strong>{reference}</strong>. We will answer by <strong>{dateForPeople(due)}</strong> at the latest.
      </p>
      <p>If we need more time (a complex request), we will tell you within that month, and why.</p>
      <ContinueShopping />
    </section>
  );
}

export function LinkFailedPage({ expired, kind }: { expired: boolean; kind: 'confirm' | 'answer' }) {
  const life = kind === 'confirm' ? `${CONFIRMATION_HOURS} hours` : `${ANSWER_LINK_DAYS} days`;
  return (
    <section class="narrow">
      <h1>{expired ? 'That link has expired' : "We couldn't find that link"}</h1>
      <p class="lead">
        {expired
          ? `For your safety, these links work for ${life}, and this one is older.`
          : 'The link may have been used already, or copied only in part.'}{' '}
        {kind === 'confirm'
          ? 'You can make the request again with the form.'
          : 'Reply to our e-mail, or make a new request, and we will send you a fresh link.'}
      </p>
      <p>
        <a class="button" href="/privacy/rights">
          Your privacy rights
        </a>
      </p>
    </section>
  );
}
