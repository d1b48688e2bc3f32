import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { privatePage } from '../../http/render.js';
import { notFound } from '../../http/errors.js';
import { Breadcrumbs, Notice } from '../../http/views/components.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { type GatewayForm, gatewayFormFor } from '../payments/payments.service.js';
import { PayWithOpayo } from '../payments/views/pay-form.js';
import { DELIVERY_OPTIONS, type DeliveryMethod, STATUS_LABELS, isDeliveryMethod, isOrderNumber, isOrderStatus } from './orders.domain.js';
import { orderLinks } from './orders.links.js';
import { type OrderLineRow, type OrderRow, findLatestAttempt, findOrderByNumber, findOrderLines } from './orders.repository.js';
import { startNewAttempt } from './orders.service.js';
import { PlacedOrderSummary } from './views/summary.js';
import { checkoutStep, nextTurn } from '../checkout/checkout.turns.js';

// Built once: a zod object schema compiles its parser on first use.
const orderQuery = z.object({ key: singleText, result: singleText });
const retryForm = z.object({ key: singleText });

/** What the customer is told after each Opayo status: plain words, and what to do next. */
const RESULT_MESSAGES: Record<string, { kind: 'error' | 'info'; text: string }> = {
  NOTAUTHED: {
    kind: 'error',
    text: 'Your bank declined the payment, and no money has been taken. You can try again — with another card if you like.',
  },
  ABORT: { kind: 'info', text: 'The payment was cancelled, and no money has been taken. Your order is saved: pay whenever you are ready.' },
  REJECTED: {
    kind: 'error',
    text: "The payment didn't pass the card security checks — usually the billing address or the 3-digit security code didn't match your card. No money has been taken. Please check them and try again.",
  },
  ERROR: { kind: 'error', text: 'The payment service had a problem, and no money has been taken. Please try again in a few minutes.' },
  LIMIT: {
    kind: 'error',
    text: 'There are already several unpaid orders from your network or e-mail address holding pieces, so this one cannot hold its pieces again just now. Nothing has been taken. Please pay for one of those first, or try again in 30 minutes, when pieces that have not been paid for go back on sale.',
  },
  STOCK: {
    kind: 'error',
    text: 'Sorry — while the payment was being made, a piece in this order sold out, so it cannot be paid for now. Nothing has been taken. Please start again from your bag.',
  },
};

/**
 * The order's own page (reached by its keyed link), where a guest pays, tries again after a
 * decline and follows the order afterwards. Paying itself (the crypt sent to Opayo and the
 * addresses Opayo sends the browser back to) is the payments feature's.
 */
