import type { Executor } from '../../db/database.js';
import { type HandoverPart, handoverTable } from '../handover/handover.tables.js';
import {
  CUSTOMERS_HANDOVER_TABLES,
  accountHolderAddressesIn,
  accountHoldersAfter,
  countAccountHolders,
  type CustomersHandoverTable,
  customersTableHasRows,
  customersTablePages,
  insertCustomersRows,
  resetCustomersIdentities,
} from './customers.handover.repository.js';

/**
 * Customer accounts and their addresses as they are handed over when the business is sold. The
 * password fingerprints stay behind, and so do sessions and e-mailed links: they are keys to the
 * accounts, and whoever holds a copy of the export could use them (or guess passwords offline).
 * In the new shop an account signs in after its holder chooses a new password ("Forgotten your
 * password?"), which proves they still hold the address.
 */

const HOLDS: Record<CustomersHandoverTable, string> = {
  customers: 'the customer accounts: e-mail address, name, phone, when the address was confirmed, when the account was opened',
  customer_addresses: 'the addresses saved in each account',
};

export const NO_PASSWORD = '';

const tables = CUSTOMERS_HANDOVER_TABLES.map((table) =>
  handoverTable({
    table,
    feature: 'customers',
    holds: HOLDS[table],
    omit:
      table === 'customers'
        ? [
            {
              columns: ['password_hash'],
              why: 'a fingerprint of the password is a key to the account; the new shop asks each customer to choose a new password',
              // An empty fingerprint matches no password: the account waits for its holder to set one.
              onImport: { password_hash: NO_PASSWORD },
            },
          ]
        : [],
    pages: customersTablePages,
    insert: insertCustomersRows,
  }),
);

export const customersHandover: HandoverPart = {
  feature: 'customers',
  tables,
  resetIdentities: resetCustomersIdentities,
  async hasData(db: Executor) {
    return customersTableHasRows(db, 'customers');
  },
};

export interface AccountHolder {
  id: number;
  email: string;
  firstName: string;
}

/** A page of account holders in id order, after `afterId`: whom the notice of a change of owner goes to. */
export async function accountHoldersPage(db: Executor, afterId: number, limit: number): Promise<AccountHolder[]> {
  return (await accountHoldersAfter(db, afterId, limit)).map((r) => ({ id: r.id, email: r.email, firstName: r.first_name }));
}

export { countAccountHolders };

/** Which of these lower-cased addresses belong to an account holder, who is written to as one. */
export async function accountHolderAddresses(db: Executor, addresses: readonly string[]): Promise<Set<string>> {
  return new Set(await accountHolderAddressesIn(db, addresses));
}
