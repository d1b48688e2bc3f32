import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { AUDIT_RETENTION } from './audit.inventory.js';
import {
  type AuditFilter,
  type AuditRow,
  allAuditRows,
  deleteAuditRowsBefore,
  findAuditRows,
  insertAuditRow,
  lastAuditHash,
  lockAuditChain,
} from './audit.repository.js';

/**
 * The audit trail: an append-only record of every staff action that views, exports, changes or
 * deletes personal data, and of every change to staff and permissions. Each entry carries the
 * hash of the one before, so editing or removing an entry breaks the chain at that point.
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

export const GENESIS_HASH = '0'.repeat(64);

function entryHash(prev: string, row: Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([
    prev,
    row.at,
    row.actor_staff_id,
    row.actor_role,
    row.action,
    row.subject_type,
    row.subject_id,
    row.fields,
    row.reason,
    row.network,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends an entry. Pass the transaction that makes the change, so the record and the change land together. */
export async function recordAudit(db: Db, entry: AuditEntry, now: Date): Promise<void> {
  // An export takes personal data out of the shop: it is never recorded without the reason for it.
  if (entry.action === 'export' && !entry.reason?.trim()) throw new Error('an export must be recorded with its reason');
  const write = async (trx: Db) => {
    await lockAuditChain(trx);
    const prev = (await lastAuditHash(trx)) ?? GENESIS_HASH;
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
    await insertAuditRow(trx, { ...row, prev_hash: prev, hash: entryHash(prev, row) });
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

export type ChainVerdict = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; problem: string };

/**
 * Walks the chain from the oldest entry kept. The oldest entry's own link is taken as the anchor,
 * so that entries removed by the retention schedule (oldest first) do not read as tampering.
 */
export async function verifyAuditChain(db: Db): Promise<ChainVerdict> {
  let prev: string | null = null;
  let entries = 0;
  let lastId = 0;
  for await (const row of allAuditRows(db)) {
    entries++;
    if (prev !== null && row.prev_hash !== prev) {
      return {
        ok: false,
        entries,
        brokenAt: row.id,
        problem: `entry ${row.id} does not follow entry ${lastId}: an entry was removed or altered`,
      };
    }
    if (entryHash(row.prev_hash, row) !== row.hash) {
      return { ok: false, entries, brokenAt: row.id, problem: `entry ${row.id} was altered after it was written` };
    }
    prev = row.hash;
    lastId = row.id;
  }
  return { ok: true, entries };
}

export function browseAudit(db: Db, filter: AuditFilter, page: number, pageSize = 50) {
  return findAuditRows(db, filter, pageSize, (page - 1) * pageSize);
}

/** Retention: entries older than AUDIT_RETENTION are deleted, oldest first; the chain stays verifiable from the oldest kept. */
export function eraseExpiredAuditEntries(db: Db, now: Date): Promise<number> {
  return deleteAuditRowsBefore(db, new Date(now.getTime() - AUDIT_RETENTION.days * 86_400_000).toISOString());
}
