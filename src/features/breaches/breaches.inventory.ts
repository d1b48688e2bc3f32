import type { FeatureInventory } from '../privacy/inventory.js';

/** The breach register's privacy contract (placeholder while it is built). */
export const breachesInventory: FeatureInventory = {
  feature: 'breaches',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [],
  cookies: [],
  transient: [],
};
