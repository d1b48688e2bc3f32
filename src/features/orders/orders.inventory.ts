import type { ColumnOf, DataCategory, Erasure, FeatureInventory, PersonalColumn, Retention, TableName } from '../privacy/inventory.js';
import { ORDER_DETAILS_DAYS, TAX_RECORD_YEARS, UNPAID_CANCEL_DAYS, UNPAID_ORDER_RETENTION_DAYS } from './orders.domain.js';

/**
 * The orders feature's privacy contract. An order holds two things with different lives:
 * - the buyer's details (names, e-mail, phone, billing and delivery addresses, gift message,
 *   tracking number, the notes in its history and Opayo's references): needed to deliver the
 *   order and then only while it can be returned or its payment disputed. They are anonymised
 *   ORDER_DETAILS_DAYS (180) after the order is finished — dispatched, or cancelled after payment —
 *   counted from its last change, so a delivery or refund restarts the count. 180 days is our
 *   30-day returns window, the 14 days we take to refund a return and the 120 days the card
 *   schemes give a card holder's bank to raise a dispute (a chargeback), rounded up so that a
 *   dispute raised on the last day still finds the details;
 * - the tax record (date, lines, amounts, VAT, delivery country, order number): kept, as tax law
 *   requires of sales records, for TAX_RECORD_YEARS after the end of the financial year
 *   (FINANCIAL_YEAR_END) of the order's last change, then deleted with its lines, history and
 *   payment attempts.
 * An order never paid for is no sales record: it is cancelled after UNPAID_CANCEL_DAYS and deleted
 * UNPAID_ORDER_RETENTION_DAYS after it was started. Erasing a person does at once what the period
 * does, and also takes their orders out of their account; an order never paid is deleted.
 */

export const ORDER_DETAILS_RETENTION = {
  kind: 'period',
  days: ORDER_DETAILS_DAYS,
  from: 'the order is finished (dispatched, or cancelled after payment), counted from its last change such as a delivery or a refund',
  text: `${ORDER_DETAILS_DAYS} days after your order's last step (dispatch, delivery or refund), for returns and card disputes; then we keep only the sales record`,
  job: 'orders.retention',
} as const satisfies Retention;

export const TAX_RECORD_RETENTION = {
  kind: 'financial-year',
  years: TAX_RECORD_YEARS,
  from: "the order's last change (its payment, dispatch or a refund)",
  text: `${TAX_RECORD_YEARS} years from the end of our financial year in which your order took its last step, as tax law requires of sales records: the date, what you bought, the amounts, VAT, the delivery country and the order number, without your name, contact details or addresses. An order never paid for is deleted ${UNPAID_ORDER_RETENTION_DAYS} days after it was started`,
  job: 'orders.retention',
} as const satisfies Retention;

/** While an order waits for payment, who it holds stock for: keyed hashes only, gone once it is paid or cancelled. */
const WHILE_UNPAID = {
  kind: 'until',
  event: 'the order is paid or cancelled',
  text: `Only while your order waits for payment: removed as soon as it is paid or cancelled (an unpaid order is cancelled after ${UNPAID_CANCEL_DAYS} days)`,
  job: 'orders.cancel-unpaid',
} as const satisfies Retention;

const ANONYMISE: Erasure = { action: 'anonymise' };
const KEEP_TAX_RECORD: Erasure = {
  action: 'keep',
  basis: 'legal-obligation',
  reason:
    'Tax law requires the sales record (date, lines, amounts, VAT, delivery country, order number) to be kept; it no longer names you',
  until: TAX_RECORD_RETENTION,
};

const staff = ['Our customer service staff', 'Our owner and managers'];
const opayo = 'Opayo (Elavon), our payment provider, which checks it against your card';
const packers = [...staff, 'Our fulfilment staff (delivery name and address only)', 'Royal Mail, to deliver your parcel'];
// The crypt sent to Opayo carries the delivery name and address too (the protocol requires them).
const fulfilment = [...packers, 'Opayo (Elavon), our payment provider, which receives the delivery address with the payment'];

const toDeliver = 'To deliver your order and tell you about it';
const toTakePayment = 'To take payment for your order and keep the sales record the law requires';
const toLimitHolds =
  'To stop anyone taking pieces off sale with orders they never pay for: one network, and one e-mail address, may have only a few unpaid orders holding stock at once';

function col<T extends TableName>(
  table: T,
  column: ColumnOf<T>,
  category: DataCategory,
  label: string,
  purpose: string,
  recipients: string[],
  rule: { retention: Retention; erasure: Erasure; lawfulBasis?: PersonalColumn['lawfulBasis'] } = {
    retention: ORDER_DETAILS_RETENTION,
    erasure: ANONYMISE,
  },
): PersonalColumn {
  const { retention, erasure, lawfulBasis = 'contract' } = rule;
  return { table, column, category, label, purpose, lawfulBasis, retention, recipients, erasure } as PersonalColumn;
}

function whileUnpaid(column: ColumnOf<'orders'>, label: string): PersonalColumn {
  return col(
    'orders',
    column,
    'technical',
    label,
    toLimitHolds,
    ['Nobody: the shop only compares it with the same code on other unpaid orders'],
    {
      retention: WHILE_UNPAID,
      // Only an unpaid order has it, and erasing the buyer deletes an unpaid order.
      erasure: { action: 'delete' },
      lawfulBasis: 'legitimate-interests',
    },
  );
}

