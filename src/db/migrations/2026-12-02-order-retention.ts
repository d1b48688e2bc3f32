import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code; its periods are written here as they
// stood when it was written.
//
// Orders were kept whole for 6 years from the order. From now on a finished order keeps the
// buyer's contact details, names, addresses, gift message, tracking number and staff notes for
// 180 days after its last change, and only its tax record (date, lines, amounts, VAT, delivery
// country, number) until 6 years after the end of its financial year. This adds the delivery
// country and the time an order was anonymised, and applies the new rules to the orders there are.

/** A finished order's details are kept this long after its last change. */
const DETAILS_DAYS = 180;
/**
 * The tax record's end depends on the configured financial year end, which a migration cannot read:
 * whatever the year end, an order's financial year ends within a year of it, so an order last
 * changed more than 7 years ago is past its end under any setting. The daily job applies the exact rule.
 */
const TAX_RECORD_SURELY_ENDED_YEARS = 7;
const FINISHED = ['dispatched', 'delivered', 'refunded', 'cancelled'];
const SUMMARIES: Record<string, string> = {
  placed: 'Order placed',
  paid: 'Paid',
  payment_failed: 'Payment not completed',
  payment_retry: 'A new payment attempt was started',
  reservation_released: 'Stock reservation released',
  cancelled: 'Cancelled',
  dispatched: 'Dispatched',
  delivered: 'Marked delivered',
  refund: 'Refund recorded',
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('delivery_country', 'text', (c) => c.notNull().defaultTo('GB'))
    .execute();
  await db.schema.alterTable('orders').addColumn('anonymised_at', 'text').execute();
  await db.schema.createIndex('orders_status_updated_idx').on('orders').columns(['status', 'updated_at']).execute();

  const now = new Date();
  const at = now.toISOString();
  const detailsBefore = new Date(now.getTime() - DETAILS_DAYS * 86_400_000).toISOString();
  const taxBefore = new Date(now);
  taxBefore.setUTCFullYear(taxBefore.getUTCFullYear() - TAX_RECORD_SURELY_ENDED_YEARS);

  // Lines, events and payment attempts go with their order (on delete cascade).
  await db.deleteFrom('orders').where('updated_at', '<', taxBefore.toISOString()).where('paid_at', 'is not', null).execute();

  const finished = db
    .selectFrom('orders')
    .select('id')
    .where('status', 'in', FINISHED)
    .where('paid_at', 'is not', null)
    .where('updated_at', '<', detailsBefore)
    .where('anonymised_at', 'is', null);
  await db
    .updateTable('order_events')
    .set((eb: any) => {
      let summary = eb.case();
      for (const [kind, text] of Object.entries(SUMMARIES)) summary = summary.when('kind', '=', kind).then(`${text} (details removed)`);
      return { detail: summary.else('Recorded (details removed)').end() };
    })
    .where('order_id', 'in', finished)
    .execute();
  await db
    .updateTable('payment_attempts')
    .set({ vps_tx_id: null, status_detail: null, tx_auth_no: null })
    .where('order_id', 'in', finished)
    .execute();
  await db
    .updateTable('orders')
    .set({
      first_name: '',
      surname: '',
      email: '',
      phone: '',
      billing_line1: '',
      billing_line2: null,
      billing_city: '',
      billing_postcode: '',
      delivery_first_name: '',
      delivery_surname: '',
      delivery_line1: '',
      delivery_line2: null,
      delivery_city: '',
      delivery_postcode: '',
      gift_message: null,
      tracking_number: null,
      bag_id: null,
      unpaid_network_hash: null,
      unpaid_email_hash: null,
      anonymised_at: at,
    })
    .where('id', 'in', finished)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // The removed details cannot come back; only the columns go.
  await db.schema.dropIndex('orders_status_updated_idx').ifExists().execute();
  await db.schema.alterTable('orders').dropColumn('anonymised_at').execute();
  await db.schema.alterTable('orders').dropColumn('delivery_country').execute();
}