export async function ordersRoutes(app: FastifyInstance): Promise<void> {
  const links = orderLinks(app.config);

  async function loadOrder(number: string, key: unknown): Promise<OrderRow> {
    const order = isOrderNumber(number) && links.keyMatches(number, key) ? await findOrderByNumber(app.db, number) : null;
    // One answer for an unknown order and a wrong key, so order numbers cannot be probed.
    if (!order) throw notFound("We couldn't find that order. Please use the link in your order e-mail.");
    return order;
  }

  app.get<{ Params: { number: string } }>('/orders/:number', checkoutStep, async (req, reply) => {
    await nextTurn();
    const q = parseInput(orderQuery, req.query);
    const order = await loadOrder(req.params.number, q.key);
    const [lines, attempt] = await Promise.all([findOrderLines(app.db, order.id), findLatestAttempt(app.db, order.id)]);
    await nextTurn();
    privatePage(reply);
    const payable = order.status === 'awaiting_payment' && order.stock_reserved === 1 && attempt?.status === 'pending';
    return reply.page(
      { title: `Order ${order.number}`, noindex: true },
      <OrderPage
        order={order}
        lines={lines}
        pathKey={links.path(order.number)}
        gateway={payable && attempt ? gatewayFormFor(order, attempt, app.config) : null}
        result={q.result && RESULT_MESSAGES[q.result] ? q.result : null}
      />,
    );
  });

  app.post<{ Params: { number: string } }>(
    '/orders/:number/retry',
    { config: { csrf: 'origin', rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 3, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      const body = parseInput(retryForm, req.body);
      const order = await loadOrder(req.params.number, body.key);
      const retried = await startNewAttempt(app.db, order.id, app.clock(), app.config.orders.unpaidPerBuyer);
      if (!retried.ok && retried.reason === 'stock') return reply.redirect(links.path(order.number, '&result=STOCK'), 303);
      if (!retried.ok && retried.reason === 'unpaid_limit') return reply.redirect(links.path(order.number, '&result=LIMIT'), 303);
      if (retried.ok && retried.lowStock) await app.catalog.invalidate();
      return reply.redirect(links.path(order.number), 303);
    },
  );
}

function OrderPage({
  order,
  lines,
  pathKey,
  gateway,
  result,
}: {
  order: OrderRow;
  lines: OrderLineRow[];
  pathKey: string;
  gateway: GatewayForm | null;
  result: string | null;
}) {
  const status = isOrderStatus(order.status) ? order.status : 'awaiting_payment';
  const method: DeliveryMethod | null = isDeliveryMethod(order.delivery_method) ? order.delivery_method : null;
  const key = new URL(pathKey, 'http://x').searchParams.get('key') ?? '';
  const message = result ? RESULT_MESSAGES[result] : undefined;
  const heading: Record<typeof status, string> = {
    awaiting_payment: 'Almost there — payment',
    paid: 'Thank you — your order is confirmed',
    dispatched: 'Your order is on its way',
    delivered: 'Your order has been delivered',
    cancelled: 'This order was cancelled',
    refunded: 'This order was refunded',
  };
  return (
    <div class="order-page">
      <Breadcrumbs trail={[{ href: '/', label: 'Home' }, { label: `Order ${order.number}` }]} />
      <p class="eyebrow">
        Order {order.number} · <span class={`status status-${status}`}>{STATUS_LABELS[status]}</span>
      </p>
      <h1>{heading[status]}</h1>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div class="checkout-layout">
        <div class="order-main">
          {status === 'awaiting_payment' &&
            (gateway ? (
              <PayWithOpayo gateway={gateway} totalPence={order.total_pence} />
            ) : (
              <section class="pay-box" aria-labelledby="pay-heading">
                <h2 id="pay-heading">Try the payment again</h2>
                <p>Your order is saved. When you're ready, start a new payment — we'll check the pieces are still available first.</p>
                <form method="post" action={`/orders/${order.number}/retry`}>
                  <input type="hidden" name="key" value={key} />
                  <button type="submit" class="button button-primary button-wide">
                    Try again
                  </button>
                </form>
              </section>
            ))}
          {status === 'paid' && (
            <p class="lead">
              We've e-mailed a confirmation to {order.email}. We'll e-mail again with a tracking number when your order is dispatched.
            </p>
          )}
          {(status === 'dispatched' || status === 'delivered') && order.tracking_number && (
            <p class="lead">
              Sent with {method ? DELIVERY_OPTIONS[method].label : 'Royal Mail'}. Tracking number: <strong>{order.tracking_number}</strong>
            </p>
          )}
          <section aria-labelledby="deliver-heading" class="order-addresses">
            <h2 id="deliver-heading">Delivering to</h2>
            <address>
              {order.delivery_first_name} {order.delivery_surname}
              <br />
              {order.delivery_line1}
              <br />
              {order.delivery_line2 && (
                <>
                  {order.delivery_line2}
                  <br />
                </>
              )}
              {order.delivery_city}
              <br />
              {order.delivery_postcode}
            </address>
            {order.gift_message && (
              <p>
                Gift message: <q>{order.gift_message}</q>
              </p>
            )}
          </section>
          <p class="form-note">
            Keep this page's address private: it opens your order without a password. Questions? <a href="/contact">Contact us</a> quoting{' '}
            {order.number}.
          </p>
        </div>
        <PlacedOrderSummary order={order} lines={lines} />
      </div>
    </div>
  );
}
