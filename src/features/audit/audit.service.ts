import { createHash } from 'node:crypto';
import { type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import { ordersOfPerson } from '../orders/orders.holds.js';
import { findAuditRowsAboutRecords, findAuditRowsOfStaff } from './audit.repository.js';
import { h } from 'preact';
import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { deriveKey, sameText } from '../../shared/crypto.js';
import { GENESIS_HASH, chainSeal, chainText, walkChain } from '../../shared/hash-chain.js';
import { MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';
import { enqueueMail } from '../mail/outbox.service.js';
import { activeOwners } from '../staff/staff.directory.js';
import { AUDIT_RETENTION } from './audit.inventory.js';
import {
  type AuditFilter,
  type AuditRow,
  allAuditRows,
  countAuditRows,
  databaseIdentity,
  deleteAuditRowsThrough,
  findAuditRows,
  findExpiredAuditRun,
  insertAuditRow,
  lockAuditChain,
  newestAuditRow,
} from './audit.repository.js';
import { type AccessRow, findAccessesToCustomerRecords } from './audit.repository.js';

/**
 * The audit trail: an append-only record of every staff action that views, exports, changes or
 * deletes personal data, and of every change to staff and permissions.
 *
 * Each entry carries the seal of the one before and its own seal, an HMAC-SHA-256 (with a key
 * derived from SECRET_KEY) over its content and that link; so editing, inserting or removing an
 * entry breaks the chain at that point, and someone without the key cannot re-seal the rest.
 * The database refuses updates, early deletes, TRUNCATE, and inserts that do not continue the
 * chain. Someone holding both the database and the key could still rebuild the chain, so its head
 * is e-mailed to the owners every day (the anchor): the chain must still pass through it.
 *
 * Entries written before the chain was keyed were sealed with plain SHA-256. They are never
 * re-sealed (the database refuses updates); instead, the first start with a key appends a keyed
 * cut-over entry that links to the last of them. Verification accepts unkeyed seals only before
 * the first keyed entry, and requires the newest entry to be keyed, so re-hashing any part of the
 * trail without the key is seen.
 */

export type AuditAction = 'view' | 'export' | 'change' | 'delete' | 'create' | 'sign-in' | 'sign-out';

export interface AuditEntry {
  actor: { staffId: number | null; role: string };
  action: AuditAction;
  subject: { type: string; id: string | number };
  fields: string[];
  reason?: string;
  network?: string | null;
}

/** Who does what is recorded, as the back office passes it to a service: the staff member, and the network they came from. */
export interface AuditActor {
  staffId: number | null;
  role: string;
  network?: string | null;
}

/** An entry made by this actor. */
export function entryBy(actor: AuditActor, entry: Omit<AuditEntry, 'actor' | 'network'>): AuditEntry {
  return { ...entry, actor: { staffId: actor.staffId, role: actor.role }, network: actor.network ?? null };
}

type Sealed = Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>;

/** What a seal covers, after the link to the entry before: every column of the entry. */
function entryContent(row: Sealed): unknown[] {
  return [row.at, row.actor_staff_id, row.actor_role, row.action, row.subject_type, row.subject_id, row.fields, row.reason, row.network];
}

const keyedSeal = (key: Buffer, prev: string, row: Sealed) => chainSeal(key, prev, entryContent(row));
/** How entries were sealed before the chain was keyed. */
const unkeyedSeal = (prev: string, row: Sealed) =>
  createHash('sha256')
    .update(chainText(prev, entryContent(row)))
    .digest('hex');

// One key per open database, so that a process holding two shops' databases keeps them apart.
const chainKeys = new WeakMap<object, Buffer>();

function chainKey(db: Db): Buffer {
  const key = chainKeys.get(databaseIdentity(db));
  if (!key)
    throw new Error('The audit trail has no key for this database: call keyAuditTrail(db, config.secretKey, now) when it is opened');
  return key;
}

async function append(trx: Trx, key: Buffer, entry: AuditEntry, now: Date): Promise<AuditRow> {
  await lockAuditChain(trx);
  const prev = (await newestAuditRow(trx))?.hash ?? GENESIS_HASH;
  const row = {
    at: now.toISOString(),
    actor_staff_id: entry.actor.staffId,
    actor_role: entry.actor.role,
    action: entry.action,
    subject_type: entry.subject.type,
    subject_id: String(entry.subject.id),
    fields: entry.fields.join(','),
    reason: entry.reason ?? null,
    network: entry.network ?? null,
  };
  const sealed = { ...row, prev_hash: prev, hash: keyedSeal(key, prev, row) };
  return { id: await insertAuditRow(trx, sealed), ...sealed };
}

const CUT_OVER_REASON = 'unkeyed SHA-256 up to here; from this entry on, each entry is sealed with the shop key (HMAC-SHA-256)';

/**
 * Gives the audit trail of this database its key (from SECRET_KEY); every process that writes to
 * the trail calls this once, after migrating. If the newest entry was sealed before the chain was
 * keyed, a keyed cut-over entry is appended to it, once.
 */
export async function keyAuditTrail(db: Db, secretKey: string, now: Date): Promise<void> {
  const key = deriveKey(secretKey, 'audit-chain');
  chainKeys.set(databaseIdentity(db), key);
  await inTransaction(db, async (trx) => {
    await lockAuditChain(trx);
    const head = await newestAuditRow(trx);
    if (!head || sameText(keyedSeal(key, head.prev_hash, head), head.hash)) return;
    // A head that matches neither seal has been tampered with: verification says so; nothing is added.
    if (unkeyedSeal(head.prev_hash, head) !== head.hash) return;
    await append(
      trx,
      key,
      {
        actor: { staffId: null, role: 'system' },
        action: 'change',
        subject: { type: 'audit_log', id: head.id },
        fields: ['hash'],
        reason: CUT_OVER_REASON,
      },
      now,
    );
  });
}

/** Appends an entry. Pass the transaction that makes the change, so the record and the change land together. */
export async function recordAudit(db: Executor, entry: AuditEntry, now: Date): Promise<void> {
  // An export takes personal data out of the shop: it is never recorded without the reason for it.
  if (entry.action === 'export' && !entry.reason?.trim()) throw new Error('an export must be recorded with its reason');
  const key = chainKey(db);
  await inTransaction(db, (trx) => append(trx, key, entry, now));
}

/**
 * The one way a staff read of personal data is made: `read` runs in a transaction, and the entry
 * `entryFor` makes of its result is recorded in that same transaction, so nothing is shown that
 * was not recorded, and a read that fails records nothing. `entryFor` returns null when there was
 * nothing personal to see (no such order, no fields shown), and then nothing is recorded.
 */
export function auditedRead<T>(
  db: Executor,
  now: Date,
  read: (trx: Trx) => Promise<T>,
  entryFor: (result: T) => AuditEntry | null,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    const result = await read(trx);
    const entry = entryFor(result);
    if (entry) await recordAudit(trx, entry, now);
    return result;
  });
}

