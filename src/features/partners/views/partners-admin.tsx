import { Notice } from '../../../http/views/components.js';
import { ActionButton, Checkbox, Csrf, ErrorSummary, Field, FieldError, type FieldErrors, describedBy } from '../../../http/views/form.js';
import { REASON_MAX } from '../partners.export.js';
import { type Partner, type PartnerField, PARTNER_FIELDS, receivesInWords } from '../partners.service.js';

export interface PartnerFormValues {
  name: string;
  receives: string[];
  why: string;
  country: string;
  policyUrl: string;
}

export const emptyPartnerValues: PartnerFormValues = { name: '', receives: [], why: '', country: '', policyUrl: '' };

export function valuesOf(p: Partner): PartnerFormValues {
  return { name: p.name, receives: p.receives, why: p.why, country: p.country, policyUrl: p.policyUrl };
}

const day = (iso: string) => iso.slice(0, 10);

const NEVER_SOLD =
  'Nothing is ever sold. A partner receives only the details it is listed with, and only of the customers who ticked its own box in Account Home; each appears by name on the privacy page.';

export function PartnerListPage(props: { partners: Partner[]; canManage: boolean; notice?: string }) {
  const active = props.partners.filter((p) => p.retiredAt === null);
  const retired = props.partners.filter((p) => p.retiredAt !== null);
  return (
    <section>
      <div class="admin-head">
        <h1>Partners</h1>
        {props.canManage && (
          <a class="button button-primary" href="/admin/partners/new">
            Declare a partner
          </a>
        )}
      </div>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <p>
        The companies the shop may share customers' details with, each only with the customer's consent to that company by name.{' '}
        {NEVER_SOLD}
      </p>
      <PartnerTable caption="Partners in use" partners={active} />
      {active.length === 0 && <p>No partners are declared, so nothing is shared with anyone.</p>}
      {retired.length > 0 && (
        <>
          <h2>Retired</h2>
          <p>No longer offered to customers or exported to. The consents given to them stay in the consent ledger.</p>
          <PartnerTable caption="Retired partners" partners={retired} />
        </>
      )}
    </section>
  );
}

