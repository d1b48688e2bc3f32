import { Notice } from '../../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, Field, type FieldErrors, FilterSelect } from '../../../http/views/form.js';
import { whenText } from '../../customers/views/when.js';
import type { ResidueResult } from '../residue.service.js';
import {
  CHANNEL_TEXT,
  KIND_TEXT,
  MAX_EXTENSION_MONTHS,
  REQUEST_STATUSES,
  type RequestChannel,
  type RequestKind,
  type RequestStatus,
  STATUS_TEXT,
  acknowledgeByOf,
  dateForPeople,
  daysLeft,
  effectiveDue,
  isLive,
  urgencyOf,
} from '../requests.domain.js';
import type { RequestRow, RequestView } from '../requests.service.js';
import { KindQuestions, RadioGroup } from './request-pages.js';

const kindText = (k: string) => KIND_TEXT[k as RequestKind] ?? k;
const statusText = (s: string) => STATUS_TEXT[s as RequestStatus] ?? s;

function Urgency({ row, now }: { row: RequestRow; now: Date }) {
  if (!isLive(row.status)) return null;
  const u = urgencyOf(effectiveDue(row), now);
  if (u === 'overdue') return <span class="badge badge-danger">Overdue</span>;
  if (u === 'due-soon') return <span class="badge badge-warning">Due soon</span>;
  return null;
}

