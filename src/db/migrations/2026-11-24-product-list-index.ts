import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// The back-office product list filters by category and status and sorts by name.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('products_category_archived_name_idx').on('products').columns(['category_id', 'archived', 'name']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('products_category_archived_name_idx').execute();
}
