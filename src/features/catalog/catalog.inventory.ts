import type { FeatureInventory } from '../privacy/inventory.js';

/** The catalogue holds no personal data; these columns only sound as if they might. */
export const catalogInventory: FeatureInventory = {
  feature: 'catalog',
  personal: [],
  notPersonal: [
    { table: 'categories', column: 'name', reason: 'The name of a product category, such as Rings.' },
    { table: 'collections', column: 'name', reason: 'The name of a collection of products.' },
    { table: 'products', column: 'name', reason: 'The name of a piece of jewellery.' },
    { table: 'product_search', column: 'name', reason: "A copy of the product's name, for full-text search." },
  ],
  cookies: [],
  transient: [],
};
