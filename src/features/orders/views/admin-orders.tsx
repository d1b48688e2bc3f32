import { buildQueryString } from '../../../http/query.js';
import { Money, Notice, Pagination, ResultsCount, RowLink } from '../../../http/views/components.js';
import { Csrf, FilterInput, FilterSelect } from '../../../http/views/form.js';
import type { AdminOrderListRow, ReconcileRow } from '../orders.admin.repository.js';
import { DELIVERY_OPTIONS, ORDER_STATUSES, type OrderStatus, STATUS_LABELS, isDeliveryMethod, isOrderStatus } from '../orders.domain.js';

/** Which list: customer service's order list, or fulfilment's packing list (no customer search). */
export type OrderListKind = 'orders' | 'dispatch';
export type SearchBy = 'number' | 'email' | 'surname';

export const SEARCH_BY_LABELS: Record<SearchBy, string> = { number: 'Order number', email: 'E-mail address', surname: 'Surname' };
/** The packing list shows only orders there is something to pack or post for; the empty choice is the queue. */
export const DISPATCH_STATUSES = ['paid', 'dispatched', 'delivered'] as const satisfies readonly OrderStatus[];

export interface OrderListQuery {
  q: string;
  by: SearchBy;
  status: string;
  from: string;
  to: string;
  page: number;
}

export function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

export function deliveryLabel(method: string): string {
  return isDeliveryMethod(method) ? DELIVERY_OPTIONS[method].label : method;
}

export function StatusTag({ status }: { status: string }) {
  return <span class={`status-tag status-${status}`}>{isOrderStatus(status) ? STATUS_LABELS[status] : status}</span>;
}

export function orderListHref(kind: OrderListKind, query: OrderListQuery, change: Partial<OrderListQuery> = {}): string {
  const q = { ...query, ...change };
  return `/admin/${kind}${buildQueryString({
    q: q.q,
    by: kind === 'orders' && q.by !== 'number' ? q.by : undefined,
    status: q.status,
    from: q.from,
    to: q.to,
    page: q.page > 1 ? q.page : undefined,
  })}`;
}