function PartnerTable({ caption, partners }: { caption: string; partners: Partner[] }) {
  if (partners.length === 0) return null;
  return (
    <table class="admin-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col">Would receive</th>
          <th scope="col">Country</th>
          <th scope="col">{partners[0]?.retiredAt ? 'Retired' : 'Declared'}</th>
        </tr>
      </thead>
      <tbody>
        {partners.map((p) => (
          <tr key={p.id}>
            <th scope="row">
              <a href={`/admin/partners/${p.id}`}>{p.name}</a>
            </th>
            <td>{receivesInWords(p)}</td>
            <td>{p.country}</td>
            <td>{day(p.retiredAt ?? p.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The fields of the partner form: for declaring one, and for correcting one (where `locked` fields cannot be added). */
function PartnerFields({ values, errors, locked }: { values: PartnerFormValues; errors: FieldErrors; locked?: string[] }) {
  return (
    <>
      <Field name="name" label="Company name" value={values.name} errors={errors} maxLength={120} autocomplete="off" />
      <fieldset
        class={`choice-group${errors.receives ? ' has-error' : ''}`}
        aria-describedby={describedBy('receives', errors.receives, 'hint')}
      >
        <legend>What it would receive</legend>
        <p class="hint" id="receives-hint">
          {locked
            ? 'People agreed to these fields only: you can remove one, not add one.'
            : 'Only what the partner needs. These are the fields the export can write; nothing else can be shared.'}
        </p>
        <div class="choice-grid">
          {(Object.keys(PARTNER_FIELDS) as PartnerField[]).map((f) => (
            <Checkbox
              key={f}
              id={`receives-${f}`}
              name="receives"
              value={f}
              label={PARTNER_FIELDS[f]}
              checked={values.receives.includes(f)}
            />
          ))}
        </div>
        <FieldError id="receives" error={errors.receives} />
      </fieldset>
      <Field
        name="why"
        label="Why it would receive them"
        hint={
          'Shown to customers beside the box they tick: "Share my … with [partner], [why]". For example: "to send you their catalogue by post".'
        }
        value={values.why}
        errors={errors}
        rows={3}
        maxLength={300}
      />
      <Field name="country" label="Country" value={values.country} errors={errors} maxLength={60} autocomplete="off" />
      <Field
        name="policyUrl"
        type="url"
        label="Its privacy policy"
        hint="The full address of the partner's own privacy policy, starting with https://"
        value={values.policyUrl}
        errors={errors}
        maxLength={500}
      />
    </>
  );
}

export function NewPartnerPage({ csrf, values, errors }: { csrf: string; values: PartnerFormValues; errors: FieldErrors }) {
  return (
    <section class="admin-card narrow">
      <h1>Declare a partner</h1>
      <p>
        Declaring a partner shares nothing. Customers are offered it as its own unticked box in Account Home, and it is named on the privacy
        page (which gets a new version). Only those who tick its box can be exported to it.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/partners" class="stacked-form" novalidate>
        <Csrf token={csrf} />
        <PartnerFields values={values} errors={errors} />
        <button type="submit" class="button button-primary">
          Declare partner
        </button>
      </form>
      <p>
        <a href="/admin/partners">← All partners</a>
      </p>
    </section>
  );
}

export interface PartnerPageState {
  notice?: string;
  edit?: { values: PartnerFormValues; errors: FieldErrors };
  exportError?: string;
  reason?: string;
}

export function PartnerPage(props: { partner: Partner; consenting: number; canManage: boolean; csrf: string; state: PartnerPageState }) {
  const { partner, state } = props;
  const errors = state.edit?.errors ?? {};
  return (
    <section class="admin-card">
      <h1>{partner.name}</h1>
      {state.notice && <Notice kind="success">{state.notice}</Notice>}
      <dl class="facts">
        <dt>Would receive</dt>
        <dd>{receivesInWords(partner)}</dd>
        <dt>Why</dt>
        <dd>{partner.why}</dd>
        <dt>Country</dt>
        <dd>{partner.country}</dd>
        <dt>Privacy policy</dt>
        <dd>
          <a href={partner.policyUrl} rel="noopener noreferrer">
            {partner.policyUrl}
          </a>
        </dd>
        <dt>Declared</dt>
        <dd>{day(partner.createdAt)}</dd>
        {partner.retiredAt && (
          <>
            <dt>Retired</dt>
            <dd>{day(partner.retiredAt)}: no longer offered or exported to; the consents given to it stay in the ledger.</dd>
          </>
        )}
        {!partner.retiredAt && (
          <>
            <dt>Customers who agreed</dt>
            <dd>{props.consenting}</dd>
          </>
        )}
      </dl>
      <p>{NEVER_SOLD}</p>

      {props.canManage && !partner.retiredAt && (
        <>
          <section aria-labelledby="export-heading">
            <h2 id="export-heading">Export for {partner.name}</h2>
            <p>
              A CSV file of the {props.consenting === 1 ? 'one customer' : `${props.consenting} customers`} who agree now to share their{' '}
              {receivesInWords(partner)} with {partner.name}, with only those columns. The export is recorded in the audit trail with your
              reason, and each customer's consent record says what was shared, with whom and when.
            </p>
            {state.exportError && <Notice kind="error">{state.exportError}</Notice>}
            <form method="post" action={`/admin/partners/${partner.id}/export`} class="stacked-form" novalidate>
              <Csrf token={props.csrf} />
              <Field
                name="reason"
                label="Reason for this export"
                hint="For example: the monthly catalogue mailing agreed with them."
                value={state.reason ?? ''}
                error={state.exportError && state.exportError.startsWith('Please') ? state.exportError : undefined}
                maxLength={REASON_MAX}
                autocomplete="off"
              />
              <button type="submit" class="button button-primary">
                Download the CSV file
              </button>
            </form>
          </section>

          <section aria-labelledby="edit-heading">
            <h2 id="edit-heading">Correct the details</h2>
            <p>
              Consents already given stay with this partner. To share more, or with another company, declare a new partner, so that
              customers are asked again.
            </p>
            <ErrorSummary errors={errors} />
            <form method="post" action={`/admin/partners/${partner.id}`} class="stacked-form" novalidate>
              <Csrf token={props.csrf} />
              <PartnerFields values={state.edit?.values ?? valuesOf(partner)} errors={errors} locked={partner.receives} />
              <button type="submit" class="button">
                Save changes
              </button>
            </form>
          </section>

          <section aria-labelledby="retire-heading">
            <h2 id="retire-heading">Retire</h2>
            <p>
              Stops offering {partner.name} to customers and exporting to it, and takes it off the privacy page. The consents given to it
              stay in the consent ledger.
            </p>
            <ActionButton
              action={`/admin/partners/${partner.id}/retire`}
              csrf={props.csrf}
              confirm={`Retire ${partner.name}? It can't be brought back: declare it again if needed.`}
              buttonClass="button"
            >
              Retire {partner.name}
            </ActionButton>
          </section>
        </>
      )}
      <p>
        <a href="/admin/partners">← All partners</a>
      </p>
    </section>
  );
}