export const ordersInventory: FeatureInventory = {
  feature: 'orders',
  subjects: [
    {
      subject: 'customer',
      table: 'orders',
      column: 'customer_id',
      how: 'The orders of their account, guest orders with a confirmed address included',
    },
    { subject: 'guest-buyer', table: 'orders', column: 'email', how: 'Orders placed with their e-mail address, in any letter case' },
  ],
  tables: [
    {
      table: 'orders',
      linkedBy: ['customer_id', 'email'],
      rows: 'anonymise',
      note: 'A paid order keeps its tax record and loses the buyer’s details and its link to the account; an order never paid for is deleted, handing back any stock it holds',
    },
    {
      table: 'order_lines',
      linkedBy: ['order_id'],
      rows: 'keep',
      note: 'What was bought and for how much: part of the tax record, kept with its order',
    },
    {
      table: 'order_events',
      linkedBy: ['order_id', 'staff_id'],
      rows: 'anonymise',
      note: 'Each step stays, its note (which may hold what staff typed, or Opayo’s references) becomes the bare step; erasing a member of staff takes their name off the steps they recorded',
    },
    {
      table: 'payment_attempts',
      linkedBy: ['order_id'],
      rows: 'anonymise',
      note: 'The amount, result and our VendorTxCode stay with the tax record; Opayo’s transaction id, authorisation code and message go',
    },
  ],
  personal: [
    col('orders', 'first_name', 'identity', 'Your first name', toTakePayment, [...staff, opayo]),
    col('orders', 'surname', 'identity', 'Your surname', toTakePayment, [...staff, opayo]),
    col('orders', 'email', 'contact', 'Your e-mail address, for order e-mails', toDeliver, [...staff, opayo]),
    col('orders', 'phone', 'contact', 'Your phone number, in case the courier needs you', toDeliver, [
      ...staff,
      opayo,
      'Royal Mail, to deliver your parcel',
    ]),
    col('orders', 'billing_line1', 'address', 'Your billing address', toTakePayment, [...staff, opayo]),
    col('orders', 'billing_line2', 'address', 'Your billing address (second line)', toTakePayment, [...staff, opayo]),
    col('orders', 'billing_city', 'address', 'Your billing town or city', toTakePayment, [...staff, opayo]),
    col('orders', 'billing_postcode', 'address', 'Your billing postcode', toTakePayment, [...staff, opayo]),
    col('orders', 'delivery_first_name', 'identity', 'The first name of the person the order is delivered to', toDeliver, fulfilment),
    col('orders', 'delivery_surname', 'identity', 'The surname of the person the order is delivered to', toDeliver, fulfilment),
    col('orders', 'delivery_line1', 'address', 'The delivery address', toDeliver, fulfilment),
    col('orders', 'delivery_line2', 'address', 'The delivery address (second line)', toDeliver, fulfilment),
    col('orders', 'delivery_city', 'address', 'The delivery town or city', toDeliver, fulfilment),
    col('orders', 'delivery_postcode', 'address', 'The delivery postcode', toDeliver, fulfilment),
    col('orders', 'gift_message', 'communication', 'Your gift message, if you write one', 'To print it on the gift card with your order', [
      ...staff,
      'Our fulfilment staff',
    ]),
    col('orders', 'tracking_number', 'order', 'The tracking number of your parcel', toDeliver, packers),
    col(
      'order_events',
      'detail',
      'communication',
      "The order's history: each step (placed, paid, dispatched…) with the notes our staff write, such as the reason for a cancellation or a refund",
      toDeliver,
      staff,
    ),
    col('payment_attempts', 'vps_tx_id', 'order', "Opayo's reference for your payment", toTakePayment, [...staff, opayo]),
    col('payment_attempts', 'tx_auth_no', 'order', "Your bank's authorisation code for your payment", toTakePayment, [...staff, opayo]),
    col('payment_attempts', 'status_detail', 'order', "Opayo's message about your payment (accepted, declined…)", toTakePayment, [
      ...staff,
      opayo,
    ]),
    col('orders', 'created_at', 'order', 'When you ordered, and what you bought and paid', toTakePayment, staff, {
      retention: TAX_RECORD_RETENTION,
      erasure: KEEP_TAX_RECORD,
      lawfulBasis: 'legal-obligation',
    }),
    // Not an address, but part of the tax record that stays once the address has gone (we deliver in the UK only).
    col('orders', 'delivery_country', 'order', 'The country your order is delivered to', toTakePayment, fulfilment, {
      retention: TAX_RECORD_RETENTION,
      erasure: KEEP_TAX_RECORD,
      lawfulBasis: 'legal-obligation',
    }),
    col(
      'orders',
      'customer_id',
      'order',
      'Which account the order is on, if you ordered signed in (or later confirmed that e-mail address on an account)',
      // Listed in the account so you can follow it: the same purpose as the order's e-mails.
      toDeliver,
      staff,
      {
        retention: TAX_RECORD_RETENTION,
        erasure: ANONYMISE,
      },
    ),
    whileUnpaid(
      'unpaid_network_hash',
      "A code made from your network's address (its first three parts), never the address itself, while your order is unpaid",
    ),
    whileUnpaid('unpaid_email_hash', 'A code made from your e-mail address, while your order is unpaid'),
  ],
  notPersonal: [{ table: 'order_lines', column: 'product_name', reason: 'The name of the piece bought, copied from the catalogue' }],
  cookies: [],
  transient: [
    {
      label: 'Your card details',
      category: 'order',
      purpose:
        "To pay for your order. You type them only on Opayo's secure page; they never reach this shop, which refuses any form field that looks like a card number",
      lawfulBasis: 'contract',
      retention: { kind: 'not-stored', text: 'Never received or stored by us; Opayo keeps them under its own privacy notice' },
      where: "Opayo's payment page (not this shop)",
    },
  ],
};