export function OrderListPage(props: {
  kind: OrderListKind;
  query: OrderListQuery;
  rows: AdminOrderListRow[];
  total: number;
  pages: number;
  error?: string;
}) {
  const { kind, query, rows, total, pages } = props;
  const packing = kind === 'dispatch';
  const filtered = query.q !== '' || query.status !== '' || query.from !== '' || query.to !== '';
  const detailHref = (n: string) => `/admin/${kind}/${n}`;
  return (
    <section>
      <div class="admin-head">
        <h1>{packing ? 'Dispatch' : 'Orders'}</h1>
      </div>
      <p class="form-note">
        {packing
          ? 'Paid orders to pack and post, the longest waiting first; choose a status to see those already sent. Opening one shows the delivery name and address, and is recorded in the audit trail.'
          : "The list shows no customer details. Opening an order shows them and is recorded in the audit trail, as is a search by a customer's e-mail address or surname."}
      </p>
      <form method="get" action={`/admin/${kind}`} class="filter-bar" role="search">
        <FilterInput label={packing ? 'Order number' : 'Search'} type="search" name="q" value={query.q} maxLength={100} />
        {!packing && (
          <FilterSelect
            label="Search by"
            name="by"
            value={query.by}
            options={(Object.keys(SEARCH_BY_LABELS) as SearchBy[]).map((b) => ({ value: b, label: SEARCH_BY_LABELS[b] }))}
          />
        )}
        <FilterSelect
          label="Status"
          name="status"
          value={query.status}
          options={
            packing
              ? [
                  { value: '', label: 'To dispatch' },
                  { value: 'dispatched', label: 'Dispatched' },
                  { value: 'delivered', label: 'Delivered' },
                ]
              : [{ value: '', label: 'Any status' }, ...ORDER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]
          }
        />
        <FilterInput label="Placed from" type="date" name="from" value={query.from} />
        <FilterInput label="to" type="date" name="to" value={query.to} />
        <button type="submit" class="button">
          Show
        </button>
        {filtered && <a href={`/admin/${kind}`}>Clear</a>}
      </form>
      {props.error ? (
        <Notice kind="error">
          <p>{props.error}</p>
        </Notice>
      ) : (
        <>
          <ResultsCount total={total} noun="order" page={query.page} pages={pages} />
          {rows.length === 0 ? (
            <Notice kind="info">
              {filtered
                ? 'No orders match. Check the number, or try another status or dates.'
                : packing
                  ? 'Nothing to dispatch: every paid order has been sent.'
                  : 'There are no orders yet.'}
            </Notice>
          ) : (
            <div class="table-scroll">
              <table class="admin-table">
                <caption class="visually-hidden">{packing ? 'Orders to pack and post' : 'Orders, newest first'}</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">{packing ? 'Paid' : 'Placed'}</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Items
                    </th>
                    {!packing && (
                      <th scope="col" class="num">
                        Total
                      </th>
                    )}
                    <th scope="col">Delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <RowLink href={detailHref(r.number)}>{r.number}</RowLink>
                      <td>{formatTime(packing ? r.paidAt : r.createdAt)}</td>
                      <td>
                        <StatusTag status={r.status} />
                        {r.stockShort && r.status === 'paid' && (
                          <>
                            {' '}
                            <span class="badge">Stock short</span>
                          </>
                        )}
                      </td>
                      <td class="num">{r.items}</td>
                      {!packing && (
                        <td class="num">
                          <Money pence={r.totalPence} />
                        </td>
                      )}
                      <td>{deliveryLabel(r.deliveryMethod)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination page={query.page} pages={pages} hrefFor={(page) => orderListHref(kind, query, { page })} />
        </>
      )}
    </section>
  );
}

function age(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours ${minutes % 60} minutes`;
  return `${Math.floor(hours / 24)} days`;
}

const ATTEMPT_LABELS: Record<string, string> = {
  pending: 'no result came back',
  superseded: 'replaced by a newer attempt',
  OK: 'paid',
  NOTAUTHED: 'declined',
  ABORT: 'abandoned',
  REJECTED: 'rejected',
  ERROR: 'error',
};

export function attemptLabel(status: string): string {
  return ATTEMPT_LABELS[status] ?? status;
}

export function ReconcilePage(props: {
  csrf: string;
  rows: ReconcileRow[];
  stockShort: { number: string; paidAt: string | null; totalPence: number }[];
  afterMinutes: number;
  now: Date;
  notice?: string;
}) {
  const { rows, now } = props;
  return (
    <section>
      <h1>Reconcile payments</h1>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <p class="form-note">
        Orders still awaiting payment {props.afterMinutes} minutes after their last payment attempt began, the longest waiting first. The
        customer may have paid and closed the window before Opayo sent them back. Look up each VendorTxCode in MyOpayo: if the payment went
        through, record its VPSTxId here and the order becomes paid; if it did not, cancel the order (unpaid orders are also cancelled
        automatically after 7 days).
      </p>
      {rows.length === 0 ? (
        <Notice kind="info">No orders to reconcile: every payment has come back.</Notice>
      ) : (
        <ul class="reconcile-list">
          {rows.map((r) => (
            <li key={r.number} class="admin-card">
              <div class="admin-head">
                <h2>
                  <a href={`/admin/orders/${r.number}`}>{r.number}</a>
                </h2>
                <span>
                  <Money pence={r.totalPence} /> · waiting {age(r.latestAttemptAt, now)}
                </span>
              </div>
              <dl class="facts">
                <dt>Placed</dt>
                <dd>{formatTime(r.createdAt)}</dd>
                <dt>{r.attempts.length === 1 ? 'VendorTxCode' : 'VendorTxCodes'}</dt>
                <dd>
                  <ul class="plain">
                    {r.attempts.map((a) => (
                      <li key={a.vendorTxCode}>
                        <code>{a.vendorTxCode}</code> — <Money pence={a.amountPence} />, began {formatTime(a.createdAt)},{' '}
                        {attemptLabel(a.status)}
                      </li>
                    ))}
                  </ul>
                </dd>
              </dl>
              <div class="action-pair">
                <form method="post" action={`/admin/orders/${r.number}/payment`} class="stacked-form" novalidate>
                  <Csrf token={props.csrf} />
                  <input type="hidden" name="from" value="reconcile" />
                  <label for={`vps-${r.number}`}>VPSTxId of the payment found in MyOpayo</label>
                  <p class="hint" id={`vps-${r.number}-hint`}>
                    Such as {'{2F8E7C6A-1B3D-4E5F-8A9B-0C1D2E3F4A5B}'}. The customer is sent their confirmation.
                  </p>
                  <input
                    id={`vps-${r.number}`}
                    name="vps_tx_id"
                    maxLength={40}
                    autocomplete="off"
                    aria-describedby={`vps-${r.number}-hint`}
                  />
                  <button type="submit" class="button button-primary button-small">
                    Record payment found
                  </button>
                </form>
                <form method="post" action={`/admin/orders/${r.number}/cancel`} class="stacked-form" novalidate>
                  <Csrf token={props.csrf} />
                  <input type="hidden" name="from" value="reconcile" />
                  <label for={`reason-${r.number}`}>Reason for cancelling (not sent to the customer)</label>
                  <p class="hint" id={`reason-${r.number}-hint`}>
                    Kept in the order history. The customer is e-mailed that the order is cancelled.
                  </p>
                  <input id={`reason-${r.number}`} name="reason" maxLength={200} aria-describedby={`reason-${r.number}-hint`} />
                  <button type="submit" class="button button-small">
                    Cancel the order
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>Paid, but the stock had gone</h2>
      {props.stockShort.length === 0 ? (
        <p>None.</p>
      ) : (
        <>
          <p class="form-note">
            These orders were paid after their reservation lapsed, and by then the stock had gone. Contact the customer: offer to wait for
            new stock, or cancel and refund.
          </p>
          <table class="admin-table">
            <caption class="visually-hidden">Paid orders short of stock</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Paid</th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {props.stockShort.map((s) => (
                <tr key={s.number}>
                  <th scope="row">
                    <a href={`/admin/orders/${s.number}`}>{s.number}</a> <span class="badge">Stock short</span>
                  </th>
                  <td>{formatTime(s.paidAt)}</td>
                  <td class="num">
                    <Money pence={s.totalPence} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
