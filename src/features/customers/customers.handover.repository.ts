import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { wholesaleTables } from '../../db/wholesale.js';

/**
 * Customer accounts and their addresses read whole and written back whole, for the sale of the business
 * (src/features/handover): only the customers feature's own tables, named here.
 */

export const CUSTOMERS_HANDOVER_TABLES = ['customers', 'customer_addresses'] as const;
export type CustomersHandoverTable = (typeof CUSTOMERS_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly CustomersHandoverTable[] = ['customers', 'customer_addresses'];

const wholesale = wholesaleTables<CustomersHandoverTable>(WITH_IDENTITY);
export const customersTablePages = wholesale.pages;
export const insertCustomersRows = wholesale.insert;
export const resetCustomersIdentities = wholesale.resetIdentities;
export const customersTableHasRows = wholesale.hasRows;

/** Account holders after `afterId`, in id order: for the notice that the business has changed hands. */
export function accountHoldersAfter(
  db: Executor,
  afterId: number,
  limit: number,
): Promise<{ id: number; email: string; first_name: string }[]> {
  return db.selectFrom('customers').select(['id', 'email', 'first_name']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export async function countAccountHolders(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Which of these lower-cased addresses belong to an account (compared case-insensitively). */
export async function accountHolderAddressesIn(db: Executor, addresses: readonly string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const rows = await db
    .selectFrom('customers')
    .select(sql<string>`lower(email)`.as('address'))
    .where(sql<string>`lower(email)`, 'in', addresses)
    .execute();
  return rows.map((r) => r.address);
}
