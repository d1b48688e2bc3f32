import type { Executor } from '../../db/database.js';
import { type HandoverPart, handoverTable } from '../handover/handover.tables.js';
import {
  ORDERS_HANDOVER_TABLES,
  type OrdersHandoverTable,
  insertOrdersRows,
  guestBuyersAfter,
  ordersTableHasRows,
  ordersTablePages,
  resetOrdersIdentities,
} from './orders.handover.repository.js';

/**
 * Orders as they are handed over when the business is sold: every order with its lines, its
 * history and its payment attempts. Payment attempts hold no card data (the shop never sees a card
 * number); Opayo's references are kept, as the record of each payment. Bags are not part of the
 * sale, nor are staff accounts, so the numbers that name them are left empty.
 */

const HOLDS: Record<OrdersHandoverTable, string> = {
  orders:
    'the orders: number, status, buyer, billing and delivery address, amounts in pence, dates; anonymised ones keep only the tax record',
  order_lines: 'the pieces of each order with the price paid, in pence',
  order_events: 'the history of each order (paid, dispatched, refunded…)',
  payment_attempts: 'each attempt to pay for an order with its outcome and the payment provider’s references (no card data)',
};

const tables = ORDERS_HANDOVER_TABLES.map((table) =>
  handoverTable({
    table,
    feature: 'orders',
    holds: HOLDS[table],
    blank:
      table === 'orders'
        ? [{ columns: ['bag_id'], why: 'bags are not part of the sale' }]
        : table === 'order_events'
          ? [{ columns: ['staff_id'], why: 'staff accounts are not part of the sale' }]
          : [],
    pages: ordersTablePages,
    insert: insertOrdersRows,
  }),
);

export const ordersHandover: HandoverPart = {
  feature: 'orders',
  tables,
  resetIdentities: resetOrdersIdentities,
  async hasData(db: Executor) {
    return ordersTableHasRows(db, 'orders');
  },
};

export interface GuestBuyer {
  /** The address lower-cased: the same person however they typed it. */
  address: string;
  email: string;
  firstName: string;
}

/**
 * A page of the guest buyers whose details the export holds (orders without an account, not
 * anonymised), one per address compared case-insensitively, in address order after `after`.
 */
export async function guestBuyersPage(db: Executor, after: string, limit: number): Promise<GuestBuyer[]> {
  return (await guestBuyersAfter(db, after, limit)).map((r) => ({ address: r.address, email: r.email, firstName: r.first_name }));
}
