import { MAIL_TEXT, MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';
import { formatPence, vatIncluded } from '../../shared/money.js';
import { DELIVERY_OPTIONS, type DeliveryMethod, isDeliveryMethod } from './orders.domain.js';
import type { OrderLineRow, OrderRow } from './orders.repository.js';

/**
 * Order e-mails are transactional: they are sent whatever the customer's marketing choice,
 * and they carry no marketing. Each has an HTML and a plain-text part with the order summary.
 */
export type OrderMailKind = 'confirmation' | 'dispatch' | 'cancellation';

export interface OrderMailContext {
  shopName: string;
  shopEmail: string;
  /** The absolute link to this order's page (it carries the order's key). */
  orderUrl: (number: string) => string;
  /** The right-hand side of each e-mail's Message-ID. */
  messageDomain: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECTS: Record<OrderMailKind, (n: string) => string> = {
  confirmation: (n) => `Thank you for your order ${n}`,
  dispatch: (n) => `Your order ${n} is on its way`,
  cancellation: (n) => `Your order ${n} has been cancelled`,
};

function opening(kind: OrderMailKind, order: OrderRow): string[] {
  switch (kind) {
    case 'confirmation':
      return [
        `Dear ${order.first_name},`,
        `Thank you for your order. Your payment of ${formatPence(order.total_pence)} has been received, and we are preparing your jewellery now.`,
      ];
    case 'dispatch':
      return [
        `Dear ${order.first_name},`,
        `Your order has been dispatched with ${deliveryLabel(order.delivery_method)}.`,
        `Tracking number: ${order.tracking_number ?? 'to follow'}`,
      ];
    case 'cancellation':
      return [
        `Dear ${order.first_name},`,
        order.paid_at
          ? `Your order has been cancelled. Your payment of ${formatPence(order.total_pence)} will be refunded to the card you paid with; refunds usually reach your account within 3–5 working days.`
          : 'Your order has been cancelled. No payment was taken.',
      ];
  }
}

function deliveryLabel(method: string): string {
  return isDeliveryMethod(method) ? DELIVERY_OPTIONS[method as DeliveryMethod].label : method;
}

function addressLines(o: OrderRow): string[] {
  return [
    `${o.delivery_first_name} ${o.delivery_surname}`,
    o.delivery_line1,
    o.delivery_line2,
    o.delivery_city,
    o.delivery_postcode,
  ].filter((l): l is string => Boolean(l));
}

export function renderOrderMail(kind: OrderMailKind, order: OrderRow, lines: OrderLineRow[], ctx: OrderMailContext): RenderedMail {
  const subject = SUBJECTS[kind](order.number);
  const intro = opening(kind, order);
  const url = ctx.orderUrl(order.number);
  const totals: [string, string][] = [
    ['Subtotal', formatPence(order.subtotal_pence)],
    [deliveryLabel(order.delivery_method), order.delivery_pence === 0 ? 'Free' : formatPence(order.delivery_pence)],
    ['Total', formatPence(order.total_pence)],
    ['of which VAT (20 %)', formatPence(vatIncluded(order.total_pence))],
  ];
  const text = [
    ...intro,
    '',
    `Order ${order.number}`,
    ...lines.map((l) => `  ${l.quantity} × ${l.product_name} (${l.variant_label}) — ${formatPence(l.unit_pence * l.quantity)}`),
    '',
    ...totals.map(([k, v]) => `  ${k}: ${v}`),
    '',
    'Delivering to:',
    ...addressLines(order).map((l) => `  ${l}`),
    '',
    `See your order at any time: ${url}`,
    '',
    `Questions? Reply to this e-mail or write to ${ctx.shopEmail}.`,
    ctx.shopName,
    '',
    'This is a service message about your order. It is sent whatever your marketing choices.',
  ].join('\n');
  const html = renderMailHtml({
    shopName: ctx.shopName,
    subject,
    footer: `Questions? Reply to this e-mail or write to ${ctx.shopEmail}. This is a service message about your order; it is sent whatever your marketing choices.`,
    children: (
      <>
        <MailParagraphs paragraphs={intro} />
        <h2 style="font-family:Georgia,serif;font-size:18px;margin:24px 0 8px">Order {order.number}</h2>
        <table role="presentation" width="100%" style="font-family:Arial,sans-serif;font-size:14px;border-collapse:collapse">
          {lines.map((l) => (
            <tr>
              <td style="padding:6px 0;border-bottom:1px solid #eee">
                {l.quantity} × {l.product_name}
                <br />
                <span style="color:#6b625a">{l.variant_label}</span>
              </td>
              <td style="padding:6px 0;border-bottom:1px solid #eee;text-align:right">{formatPence(l.unit_pence * l.quantity)}</td>
            </tr>
          ))}
          {totals.map(([k, v]) => (
            <tr>
              <td style="padding:4px 0">{k}</td>
              <td style="padding:4px 0;text-align:right">{v}</td>
            </tr>
          ))}
        </table>
        <h2 style="font-family:Georgia,serif;font-size:16px;margin:24px 0 8px">Delivering to</h2>
        <p style={MAIL_TEXT}>
          {addressLines(order).map((l) => (
            <>
              {l}
              <br />
            </>
          ))}
        </p>
        <p style={MAIL_TEXT}>
          <a href={url} style="color:#7a5c2e">
            See your order
          </a>
        </p>
      </>
    ),
  });
  return { subject, text, html };
}
