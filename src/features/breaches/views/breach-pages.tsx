import { type ComponentChildren, Fragment } from 'preact';
import { Notice, Pagination, ResultsCount, RowLink } from '../../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import { CATEGORY_TEXT } from '../../privacy/inventory.js';
import { RadioGroup } from '../../privacy/views/request-pages.js';
import {
  type BreachClock,
  type BreachFormInput,
  DATA_CATEGORIES,
  RISKS,
  RISK_TEXT,
  categoriesOf,
  clockText,
  momentText,
  riskLabel,
} from '../breaches.domain.js';
import type { ReportSection } from '../breaches.report.js';
import type { AwaitingReport, BreachListRow, BreachPersonRow, BreachView } from '../breaches.service.js';

/** Text typed over several lines, shown with its line breaks. */
function Lines({ text, empty = '—' }: { text: string | null; empty?: string }) {
  if (!text || text.trim() === '') return <>{empty}</>;
  return (
    <>
      {text.split('\n').map((line, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {line}
        </span>
      ))}
    </>
  );
}

/** The clock in words; overdue in the warning colour. */
export function ClockLine({ clock }: { clock: BreachClock }) {
  if (clock.kind === 'overdue') return <strong class="breach-overdue">{clockText(clock)}</strong>;
  if (clock.kind === 'due') return <strong>{clockText(clock)}</strong>;
  return <>{clockText(clock)}</>;
}

// ——— The register ———

export function RegisterPage(props: {
  rows: (BreachListRow & { clock: BreachClock })[];
  total: number;
  page: number;
  pages: number;
  done?: string;
}) {
  return (
    <section>
      <h1>Breach register</h1>
      <p>
        Every suspected personal-data breach, reported or not (UK GDPR Art. 33(5)), newest first. A breach that is likely to put people at
        risk is reported to the ICO within 72 hours of discovery; one that puts them at high risk is also told to the people affected.
      </p>
      {props.done && <Notice kind="success">{props.done}</Notice>}
      <p>
        <a class="button" href="/admin/breaches/new">
          Record a suspected breach
        </a>
      </p>
      <ResultsCount total={props.total} noun="breach" page={props.page} pages={props.pages} />
      <table class="admin-table">
        <caption class="visually-hidden">The breach register, newest discovery first</caption>
        <thead>
          <tr>
            <th scope="col">Breach</th>
            <th scope="col">Discovered</th>
            <th scope="col">Risk</th>
            <th scope="col">Status</th>
            <th scope="col">Report to the ICO</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.id}>
              <RowLink href={`/admin/breaches/${r.id}`}>
                #{r.id} {r.title}
              </RowLink>
              <td>{momentText(r.discovered_at)}</td>
              <td>{riskLabel(r.risk)}</td>
              <td>{r.closed_at ? `Closed ${momentText(r.closed_at)}` : 'Open'}</td>
              <td>
                <ClockLine clock={r.clock} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 && <p>No breach has been recorded.</p>}
      <Pagination page={props.page} pages={props.pages} hrefFor={(n) => `/admin/breaches?page=${n}`} />
    </section>
  );
}

// ——— Recording and editing ———

