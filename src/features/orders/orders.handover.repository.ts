import type { Executor, Trx } from '../../db/database.js';
import { insertExplicitRows, resetIdentity } from '../../db/identity.js';
import { type TablePages, hasRows, tablePages } from '../../db/wholesale.js';

/**
 * Orders with their lines, history and payment attempts read whole and written back whole, for the sale of the business
 * (src/features/handover): only the orders feature's own tables, named here.
 */

export const ORDERS_HANDOVER_TABLES = ['orders', 'order_lines', 'order_events', 'payment_attempts'] as const;
export type OrdersHandoverTable = (typeof ORDERS_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly OrdersHandoverTable[] = ['orders', 'order_lines', 'order_events', 'payment_attempts'];

export function ordersTablePages(db: Executor, table: OrdersHandoverTable, pageRows?: number): Promise<TablePages> {
  return tablePages(db, table, pageRows);
}

export function insertOrdersRows(trx: Trx, table: OrdersHandoverTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  return insertExplicitRows(trx, table, rows);
}

export async function resetOrdersIdentities(trx: Trx): Promise<void> {
  for (const table of WITH_IDENTITY) await resetIdentity(trx, table);
}

export function ordersTableHasRows(db: Executor, table: OrdersHandoverTable): Promise<boolean> {
  return hasRows(db, table);
}
