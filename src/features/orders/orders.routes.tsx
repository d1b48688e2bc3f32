import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { privatePage } from '../../http/render.js';
import { notFound } from '../../http/errors.js';
import { formatPence } from '../../shared/money.js';
import { Breadcrumbs, Notice } from '../../http/views/components.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { VPS_PROTOCOL, buildCryptPlaintext, encryptCrypt, parseResult } from '../payments/opayo.js';
import { DELIVERY_OPTIONS, type DeliveryMethod, STATUS_LABELS, isDeliveryMethod, isOrderNumber, isOrderStatus } from './orders.domain.js';
import { orderLinks } from './orders.links.js';
import {
  type AttemptRow,
  type OrderLineRow,
  type OrderRow,
  findLatestAttempt,
  findOrderByNumber,
  findOrderLines,
} from './orders.repository.js';
import { applyPaymentResult, startNewAttempt } from './orders.service.js';
import { PlacedOrderSummary } from './views/summary.js';

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
 * decline and follows the order afterwards; and the two addresses Opayo sends the browser back to.
 */
export async function ordersRoutes(app: FastifyInstance): Promise<void> {
  const links = orderLinks(app.config);
  const { payments } = app.config;

  async function loadOrder(number: string, key: unknown): Promise<OrderRow> {
    const order = isOrderNumber(number) && links.keyMatches(number, key) ? await findOrderByNumber(app.db, number) : null;
    // One answer for an unknown order and a wrong key, so order numbers cannot be probed.
    if (!order) throw notFound("We couldn't find that order. Please use the link in your order e-mail.");
    return order;
  }

  app.get<{ Params: { number: string } }>('/orders/:number', async (req, reply) => {
    const q = parseInput(z.object({ key: singleText, result: singleText }), req.query);
    const order = await loadOrder(req.params.number, q.key);
    const [lines, attempt] = await Promise.all([findOrderLines(app.db, order.id), findLatestAttempt(app.db, order.id)]);
    privatePage(reply);
    const payable = order.status === 'awaiting_payment' && order.stock_reserved === 1 && attempt?.status === 'pending';
    return reply.page(
      { title: `Order ${order.number}`, noindex: true },
      <OrderPage
        order={order}
        lines={lines}
        pathKey={links.path(order.number)}
        gateway={payable && attempt ? gatewayForm(order, attempt) : null}
        result={q.result && RESULT_MESSAGES[q.result] ? q.result : null}
      />,
    );
  });

  app.post<{ Params: { number: string } }>(
    '/orders/:number/retry',
    { config: { csrf: 'origin', rateLimit: { max: app.config.rateLimits.formsPer10Minutes * 3, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      const body = parseInput(z.object({ key: singleText }), req.body);
      const order = await loadOrder(req.params.number, body.key);
      const retried = await startNewAttempt(app.db, order.id, app.clock(), app.config.orders.unpaidPerBuyer);
      if (!retried.ok && retried.reason === 'stock') return reply.redirect(links.path(order.number, '&result=STOCK'), 303);
      if (!retried.ok && retried.reason === 'unpaid_limit') return reply.redirect(links.path(order.number, '&result=LIMIT'), 303);
      if (retried.ok && retried.lowStock) await app.catalog.invalidate();
      return reply.redirect(links.path(order.number), 303);
    },
  );

  // Opayo sends the customer's browser here with the encrypted result; it is trusted only after every check.
  app.get<{ Params: { outcome: string } }>('/checkout/opayo/:outcome', async (req, reply) => {
    if (req.params.outcome !== 'success' && req.params.outcome !== 'failure') throw notFound();
    const q = parseInput(z.object({ crypt: singleText }), req.query);
    const parsed = parseResult(q.crypt ?? '', payments.encryptionPassword);
    if (!parsed.ok) {
      req.log.warn({ reason: parsed.reason }, 'payment result refused: unreadable');
      return unconfirmed(reply, null);
    }
    const outcome = await applyPaymentResult(app.db, parsed.result, app.clock(), links.mail);
    if (outcome.kind === 'refused') {
      req.log.warn({ reason: outcome.reason, vendorTxCode: parsed.result.vendorTxCode }, 'payment result refused');
      return unconfirmed(reply, outcome.order);
    }
    if ((outcome.kind === 'paid' || outcome.kind === 'failed') && outcome.lowStock) await app.catalog.invalidate();
    if (outcome.kind === 'paid') req.log.info({ order: outcome.order.number }, 'order paid');
    const status = outcome.kind === 'paid' ? 'OK' : outcome.status;
    return reply.redirect(links.path(outcome.order.number, status === 'OK' ? '' : `&result=${status}`), 303);
  });

  function unconfirmed(reply: FastifyReply, order: OrderRow | null) {
    privatePage(reply);
    return reply.page(
      { title: 'Payment not confirmed', noindex: true },
      <section class="narrow">
        <h1>We couldn't confirm this payment</h1>
        <p class="lead">
          The payment result we received doesn't match an order waiting for it, so nothing has been changed. If you have just paid, please
          don't pay again: <a href="/contact">contact us</a>
          {order ? ` quoting order ${order.number}` : ''} and we will check it with our payment provider.
        </p>
        {order?.status === 'awaiting_payment' && (
          <p>
            <a class="button" href={links.path(order.number)}>
              Back to order {order.number}
            </a>
          </p>
        )}
      </section>,
      400,
    );
  }

  function gatewayForm(order: OrderRow, attempt: AttemptRow): GatewayForm {
    const base = app.config.publicUrl;
    const plaintext = buildCryptPlaintext({
      vendorTxCode: attempt.vendor_tx_code,
      amountPence: attempt.amount_pence,
      description: `${app.config.shop.name} order ${order.number}`,
      successUrl: `${base}/checkout/opayo/success`,
      failureUrl: `${base}/checkout/opayo/failure`,
      customerName: `${order.first_name} ${order.surname}`,
      customerEmail: order.email,
      billing: {
        firstnames: order.first_name,
        surname: order.surname,
        address1: order.billing_line1,
        address2: order.billing_line2,
        city: order.billing_city,
        postCode: order.billing_postcode,
        country: 'GB',
        phone: order.phone,
      },
      delivery: {
        firstnames: order.delivery_first_name,
        surname: order.delivery_surname,
        address1: order.delivery_line1,
        address2: order.delivery_line2,
        city: order.delivery_city,
        postCode: order.delivery_postcode,
        country: 'GB',
        phone: order.phone,
      },
    });
    return {
      action: payments.gatewayUrl,
      vendor: payments.vendor,
      crypt: encryptCrypt(plaintext, payments.encryptionPassword),
      sandbox: payments.gatewayUrl.startsWith(app.config.sandbox.url),
    };
  }
}

interface GatewayForm {
  action: string;
  vendor: string;
  crypt: string;
  sandbox: boolean;
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
              <section class="pay-box" aria-labelledby="pay-heading">
                <h2 id="pay-heading">Pay securely with Opayo</h2>
                <p>
                  You'll go to the secure payment page of Opayo (by Elavon), our payment provider, to enter your card details. We never see
                  or store them. Afterwards you come straight back here.
                </p>
                {gateway.sandbox && (
                  <p class="form-note">This shop is running with the built-in test payment page: no real card is charged.</p>
                )}
                <form method="post" action={gateway.action}>
                  <input type="hidden" name="VPSProtocol" value={VPS_PROTOCOL} />
                  <input type="hidden" name="TxType" value="PAYMENT" />
                  <input type="hidden" name="Vendor" value={gateway.vendor} />
                  <input type="hidden" name="Crypt" value={gateway.crypt} />
                  <button type="submit" class="button button-primary button-wide">
                    Pay {formatPence(order.total_pence)} securely
                  </button>
                </form>
              </section>
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
