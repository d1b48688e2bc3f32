import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// The retention job anonymises finished orders oldest first, in batches. An index over every order
// (status, updated_at) made each batch step over the orders already anonymised, so a pass grew with
// the square of the orders held; the index that serves it now holds only the orders that still
// carry their details. Deleting tax records past their end reads orders by their last change alone.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_status_updated_idx').ifExists().execute();
  await db.schema
    .createIndex('orders_with_details_idx')
    .on('orders')
    .columns(['status', 'updated_at'])
    .where(sql.ref('anonymised_at'), 'is', null)
    .execute();
  await db.schema.createIndex('orders_updated_idx').on('orders').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_updated_idx').ifExists().execute();
  await db.schema.dropIndex('orders_with_details_idx').ifExists().execute();
  await db.schema.createIndex('orders_status_updated_idx').on('orders').columns(['status', 'updated_at']).execute();
}
