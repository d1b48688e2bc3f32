import type { Db } from '../../db/database.js';
import { tokenHash } from '../../shared/crypto.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { type StaffContext, type StaffSession, endSessionOfToken, signInWithPassword, verifySecondFactor } from '../staff/staff.service.js';
import type { ExportSummary } from './handover.export.js';

/**
 * The checks and records around the whole-shop export: the owner proves themselves again with
 * their password and a current two-factor code (the staff feature's own sign-in checks, so wrong
 * answers count against the same sign-in waits and are recorded as sign-in failures), and each
 * export is recorded in the audit trail with counts only.
 */

export type Confirmation = { ok: true } | { ok: false; reason: 'no_two_factor' | 'wrong_password' | 'wrong_code' };

/**
 * The password, then the code, as a sign-in checks them. The sessions the checks open on the way
 * are ended at once: proving oneself again gives no new session.
 */
export async function confirmOwner(
  db: Db,
  ctx: StaffContext,
  session: StaffSession,
  answers: { password: string; code: string },
  now: Date,
): Promise<Confirmation> {
  if (!session.staff.twoFactor) return { ok: false, reason: 'no_two_factor' };
  const first = await signInWithPassword(db, ctx, session.staff.email, answers.password, true, now);
  if (!first.ok) {
    if (first.reason === 'two_factor_missing') return { ok: false, reason: 'no_two_factor' };
    await first.record();
    return { ok: false, reason: 'wrong_password' };
  }
  if (first.stage !== 'second-factor') {
    await endSessionOfToken(db, first.sessionToken);
    return { ok: false, reason: 'no_two_factor' };
  }
  const halfway: StaffSession = { ...session, tokenHash: tokenHash(first.sessionToken), stage: 'second-factor', pendingTotpSecret: null };
  const second = await verifySecondFactor(db, ctx, halfway, answers.code, now);
  if (!second.ok) {
    if (!second.ended) await endSessionOfToken(db, first.sessionToken);
    return { ok: false, reason: 'wrong_code' };
  }
  await endSessionOfToken(db, second.sessionToken);
  return { ok: true };
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
