import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code.
// The bag, orders, Opayo payment attempts and the transactional mail outbox.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();

  await db.schema
    .createTable('bags')
    .addColumn('id', 'integer', id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bags_updated_idx').on('bags').column('updated_at').execute();

  await db.schema
    .createTable('bag_items')
    .addColumn('bag_id', 'integer', (c) => c.notNull().references('bags.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (c) => c.notNull().references('variants.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bag_items_pk', ['bag_id', 'variant_id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'integer', id)
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bag_id', 'integer', (c) => c.references('bags.id').onDelete('set null'))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('surname', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('billing_line1', 'text', (c) => c.notNull())
    .addColumn('billing_line2', 'text')
    .addColumn('billing_city', 'text', (c) => c.notNull())
    .addColumn('billing_postcode', 'text', (c) => c.notNull())
    .addColumn('delivery_first_name', 'text', (c) => c.notNull())
    .addColumn('delivery_surname', 'text', (c) => c.notNull())
    .addColumn('delivery_line1', 'text', (c) => c.notNull())
    .addColumn('delivery_line2', 'text')
    .addColumn('delivery_city', 'text', (c) => c.notNull())
    .addColumn('delivery_postcode', 'text', (c) => c.notNull())
    .addColumn('gift_message', 'text')
    .addColumn('delivery_method', 'text', (c) => c.notNull())
    .addColumn('delivery_pence', 'integer', (c) => c.notNull())
    .addColumn('subtotal_pence', 'integer', (c) => c.notNull())
    .addColumn('total_pence', 'integer', (c) => c.notNull())
    .addColumn('stock_reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stock_short', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tracking_number', 'text')
    .addColumn('refunded_pence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('orders_status_created_idx').on('orders').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('orders_created_idx').on('orders').column('created_at').execute();
  await db.schema.createIndex('orders_email_idx').on('orders').column('email').execute();
  await db.schema.createIndex('orders_bag_idx').on('orders').column('bag_id').execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (c) => c.references('variants.id').onDelete('set null'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('variant_label', 'text', (c) => c.notNull())
    .addColumn('unit_pence', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').column('order_id').execute();

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute();

  await db.schema
    .createTable('payment_attempts')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('vendor_tx_code', 'text', (c) => c.notNull().unique())
    .addColumn('amount_pence', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('result_at', 'text')
    .addColumn('vps_tx_id', 'text', (c) => c.unique())
    .addColumn('status_detail', 'text')
    .addColumn('tx_auth_no', 'text')
    .execute();
  await db.schema.createIndex('payment_attempts_order_idx').on('payment_attempts').columns(['order_id', 'id']).execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['sent_at', 'failed_at', 'next_attempt_at']).execute();

  // Stock can never be sold below zero, whatever the code does.
  if (postgres) {
    await sql`alter table variants add constraint variants_stock_not_negative check (stock >= 0)`.execute(db);
  } else {
    await sql`create trigger variants_stock_not_negative before update of stock on variants
      when new.stock < 0 begin select raise(abort, 'stock cannot go below zero'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await sql`alter table variants drop constraint if exists variants_stock_not_negative`.execute(db);
  else await sql`drop trigger if exists variants_stock_not_negative`.execute(db);
  for (const t of ['mail_outbox', 'payment_attempts', 'order_events', 'order_lines', 'orders', 'bag_items', 'bags']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
