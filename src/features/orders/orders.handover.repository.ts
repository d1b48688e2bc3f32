import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { wholesaleTables } from '../../db/wholesale.js';

/**
 * Orders with their lines, history and payment attempts read whole and written back whole, for the sale of the business
 * (src/features/handover): only the orders feature's own tables, named here.
 */

export const ORDERS_HANDOVER_TABLES = ['orders', 'order_lines', 'order_events', 'payment_attempts'] as const;
export type OrdersHandoverTable = (typeof ORDERS_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly OrdersHandoverTable[] = ['orders', 'order_lines', 'order_events', 'payment_attempts'];

const wholesale = wholesaleTables<OrdersHandoverTable>(WITH_IDENTITY);
export const ordersTablePages = wholesale.pages;
export const insertOrdersRows = wholesale.insert;
export const resetOrdersIdentities = wholesale.resetIdentities;
export const ordersTableHasRows = wholesale.hasRows;

/**
 * A page of the distinct addresses (lower-cased, in order, after `after`) of orders without an
 * account whose buyer's details are still held: anonymised orders have an empty address and
 * `anonymised_at` set. With one spelling of the address as given and one first name given with it.
 */
export function guestBuyersAfter(
  db: Executor,
  after: string,
  limit: number,
): Promise<{ address: string; email: string; first_name: string }[]> {
  const address = sql<string>`lower(email)`;
  return db
    .selectFrom('orders')
    .select((eb) => [address.as('address'), eb.fn.min('email').as('email'), eb.fn.max('first_name').as('first_name')])
    .where('customer_id', 'is', null)
    .where('anonymised_at', 'is', null)
    .where('email', '<>', '')
    .where(address, '>', after)
    .groupBy(address)
    .orderBy(address)
    .limit(limit)
    .execute();
}
