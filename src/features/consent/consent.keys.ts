/**
 * The consent ledger's keys, per database, and the keyed fingerprint of an address that the
 * suppression list, the audience and the privacy flags all compare. Apart from the service so
 * that a feature which only needs the fingerprint (privacy's flags, which the outbox's gate in
 * turn asks) does not import the whole consent service.
 */
import type { Db, Executor } from '../../db/database.js';
import { deriveKey, hmacHex } from '../../shared/crypto.js';
import { consentDatabaseIdentity } from './consent.repository.js';

export interface ConsentKeys {
  chain: Buffer;
  subject: Buffer;
  address: Buffer;
  unsubscribe: Buffer;
}

const keysByDatabase = new WeakMap<object, ConsentKeys>();

/** Derives this database's keys from SECRET_KEY (called by keyConsentLedger). */
export function setConsentKeys(db: Db, secretKey: string): void {
  keysByDatabase.set(consentDatabaseIdentity(db), {
    chain: deriveKey(secretKey, 'consent-chain'),
    subject: deriveKey(secretKey, 'consent-subject'),
    address: deriveKey(secretKey, 'marketing-address'),
    unsubscribe: deriveKey(secretKey, 'unsubscribe-link'),
  });
}

export function keysOf(db: Executor): ConsentKeys {
  const keys = keysByDatabase.get(consentDatabaseIdentity(db));
  if (!keys)
    throw new Error('The consent ledger has no key for this database: call keyConsentLedger(db, config.secretKey) when it is opened');
  return keys;
}

/** An address as compared everywhere: trimmed, in lower case. */
export function normaliseAddress(email: string): string {
  return email.trim().toLowerCase();
}

/** The keyed fingerprint of an address, as the suppression list and the audience compare it. */
export function addressHashOf(db: Executor, email: string): string {
  return hmacHex(keysOf(db).address, normaliseAddress(email));
}
