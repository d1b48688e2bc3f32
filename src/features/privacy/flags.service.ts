import type { Executor } from '../../db/database.js';
import { addressHashOf, normaliseAddress } from '../consent/consent.keys.js';
import { type Person, type SubjectExport, emailsOf, exportOf } from './inventory.js';
import { deleteFlags, flagRowsOf, hashesWithKinds, insertFlags } from './flags.repository.js';

/**
 * Objection and restriction, honoured by every processing path. A flag is kept against a keyed
 * hash of the address (consent's `addressHashOf`, the same fingerprint as the suppression list),
 * so it goes on being honoured after the person is erased. An objection holds back one use; a
 * restriction holds back every use, leaving only keeping the data and the legal minimum: orders,
 * their e-mails, account security notices and answers to the person's own requests still go.
 * Back-in-stock alerts are a service the person asked for, so only a restriction holds them back.
 */

/** What a person objects to, or that they asked for restriction (which holds back everything but keeping the data and the legal minimum). */
export type FlagKind = 'objection-marketing' | 'objection-feedback' | 'objection-sharing' | 'objection-statistics' | 'restriction';

export const FLAG_KINDS: readonly FlagKind[] = [
  'objection-marketing',
  'objection-feedback',
  'objection-sharing',
  'objection-statistics',
  'restriction',
];

/** The processing paths that ask before they act. */
export type ProcessingUse = 'marketing' | 'feedback' | 'sharing' | 'statistics' | 'alerts';

/** The flags that hold back each use. */
export const HELD_BACK_BY: Record<ProcessingUse, readonly FlagKind[]> = {
  marketing: ['objection-marketing', 'restriction'],
  feedback: ['objection-feedback', 'restriction'],
  sharing: ['objection-sharing', 'restriction'],
  statistics: ['objection-statistics', 'restriction'],
  alerts: ['restriction'],
};

export const FLAG_TEXT: Record<FlagKind, string> = {
  'objection-marketing': 'Objects to marketing e-mails',
  'objection-feedback': 'Objects to requests for feedback',
  'objection-sharing': 'Objects to their data being shared with partners',
  'objection-statistics': 'Objects to being counted in the visitor statistics',
  restriction: 'Asked us to restrict what we do with their data: kept, but not used beyond the legal minimum',
};

export function isFlagKind(text: string): text is FlagKind {
  return (FLAG_KINDS as readonly string[]).includes(text);
}

// ——— The statistics' set, held in memory ———

/**
 * The statistics count every page view with no database work, so the addresses that object to
 * being counted (or are restricted) are held in memory per database: loaded once, grown at once
 * when a flag is set here, reloaded when one is lifted, and at least every STATISTICS_SET_SECONDS
 * so that flags set by another process sharing the database are seen.
 */
export const STATISTICS_SET_SECONDS = 30;

interface HeldSet {
  hashes: Set<string>;
  loadedAtMs: number;
}

const statisticsSets = new WeakMap<object, HeldSet>();
const loading = new WeakMap<object, Promise<Set<string>>>();
const identityOf = (db: Executor): object => db.getExecutor().adapter;

/** Addresses that may not be counted, as a check on an address: null when the set must be (re)loaded first. */
export interface StatisticsExclusions {
  size: number;
  has(email: string): boolean;
}

function exclusionsOf(db: Executor, hashes: Set<string>): StatisticsExclusions {
  return { size: hashes.size, has: (email) => hashes.size > 0 && hashes.has(addressHashOf(db, email)) };
}

/** The set now, without waiting: null when it has not been loaded or is older than STATISTICS_SET_SECONDS. */
export function statisticsExclusionsNow(db: Executor, nowMs: number = Date.now()): StatisticsExclusions | null {
  const held = statisticsSets.get(identityOf(db));
  if (!held || nowMs - held.loadedAtMs > STATISTICS_SET_SECONDS * 1000) return null;
  return exclusionsOf(db, held.hashes);
}

