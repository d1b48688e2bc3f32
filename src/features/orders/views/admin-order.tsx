import type { ComponentChildren } from 'preact';
import { Money, Notice } from '../../../http/views/components.js';
import { formatPence, vatIncluded } from '../../../shared/money.js';
import { Csrf, ErrorSummary, Field, type FieldErrors } from '../../../http/views/form.js';
import type { AdminOrderDetail } from '../orders.admin.repository.js';
import { ORDER_DETAILS_DAYS } from '../orders.domain.js';
import type { OrderRow } from '../orders.repository.js';
import { StatusTag, attemptLabel, deliveryLabel, formatTime } from './admin-orders.js';

/**
 * One order in the back office. 'full' is customer service's view; 'packing' is fulfilment's,
 * with only what it takes to pack and post: the lines, the delivery name and address, the gift
 * message and the delivery method. What each view shows is listed once, in fieldsShown, and the
 * same list is written to the audit trail when the page is opened.
 */
export type OrderScope = 'full' | 'packing';
export type OrderAction = 'dispatch' | 'delivered' | 'cancel' | 'refund' | 'payment';

export interface OrderFormState {
  action: OrderAction;
  values: Record<string, string>;
  errors: FieldErrors;
}

const CUSTOMER_FIELDS = ['first_name', 'surname', 'email', 'phone', 'billing_line1', 'billing_line2', 'billing_city', 'billing_postcode'];
const DELIVERY_FIELDS = [
  'delivery_first_name',
  'delivery_surname',
  'delivery_line1',
  'delivery_line2',
  'delivery_city',
  'delivery_postcode',
];

/** A packing view shows the address only while there is a parcel to send or to trace. */
function packingShowsAddress(status: string): boolean {
  return status === 'paid' || status === 'dispatched' || status === 'delivered';
}

/** The personal columns a view of this order shows: the page renders these and the audit entry lists them. */
export function fieldsShown(order: OrderRow, scope: OrderScope): string[] {
  const gift = order.gift_message ? ['gift_message'] : [];
  if (scope === 'full') return [...CUSTOMER_FIELDS, ...DELIVERY_FIELDS, ...gift];
  return packingShowsAddress(order.status) ? [...DELIVERY_FIELDS, ...gift] : [];
}

const EVENT_LABELS: Record<string, string> = {
  placed: 'Placed',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  payment_retry: 'New payment attempt',
  reservation_released: 'Stock released',
  cancelled: 'Cancelled',
  dispatched: 'Dispatched',
  delivered: 'Delivered',
  refund: 'Refund recorded',
};

function Lines({ lines }: { lines: ComponentChildren[] }) {
  return (
    <>
      {lines
        .filter((l) => l !== null && l !== '')
        .map((l, i) => (
          <span key={i} class="address-line">
            {l}
          </span>
        ))}
    </>
  );
}

