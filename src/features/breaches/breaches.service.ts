import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { type AuditActor, type AuditEntry, auditedRead, entryBy, recordAudit } from '../audit/audit.service.js';
import { accountForPrivacy } from '../customers/customers.service.js';
import { staffNamesById } from '../staff/staff.directory.js';
import { enqueueMail } from '../mail/outbox.service.js';
import { type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import {
  type BreachClock,
  type BreachFields,
  type Risk,
  TO_COMPLETE,
  clockOf,
  momentText,
  reportDeadline,
  riskLabel,
} from './breaches.domain.js';
import { BREACH_PEOPLE_RETENTION_DAYS } from './breaches.inventory.js';
import { type BreachMailContext, breachNoticeMail } from './breaches.mail.js';
import {
  type BreachListRow,
  type BreachPersonRow,
  type BreachRow,
  countBreachPeople,
  countBreaches,
  deleteBreachPeopleOfPerson,
  deletePeopleOfBreachesClosedBefore,
  deleteUntoldBreachPerson,
  findBreach,
  findBreachAddresses,
  findBreachPeopleOfPerson,
  findBreachPerson,
  findBreachesAwaitingReport,
  findEveryBreachPerson,
  findUntoldPeople,
  insertBreach,
  insertBreachPeople,
  listBreachPeople,
  listBreaches,
  lockBreach,
  markPeopleTold,
  updateBreach,
} from './breaches.repository.js';

/**
 * The breach register (UK GDPR Art. 33 and 34): every suspected breach is recorded, assessed,
 * reported to the ICO within 72 hours of discovery or kept with the reason it was not, and — when
 * the risk to people is high — the people affected are told with a notice a member of staff has
 * reviewed. Every step is one transaction with its audit entry, which names fields and counts,
 * never what was written or whom it was about.
 */

export type { BreachListRow, BreachPersonRow, BreachRow };

export type BreachResult = { ok: true } | { ok: false; status: 400 | 404 | 409; message: string };

const NOT_FOUND = { ok: false, status: 404, message: 'We couldn’t find that breach in the register.' } as const;
const CLOSED = { ok: false, status: 409, message: 'This breach is closed: its record can no longer be changed.' } as const;
const refuse = (message: string, status: 400 | 409 = 409): BreachResult => ({ ok: false, status, message });

function entry(actor: AuditActor, id: number, action: AuditEntry['action'], fields: string[], reason?: string): AuditEntry {
  return entryBy(actor, { action, subject: { type: 'breach', id }, fields, ...(reason ? { reason } : {}) });
}

/**
 * Runs a change on an open breach in one transaction, holding the breach's row lock: `change`
 * returns the columns to set and the entry's fields and reason, or a refusal. The breach's
 * `updated_at` moves with every change.
 */
async function changeOpenBreach(
  db: Db,
  id: number,
  actor: AuditActor,
  now: Date,
  change: (
    b: BreachRow,
    trx: Trx,
  ) => Promise<BreachResult | { set: Partial<BreachRow>; fields: string[]; reason?: string; action?: AuditEntry['action'] }>,
): Promise<BreachResult> {
  return inTransaction(db, async (trx) => {
    await lockBreach(trx, id);
    const b = await findBreach(trx, id);
    if (!b) return NOT_FOUND;
    if (b.closed_at) return CLOSED;
    const outcome = await change(b, trx);
    if ('ok' in outcome) return outcome;
    if (outcome.fields.length === 0) return { ok: true };
    await updateBreach(trx, id, { ...outcome.set, updated_at: now.toISOString() });
    await recordAudit(trx, entry(actor, id, outcome.action ?? 'change', outcome.fields, outcome.reason), now);
    return { ok: true };
  });
}

// ——— Recording and editing ———

const columnsOf = (f: BreachFields) => ({
  title: f.title,
  what_happened: f.whatHappened,
  occurred_at: f.occurredAt,
  discovered_at: f.discoveredAt,
  categories: JSON.stringify(f.categories),
  data_affected: f.dataAffected,
  people_affected: f.peopleAffected,
  people_count: f.peopleCount,
  risk: f.risk as string,
  risk_assessment: f.riskAssessment,
  actions: f.actions,
});

/** Records a suspected breach; the 72 hours run from its discovery. */
export async function recordBreach(db: Db, fields: BreachFields, actor: AuditActor, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const at = now.toISOString();
    const id = await insertBreach(trx, { ...columnsOf(fields), recorded_at: at, recorded_by: actor.staffId ?? 0, updated_at: at });
    await recordAudit(trx, entry(actor, id, 'create', Object.keys(columnsOf(fields)), `risk: ${fields.risk}`), now);
    return id;
  });
}

