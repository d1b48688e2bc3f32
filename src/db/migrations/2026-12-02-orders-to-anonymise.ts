import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// The retention job anonymises finished orders oldest first, in batches. An index over every order
// made each batch step over the orders already anonymised, so a pass grew with the square of the
// orders held; this one holds only the orders that still carry their details.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('orders_with_details_idx')
    .on('orders')
    .columns(['updated_at', 'id'])
    .where(sql.ref('anonymised_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_with_details_idx').ifExists().execute();
}
