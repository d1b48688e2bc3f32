import type { Executor, Trx } from '../../db/database.js';
import { insertExplicitRows, resetIdentity } from '../../db/identity.js';
import { type TablePages, hasRows, tablePages } from '../../db/wholesale.js';

/**
 * The consent ledger with its wordings, the current consent state and the suppression list read whole and written back whole, for the sale of the business
 * (src/features/handover): only the consent feature's own tables, named here.
 */

export const CONSENT_HANDOVER_TABLES = ['consent_wordings', 'consent_ledger', 'consent_state', 'marketing_suppressions'] as const;
export type ConsentHandoverTable = (typeof CONSENT_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly ConsentHandoverTable[] = ['consent_ledger'];

export function consentTablePages(db: Executor, table: ConsentHandoverTable, pageRows?: number): Promise<TablePages> {
  return tablePages(db, table, pageRows);
}

export function insertConsentRows(trx: Trx, table: ConsentHandoverTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  return insertExplicitRows(trx, table, rows);
}

export async function resetConsentIdentities(trx: Trx): Promise<void> {
  for (const table of WITH_IDENTITY) await resetIdentity(trx, table);
}

export function consentTableHasRows(db: Executor, table: ConsentHandoverTable): Promise<boolean> {
  return hasRows(db, table);
}
