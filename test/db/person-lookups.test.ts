import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestShop, type TestShop, testDialect } from '../support/build-app.js';

/**
 * One person's rows are found by e-mail address without regard to case (`lower(email) in (…)`),
 * for a copy of their data, an erasure, or a guest's orders joining an account. The planner must
 * be able to answer that from an index, not by reading every row.
 */
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ env: { SEED_DEMO: 'false' } });
});
afterAll(async () => shop?.close());

const LOOKUPS = [
  ['orders', 'email', 'orders_email_lower_idx'],
  ['orders', 'surname', 'orders_surname_lower_idx'],
  ['customers', 'email', 'customers_email_lower_idx'],
  ['contact_messages', 'email', 'contact_messages_email_lower_idx'],
  ['mail_outbox', 'to_address', 'mail_outbox_to_lower_idx'],
  ['mail_outbox', 'reply_to', 'mail_outbox_reply_to_lower_idx'],
] as const;

describe(`finding a person by e-mail address uses an index (${testDialect})`, () => {
  for (const [table, column, index] of LOOKUPS) {
    it(`${table}.${column}`, async () => {
      const query = sql`select * from ${sql.table(table)} where lower(${sql.ref(column)}) in ('someone@example.test', 'other@example.test')`;
      const plan =
        testDialect === 'sqlite'
          ? (await sql<{ detail: string }>`explain query plan ${query}`.execute(shop.app.db)).rows.map((r) => r.detail).join('\n')
          : await shop.app.db.connection().execute(async (conn) => {
              // On an empty table the planner rightly prefers reading it whole; forbid that to see whether an index could serve.
              await sql`set enable_seqscan = off`.execute(conn);
              const rows = (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn)).rows;
              await sql`set enable_seqscan = on`.execute(conn);
              return rows.map((r) => r['QUERY PLAN']).join('\n');
            });
      expect(plan).toContain(index);
    });
  }
});
