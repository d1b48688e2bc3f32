import { type Db, type Executor, inTransaction } from '../../db/database.js';
import { addressHashOf } from '../consent/consent.service.js';
import { contracts as allContracts, type PrivacyContract } from './contracts.registry.js';
import { type ErasureReport, type KnownPerson, type Person, emailsOf } from './inventory.js';
import {
  type JournalRow,
  deleteJournalEntriesFinishedBefore,
  findJournalEntries,
  findUnfinishedJournalEntries,
  insertJournalEntry,
  updateJournalWaiting,
} from './journal.repository.js';
import { erasePerson } from './subjects.service.js';

/**
 * The erasure journal: each erasure under pseudonymous keys, so that a database restored from a
 * backup taken before it can have it applied again before the shop serves. An entry holds no
 * address and no number: only keyed hashes (with the shop's address key, as the suppression list
 * uses) of every address the person was known by, and of their account and staff numbers
 * (`customer:<id>`, `staff:<id>` — no address has that form, so the two never meet). An entry also
 * lists the open orders whose erasure waits until they are delivered and past the returns window.
 */

/**
 * Days an entry is kept after its erasure finished: longer than any backup is kept (at most
 * MAX_BACKUP_AGE_DAYS, 110, which the configuration enforces), so every restore finds it.
 */
export const JOURNAL_RETENTION_DAYS = 120;

/** What an entry says, as read back: its keys and what it still waits for. */
export interface JournalEntry {
  id: number;
  erasedAt: string;
  addressKeys: string[];
  customerKey: string | null;
  staffKey: string | null;
  requestId: number | null;
  waitingOrders: string[];
  finishedAt: string | null;
}

/** The text an account or staff number is hashed as: `customer:<id>`, `staff:<id>`. */
const numberText = (kind: 'customer' | 'staff', id: number) => `${kind}:${id}`;

const numberKey = (db: Executor, kind: 'customer' | 'staff', id: number) => addressHashOf(db, numberText(kind, id));

function entryOf(row: JournalRow): JournalEntry {
  const list = (json: string | null): string[] => {
    if (!json) return [];
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  };
  return {
    id: row.id,
    erasedAt: row.erased_at,
    addressKeys: list(row.address_keys),
    customerKey: row.customer_key,
    staffKey: row.staff_key,
    requestId: row.request_id,
    waitingOrders: list(row.waiting_orders),
    finishedAt: row.finished_at,
  };
}

/** Journals an erasure in the caller's transaction; finished at once unless orders wait. */
export function recordErasure(
  db: Executor,
  e: { person: Person; requestId: number | null; waitingOrders: string[] },
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  return inTransaction(db, (trx) =>
    insertJournalEntry(trx, {
      erased_at: at,
      address_keys: JSON.stringify(emailsOf(e.person).map((email) => addressHashOf(trx, email))),
      customer_key: e.person.customerId === null ? null : numberKey(trx, 'customer', e.person.customerId),
      staff_key: e.person.staffId === null ? null : numberKey(trx, 'staff', e.person.staffId),
      request_id: e.requestId,
      waiting_orders: e.waitingOrders.length > 0 ? JSON.stringify(e.waitingOrders) : null,
      finished_at: e.waitingOrders.length > 0 ? null : at,
    }),
  );
}

/** Every entry of this database's journal, oldest first (what a restore re-applies). */
export async function readJournal(db: Executor): Promise<JournalEntry[]> {
  return (await findJournalEntries(db)).map(entryOf);
}

/** The entries still waiting for open orders. */
export async function unfinishedErasures(db: Executor): Promise<JournalEntry[]> {
  return (await findUnfinishedJournalEntries(db)).map(entryOf);
}

/** Records that an entry now waits for fewer orders, or none (then it is finished). */
export function noteWaitingOrders(db: Executor, id: number, waiting: string[], now: Date): Promise<void> {
  return inTransaction(db, (trx) =>
    updateJournalWaiting(trx, id, waiting.length > 0 ? JSON.stringify(waiting) : null, waiting.length > 0 ? null : now.toISOString()),
  );
}

