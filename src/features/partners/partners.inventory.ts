import type { FeatureInventory } from '../privacy/inventory.js';

/** The partners table describes companies, not people; what is shared with them, and when, is in the consent ledger. */
export const partnersInventory: FeatureInventory = {
  feature: 'partners',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [{ table: 'partners', column: 'name', reason: "A partner company's name" }],
  cookies: [],
  transient: [],
};
