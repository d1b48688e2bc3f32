import type { FeatureInventory } from '../privacy/inventory.js';

export const preferencesInventory: FeatureInventory = {
  feature: 'preferences',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [],
  cookies: [],
  transient: [],
};
