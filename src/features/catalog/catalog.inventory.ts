import type { FeatureInventory, PersonalColumn, Retention } from '../privacy/inventory.js';

/**
 * The catalogue holds no customer's data. Its stock and price history names the staff member who
 * made each change, by number, until that account is deleted (the database then empties the link).
 */
export const CHANGED_BY_RETENTION = {
  kind: 'until',
  event: 'the staff account is deleted, 6 months after it is disabled',
  text: 'Until the staff account is deleted (6 months after it is disabled); the change itself stays in the history',
  job: 'staff.housekeeping',
} as const satisfies Retention;

const changedBy = {
  category: 'account',
  purpose: 'To show who changed the stock or a price, so that a mistake can be put right with the person who made it',
  lawfulBasis: 'legitimate-interests',
  retention: CHANGED_BY_RETENTION,
  recipients: ['Our owner and managers'],
  erasure: { action: 'anonymise' },
  subjects: ['staff-member'],
} as const;

export const catalogInventory: FeatureInventory = {
  feature: 'catalog',
  subjects: [
    { subject: 'staff-member', table: 'stock_movements', column: 'staff_id', how: 'The stock changes a staff member made' },
    { subject: 'staff-member', table: 'price_changes', column: 'staff_id', how: 'The price changes a staff member made' },
  ],
  tables: [
    { table: 'stock_movements', linkedBy: ['staff_id'], rows: 'anonymise' },
    { table: 'price_changes', linkedBy: ['staff_id'], rows: 'anonymise' },
  ],
  personal: [
    {
      ...changedBy,
      subjects: [...changedBy.subjects],
      recipients: [...changedBy.recipients],
      table: 'stock_movements',
      column: 'staff_id',
      label: 'Which staff member changed the stock of a piece, and when',
    } satisfies PersonalColumn,
    {
      ...changedBy,
      subjects: [...changedBy.subjects],
      recipients: [...changedBy.recipients],
      table: 'price_changes',
      column: 'staff_id',
      label: 'Which staff member changed a price, and when',
    } satisfies PersonalColumn,
  ],
  notPersonal: [
    { table: 'categories', column: 'name', reason: 'The name of a product category, such as Rings.' },
    { table: 'collections', column: 'name', reason: 'The name of a collection of products.' },
    { table: 'products', column: 'name', reason: 'The name of a piece of jewellery.' },
    { table: 'product_search', column: 'name', reason: "A copy of the product's name, for full-text search." },
  ],
  cookies: [],
  transient: [],
};