export function OrderPage(props: {
  detail: AdminOrderDetail;
  scope: OrderScope;
  csrf: string;
  canFulfil: boolean;
  canManage: boolean;
  canViewFull: boolean;
  notice?: string;
  refusal?: string;
  form?: OrderFormState;
}) {
  const { detail, scope } = props;
  const o = detail.order;
  const shown = new Set(fieldsShown(o, scope));
  const full = scope === 'full';
  const from = full ? 'orders' : 'dispatch';
  const formFor = (action: OrderAction) => (props.form?.action === action ? props.form : undefined);
  const left = o.total_pence - o.refunded_pence;
  const errors = props.form?.errors ?? {};

  return (
    <section>
      <div class="admin-head">
        <h1>
          {full ? 'Order' : 'Packing'} {o.number} <StatusTag status={o.status} />
        </h1>
        <div class="row-actions">
          {full && props.canFulfil && (
            <a class="button button-small" href={`/admin/dispatch/${o.number}`}>
              Packing view
            </a>
          )}
          {!full && props.canViewFull && (
            <a class="button button-small" href={`/admin/orders/${o.number}`}>
              Full order
            </a>
          )}
        </div>
      </div>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.refusal && (
        <Notice kind="error">
          <p>{props.refusal}</p>
        </Notice>
      )}
      <ErrorSummary errors={errors} />
      {o.stock_short === 1 && o.status === 'paid' && (
        <Notice kind="error">
          <p>
            This order was paid after its reservation lapsed, and the stock had gone by then.{' '}
            {full
              ? 'Contact the customer: offer to wait for new stock, or cancel and refund.'
              : "Don't pack it yet: customer service will contact the customer."}
          </p>
        </Notice>
      )}
      {!full && !packingShowsAddress(o.status) && (
        <Notice kind="info">
          {o.status === 'awaiting_payment'
            ? 'This order has not been paid, so there is nothing to pack yet.'
            : 'This order was cancelled or refunded: do not send it.'}
        </Notice>
      )}

      {o.anonymised_at && (
        <Notice kind="info">
          <p>
            The buyer's names, addresses and contact details were removed on {formatTime(o.anonymised_at)}, as the privacy policy says (
            {ORDER_DETAILS_DAYS} days after a finished order's last step, or at the buyer's request). What is left is the order's tax
            record.
          </p>
        </Notice>
      )}
      <div class="order-grid">
        {full && !o.anonymised_at && (
          <section class="admin-card" aria-labelledby="customer-heading">
            <h2 id="customer-heading">Customer</h2>
            <dl class="facts">
              <dt>Name</dt>
              <dd>
                {o.first_name} {o.surname}
              </dd>
              <dt>E-mail</dt>
              <dd>
                <a href={`mailto:${o.email}`}>{o.email}</a>
              </dd>
              <dt>Phone</dt>
              <dd>
                <a href={`tel:${o.phone.replace(/\s/g, '')}`}>{o.phone}</a>
              </dd>
              <dt>Billing address</dt>
              <dd>
                <Lines lines={[o.billing_line1, o.billing_line2, o.billing_city, o.billing_postcode]} />
              </dd>
            </dl>
          </section>
        )}
        <section class="admin-card" aria-labelledby="delivery-heading">
          <h2 id="delivery-heading">Delivery</h2>
          <dl class="facts">
            {shown.has('delivery_line1') && !o.anonymised_at && (
              <>
                <dt>Deliver to</dt>
                <dd class="address">
                  <Lines
                    lines={[
                      `${o.delivery_first_name} ${o.delivery_surname}`,
                      o.delivery_line1,
                      o.delivery_line2,
                      o.delivery_city,
                      o.delivery_postcode,
                    ]}
                  />
                </dd>
              </>
            )}
            <dt>Method</dt>
            <dd>{deliveryLabel(o.delivery_method)}</dd>
            {shown.has('gift_message') && (
              <>
                <dt>Gift message</dt>
                <dd>
                  <blockquote class="gift-message">{o.gift_message}</blockquote>
                </dd>
              </>
            )}
            {o.tracking_number && (
              <>
                <dt>Tracking number</dt>
                <dd>
                  <code>{o.tracking_number}</code>
                </dd>
              </>
            )}
          </dl>
        </section>
        <section class="admin-card" aria-labelledby="dates-heading">
          <h2 id="dates-heading">Dates</h2>
          <dl class="facts">
            <dt>Placed</dt>
            <dd>{formatTime(o.created_at)}</dd>
            <dt>Paid</dt>
            <dd>{formatTime(o.paid_at)}</dd>
            <dt>Dispatched</dt>
            <dd>{formatTime(o.dispatched_at)}</dd>
            <dt>Delivered</dt>
            <dd>{formatTime(o.delivered_at)}</dd>
            {o.cancelled_at && (
              <>
                <dt>Cancelled</dt>
                <dd>{formatTime(o.cancelled_at)}</dd>
              </>
            )}
          </dl>
        </section>
      </div>

      <h2>Items</h2>
      <div class="table-scroll">
        <table class="admin-table">
          <caption class="visually-hidden">The pieces in order {o.number}</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                Qty
              </th>
              <th scope="col">Piece</th>
              <th scope="col">SKU</th>
              {full && (
                <>
                  <th scope="col" class="num">
                    Each
                  </th>
                  <th scope="col" class="num">
                    Line total
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {detail.lines.map((l) => (
              <tr key={l.id}>
                <td class="num">{l.quantity}</td>
                <th scope="row">
                  {l.product_name}
                  <br />
                  <small>{l.variant_label}</small>
                </th>
                <td>
                  <code>{l.sku}</code>
                </td>
                {full && (
                  <>
                    <td class="num">
                      <Money pence={l.unit_pence} />
                    </td>
                    <td class="num">
                      <Money pence={l.unit_pence * l.quantity} />
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
          {full && (
            <tfoot>
              <tr>
                <th scope="row" colSpan={4} class="num">
                  Subtotal
                </th>
                <td class="num">
                  <Money pence={o.subtotal_pence} />
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={4} class="num">
                  {deliveryLabel(o.delivery_method)}
                </th>
                <td class="num">{o.delivery_pence === 0 ? 'Free' : <Money pence={o.delivery_pence} />}</td>
              </tr>
              <tr class="total-row">
                <th scope="row" colSpan={4} class="num">
                  Total
                </th>
                <td class="num">
                  <Money pence={o.total_pence} />
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={4} class="num">
                  Includes VAT at 20 %
                </th>
                <td class="num">
                  <Money pence={vatIncluded(o.total_pence)} />
                </td>
              </tr>
              {o.refunded_pence > 0 && (
                <tr>
                  <th scope="row" colSpan={4} class="num">
                    Refunded
                  </th>
                  <td class="num">
                    −<Money pence={o.refunded_pence} />
                  </td>
                </tr>
              )}
            </tfoot>
          )}
        </table>
      </div>

      <ActionForms {...props} from={from} left={left} formFor={formFor} />

      {full && (
        <>
          <h2>Payment attempts</h2>
          <p class="form-note">What Opayo reported for each attempt. Card details never reach the shop.</p>
          <div class="table-scroll">
            <table class="admin-table">
              <caption class="visually-hidden">Payment attempts for order {o.number}, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">VendorTxCode</th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                  <th scope="col">Began</th>
                  <th scope="col">Result</th>
                  <th scope="col">VPSTxId</th>
                  <th scope="col">Opayo's detail</th>
                </tr>
              </thead>
              <tbody>
                {detail.attempts.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      <code>{a.vendor_tx_code}</code>
                    </th>
                    <td class="num">
                      <Money pence={a.amount_pence} />
                    </td>
                    <td>{formatTime(a.created_at)}</td>
                    <td>
                      {a.status} <small>({attemptLabel(a.status)})</small>
                      {a.result_at && (
                        <>
                          <br />
                          <small>{formatTime(a.result_at)}</small>
                        </>
                      )}
                    </td>
                    <td>{a.vps_tx_id ? <code>{a.vps_tx_id}</code> : '—'}</td>
                    <td>
                      {a.status_detail ?? '—'}
                      {a.tx_auth_no && (
                        <>
                          <br />
                          <small>Authorisation {a.tx_auth_no}</small>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>History</h2>
          <div class="table-scroll">
            <table class="admin-table">
              <caption class="visually-hidden">What happened to order {o.number}, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Detail</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {detail.events.map((e) => (
                  <tr key={e.id}>
                    <td>{formatTime(e.at)}</td>
                    <th scope="row">{EVENT_LABELS[e.kind] ?? e.kind}</th>
                    <td>{e.detail}</td>
                    <td>{e.staffName ?? 'The shop'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        <a href={full ? '/admin/orders' : '/admin/dispatch'}>← {full ? 'All orders' : 'Dispatch list'}</a>
      </p>
    </section>
  );
}

function ActionForms(props: {
  detail: AdminOrderDetail;
  scope: OrderScope;
  csrf: string;
  canFulfil: boolean;
  canManage: boolean;
  from: string;
  left: number;
  formFor: (a: OrderAction) => OrderFormState | undefined;
}) {
  const o = props.detail.order;
  const full = props.scope === 'full';
  const manage = full && props.canManage;
  const dispatch = props.canFulfil && o.status === 'paid';
  const delivered = props.canFulfil && o.status === 'dispatched';
  const payment = manage && o.status === 'awaiting_payment';
  const cancel = manage && (o.status === 'awaiting_payment' || o.status === 'paid');
  const refund = manage && o.paid_at !== null && props.left > 0 && o.status !== 'awaiting_payment';
  if (!dispatch && !delivered && !payment && !cancel && !refund) return null;
  /** A field's name, with what its action's form last held and what was wrong with it. */
  const held = (a: OrderAction, name: string) => ({ name, value: props.formFor(a)?.values[name], errors: props.formFor(a)?.errors });
  const post = { csrf: props.csrf, from: props.from };
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">What to do next</h2>
      <div class="order-grid">
        {dispatch && (
          <ActionForm {...post} action={`/admin/dispatch/${o.number}/dispatch`} title="Mark dispatched" button="Mark dispatched" primary>
            <Field
              {...held('dispatch', 'tracking')}
              label="Tracking number"
              hint="From the Royal Mail label, such as AB123456789GB. The customer is e-mailed with it."
              maxLength={40}
              autocomplete="off"
            />
          </ActionForm>
        )}
        {delivered && (
          <ActionForm {...post} action={`/admin/dispatch/${o.number}/delivered`} title="Mark delivered" button="Mark delivered" primary>
            <p class="hint">When Royal Mail tracking shows the parcel delivered. The customer is not e-mailed.</p>
          </ActionForm>
        )}
        {payment && (
          <ActionForm
            {...post}
            action={`/admin/orders/${o.number}/payment`}
            title="Record payment found in MyOpayo"
            button="Record payment"
            primary
          >
            <Field
              {...held('payment', 'vps_tx_id')}
              label="VPSTxId"
              hint="Copy it from the transaction in MyOpayo, such as {2F8E7C6A-1B3D-4E5F-8A9B-0C1D2E3F4A5B}. The order becomes paid and the customer is sent their confirmation."
              maxLength={40}
              autocomplete="off"
            />
          </ActionForm>
        )}
        {refund && (
          <ActionForm {...post} action={`/admin/orders/${o.number}/refund`} title="Record a refund made in MyOpayo" button="Record refund">
            <Field
              {...held('refund', 'amount')}
              label="Amount refunded, in pounds"
              hint={`Make the refund in MyOpayo first, then record it here. Up to ${formatPence(props.left)} is left to refund.`}
              inputMode="decimal"
              maxLength={12}
              autocomplete="off"
            />
            <Field
              {...held('refund', 'note')}
              label="Note (optional)"
              hint="Kept in the order's history for staff. Please leave out personal details."
              maxLength={200}
            />
          </ActionForm>
        )}
        {cancel && (
          <ActionForm {...post} action={`/admin/orders/${o.number}/cancel`} title="Cancel the order" button="Cancel the order">
            <Field
              {...held('cancel', 'reason')}
              label="Reason"
              hint={`Kept in the order's history for staff; not sent to the customer. The stock goes back on sale and the customer is e-mailed${o.paid_at ? ' that their payment will be refunded: make the refund in MyOpayo and record it here' : ''}.`}
              maxLength={200}
            />
          </ActionForm>
        )}
      </div>
    </section>
  );
}

/**
 * One card under "What to do next". Every action posts the CSRF token and which view the form
 * was on ('orders' or 'dispatch'), so a refused action is shown again on that same view.
 */
function ActionForm(props: {
  action: string;
  title: string;
  button: string;
  csrf: string;
  from: string;
  /** The usual next step; money-moving and destructive actions (refund, cancel) stay plain. */
  primary?: boolean;
  children: ComponentChildren;
}) {
  return (
    <form method="post" action={props.action} class="admin-card stacked-form" novalidate>
      <h3>{props.title}</h3>
      <Csrf token={props.csrf} />
      <input type="hidden" name="from" value={props.from} />
      {props.children}
      <button type="submit" class={props.primary ? 'button button-primary' : 'button'}>
        {props.button}
      </button>
    </form>
  );
}