/** The head of the chain as the owners are sent it: the newest entry's id, the day it was written, and its seal. */
export interface AuditAnchor {
  id: number;
  day: string;
  hash: string;
}

export function formatAnchor(a: AuditAnchor): string {
  return `${a.id}-${a.day}-${a.hash}`;
}

/** Reads an anchor pasted from the daily e-mail; null when it is not one. */
export function parseAnchor(text: string): AuditAnchor | null {
  const m = /^#?(\d{1,15})-(\d{4}-\d{2}-\d{2})-([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) return null;
  const [, id, day, hash] = m as unknown as [string, string, string, string];
  const time = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) return null;
  return { id: Number(id), day, hash: hash.toLowerCase() };
}

export type ChainVerdict =
  { ok: true; entries: number; anchor?: 'matched' | 'expired' } | { ok: false; entries: number; brokenAt: number; problem: string };

/** A retention record names the seal of the last entry it removed; the oldest entry kept must link to it. */
const RETENTION_SEAL = /whose seal was ([0-9a-f]{64})/;
const isRetentionRecord = (row: AuditRow) => row.actor_role === 'system' && row.action === 'delete' && row.subject_type === 'audit_log';

/**
 * Walks the chain from the oldest entry kept. The oldest entry must start the chain, or link to
 * the last entry a retention run recorded removing. With an anchor from the daily e-mail, the
 * chain must also pass through the entry it names, with the same seal.
 */
