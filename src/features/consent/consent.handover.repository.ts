import { wholesaleTables } from '../../db/wholesale.js';

/**
 * The consent ledger with its wordings, the current consent state and the suppression list read whole and written back whole, for the sale of the business
 * (src/features/handover): only the consent feature's own tables, named here.
 */

export const CONSENT_HANDOVER_TABLES = ['consent_wordings', 'consent_ledger', 'consent_state', 'marketing_suppressions'] as const;
export type ConsentHandoverTable = (typeof CONSENT_HANDOVER_TABLES)[number];

/** The tables whose `id` is an identity column, whose counters must follow the imported ids. */
const WITH_IDENTITY: readonly ConsentHandoverTable[] = ['consent_ledger'];

const wholesale = wholesaleTables<ConsentHandoverTable>(WITH_IDENTITY);
export const consentTablePages = wholesale.pages;
export const insertConsentRows = wholesale.insert;
export const resetConsentIdentities = wholesale.resetIdentities;
export const consentTableHasRows = wholesale.hasRows;
