import { Notice } from '../../../http/views/components.js';
import { ActionButton, Csrf, ErrorSummary, type FieldErrors } from '../../../http/views/form.js';
import { NameFields, PhoneField, PostalFields } from '../../../http/views/person-fields.js';
import type { Correction } from '../rectification.service.js';

/** Which form was sent back with problems, with what was typed. */
export interface CorrectionForm {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const STATUS_TEXT: Record<string, string> = {
  awaiting_payment: 'Awaiting payment',
  paid: 'Paid, not yet dispatched',
  dispatched: 'Dispatched, not yet delivered',
};

export function CorrectionPage(props: { correction: Correction; csrf: string; notice?: string; sent?: CorrectionForm }) {
  const { request, customer, addresses, openOrders, partners, corrections } = props.correction;
  const base = `/admin/privacy-requests/${request.reference}/correction`;
  const sent = (form: string) => (props.sent?.form === form ? props.sent : undefined);
  const details = sent('details');
  return (
    <section>
      <p>
        <a href={`/admin/privacy-requests/${request.reference}`}>← Request {request.reference}</a>
      </p>
      <h1>Correct the data of request {request.reference}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.sent && <ErrorSummary errors={props.sent.errors} />}
      {request.details && (
        <div class="admin-card">
          <h2>What the person asks to correct</h2>
          <div class="message-body">
            {request.details.split('\n').map((line, i) => (
              <p key={i}>{line}</p>
            ))}
          </div>
        </div>
      )}
      {!customer ? (
        <p>
          There is no account for this request's address. Details given with orders placed as a guest are corrected on each order; nothing
          else here holds them.
        </p>
      ) : (
        <>
          <div class="admin-card">
            <h2>Account details</h2>
            <dl class="facts">
              <dt>Name</dt>
              <dd>
                {customer.first_name} {customer.surname}
              </dd>
              <dt>Phone</dt>
              <dd>{customer.phone}</dd>
              <dt>E-mail</dt>
              <dd>{customer.email}</dd>
            </dl>
            <p class="hint">
              An e-mail address is corrected by the person in Account Home, because the new address has to be confirmed from its inbox.
            </p>
            <form method="post" action={`${base}/details`} novalidate>
              <Csrf token={props.csrf} />
              <NameFields
                values={details?.values ?? { first_name: customer.first_name, surname: customer.surname }}
                errors={details?.errors ?? {}}
              />
              <PhoneField values={details?.values ?? { phone: customer.phone }} errors={details?.errors ?? {}} />
              <button type="submit" class="button">
                Save the corrected details
              </button>
            </form>
          </div>

          <div class="admin-card">
            <h2>Addresses</h2>
            {addresses.length === 0 && <p>The address book is empty.</p>}
            {addresses.map((a) => {
              const form = sent(`address-${a.id}`);
              const values = form?.values ?? {
                first_name: a.first_name,
                surname: a.surname,
                line1: a.line1,
                line2: a.line2 ?? '',
                city: a.city,
                postcode: a.postcode,
              };
              return (
                <form key={a.id} method="post" action={`${base}/addresses/${a.id}`} novalidate class="admin-subform">
                  <h3>
                    {a.line1}, {a.city} {a.postcode}
                    {a.is_default === 1 ? ' (default)' : ''}
                  </h3>
                  <Csrf token={props.csrf} />
                  <NameFields values={values} errors={form?.errors ?? {}} prefix="" />
                  <PostalFields values={values} errors={form?.errors ?? {}} />
                  <button type="submit" class="button">
                    Save the corrected address
                  </button>
                </form>
              );
            })}
          </div>

          <div class="admin-card">
            <h2>Orders not yet finished</h2>
            {openOrders.length === 0 ? (
              <p>None: every order of this account is delivered, cancelled or refunded.</p>
            ) : (
              <>
                <p>A correction to the address of an order still on its way is made on the order itself.</p>
                <ul>
                  {openOrders.map((o) => (
                    <li key={o.number}>
                      <a href={`/admin/orders/${o.number}`}>{o.number}</a> — {STATUS_TEXT[o.status] ?? o.status}, placed{' '}
                      {when(o.created_at)}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </>
      )}

      <div class="admin-card">
        <h2>Partners to tell</h2>
        {partners.length === 0 ? (
          <p>No partner received this person's data, so there is nobody to tell.</p>
        ) : (
          <>
            <p>
              A task for staff: the law asks that a correction is passed on to everyone who received the data. Tell each partner below what
              was corrected, then note it here.
            </p>
            <table class="admin-table">
              <caption class="visually-hidden">Partners who received this person's data</caption>
              <thead>
                <tr>
                  <th scope="col">Partner</th>
                  <th scope="col">Last received the data</th>
                  <th scope="col">Told of the correction</th>
                </tr>
              </thead>
              <tbody>
                {partners.map((p) => (
                  <tr key={p.id}>
                    <td>{p.name}</td>
                    <td>{when(p.lastSharedAt)}</td>
                    <td>
                      {p.toldAt ? (
                        `Told ${when(p.toldAt)}`
                      ) : (
                        <ActionButton action={`${base}/partners/${p.id}/told`} csrf={props.csrf} ariaLabel={`Told ${p.name}`}>
                          Told them
                        </ActionButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>

      {corrections.length > 0 && (
        <div class="admin-card">
          <h2>Corrections made</h2>
          <ul>
            {corrections.map((c, i) => (
              <li key={i}>
                {when(c.at)}: {c.note}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