export async function verifyAuditChain(db: Db, options: { anchor?: AuditAnchor; now?: Date } = {}): Promise<ChainVerdict> {
  const key = chainKey(db);
  const { anchor } = options;
  const now = options.now ?? new Date();
  let keyed = false;
  let removedUpTo: string | null = null;
  let anchorSeen = false;
  let oldest: AuditRow | null = null;
  const walked = await walkChain(
    allAuditRows(db),
    (row) => {
      if (sameText(keyedSeal(key, row.prev_hash, row), row.hash)) return 'keyed';
      if (unkeyedSeal(row.prev_hash, row) !== row.hash) return `entry ${row.id} was altered after it was written`;
      if (keyed) return `entry ${row.id} is not sealed with the shop's key, though the entries before it are: it was altered or re-hashed`;
      return 'other';
    },
    {
      // The oldest entry must start the chain, or link to the last entry a retention run removed;
      // that run's record comes later, so the link is checked once the walk is over.
      first: (row) => {
        oldest = row;
        return null;
      },
      onEntry: (row, seal) => {
        if (seal === 'keyed') {
          keyed = true;
          if (isRetentionRecord(row)) removedUpTo = RETENTION_SEAL.exec(row.reason ?? '')?.[1] ?? removedUpTo;
        }
        if (anchor && row.id === anchor.id) {
          if (row.hash !== anchor.hash || row.at.slice(0, 10) !== anchor.day) {
            return `entry ${row.id} is not the one the anchor you gave names: the trail up to it has been rewritten`;
          }
          anchorSeen = true;
        }
        return null;
      },
    },
  );
  const { entries, last } = walked;
  if (walked.broken) return { ok: false, entries, ...walked.broken };
  const broken = (row: AuditRow, problem: string): ChainVerdict => ({ ok: false, entries, brokenAt: row.id, problem });
  if (last && !keyed) {
    return broken(last, `entry ${last.id}, the newest, is not sealed with the shop's key: the trail was re-hashed without it`);
  }
  const first = oldest as AuditRow | null;
  if (first && first.prev_hash !== GENESIS_HASH && first.prev_hash !== removedUpTo) {
    return broken(first, `the entries before entry ${first.id} were removed, and not by the 6-year retention`);
  }
  const oldestId = first?.id;
  if (!anchor) return { ok: true, entries };
  if (anchorSeen) return { ok: true, entries, anchor: 'matched' };
  // The anchored entry is gone. That is expected only once it is past the retention period.
  const latestPossible = Date.parse(`${anchor.day}T00:00:00Z`) + 86_400_000;
  if (latestPossible <= now.getTime() - AUDIT_RETENTION.days * 86_400_000 && (oldestId === undefined || anchor.id < oldestId)) {
    return { ok: true, entries, anchor: 'expired' };
  }
  return {
    ok: false,
    entries,
    brokenAt: anchor.id,
    problem:
      last && anchor.id > last.id
        ? `entry ${anchor.id}, which the anchor you gave names, is missing: entries were removed from the end of the trail`
        : `entry ${anchor.id}, which the anchor you gave names, is missing: it was removed`,
  };
}

export function browseAudit(db: Db, filter: AuditFilter, page: number, pageSize = 50) {
  return findAuditRows(db, filter, pageSize, (page - 1) * pageSize);
}

/**
 * Retention: entries older than AUDIT_RETENTION are deleted, oldest first. The deletion is itself
 * recorded in the trail, with the seal of the last entry removed, so that the oldest entry kept
 * still links to something the chain vouches for; removing old entries any other way shows.
 */
export function eraseExpiredAuditEntries(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - AUDIT_RETENTION.days * 86_400_000).toISOString();
  const key = chainKey(db);
  return inTransaction(db, async (trx) => {
    await lockAuditChain(trx);
    const run = await findExpiredAuditRun(trx, cutoff);
    if (!run) return 0;
    // The record comes first, so that the trail is never empty and the next entry has a head to follow.
    await append(
      trx,
      key,
      {
        actor: { staffId: null, role: 'system' },
        action: 'delete',
        subject: { type: 'audit_log', id: run.last.id },
        fields: ['all'],
        reason: `6-year retention: ${run.count} entries written before ${cutoff.slice(0, 10)} removed, up to entry ${run.last.id}, whose seal was ${run.last.hash}`,
      },
      now,
    );
    return deleteAuditRowsThrough(trx, run.last.id);
  });
}

