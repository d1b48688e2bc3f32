import type { Db } from '../../db/database.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { type StaffContext, type StaffSession, confirmIdentity } from '../staff/staff.service.js';
import type { ExportSummary } from './handover.export.js';

/**
 * The checks and records around the whole-shop export: the owner proves themselves again with
 * their password and a current two-factor code (the staff feature's own checks, so wrong answers
 * count against the same sign-in waits and are recorded as failures, while a right one opens no
 * session), and each export is recorded in the audit trail with counts only.
 */

export type Confirmation = Awaited<ReturnType<typeof confirmIdentity>>;

/** The owner's password and a current code, checked by the staff feature (wrong answers count against its sign-in waits). */
export function confirmOwner(
  db: Db,
  ctx: StaffContext,
  session: StaffSession,
  answers: { password: string; code: string },
  now: Date,
): Promise<Confirmation> {
  return confirmIdentity(db, ctx, session.staff.id, answers, now);
}

/** Records an export: who took it and how many rows of each table left the shop; never a row. */
export function recordExport(db: Db, actor: AuditActor, summary: ExportSummary | null, now: Date, stopped = false): Promise<void> {
  const counts = summary ? Object.entries(summary.rows).map(([table, n]) => `${table} ${n}`) : [];
  const reason = stopped
    ? 'Whole-shop export for a sale of the business, stopped before it was finished'
    : `Whole-shop export for a sale of the business: ${counts.join(', ')}; ${summary?.photos ?? 0} photo files`;
  return recordAudit(
    db,
    {
      actor: { staffId: actor.staffId, role: actor.role },
      action: 'export',
      subject: { type: 'shop', id: 'whole-shop' },
      fields: summary ? Object.keys(summary.rows) : [],
      reason,
      network: actor.network ?? null,
    },
    now,
  );
}
