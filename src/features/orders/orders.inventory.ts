import type { ColumnOf, DataCategory, FeatureInventory, PersonalColumn, Retention } from '../privacy/inventory.js';
import { ORDER_RETENTION_DAYS, UNPAID_CANCEL_DAYS, UNPAID_ORDER_RETENTION_DAYS } from './orders.domain.js';

/** Orders are accounting records (HMRC: 6 years); an order never paid for goes much sooner. */
export const ORDER_RETENTION: Retention = {
  text: `6 years from the order, as tax law requires of sales records; an order that is never paid for is deleted ${UNPAID_ORDER_RETENTION_DAYS} days after it was started`,
  days: ORDER_RETENTION_DAYS,
};

const staff = ['Our customer service staff', 'Our owner and managers'];
const opayo = 'Opayo (Elavon), our payment provider, which checks it against your card';
const packers = [...staff, 'Our fulfilment staff (delivery name and address only)', 'Royal Mail, to deliver your parcel'];
// The crypt sent to Opayo carries the delivery name and address too (the protocol requires them).
const fulfilment = [...packers, 'Opayo (Elavon), our payment provider, which receives the delivery address with the payment'];

function col(column: ColumnOf<'orders'>, category: DataCategory, label: string, purpose: string, recipients: string[]): PersonalColumn {
  return { table: 'orders', column, category, label, purpose, lawfulBasis: 'contract', retention: ORDER_RETENTION, recipients };
}

const toDeliver = 'To deliver your order and tell you about it';

/** While an order waits for payment, who it holds stock for: keyed hashes only, gone once it is paid or cancelled. */
const WHILE_UNPAID: Retention = {
  text: `Only while your order waits for payment: removed as soon as it is paid or cancelled (an unpaid order is cancelled after ${UNPAID_CANCEL_DAYS} days)`,
  days: UNPAID_CANCEL_DAYS,
};
const toLimitHolds =
  'To stop anyone taking pieces off sale with orders they never pay for: one network, and one e-mail address, may have only a few unpaid orders holding stock at once';
const nobody = ['Nobody: the shop only compares it with the same code on other unpaid orders'];

function whileUnpaid(column: ColumnOf<'orders'>, label: string): PersonalColumn {
  return {
    table: 'orders',
    column,
    category: 'technical',
    label,
    purpose: toLimitHolds,
    lawfulBasis: 'legitimate-interests',
    retention: WHILE_UNPAID,
    recipients: nobody,
  };
}
const toTakePayment = 'To take payment for your order and keep the sales record the law requires';

export const ordersInventory: FeatureInventory = {
  feature: 'orders',
  personal: [
    col('first_name', 'identity', 'Your first name', toTakePayment, [...staff, opayo]),
    col('surname', 'identity', 'Your surname', toTakePayment, [...staff, opayo]),
    col('email', 'contact', 'Your e-mail address, for order e-mails', toDeliver, [...staff, opayo]),
    col('phone', 'contact', 'Your phone number, in case the courier needs you', toDeliver, [
      ...staff,
      opayo,
      'Royal Mail, to deliver your parcel',
    ]),
    col('billing_line1', 'address', 'Your billing address', toTakePayment, [...staff, opayo]),
    col('billing_line2', 'address', 'Your billing address (second line)', toTakePayment, [...staff, opayo]),
    col('billing_city', 'address', 'Your billing town or city', toTakePayment, [...staff, opayo]),
    col('billing_postcode', 'address', 'Your billing postcode', toTakePayment, [...staff, opayo]),
    col('delivery_first_name', 'identity', 'The first name of the person the order is delivered to', toDeliver, fulfilment),
    col('delivery_surname', 'identity', 'The surname of the person the order is delivered to', toDeliver, fulfilment),
    col('delivery_line1', 'address', 'The delivery address', toDeliver, fulfilment),
    col('delivery_line2', 'address', 'The delivery address (second line)', toDeliver, fulfilment),
    col('delivery_city', 'address', 'The delivery town or city', toDeliver, fulfilment),
    col('delivery_postcode', 'address', 'The delivery postcode', toDeliver, fulfilment),
    col('gift_message', 'communication', 'Your gift message, if you write one', 'To print it on the gift card with your order', [
      ...staff,
      'Our fulfilment staff',
    ]),
    col('tracking_number', 'order', 'The tracking number of your parcel', toDeliver, packers),
    col('created_at', 'order', 'When you ordered, and what you bought and paid', toTakePayment, staff),
    whileUnpaid(
      'unpaid_network_hash',
      "A code made from your network's address (its first three parts), never the address itself, while your order is unpaid",
    ),
    whileUnpaid('unpaid_email_hash', 'A code made from your e-mail address, while your order is unpaid'),
  ],
  notPersonal: [
    { table: 'order_lines', column: 'product_name', reason: 'The name of the piece bought, copied from the catalogue' },
    {
      table: 'order_events',
      column: 'detail',
      reason:
        "The order's history (placed, paid, dispatched…) in the shop's own words; it holds no customer details and is deleted with the order",
    },
  ],
  cookies: [],
  transient: [
    {
      label: 'Your card details',
      category: 'order',
      purpose:
        "To pay for your order. You type them only on Opayo's secure page; they never reach this shop, which refuses any form field that looks like a card number",
      lawfulBasis: 'contract',
      retention: { text: 'Never received or stored by us; Opayo keeps them under its own privacy notice', days: 0 },
      where: "Opayo's payment page (not this shop)",
    },
  ],
};