/** The chain's head now, for the daily anchor; null while the trail is empty. */
export async function currentAnchor(db: Db): Promise<(AuditAnchor & { at: string; entries: number }) | null> {
  const head = await newestAuditRow(db);
  if (!head) return null;
  return { id: head.id, day: head.at.slice(0, 10), hash: head.hash, at: head.at, entries: await countAuditRows(db) };
}

/**
 * Queues the daily anchor e-mail to every active owner: the chain's head (entry id and seal), how
 * many entries the trail holds, and whether it verified just now. Kept outside the shop, it lets an
 * owner later see a rewrite even by someone holding the database and the key.
 */
export async function mailAuditAnchor(db: Db, now: Date, shop: { name: string; domain: string }): Promise<number> {
  const verdict = await verifyAuditChain(db, { now });
  return inTransaction(db, async (trx) => {
    const head = await currentAnchor(trx);
    if (!head) return 0;
    const owners = await activeOwners(trx);
    const anchor = formatAnchor(head);
    const subject = `${shop.name}: audit trail anchor for ${now.toISOString().slice(0, 10)}`;
    const paragraphs = [
      `The audit trail's newest entry is #${head.id}, written ${head.at.slice(0, 19).replace('T', ' ')} UTC, with seal ${head.hash}. The trail holds ${head.entries} entries.`,
      verdict.ok
        ? 'Checked just now: intact.'
        : `Checked just now: TAMPERED WITH. The first broken link is at entry #${verdict.brokenAt}: ${verdict.problem}.`,
      `Anchor: ${anchor}`,
      'Keep this e-mail. The entries are chained so that changing or removing one shows, but someone holding both the database and the shop\'s secret key could rebuild the chain; they cannot change this e-mail. To check the trail against it, open Audit trail in the back office, paste the anchor into the box by "Verify the chain" and press the button.',
    ];
    for (const owner of owners) {
      await enqueueMail(
        trx,
        {
          kind: 'audit-anchor',
          reference: String(head.id),
          to: owner.email,
          subject,
          text: paragraphs.join('\n\n'),
          html: renderMailHtml({
            shopName: shop.name,
            subject,
            footer: 'Sent every day to the shop owners.',
            children: h(MailParagraphs, { paragraphs }),
          }),
        },
        now,
        shop.domain,
      );
    }
    return owners.length;
  });
}

// ——— Asked by the customer's account: who has looked at their records ———

export type { AccessRow };

/** Staff accesses to a customer's account and to these orders of theirs, newest first: role and time, never who. */
export function accessesToCustomerRecords(
  db: Executor,
  customerId: number,
  orderNumbers: readonly string[],
  limit: number,
): Promise<AccessRow[]> {
  return findAccessesToCustomerRecords(db, { customerId, orderNumbers }, limit);
}

// ——— One person's copy and erasure, for the privacy feature ———

export const auditSubjects: SubjectHandlers = {
  /**
   * A staff member's entries (those they wrote, and those about their account) in full; a customer's
   * or buyer's (about their account and their orders, by number) as they may see them: when, which
   * role, what was done; never which staff member, nor from where.
   */
  async exportSubject(trx, person) {
    const asStaff = person.staffId === null ? [] : await findAuditRowsOfStaff(trx, person.staffId);
    const { numbers } = await ordersOfPerson(trx, person.customerId, emailsOf(person));
    const accounts = person.customerId === null ? [] : [String(person.customerId)];
    const about = await findAuditRowsAboutRecords(trx, accounts, numbers);
    const seen = new Set(asStaff.map((r) => r.id));
    return exportOf({ audit_log: [...asStaff, ...about.filter((r) => !seen.has(r.id))] });
  },

  /** Keeps every entry, as the inventory declares: the trail is the evidence of who looked at personal data, and cannot be changed. */
  async eraseSubject() {
    return reportOf({ audit_log: 0 });
  },
};