/**
 * Changes the record. The entry names the fields that changed (and the risk's old and new level,
 * which describe no one). A decision not to report rested on the risk being unlikely: when the
 * risk changes from that, the decision is withdrawn and the clock runs again.
 */
export function editBreach(db: Db, id: number, fields: BreachFields, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    const next = columnsOf(fields);
    const set: Partial<BreachRow> = {};
    const changed: string[] = [];
    for (const [column, value] of Object.entries(next) as [keyof typeof next, string | number | null][]) {
      if (b[column] !== value) {
        (set as Record<string, unknown>)[column] = value;
        changed.push(column);
      }
    }
    const reasons: string[] = [];
    if (set.risk !== undefined) reasons.push(`risk: ${b.risk} → ${set.risk}`);
    if (set.risk !== undefined && set.risk !== 'unlikely' && b.not_reported_reason && !b.reported_at) {
      set.not_reported_reason = null;
      changed.push('not_reported_reason');
      reasons.push('the decision not to report is withdrawn with the change of risk');
    }
    return { set, fields: changed, reason: reasons.join('; ') || undefined };
  });
}

/** Adds a line to the actions taken, dated. */
export function addAction(db: Db, id: number, text: string, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    const line = `${momentText(now)}: ${text}`;
    return { set: { actions: b.actions ? `${b.actions}\n${line}` : line }, fields: ['actions'], reason: 'action added' };
  });
}

// ——— Reporting, or not ———

/**
 * Records the report to the ICO: when it was made and the ICO's reference. A report made after
 * the 72 hours needs the reason for the delay (Art. 33(1)).
 */
export function recordReport(
  db: Db,
  id: number,
  report: { reportedAt: Date; reference: string; lateReason: string | null },
  actor: AuditActor,
  now: Date,
): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    if (b.reported_at) return refuse('The report to the ICO is already recorded.');
    if (report.reportedAt > now) return refuse('The report cannot have been made in the future.', 400);
    if (report.reportedAt < new Date(b.discovered_at))
      return refuse('The report cannot have been made before the breach was discovered.', 400);
    const late = report.reportedAt > reportDeadline(new Date(b.discovered_at));
    if (late && !report.lateReason)
      return refuse(
        'The report was made more than 72 hours after discovery: please give the reason for the delay (the ICO asks for it).',
        400,
      );
    return {
      set: { reported_at: report.reportedAt.toISOString(), ico_reference: report.reference, late_reason: late ? report.lateReason : null },
      fields: ['reported_at', 'ico_reference', ...(late ? ['late_reason'] : [])],
      reason: late ? 'reported after 72 hours' : 'reported within 72 hours',
    };
  });
}

/**
 * Decides not to report, with the reason (Art. 33(5): the breach stays in the register with it).
 * Only a breach assessed as unlikely to result in a risk to people may go unreported.
 */
export function decideNotToReport(db: Db, id: number, reason: string, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    if (b.reported_at) return refuse('This breach has been reported to the ICO already.');
    if (b.risk !== 'unlikely')
      return refuse(
        b.risk === 'unassessed'
          ? 'Please assess the risk first: a breach goes unreported only when it is unlikely to result in a risk to people.'
          : `The risk is assessed as "${riskLabel(b.risk)}", so the breach must be reported to the ICO. If it is in fact unlikely to result in a risk, change the assessment first.`,
      );
    return { set: { not_reported_reason: reason }, fields: ['not_reported_reason'], reason: 'decided not to report' };
  });
}

/** Records why the people affected are not being told (Art. 34(3)), for a breach whose risk is high. */
export function decideNotToTell(db: Db, id: number, reason: string, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    if (b.people_told_at) return refuse('The people affected have been told already.');
    return {
      set: { people_not_told_reason: reason },
      fields: ['people_not_told_reason'],
      reason: 'decided not to tell the people affected',
    };
  });
}

/**
 * Closes the breach: it needs its report to the ICO or the reason it was not reported, and, when
 * the risk is high, the people told or the reason they were not (Art. 34(3)).
 */
