import type { Executor } from '../../db/database.js';
import { type HandoverPart, handoverTable } from '../handover/handover.tables.js';
import {
  CONSENT_HANDOVER_TABLES,
  type ConsentHandoverTable,
  consentTableHasRows,
  consentTablePages,
  insertConsentRows,
  resetConsentIdentities,
} from './consent.handover.repository.js';

/**
 * Consent as it is handed over when the business is sold: the ledger exactly (its hash chain
 * intact), the words each consent was asked with, the current state and the suppression list.
 * The fingerprints in them (of people and of addresses) and the chain are keyed with the shop's
 * SECRET_KEY: the new shop matches them only when it runs with the same key, handed over apart
 * from the export. Sign-ups still waiting for their confirmation e-mail are not handed over: their
 * links are keys, and the people have not confirmed.
 */

const HOLDS: Record<ConsentHandoverTable, string> = {
  consent_wordings: 'the exact words each consent was asked with, by their SHA-256',
  consent_ledger:
    'every consent given, withdrawn or acted on, hash-chained: who (a keyed fingerprint, the account, the address), what for, how, when, under which policy version',
  consent_state: 'each person’s current consent per purpose, as derived from the ledger',
  marketing_suppressions:
    'the suppression list: fingerprints of addresses that withdrew consent for a purpose and must never be sent marketing for it again',
};

const tables = CONSENT_HANDOVER_TABLES.map((table) =>
  handoverTable({ table, feature: 'consent', holds: HOLDS[table], pages: consentTablePages, insert: insertConsentRows }),
);

export const consentHandover: HandoverPart = {
  feature: 'consent',
  tables,
  resetIdentities: resetConsentIdentities,
  async hasData(db: Executor) {
    return (await consentTableHasRows(db, 'consent_ledger')) || (await consentTableHasRows(db, 'marketing_suppressions'));
  },
};
