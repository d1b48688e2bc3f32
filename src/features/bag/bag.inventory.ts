import type { FeatureInventory } from '../privacy/inventory.js';
import { BAG_LIFETIME_DAYS } from './bag.service.js';

export const BAG_COOKIE = 'assay_bag';

export const bagInventory: FeatureInventory = {
  feature: 'bag',
  /**
   * A bag names nobody: it is found by the random token its shopper holds. It becomes a person's
   * only when an order is placed from it, through the order's link to it (`orders.bag_id`), which
   * is how the bag's exporter and eraser find it.
   */
  subjects: [
    { subject: 'customer', table: 'orders', column: 'bag_id', how: 'The bag an order of the account was placed from' },
    { subject: 'guest-buyer', table: 'orders', column: 'bag_id', how: "The bag a guest's order was placed from" },
  ],
  tables: [
    {
      table: 'bags',
      linkedBy: ['id'],
      rows: 'delete',
      note: 'Linked to a person only through orders.bag_id; the order keeps its own copy of what was bought.',
    },
    { table: 'bag_items', linkedBy: ['bag_id'], rows: 'delete' },
  ],
  personal: [],
  notPersonal: [
    {
      table: 'bags',
      column: 'token_hash',
      reason: `A one-way hash of the random token that names an anonymous bag; it identifies no person, and the bag is deleted ${BAG_LIFETIME_DAYS} days after it was last changed`,
    },
  ],
  cookies: [
    {
      name: BAG_COOKIE,
      kind: 'strictly-necessary',
      purpose:
        "Remembers what is in your shopping bag. If you refuse cookies, the bag's token travels in the page addresses and forms instead, so you can still buy.",
      duration: `${BAG_LIFETIME_DAYS} days after you last change your bag`,
    },
  ],
  transient: [],
};
