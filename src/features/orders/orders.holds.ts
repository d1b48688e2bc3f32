import type { Executor } from '../../db/database.js';
import { sumStockHeldForBag } from './orders.repository.js';

/**
 * What unpaid orders hold, asked by the bag. Kept apart from orders.service, which reads and
 * empties bags through the bag's service, so that neither service imports the other.
 */

/** Pieces by variant that the bag's unpaid orders hold reserved: still the shopper's to check out again. */
export async function stockHeldForBag(db: Executor, bagId: number): Promise<Map<number, number>> {
  return new Map((await sumStockHeldForBag(db, bagId)).map((r) => [r.variantId, r.held]));
}
