import type { FeatureInventory } from '../privacy/inventory.js';

export const statisticsInventory: FeatureInventory = {
  feature: 'statistics',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [],
  cookies: [],
  transient: [],
};