/** Loads the set (one query, shared by every caller waiting for it). */
export async function loadStatisticsExclusions(db: Executor): Promise<StatisticsExclusions> {
  const id = identityOf(db);
  let pending = loading.get(id);
  if (!pending) {
    const startedMs = Date.now();
    pending = hashesWithKinds(db, [...HELD_BACK_BY.statistics])
      .then((rows) => {
        const hashes = new Set(rows);
        statisticsSets.set(id, { hashes, loadedAtMs: startedMs });
        return hashes;
      })
      .finally(() => loading.delete(id));
    loading.set(id, pending);
  }
  return exclusionsOf(db, await pending);
}

// ——— Setting, lifting and asking ———

/** Sets the flags for the address (once each), inside the caller's transaction. */
export async function setFlags(db: Executor, email: string, kinds: FlagKind[], now: Date, requestId: number | null): Promise<void> {
  const addressHash = addressHashOf(db, email);
  const unique = [...new Set(kinds)];
  await insertFlags(
    db,
    unique.map((kind) => ({ address_hash: addressHash, kind, set_at: now.toISOString(), request_id: requestId })),
  );
  // Not counting someone a moment early, should the caller's transaction fail, does no harm.
  if (unique.some((k) => HELD_BACK_BY.statistics.includes(k))) statisticsSets.get(identityOf(db))?.hashes.add(addressHash);
}

/** Lifts the flags for the address (the person no longer objects, or the restriction ends). */
export async function liftFlags(db: Executor, email: string, kinds: FlagKind[]): Promise<void> {
  await deleteFlags(db, addressHashOf(db, email), [...new Set(kinds)]);
  // Read again on the next count, rather than counting someone before the lifting is committed.
  if (kinds.some((k) => HELD_BACK_BY.statistics.includes(k))) statisticsSets.delete(identityOf(db));
}

/** The flags set for the address. */
export async function flagsFor(db: Executor, email: string): Promise<FlagKind[]> {
  return (await flagRowsOf(db, [addressHashOf(db, email)])).map((r) => r.kind).filter(isFlagKind);
}

/** Whether a use of the address's data is held back by an objection to it or by a restriction. */
export async function isHeldBack(db: Executor, email: string, use: ProcessingUse): Promise<boolean> {
  return (await flagsFor(db, email)).some((k) => HELD_BACK_BY[use].includes(k));
}

/** Of these addresses, those (in lower case) whose use is held back: one query for the lot. */
export async function heldBackAmong(db: Executor, emails: readonly string[], use: ProcessingUse): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const kinds: readonly string[] = HELD_BACK_BY[use];
  // A few addresses (one e-mail as it is queued or sent) are looked up by key; many are read against the whole set.
  const held =
    emails.length <= FEW
      ? new Set(
          (await flagRowsOf(db, [...new Set(emails.map((e) => addressHashOf(db, e)))]))
            .filter((r) => kinds.includes(r.kind))
            .map((r) => r.address_hash),
        )
      : new Set(await heldBackHashes(db, use));
  const out = new Set<string>();
  if (held.size === 0) return out;
  for (const email of emails) if (held.has(addressHashOf(db, email))) out.add(normaliseAddress(email));
  return out;
}

const FEW = 50;

/**
 * Every address (as its hash) whose use is held back: the small set a campaign's page or a run is
 * read against once, rather than asking once per address.
 */
export function heldBackHashes(db: Executor, use: ProcessingUse): Promise<string[]> {
  return hashesWithKinds(db, [...HELD_BACK_BY[use]]);
}

/** The person's flags, for their copy. */
export async function exportFlags(db: Executor, person: Person): Promise<SubjectExport> {
  const rows = await flagRowsOf(
    db,
    emailsOf(person).map((e) => addressHashOf(db, e)),
  );
  return exportOf({
    privacy_flags: rows.map((r) => ({
      address_hash: r.address_hash,
      kind: r.kind,
      meaning: isFlagKind(r.kind) ? FLAG_TEXT[r.kind] : r.kind,
      set_at: r.set_at,
      request_id: r.request_id,
    })),
  });
}
