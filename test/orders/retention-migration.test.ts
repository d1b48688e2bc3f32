import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';
import { freshDatabase, testDialect } from '../support/build-app.js';

/**
 * The migration that brings the orders there already are under the new retention rules: a
 * finished order past its 180 days loses the buyer's details, an order past any tax record's end
 * is deleted, and nothing else changes. It runs at the real time (a migration has no clock), so
 * the orders are placed well clear of each boundary.
 */
const NAME = '2026-12-02-order-retention';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let dir: string;
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let handle: DatabaseHandle;
let migrator: Migrator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-order-retention-'));
  fresh = await freshDatabase(dir);
  handle = openDatabase(
    fresh.env.DATABASE_URL ? { dialect: 'postgres', url: fresh.env.DATABASE_URL } : { dialect: 'sqlite', file: join(dir, 'a.db') },
  );
  migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
});
afterAll(async () => {
  await handle?.close();
  await fresh?.drop();
  rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
/** An order as the shop stored it before this migration, with a line, an event and a payment attempt. */
async function order(status: string, changedDaysAgo: number, paid: boolean): Promise<number> {
  const db = handle.db as unknown as Kysely<any>;
  const at = ago(changedDaysAgo);
  serial++;
  const { id } = await db
    .insertInto('orders')
    .values({
      number: `AS-MIG${String(serial).padStart(3, '0')}`,
      status,
      first_name: 'Ada',
      surname: 'Lovelace',
      email: `ada${serial}@example.co.uk`,
      phone: '07700 900123',
      billing_line1: '88 Vyse Street',
      billing_line2: 'Flat 2',
      billing_city: 'Birmingham',
      billing_postcode: 'B18 6NF',
      delivery_first_name: 'Grace',
      delivery_surname: 'Hopper',
      delivery_line1: '12 Arlington Row',
      delivery_line2: null,
      delivery_city: 'Bibury',
      delivery_postcode: 'GL7 5NP',
      gift_message: 'Happy birthday',
      delivery_method: 'tracked48',
      delivery_pence: 395,
      subtotal_pence: 12_000,
      total_pence: 12_395,
      tracking_number: status === 'dispatched' ? 'AB123456789GB' : null,
      created_at: at,
      updated_at: at,
      paid_at: paid ? at : null,
      dispatched_at: status === 'dispatched' ? at : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('order_lines')
    .values({
      order_id: id,
      variant_id: null,
      sku: 'RING-1',
      product_name: 'Band',
      variant_label: 'Gold, size N',
      unit_pence: 12_000,
      quantity: 1,
    })
    .execute();
  await db
    .insertInto('order_events')
    .values({ order_id: id, at, kind: 'cancelled', detail: 'Cancelled: Ada rang from 07700 900123' })
    .execute();
  await db
    .insertInto('payment_attempts')
    .values({
      order_id: id,
      vendor_tx_code: `AS-MIG${serial}-1`,
      amount_pence: 12_395,
      status: paid ? 'OK' : 'pending',
      created_at: at,
      vps_tx_id: paid ? `{VPS-${serial}}` : null,
      status_detail: paid ? '0000 : The Authorisation was Successful.' : null,
      tx_auth_no: paid ? '9145' : null,
    })
    .execute();
  return id;
}

describe(`the order retention migration on ${testDialect}`, () => {
  it('anonymises finished orders past 180 days, deletes orders past any tax record end, and leaves the rest', async () => {
    const names = Object.keys(migrations).sort();
    const before = names[names.indexOf(NAME) - 1];
    expect(before).toBeDefined();
    const to = await migrator.migrateTo(before as string);
    expect(to.error).toBeUndefined();

    const oldFinished = await order('dispatched', 200, true);
    const oldCancelledPaid = await order('cancelled', 181, true);
    const recentFinished = await order('dispatched', 170, true);
    const paidNotDispatched = await order('paid', 200, true);
    const neverPaid = await order('cancelled', 80, false);
    const pastTaxEnd = await order('delivered', 8 * 366, true);

    const up = await migrator.migrateTo(NAME);
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual([[NAME, 'Success']]);

    const db = handle.db;
    const rows = await db.selectFrom('orders').selectAll().orderBy('id').execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.has(pastTaxEnd)).toBe(false);
    expect(await db.selectFrom('order_lines').select('id').where('order_id', '=', pastTaxEnd).execute()).toEqual([]);

    for (const id of [oldFinished, oldCancelledPaid]) {
      const o = byId.get(id);
      expect(o).toMatchObject({
        first_name: '',
        surname: '',
        email: '',
        phone: '',
        billing_line1: '',
        billing_line2: null,
        billing_postcode: '',
        delivery_line1: '',
        delivery_postcode: '',
        gift_message: null,
        tracking_number: null,
        // The tax record stays.
        total_pence: 12_395,
        subtotal_pence: 12_000,
        delivery_country: 'GB',
      });
      expect(o?.anonymised_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const events = await db.selectFrom('order_events').select('detail').where('order_id', '=', id).execute();
      expect(events).toEqual([{ detail: 'Cancelled (details removed)' }]);
      const attempts = await db.selectFrom('payment_attempts').selectAll().where('order_id', '=', id).execute();
      expect(attempts).toMatchObject([{ amount_pence: 12_395, status: 'OK', vps_tx_id: null, tx_auth_no: null, status_detail: null }]);
      expect(await db.selectFrom('order_lines').select(['sku', 'unit_pence']).where('order_id', '=', id).execute()).toEqual([
        { sku: 'RING-1', unit_pence: 12_000 },
      ]);
    }
    for (const id of [recentFinished, paidNotDispatched, neverPaid]) {
      expect(byId.get(id)).toMatchObject({
        email: expect.stringMatching(/@example\.co\.uk$/),
        gift_message: 'Happy birthday',
        anonymised_at: null,
      });
      const events = await db.selectFrom('order_events').select('detail').where('order_id', '=', id).execute();
      expect(events).toEqual([{ detail: 'Cancelled: Ada rang from 07700 900123' }]);
    }
  });
});