export function RequestListPage({ rows, status, now }: { rows: RequestRow[]; status: string; now: Date }) {
  return (
    <section>
      <h1>Privacy requests</h1>
      <p>
        Requests about people’s data, from the online form, Account Home, e-mail and post. The answer is due one calendar month after the
        person confirms; complaints are acknowledged within 30 days. Open requests come first, by the date due.
      </p>
      <p>
        <a class="button" href="/admin/privacy-requests/new">
          Record a request received by e-mail or post
        </a>
      </p>
      <form method="get" action="/admin/privacy-requests" class="filter-bar" role="search">
        <FilterSelect
          label="Status"
          name="status"
          value={status}
          options={[
            { value: '', label: 'All' },
            { value: 'live', label: 'Open (any)' },
            ...REQUEST_STATUSES.map((s) => ({ value: s, label: STATUS_TEXT[s] })),
          ]}
        />
        <button type="submit" class="button">
          Show
        </button>
      </form>
      <table class="admin-table">
        <caption class="visually-hidden">Privacy requests, open ones first by the date due</caption>
        <thead>
          <tr>
            <th scope="col">Reference</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Received</th>
            <th scope="col">Due</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const due = effectiveDue(r);
            return (
              <tr key={r.id}>
                <td>
                  <a href={`/admin/privacy-requests/${r.reference}`}>{r.reference}</a>
                </td>
                <td>{kindText(r.kind)}</td>
                <td>
                  {statusText(r.status)} <Urgency row={r} now={now} />
                </td>
                <td>{whenText(r.received_at)}</td>
                <td>{due ? dateForPeople(due) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <p>No privacy requests{status ? ' with this status' : ''}.</p>}
    </section>
  );
}

export interface IntakeValues {
  kind?: string;
  channel?: string;
  received?: string;
  email?: string;
  name?: string;
  details?: string;
  objections?: string[];
  identity?: string;
  identityNote?: string;
}

export function IntakePage({ csrf, values, errors }: { csrf: string; values: IntakeValues; errors: FieldErrors }) {
  return (
    <section class="admin-card">
      <h1>Record a privacy request</h1>
      <p>
        For a request received by e-mail or by post. The person’s identity is checked with the same confirmation e-mail as the online form,
        sent to the address on record: the one-month clock starts when they confirm. For a letter from someone with no e-mail address,
        record how you checked their identity by post; the clock starts now.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/privacy-requests/new" class="stacked-form" novalidate>
        <Csrf token={csrf} />
        <KindQuestions
          kindLegend="What does the person ask?"
          objectionLegend="For an objection: to what?"
          values={values}
          errors={errors}
        />
        <RadioGroup
          name="channel"
          legend="How did it come?"
          value={values.channel}
          error={errors.channel}
          options={[
            { value: 'email', label: 'By e-mail' },
            { value: 'post', label: 'By post' },
          ]}
        />
        <Field name="received" label="Date received (YYYY-MM-DD)" value={values.received} maxLength={10} errors={errors} required />
        <Field
          name="email"
          label="E-mail address on record"
          type="email"
          value={values.email}
          maxLength={254}
          errors={errors}
          hint="The address we hold for the person (their account or orders), not necessarily the one the request came from."
        />
        <Field name="name" label="Name" value={values.name} maxLength={100} errors={errors} optional />
        <Field name="details" label="What the request says" rows={5} value={values.details} maxLength={5000} errors={errors} />
        <RadioGroup
          name="identity"
          legend="Identity check"
          value={values.identity ?? 'email'}
          error={errors.identity}
          options={[
            { value: 'email', label: 'Send the confirmation e-mail to the address on record' },
            { value: 'post', label: 'Identity checked by post (a letter with no e-mail address)' },
          ]}
        />
        <Field
          name="identityNote"
          label="How the identity was checked by post"
          value={values.identityNote}
          maxLength={500}
          errors={errors}
          hint="For example: the letter matched the name and delivery address of an order. Name no one."
          optional
        />
        <button type="submit" class="button button-primary">
          Record the request
        </button>
      </form>
    </section>
  );
}

function ResidueView({ stored }: { stored: string | null }) {
  if (!stored) return null;
  let scan: ResidueResult | null = null;
  try {
    scan = (JSON.parse(stored) as { scan?: ResidueResult | null }).scan ?? null;
  } catch {
    scan = null;
  }
  if (!scan) return <p>The residue scan has not been run yet.</p>;
  return scan.clean ? (
    <Notice kind="success">
      Residue scan of {whenText(scan.scannedAt, true)}: clean — nothing of the person found in {scan.tables} tables, {scan.files} outbox
      files and {scan.logLines} log lines.
    </Notice>
  ) : (
    <div>
      <Notice kind="error">Residue scan of {whenText(scan.scannedAt, true)}: traces found.</Notice>
      <ul>
        {scan.hits.map((h, i) => (
          <li key={i}>
            {h.where}: {h.what} ({h.count})
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RequestDetailPage({ csrf, view, now, done }: { csrf: string; view: RequestView; now: Date; done?: string }) {
  const r = view.row;
  const base = `/admin/privacy-requests/${r.reference}`;
  const due = effectiveDue(r);
  const live = isLive(r.status);
  const left = due ? daysLeft(due, now) : null;
  return (
    <section class="admin-card">
      {done && <Notice kind="success">{done}</Notice>}
      <h1>
        Privacy request {r.reference} <Urgency row={r} now={now} />
      </h1>
      <dl class="facts">
        <dt>Kind</dt>
        <dd>{kindText(r.kind)}</dd>
        <dt>Status</dt>
        <dd>{statusText(r.status)}</dd>
        <dt>Came by</dt>
        <dd>{CHANNEL_TEXT[r.channel as RequestChannel] ?? r.channel}</dd>
        <dt>Received</dt>
        <dd>{whenText(r.received_at, true)}</dd>
        <dt>Confirmed</dt>
        <dd>{r.confirmed_at ? whenText(r.confirmed_at, true) : 'Not yet: the clock starts when the person confirms'}</dd>
        {due && (
          <>
            <dt>Due</dt>
            <dd>
              {dateForPeople(due)}
              {r.extended_due_at && r.due_at ? ` (extended from ${dateForPeople(r.due_at)}: ${r.extension_reason ?? ''})` : ''}
              {live && left !== null && (left >= 0 ? ` — ${left} day${left === 1 ? '' : 's'} left` : ` — ${-left} days overdue`)}
            </dd>
          </>
        )}
        {r.kind === 'complaint' && (
          <>
            <dt>Acknowledged</dt>
            <dd>
              {r.acknowledged_at
                ? whenText(r.acknowledged_at, true)
                : `Not yet — by ${dateForPeople(acknowledgeByOf(new Date(r.received_at)))}`}
            </dd>
          </>
        )}
        <dt>E-mail address</dt>
        <dd>{r.email ?? (r.minimised_at ? 'Emptied (the record keeps only a fingerprint)' : '—')}</dd>
        {r.name && (
          <>
            <dt>Name</dt>
            <dd>{r.name}</dd>
          </>
        )}
        <dt>Account</dt>
        <dd>{r.customer_id !== null ? `Customer #${r.customer_id}` : 'None linked'}</dd>
        {r.outcome && (
          <>
            <dt>Outcome</dt>
            <dd>{r.outcome}</dd>
          </>
        )}
      </dl>
      {r.details && (
        <div class="message-body">
          {r.details.split('\n').map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
      )}

      {live && (
        <section aria-labelledby="act">
          <h2 id="act">Act on it</h2>
          {r.kind === 'access' && (
            <ActionButton action={`${base}/answer`} csrf={csrf} buttonClass="button button-primary">
              Send the copy
            </ActionButton>
          )}
          {r.kind === 'erasure' && (
            <ActionButton
              action={`${base}/erase`}
              csrf={csrf}
              buttonClass="button button-primary"
              confirm="Erase this person everywhere now? This cannot be undone."
            >
              Erase now
            </ActionButton>
          )}
          {(r.kind === 'objection' || r.kind === 'restriction') && (
            <ActionButton action={`${base}/apply`} csrf={csrf} buttonClass="button button-primary">
              Apply
            </ActionButton>
          )}
          {r.kind === 'rectification' && (
            <p>
              <a class="button button-primary" href={`${base}/correction`}>
                Make the correction
              </a>
            </p>
          )}
          {r.kind === 'complaint' && !r.acknowledged_at && (
            <ActionButton action={`${base}/acknowledge`} csrf={csrf} buttonClass="button button-primary">
              Acknowledge
            </ActionButton>
          )}
          {(r.kind === 'rectification' || r.kind === 'complaint') && (
            <form method="post" action={`${base}/close`} class="stacked-form">
              <Csrf token={csrf} />
              <Field name="outcome" label="Outcome (name no one)" rows={3} maxLength={1000} required />
              <button type="submit" class="button">
                Close
              </button>
            </form>
          )}
          {!r.extended_due_at && (
            <form method="post" action={`${base}/extend`} class="stacked-form">
              <Csrf token={csrf} />
              <h3>Extend</h3>
              <p class="form-note">
                Only within the first month, by up to {MAX_EXTENSION_MONTHS} more months, when the request is complex or one of several. The
                person is e-mailed the reason.
              </p>
              <label for="months">By</label>
              <select id="months" name="months">
                <option value="1">One month</option>
                <option value="2">Two months</option>
              </select>
              <Field name="reason" label="Reason (the person is told it)" rows={2} maxLength={1000} required />
              <button type="submit" class="button">
                Extend
              </button>
            </form>
          )}
          <form method="post" action={`${base}/refuse`} class="stacked-form">
            <Csrf token={csrf} />
            <h3>Refuse</h3>
            <p class="form-note">
              Only when the request is manifestly unfounded or excessive. The person is told, and of their right to complain to the ICO.
            </p>
            <Field name="reason" id="refuse-reason" label="Reason (the person is told it)" rows={2} maxLength={1000} required />
            <button type="submit" class="button">
              Refuse
            </button>
          </form>
        </section>
      )}

      {r.kind === 'erasure' && !live && r.residue_scan && (
        <section aria-labelledby="residue">
          <h2 id="residue">Residue scan</h2>
          <ResidueView stored={r.residue_scan} />
          <ActionButton action={`${base}/residue-scan`} csrf={csrf} buttonClass="button">
            Run the residue scan
          </ActionButton>
        </section>
      )}

      <section aria-labelledby="steps">
        <h2 id="steps">Steps</h2>
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Step</th>
              <th scope="col">By</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {view.events.map((e) => (
              <tr key={e.id}>
                <td>{whenText(e.at, true)}</td>
                <td>{e.step}</td>
                <td>{e.actor}</td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <p>
        <a href="/admin/privacy-requests">← All privacy requests</a>
      </p>
    </section>
  );
}