export function closeBreach(db: Db, id: number, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    if (b.risk === 'unassessed') return refuse('Please assess the risk before closing the breach.');
    if (!b.reported_at && !b.not_reported_reason)
      return refuse('Please record the report to the ICO, or the reason for not reporting it, before closing the breach.');
    if (b.risk === 'high' && !b.people_told_at && !b.people_not_told_reason)
      return refuse(
        'The risk is high: please tell the people affected, or record why they are not being told (Art. 34(3)), before closing the breach.',
      );
    return { set: { closed_at: now.toISOString() }, fields: ['closed_at'], reason: 'closed' };
  });
}

// ——— The people affected and their notice ———

/**
 * Adds the people a breach affects, by address (already checked and each once, `parseAddressList`);
 * those listed already, in any capitals, are skipped. Each is matched to an account through the
 * customers feature, so that the record shows who has one. The entry holds counts, never addresses.
 */
export async function addPeople(
  db: Db,
  id: number,
  emails: string[],
  actor: AuditActor,
  now: Date,
): Promise<BreachResult & { added?: number; skipped?: number }> {
  let added = 0;
  let skipped = 0;
  const result = await changeOpenBreach(db, id, actor, now, async (b, trx) => {
    const listed = await findBreachAddresses(trx, id);
    const fresh = emails.filter((e) => !listed.has(e.toLowerCase()));
    skipped = emails.length - fresh.length;
    const rows = [];
    for (const email of fresh) {
      const account = await accountForPrivacy(trx, { email });
      rows.push({ breach_id: id, email, customer_id: account?.customerId ?? null, told_at: null });
    }
    await insertBreachPeople(trx, rows);
    added = rows.length;
    return { set: {}, fields: added > 0 ? ['breach_people'] : [], action: 'create', reason: `${added} added, ${skipped} already listed` };
  });
  return result.ok ? { ...result, added, skipped } : result;
}

/**
 * Removes a person listed by mistake, while they have not been told: once told, the record of
 * who was told stays. The entry names the table and a count, never the address.
 */
export function removePerson(db: Db, id: number, email: string, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (_b, trx) => {
    const person = await findBreachPerson(trx, id, email);
    if (!person) return { ok: false, status: 404, message: 'That address is not listed for this breach.' };
    if (person.told_at || (await deleteUntoldBreachPerson(trx, id, person.email)) === 0)
      return refuse('This person has been told already, so they stay on the list: the record of who was told must be kept.');
    return { set: {}, fields: ['breach_people'], action: 'delete', reason: '1 removed, not told' };
  });
}

/** Saves the notice; any change clears its review, so only a reviewed text is ever sent. */
export function saveNotice(
  db: Db,
  id: number,
  notice: { subject: string; body: string },
  actor: AuditActor,
  now: Date,
): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    const changed = b.notice_subject !== notice.subject || b.notice_body !== notice.body;
    if (!changed) return { set: {}, fields: [] };
    return {
      set: { notice_subject: notice.subject, notice_body: notice.body, notice_reviewed_by: null, notice_reviewed_at: null },
      fields: ['notice_subject', 'notice_body', ...(b.notice_reviewed_at ? ['notice_reviewed_at'] : [])],
      reason: b.notice_reviewed_at ? 'notice changed; its review is cleared' : 'notice written',
    };
  });
}

/** Marks the notice, as it stands, reviewed by this member of staff. */
export function reviewNotice(db: Db, id: number, actor: AuditActor, now: Date): Promise<BreachResult> {
  return changeOpenBreach(db, id, actor, now, async (b) => {
    if (!b.notice_subject || !b.notice_body) return refuse('Please write the notice before reviewing it.');
    if (b.notice_body.includes(TO_COMPLETE) || b.notice_subject.includes(TO_COMPLETE))
      return refuse(`The notice still has parts marked "${TO_COMPLETE} …]": please complete them first.`);
    if (b.notice_reviewed_at) return { set: {}, fields: [] };
    return {
      set: { notice_reviewed_by: actor.staffId, notice_reviewed_at: now.toISOString() },
      fields: ['notice_reviewed_by', 'notice_reviewed_at'],
      reason: 'notice reviewed',
    };
  });
}

/**
 * Sends the reviewed notice: one service e-mail through the outbox to each person not told yet,
 * in the transaction that marks them told, so each person is told once. The entry counts them.
 */