function CategoryBoxes({ chosen, error }: { chosen: string[]; error?: string }) {
  return (
    <fieldset
      class={['plain-fieldset', error ? 'has-error' : ''].filter(Boolean).join(' ')}
      aria-describedby={error ? 'categories-error' : undefined}
    >
      <legend>Kinds of personal data affected</legend>
      {DATA_CATEGORIES.map((c) => (
        <label class="check" for={`categories-${c}`} key={c}>
          <input type="checkbox" id={`categories-${c}`} name="categories" value={c} checked={chosen.includes(c)} />
          {CATEGORY_TEXT[c]}
        </label>
      ))}
      {error && (
        <p class="field-error" id="categories-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function RiskChoice({ value, error }: { value: string; error?: string }) {
  return (
    <RadioGroup
      name="risk"
      legend="Risk to the people affected"
      value={value}
      error={error}
      options={RISKS.map((r) => ({
        value: r,
        label: (
          <span>
            <strong>{RISK_TEXT[r].label}</strong> — {RISK_TEXT[r].explanation}
          </span>
        ),
      }))}
    />
  );
}

export function BreachFormPage(props: { csrf: string; values: BreachFormInput; errors: FieldErrors; editing: number | null }) {
  const { values: v, errors } = props;
  const action = props.editing === null ? '/admin/breaches/new' : `/admin/breaches/${props.editing}/edit`;
  return (
    <section class="admin-card">
      <h1>{props.editing === null ? 'Record a suspected breach' : `Change breach #${props.editing}`}</h1>
      <p>
        Record it as soon as you suspect it, even before you know everything: the 72 hours to report to the ICO run from when it was
        discovered. You can change the record and add actions as you learn more.
      </p>
      <Notice kind="info">
        Describe people in words (“customers who ordered on 1 March”): do not type names, e-mail addresses or other personal details into
        these descriptions. The people to tell are listed separately, on the breach’s page.
      </Notice>
      <ErrorSummary errors={errors} />
      <form method="post" action={action} class="stacked-form" novalidate>
        <Csrf token={props.csrf} />
        <Field
          name="title"
          label="Title"
          value={v.title}
          maxLength={200}
          errors={errors}
          hint="A few words, such as “Order list e-mailed to the wrong supplier”."
          required
        />
        <Field
          name="what_happened"
          label="What happened"
          rows={5}
          value={v.what_happened}
          maxLength={5000}
          errors={errors}
          hint="What happened, how it was found out and by whom (by role)."
          required
        />
        <Field
          type="datetime-local"
          name="occurred_at"
          label="When it happened"
          value={v.occurred_at}
          errors={errors}
          optional
          hint="UK time, if known."
        />
        <Field
          type="datetime-local"
          name="discovered_at"
          label="When it was discovered"
          value={v.discovered_at}
          errors={errors}
          hint="UK time. When the shop became aware of it: the 72 hours run from here. Not in the future."
        />
        <CategoryBoxes chosen={v.categories} error={errors.categories} />
        <Field
          name="data_affected"
          label="The data affected, in words"
          rows={3}
          value={v.data_affected}
          maxLength={2000}
          errors={errors}
          hint="Such as “names, delivery addresses and the pieces ordered; no payment details”."
          required
        />
        <Field
          name="people_affected"
          label="Who is affected, in words"
          rows={3}
          value={v.people_affected}
          maxLength={2000}
          errors={errors}
          hint="Such as “customers who ordered between 1 and 3 March”."
          required
        />
        <Field
          name="people_count"
          label="How many people (roughly)"
          value={v.people_count}
          maxLength={12}
          inputMode="numeric"
          errors={errors}
          optional
          hint="Leave blank if not known yet."
        />
        <RiskChoice value={v.risk} error={errors.risk} />
        <Field
          name="risk_assessment"
          label="Risk assessment"
          rows={4}
          value={v.risk_assessment}
          maxLength={5000}
          errors={errors}
          hint="What could happen to the people affected (fraud, distress, loss of confidentiality) and how likely it is. Needed once the risk is assessed."
          optional
        />
        <Field
          name="actions"
          label="Actions taken"
          rows={4}
          value={v.actions}
          maxLength={10000}
          errors={errors}
          hint="What has been done to contain it and to stop it happening again, and what is planned."
          optional
        />
        <button type="submit" class="button button-primary">
          {props.editing === null ? 'Record the breach' : 'Save the changes'}
        </button>
      </form>
      {props.editing !== null && (
        <p>
          <a href={`/admin/breaches/${props.editing}`}>← Back to the breach</a>
        </p>
      )}
    </section>
  );
}

// ——— One breach ———

/** A staff member the record names by number, by name while they are on the staff list. */
export const staffName = (view: BreachView, id: number | null) => (id !== null && view.staffNames.get(id)) || `staff member #${id}`;

function Step({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="admin-card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function BreachPage(props: {
  csrf: string;
  view: BreachView;
  now: Date;
  notice?: { kind: 'success' | 'error'; text: string };
  errors: FieldErrors;
  values: Record<string, string>;
}) {
  const { row: b, people, clock } = props.view;
  const id = b.id;
  const open = !b.closed_at;
  const late = clock.kind === 'overdue';
  const categories = categoriesOf(b.categories).map((c) => CATEGORY_TEXT[c]);
  const { csrf, errors, values } = props;
  return (
    <section>
      <h1>
        Breach #{id}: {b.title}
      </h1>
      {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      <p>
        <ClockLine clock={clock} />
      </p>
      <section class="admin-card">
        <h2>The record</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{b.closed_at ? `Closed on ${momentText(b.closed_at)}` : 'Open'}</dd>
          <dt>What happened</dt>
          <dd>
            <Lines text={b.what_happened} />
          </dd>
          <dt>When it happened</dt>
          <dd>{b.occurred_at ? momentText(b.occurred_at) : 'Not known'}</dd>
          <dt>Discovered</dt>
          <dd>{momentText(b.discovered_at)}</dd>
          <dt>Recorded</dt>
          <dd>
            {momentText(b.recorded_at)} by {staffName(props.view, b.recorded_by)}
          </dd>
          <dt>Kinds of data</dt>
          <dd>{categories.join(', ') || '—'}</dd>
          <dt>Data affected</dt>
          <dd>
            <Lines text={b.data_affected} />
          </dd>
          <dt>Who is affected</dt>
          <dd>
            <Lines text={b.people_affected} />
            {b.people_count !== null && ` (about ${b.people_count.toLocaleString('en-GB')})`}
          </dd>
          <dt>Risk</dt>
          <dd>{riskLabel(b.risk)}</dd>
          <dt>Risk assessment</dt>
          <dd>
            <Lines text={b.risk_assessment} empty="Not assessed yet" />
          </dd>
          <dt>Actions taken</dt>
          <dd>
            <Lines text={b.actions} empty="None recorded" />
          </dd>
        </dl>
        <p>
          {open && <a href={`/admin/breaches/${id}/edit`}>Change the record</a>} ·{' '}
          <a href={`/admin/breaches/${id}/report`}>Draft of the ICO report</a>
        </p>
        {open && (
          <form method="post" action={`/admin/breaches/${id}/actions`} class="stacked-form" novalidate>
            <Csrf token={csrf} />
            <Field
              name="new_action"
              label="Add an action taken"
              value={values.new_action}
              maxLength={1000}
              errors={errors}
              hint="Dated as you add it."
            />
            <button type="submit" class="button">
              Add the action
            </button>
          </form>
        )}
      </section>

      <Step title="Report to the ICO">
        {b.reported_at ? (
          <dl class="facts">
            <dt>Reported</dt>
            <dd>{momentText(b.reported_at)}</dd>
            <dt>ICO reference</dt>
            <dd>{b.ico_reference}</dd>
            {b.late_reason && (
              <>
                <dt>Why after 72 hours</dt>
                <dd>
                  <Lines text={b.late_reason} />
                </dd>
              </>
            )}
          </dl>
        ) : (
          open && (
            <div class="action-pair">
              <form method="post" action={`/admin/breaches/${id}/report`} class="stacked-form" novalidate>
                <Csrf token={csrf} />
                <h3>Record the report</h3>
                <p class="hint">
                  Report on the ICO’s website or by phone (0303 123 1113), using the <a href={`/admin/breaches/${id}/report`}>draft</a>.
                </p>
                <Field
                  type="datetime-local"
                  name="reported_at"
                  label="When it was reported"
                  value={values.reported_at ?? ''}
                  errors={errors}
                  hint="UK time; blank for now."
                  optional
                />
                <Field
                  name="ico_reference"
                  label="The ICO’s reference"
                  value={values.ico_reference}
                  maxLength={50}
                  errors={errors}
                  required
                />
                <Field
                  name="late_reason"
                  label="Why the report is after 72 hours"
                  rows={3}
                  value={values.late_reason}
                  maxLength={2000}
                  errors={errors}
                  optional={!late}
                  hint="Required when the report is made more than 72 hours after discovery."
                />
                <button type="submit" class="button button-primary">
                  Record the report
                </button>
              </form>
              {b.not_reported_reason ? (
                <div>
                  <h3>Not reported</h3>
                  <p>
                    <Lines text={b.not_reported_reason} />
                  </p>
                </div>
              ) : b.risk === 'unlikely' ? (
                <form method="post" action={`/admin/breaches/${id}/not-reported`} class="stacked-form" novalidate>
                  <Csrf token={csrf} />
                  <h3>Decide not to report</h3>
                  <p class="hint">Only for a breach unlikely to result in a risk to people. It stays in the register with the reason.</p>
                  <Field
                    name="not_reported_reason"
                    label="Why it is not reported"
                    rows={3}
                    value={values.not_reported_reason}
                    maxLength={2000}
                    errors={errors}
                  />
                  <button type="submit" class="button">
                    Record the decision
                  </button>
                </form>
              ) : (
                <div>
                  <h3>Not reporting</h3>
                  <p class="hint">
                    A breach goes unreported only when it is assessed as unlikely to result in a risk to people: change the risk first if
                    that is so.
                  </p>
                </div>
              )}
            </div>
          )
        )}
        {b.reported_at && b.not_reported_reason && (
          <p>
            Earlier decision not to report: <Lines text={b.not_reported_reason} />
          </p>
        )}
        {!open && !b.reported_at && b.not_reported_reason && (
          <p>
            Not reported: <Lines text={b.not_reported_reason} />
          </p>
        )}
      </Step>

      <Step title="Telling the people affected">
        <p>
          {b.risk === 'high'
            ? 'The risk is high: the people affected must be told without undue delay (Art. 34), unless one of the exceptions of Art. 34(3) applies.'
            : 'Needed when the risk is high; you may also tell people at a lower risk.'}
        </p>
        <p>
          {people.listed === 0
            ? 'No one is listed yet.'
            : `${people.listed.toLocaleString('en-GB')} listed, ${people.told.toLocaleString('en-GB')} told.`}{' '}
          {people.listed > 0 && <a href={`/admin/breaches/${id}/people`}>See who is listed</a>}
        </p>
        {b.people_told_at && <p>First told on {momentText(b.people_told_at)}.</p>}
        {b.people_not_told_reason && (
          <p>
            Not told: <Lines text={b.people_not_told_reason} />
          </p>
        )}
        <p>
          Notice:{' '}
          {!b.notice_body
            ? 'not written yet'
            : b.notice_reviewed_at
              ? `reviewed on ${momentText(b.notice_reviewed_at)} by ${staffName(props.view, b.notice_reviewed_by)}`
              : 'written, not reviewed'}
          . {open && <a href={`/admin/breaches/${id}/notice`}>{b.notice_body ? 'Change the notice' : 'Write the notice'}</a>}
          {b.notice_body && (
            <>
              {' '}
              · <a href={`/admin/breaches/${id}/notice/preview`}>Preview and review it</a>
            </>
          )}
        </p>
        {open && (
          <div class="action-pair">
            <form method="post" action={`/admin/breaches/${id}/people`} class="stacked-form" novalidate>
              <Csrf token={csrf} />
              <Field
                name="emails"
                label="Add people: their e-mail addresses, one per line"
                rows={6}
                value={values.emails}
                errors={errors}
                hint="Each is listed once, whatever its capitals; each is matched to its account if it has one."
              />
              <button type="submit" class="button">
                Add them
              </button>
            </form>
            {!b.people_told_at && !b.people_not_told_reason && (
              <form method="post" action={`/admin/breaches/${id}/not-told`} class="stacked-form" novalidate>
                <Csrf token={csrf} />
                <Field
                  name="not_told_reason"
                  label="Why the people affected are not being told"
                  rows={3}
                  value={values.not_told_reason}
                  maxLength={2000}
                  errors={errors}
                  hint="Art. 34(3): the data was protected (encrypted), later measures remove the high risk, or telling each would take disproportionate effort (then say how the public is told)."
                />
                <button type="submit" class="button">
                  Record the reason
                </button>
              </form>
            )}
          </div>
        )}
        {open && b.notice_reviewed_at && people.listed > people.told && (
          <ActionButton
            action={`/admin/breaches/${id}/notice/send`}
            csrf={csrf}
            buttonClass="button button-primary"
            confirm="Send the notice to everyone not told yet?"
          >
            Send the reviewed notice to {(people.listed - people.told).toLocaleString('en-GB')}{' '}
            {people.listed - people.told === 1 ? 'person' : 'people'}
          </ActionButton>
        )}
      </Step>

      {open && (
        <Step title="Close the breach">
          <p>
            Closing needs the report to the ICO or the reason for not reporting, and for a high risk the people told or the reason they are
            not.
          </p>
          <ActionButton
            action={`/admin/breaches/${id}/close`}
            csrf={csrf}
            buttonClass="button"
            confirm="Close this breach? Its record can no longer be changed."
          >
            Close the breach
          </ActionButton>
        </Step>
      )}
      <p>
        <a href="/admin/breaches">← The breach register</a>
      </p>
    </section>
  );
}

// ——— The people and the notice ———

export function PeoplePage(props: {
  csrf: string;
  id: number;
  title: string;
  people: BreachPersonRow[];
  /** Whether the breach is open: only then can a person not yet told be removed. */
  open: boolean;
  notice?: { kind: 'success' | 'error'; text: string };
}) {
  const { id, people } = props;
  const told = people.filter((p) => p.told_at).length;
  return (
    <section class="admin-card">
      <h1>People affected by breach #{id}</h1>
      <p>{props.title}. Opening this list is recorded in the audit trail.</p>
      {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      <p>
        {people.length === 0
          ? 'No one is listed.'
          : `${people.length.toLocaleString('en-GB')} listed, ${told.toLocaleString('en-GB')} told.`}
        {props.open && people.length > told && ' Someone listed by mistake can be removed until they are told.'}
      </p>
      {people.length > 0 && (
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">E-mail address</th>
              <th scope="col">Account</th>
              <th scope="col">Told</th>
              {props.open && <th scope="col">Remove</th>}
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.email}>
                <td>{p.email}</td>
                <td>{p.customer_id === null ? 'No account' : `#${p.customer_id}`}</td>
                <td>{p.told_at ? momentText(p.told_at) : 'Not yet'}</td>
                {props.open && (
                  <td>
                    {p.told_at ? (
                      'Told: kept'
                    ) : (
                      <ActionButton
                        action={`/admin/breaches/${id}/people/remove`}
                        csrf={props.csrf}
                        fields={{ email: p.email }}
                        confirm="Remove this address from the people affected?"
                        ariaLabel={`Remove ${p.email}`}
                      >
                        Remove
                      </ActionButton>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={`/admin/breaches/${id}`}>← Back to the breach</a>
      </p>
    </section>
  );
}

export function NoticeFormPage(props: {
  csrf: string;
  id: number;
  values: { subject: string; body: string };
  errors: FieldErrors;
  reviewed: boolean;
}) {
  return (
    <section class="admin-card">
      <h1>The notice to the people affected by breach #{props.id}</h1>
      <p>
        In clear and plain words (Art. 34(2)): what happened, the likely consequences, what the shop is doing, what people can do to protect
        themselves, and whom to contact. Each person is sent it as it is written here, by e-mail.
      </p>
      {props.reviewed && (
        <Notice kind="info">
          The notice has been reviewed. Saving a change clears the review: it must be reviewed again before it is sent.
        </Notice>
      )}
      <ErrorSummary errors={props.errors} />
      <form method="post" action={`/admin/breaches/${props.id}/notice`} class="stacked-form" novalidate>
        <Csrf token={props.csrf} />
        <Field name="subject" label="Subject" value={props.values.subject} maxLength={200} errors={props.errors} required />
        <Field
          name="body"
          label="The notice"
          rows={18}
          value={props.values.body}
          maxLength={20000}
          errors={props.errors}
          hint="A blank line starts a new paragraph. Complete every part marked “[To complete: …]”."
          required
        />
        <button type="submit" class="button button-primary">
          Save the notice
        </button>
      </form>
      <p>
        <a href={`/admin/breaches/${props.id}`}>← Back to the breach</a>
      </p>
    </section>
  );
}

export function NoticePreviewPage(props: {
  csrf: string;
  id: number;
  subject: string;
  text: string;
  reviewed: string | null;
  open: boolean;
  done?: string;
}) {
  return (
    <section>
      <h1>Preview: the notice of breach #{props.id}</h1>
      {props.done && <Notice kind="success">{props.done}</Notice>}
      <p>Exactly the e-mail each person is sent, as its plain text and as it looks in a mail program.</p>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>{props.subject}</dd>
      </dl>
      <pre class="campaign-text">{props.text}</pre>
      <iframe
        class="campaign-preview"
        sandbox=""
        src={`/admin/breaches/${props.id}/notice/preview.html`}
        title="The e-mail as the people affected will see it"
      />
      {props.reviewed ? (
        <p>Reviewed on {props.reviewed}.</p>
      ) : (
        props.open && (
          <ActionButton action={`/admin/breaches/${props.id}/notice/review`} csrf={props.csrf} buttonClass="button button-primary">
            I have read it: mark the notice reviewed
          </ActionButton>
        )
      )}
      <p>
        <a href={`/admin/breaches/${props.id}/notice`}>Change the notice</a> ·{' '}
        <a href={`/admin/breaches/${props.id}`}>Back to the breach</a>
      </p>
    </section>
  );
}

// ——— The ICO draft ———

export function ReportDraftPage({ id, sections }: { id: number; sections: ReportSection[] }) {
  return (
    <section class="breach-report">
      <h1>Draft report to the ICO: breach #{id}</h1>
      <p class="breach-report-help">
        In the order of the ICO’s personal data breach form. Copy it into the form at ico.org.uk, or read from it on the phone (0303 123
        1113). <a href={`/admin/breaches/${id}/report.txt`}>Download as plain text</a> ·{' '}
        <a href={`/admin/breaches/${id}`}>Back to the breach</a>
      </p>
      {sections.map((s) => (
        <section key={s.heading} class="admin-card">
          <h2>{s.heading}</h2>
          <dl class="facts">
            {s.answers.map((a) => (
              <Fragment key={a.label}>
                <dt>{a.label}</dt>
                <dd>
                  <Lines text={a.text} />
                </dd>
              </Fragment>
            ))}
          </dl>
        </section>
      ))}
    </section>
  );
}

// ——— The dashboard's panel ———

/** Open breaches needing a report (or a decision not to report), the most urgent first, with their time left. */
export function BreachesPanel({ awaiting, more }: { awaiting: AwaitingReport[]; more: boolean }) {
  return (
    <li class="stat-attention breaches-panel">
      <span class="figure">
        {awaiting.length}
        {more ? '+' : ''}
      </span>{' '}
      {awaiting.length === 1 && !more ? 'breach needs' : 'breaches need'} a report to the ICO or a decision not to report
      {more && ' (the most urgent shown here)'}
      {awaiting.map((a) => (
        <small key={a.id}>
          <br />
          <a href={`/admin/breaches/${a.id}`}>
            #{a.id} {a.title}
          </a>
          : <ClockLine clock={a.clock} />
        </small>
      ))}
      <br />
      <a href="/admin/breaches">Breach register</a>
    </li>
  );
}
