import type { Executor } from '../../db/database.js';
import { findOrderKeysOfPerson, sumStockHeldForBag } from './orders.repository.js';

/**
 * What unpaid orders hold, asked by the bag. Kept apart from orders.service, which reads and
 * empties bags through the bag's service, so that neither service imports the other.
 */

/** Pieces by variant that the bag's unpaid orders hold reserved: still the shopper's to check out again. */
export async function stockHeldForBag(db: Executor, bagId: number): Promise<Map<number, number>> {
  return new Map((await sumStockHeldForBag(db, bagId)).map((r) => [r.variantId, r.held]));
}

/**
 * What other features' privacy handlers need of one person's orders (kept here, out of
 * orders.service, for the same reason): the orders' numbers, by which the audit trail names them,
 * and the bags they were placed from. `emails` are compared in any letter case.
 */
export async function ordersOfPerson(
  db: Executor,
  customerId: number | null,
  emails: string[],
): Promise<{ numbers: string[]; bagIds: number[] }> {
  const orders = await findOrderKeysOfPerson(db, customerId, emails);
  return {
    numbers: orders.map((o) => o.number),
    bagIds: [...new Set(orders.flatMap((o) => (o.bag_id === null ? [] : [o.bag_id])))],
  };
}