export async function sendNotice(
  db: Db,
  mail: BreachMailContext,
  id: number,
  actor: AuditActor,
  now: Date,
): Promise<BreachResult & { sent?: number }> {
  let sent = 0;
  const result = await changeOpenBreach(db, id, actor, now, async (b, trx) => {
    if (!b.notice_subject || !b.notice_body || !b.notice_reviewed_at)
      return refuse('The notice has not been reviewed: please read it on its preview page and mark it reviewed before sending it.');
    const people = await findUntoldPeople(trx, id);
    if (people.length === 0) return refuse('Everyone listed has been told already. Add the people affected first.');
    const message = breachNoticeMail(mail, { subject: b.notice_subject, body: b.notice_body });
    for (const p of people)
      await enqueueMail(trx, { kind: 'breach-notice', reference: `breach-${id}`, to: p.email, ...message }, now, mail.domain);
    sent = await markPeopleTold(
      trx,
      id,
      people.map((p) => p.email),
      now.toISOString(),
    );
    return {
      set: { people_told_at: b.people_told_at ?? now.toISOString() },
      fields: ['breach_people.told_at', ...(b.people_told_at ? [] : ['people_told_at'])],
      action: 'change',
      reason: `notice queued for ${sent} ${sent === 1 ? 'person' : 'people'}`,
    };
  });
  return result.ok ? { ...result, sent } : result;
}

// ——— Reading ———

export interface BreachView {
  row: BreachRow;
  people: { listed: number; told: number };
  clock: BreachClock;
  /** The names of the staff the record names by number (who recorded it, who reviewed the notice), from the staff feature. */
  staffNames: Map<number, string>;
}

/** A breach with its counts of people: the record page (it shows no addresses, so nothing to audit). */
export async function breachForStaff(db: Db, id: number, now: Date): Promise<BreachView | null> {
  const row = await findBreach(db, id);
  if (!row) return null;
  const [people, staffNames] = await Promise.all([
    countBreachPeople(db, id),
    staffNamesById(db, [row.recorded_by, row.notice_reviewed_by]),
  ]);
  return { row, people, clock: clockOf(row, now), staffNames };
}

/** The people of a breach, addresses shown: the look is recorded in the transaction that reads them. */
export function openBreachPeople(db: Db, id: number, actor: AuditActor, now: Date): Promise<BreachPersonRow[]> {
  return auditedRead(
    db,
    now,
    (trx) => listBreachPeople(trx, id),
    (rows) =>
      rows.length > 0 ? entry(actor, id, 'view', ['breach_people.email', 'breach_people.customer_id'], `${rows.length} listed`) : null,
  );
}

/** A page of the register (newest first) and how many breaches it holds. */
export async function registerPage(db: Db, limit: number, offset: number): Promise<{ rows: BreachListRow[]; total: number }> {
  const [rows, total] = await Promise.all([listBreaches(db, limit, offset), countBreaches(db)]);
  return { rows, total };
}

export interface AwaitingReport {
  id: number;
  title: string;
  risk: Risk | string;
  clock: BreachClock;
}

/**
 * The dashboard's panel: the open breaches still needing a report or a decision, the most urgent
 * first, at most `limit` of them (`more` when there are others), in one query.
 */
export async function breachesAwaitingReport(db: Db, now: Date, limit = 10): Promise<{ breaches: AwaitingReport[]; more: boolean }> {
  const rows = await findBreachesAwaitingReport(db, limit + 1);
  return {
    breaches: rows.slice(0, limit).map((r) => ({
      id: r.id,
      title: r.title,
      risk: r.risk,
      clock: clockOf({ discovered_at: r.discovered_at, reported_at: null, not_reported_reason: null }, now),
    })),
    more: rows.length > limit,
  };
}

// ——— Retention and one person's rows ———

/** Retention: the people of a breach go BREACH_PEOPLE_RETENTION_DAYS after it is closed; the register's record stays. */
export async function eraseExpiredBreachPeople(db: Executor, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - BREACH_PEOPLE_RETENTION_DAYS * 86_400_000).toISOString();
  return deletePeopleOfBreachesClosedBefore(db, cutoff);
}

export const breachesSubjects: SubjectHandlers = {
  /** The breaches the person is listed as affected by, and when they were told. */
  async exportSubject(trx, person) {
    return exportOf({ breach_people: await findBreachPeopleOfPerson(trx, person.customerId, emailsOf(person)) });
  },

  /**
   * Deletes the rows naming the person, as the inventory declares: the register keeps its record
   * of the breach, which names no one, and its counts of people told.
   */
  async eraseSubject(trx, person) {
    return reportOf({ breach_people: await deleteBreachPeopleOfPerson(trx, person.customerId, emailsOf(person)) });
  },

  /** Everyone the register's people name, by address and account number. */
  async knownPeople(trx) {
    return (await findEveryBreachPerson(trx)).map((p) => ({ email: p.email, customerId: p.customer_id, staffId: null }));
  },
};