/** Retention: entries JOURNAL_RETENTION_DAYS after their erasure finished are deleted. */
export function deleteExpiredJournalEntries(db: Db, now: Date): Promise<number> {
  return deleteJournalEntriesFinishedBefore(db, new Date(now.getTime() - JOURNAL_RETENTION_DAYS * 86_400_000).toISOString());
}

/** What re-applying a journal did: entries that found someone, people erased again, and the rows, table by table. */
export interface ReapplyReport {
  entries: number;
  matched: number;
  people: number;
  report: ErasureReport;
}

/**
 * Applies the journal's erasures again to a database (one restored from a backup taken before
 * them), in one transaction: every person named by an address that hashes to an entry's address
 * key, or by an account or staff number that hashes to its customer or staff key, is erased again
 * with `erasePerson` (no e-mail: they have been told). People are found through each feature's
 * `knownPeople` (the addresses and numbers its own rows name), so this reads no other feature's
 * tables; the keys are the shop's, so the restored database must be opened with the same
 * SECRET_KEY. Entries may come from this database or from elsewhere (a journal kept apart from the
 * backups). The waiting orders of an entry are only as erased as the person's other orders would
 * be: erasePerson keeps one still open for delivery, as at the first erasure.
 */
export function reapplyErasures(
  db: Executor,
  entries: JournalEntry[],
  now: Date,
  contracts: PrivacyContract[] = allContracts,
): Promise<ReapplyReport> {
  return inTransaction(db, async (trx) => {
    // Each person the shop knows is hashed once and indexed by their keys, so the work grows with
    // the shop plus the journal, not with their product (a million orders, a hundred erasures).
    const byKey = new Map<string, KnownPerson[]>();
    const index = (key: string, k: KnownPerson) => {
      const list = byKey.get(key);
      if (list) list.push(k);
      else byKey.set(key, [k]);
    };
    const hashes = new Map<string, string>();
    const hashOf = (value: string) => {
      let h = hashes.get(value);
      if (h === undefined) {
        h = addressHashOf(trx, value);
        hashes.set(value, h);
      }
      return h;
    };
    for (const { handlers } of contracts) {
      if (!handlers?.knownPeople) continue;
      for (const k of await handlers.knownPeople(trx)) {
        const email = k.email?.trim().toLowerCase();
        if (email) index(`a:${hashOf(email)}`, k);
        if (k.customerId !== null) index(`c:${hashOf(numberText('customer', k.customerId))}`, k);
        if (k.staffId !== null) index(`s:${hashOf(numberText('staff', k.staffId))}`, k);
      }
    }
    const report: ErasureReport = {};
    let matched = 0;
    let people = 0;
    for (const entry of entries) {
      const keys = [
        ...entry.addressKeys.map((h) => `a:${h}`),
        ...(entry.customerKey === null ? [] : [`c:${entry.customerKey}`]),
        ...(entry.staffKey === null ? [] : [`s:${entry.staffKey}`]),
      ];
      const found = [...new Set(keys.flatMap((key) => byKey.get(key) ?? []))];
      if (found.length === 0) continue;
      matched++;
      const customerIds = [...new Set(found.map((k) => k.customerId).filter((id): id is number => id !== null))];
      const staffIds = [...new Set(found.map((k) => k.staffId).filter((id): id is number => id !== null))];
      const emails = [...new Set(found.map((k) => k.email).filter((e): e is string => e !== null && e.trim() !== ''))];
      // One person per account and staff number found (normally one of each at most), each with every address found.
      const accounts: (number | null)[] = customerIds.length > 0 ? customerIds : [null];
      for (const customerId of accounts) {
        for (const staffId of staffIds.length > 0 ? staffIds : [null]) {
          const erased = await erasePerson(trx, { customerId, emails, staffId }, now, contracts);
          people++;
          for (const [table, counts] of Object.entries(erased) as [keyof ErasureReport, { deleted: number; anonymised: number }][]) {
            const sum = report[table] ?? { deleted: 0, anonymised: 0 };
            report[table] = { deleted: sum.deleted + counts.deleted, anonymised: sum.anonymised + counts.anonymised };
          }
        }
      }
    }
    return { entries: entries.length, matched, people, report };
  });
}
