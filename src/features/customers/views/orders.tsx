import { Money, Notice } from '../../../http/views/components.js';
import { DELIVERY_OPTIONS, STATUS_LABELS, isDeliveryMethod, isOrderStatus } from '../../orders/orders.domain.js';
import type { CustomerOrderListRow, OrderLineRow, OrderRow } from '../../orders/orders.service.js';
import { PlacedOrderSummary } from '../../orders/views/summary.js';
import { AddressLines } from './addresses.js';
import { When } from './when.js';

export function OrderStatus({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{isOrderStatus(status) ? STATUS_LABELS[status] : status}</span>;
}

export function OrdersList({ orders, email }: { orders: CustomerOrderListRow[]; email: string }) {
  if (orders.length === 0) {
    return (
      <>
        <p class="lead">You have no orders on your account yet.</p>
        <p>
          Orders you place while signed in appear here. So do orders placed as a guest with {email}: they join your account once that
          address is confirmed.
        </p>
        <p>
          <a class="button button-primary" href="/">
            Start shopping
          </a>
        </p>
      </>
    );
  }
  return (
    <>
      <p class="lead">Every order on your account, newest first, including guest orders placed with your confirmed e-mail address.</p>
      <div class="table-scroll">
        <table class="data-table">
          <caption class="visually-hidden">Your orders</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
              <th scope="col">Tracking</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.number}>
                <th scope="row">
                  <a href={`/account/orders/${o.number}`}>{o.number}</a>
                </th>
                <td>
                  <When iso={o.created_at} />
                </td>
                <td>
                  <OrderStatus status={o.status} />
                </td>
                <td>
                  <Money pence={o.total_pence} />
                </td>
                <td>{o.tracking_number ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function OrderDetail({ order, lines, payHref }: { order: OrderRow; lines: OrderLineRow[]; payHref: string | null }) {
  const method = isDeliveryMethod(order.delivery_method) ? order.delivery_method : null;
  return (
    <>
      <p class="eyebrow">
        Placed <When iso={order.created_at} time /> · <OrderStatus status={order.status} />
      </p>
      {payHref && (
        <Notice kind="info">
          <p>This order is waiting for payment.</p>
          <p>
            <a class="button button-primary" href={payHref}>
              Pay for this order
            </a>
          </p>
        </Notice>
      )}
      <div class="checkout-layout">
        <div class="order-main">
          <section aria-labelledby="progress-heading">
            <h2 id="progress-heading">Progress</h2>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <OrderStatus status={order.status} />
              </dd>
              {order.paid_at && (
                <>
                  <dt>Paid</dt>
                  <dd>
                    <When iso={order.paid_at} time />
                  </dd>
                </>
              )}
              {order.dispatched_at && (
                <>
                  <dt>Dispatched</dt>
                  <dd>
                    <When iso={order.dispatched_at} time />
                  </dd>
                </>
              )}
              {order.delivered_at && (
                <>
                  <dt>Delivered</dt>
                  <dd>
                    <When iso={order.delivered_at} time />
                  </dd>
                </>
              )}
              {order.cancelled_at && (
                <>
                  <dt>Cancelled</dt>
                  <dd>
                    <When iso={order.cancelled_at} time />
                  </dd>
                </>
              )}
              <dt>Delivery</dt>
              <dd>{method ? DELIVERY_OPTIONS[method].label : order.delivery_method}</dd>
              <dt>Tracking number</dt>
              <dd>{order.tracking_number ? <strong>{order.tracking_number}</strong> : 'Not dispatched yet'}</dd>
              {order.refunded_pence > 0 && (
                <>
                  <dt>Refunded</dt>
                  <dd>
                    <Money pence={order.refunded_pence} />
                  </dd>
                </>
              )}
            </dl>
          </section>
          {order.anonymised_at ? (
            <section aria-labelledby="deliver-heading" class="order-addresses">
              <h2 id="deliver-heading">Your details</h2>
              <p>
                Removed on <When iso={order.anonymised_at} />, as our privacy policy says: we keep your name, addresses and contact details
                only while an order can still be delivered, returned or disputed. What is left is the record of the sale the law asks us to
                keep.
              </p>
            </section>
          ) : (
            <>
              <section aria-labelledby="deliver-heading" class="order-addresses">
                <h2 id="deliver-heading">Delivering to</h2>
                <AddressLines
                  address={{
                    first_name: order.delivery_first_name,
                    surname: order.delivery_surname,
                    line1: order.delivery_line1,
                    line2: order.delivery_line2,
                    city: order.delivery_city,
                    postcode: order.delivery_postcode,
                  }}
                />
                {order.gift_message && (
                  <p>
                    Gift message: <q>{order.gift_message}</q>
                  </p>
                )}
              </section>
              <section aria-labelledby="billing-heading" class="order-addresses">
                <h2 id="billing-heading">Billing</h2>
                <AddressLines
                  address={{
                    first_name: order.first_name,
                    surname: order.surname,
                    line1: order.billing_line1,
                    line2: order.billing_line2,
                    city: order.billing_city,
                    postcode: order.billing_postcode,
                  }}
                />
                <p>
                  {order.email} · {order.phone}
                </p>
              </section>
            </>
          )}
          <p class="form-note">
            Questions about this order? <a href="/contact">Contact us</a> quoting {order.number}.
          </p>
          <p>
            <a href="/account/orders">← All your orders</a>
          </p>
        </div>
        <PlacedOrderSummary order={order} lines={lines} />
      </div>
    </>
  );
}
