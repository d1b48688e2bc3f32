import { Money } from '../../../http/views/components.js';
import { vatIncluded } from '../../../shared/money.js';
import type { OrderLineRow, OrderRow } from '../orders.repository.js';
import { DELIVERY_OPTIONS, type DeliveryMethod, type Totals, isDeliveryMethod } from '../../orders/orders.domain.js';

export interface SummaryLine {
  name: string;
  detail: string;
  quantity: number;
  unitPence: number;
}

/** The lines and totals of a bag or an order, VAT included and shown. */
export function OrderSummary({
  lines,
  totals,
  deliveryMethod,
  heading = 'Order summary',
}: {
  lines: SummaryLine[];
  totals: Totals;
  deliveryMethod: DeliveryMethod | null;
  heading?: string;
}) {
  return (
    <section class="order-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{heading}</h2>
      <ul class="summary-lines">
        {lines.map((l) => (
          <li key={`${l.name}-${l.detail}`}>
            <span class="summary-item">
              <span class="summary-name">
                {l.quantity} × {l.name}
              </span>
              <span class="summary-detail">{l.detail}</span>
            </span>
            <span class="summary-price">
              <Money pence={l.unitPence * l.quantity} />
            </span>
          </li>
        ))}
      </ul>
      <TotalsList totals={totals} deliveryLabel={deliveryMethod ? DELIVERY_OPTIONS[deliveryMethod].label : 'Delivery'} />
    </section>
  );
}

/** Subtotal, delivery, total and the VAT it includes. */
export function TotalsList({ totals, deliveryLabel }: { totals: Totals; deliveryLabel: string }) {
  return (
    <dl class="totals">
      <dt>Subtotal</dt>
      <dd>
        <Money pence={totals.subtotalPence} />
      </dd>
      <dt>{deliveryLabel}</dt>
      <dd>{totals.deliveryPence === 0 ? 'Free' : <Money pence={totals.deliveryPence} />}</dd>
      <dt class="total">Total</dt>
      <dd class="total">
        <Money pence={totals.totalPence} />
      </dd>
      <dt class="vat">Includes VAT at 20 %</dt>
      <dd class="vat">
        <Money pence={totals.vatPence} />
      </dd>
    </dl>
  );
}

/** A placed order's summary, from its stored lines and totals (never today's prices). */
export function PlacedOrderSummary({ order, lines }: { order: OrderRow; lines: OrderLineRow[] }) {
  return (
    <OrderSummary
      heading="Your order"
      lines={lines.map((l) => ({ name: l.product_name, detail: l.variant_label, quantity: l.quantity, unitPence: l.unit_pence }))}
      totals={{
        subtotalPence: order.subtotal_pence,
        deliveryPence: order.delivery_pence,
        totalPence: order.total_pence,
        vatPence: vatIncluded(order.total_pence),
      }}
      deliveryMethod={isDeliveryMethod(order.delivery_method) ? order.delivery_method : null}
    />
  );
}
