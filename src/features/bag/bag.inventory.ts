import type { FeatureInventory } from '../privacy/inventory.js';
import { BAG_LIFETIME_DAYS } from './bag.service.js';

export const BAG_COOKIE = 'assay_bag';

export const bagInventory: FeatureInventory = {
  feature: 'bag',
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
