import { z } from 'zod';
import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { randomToken, tokenHash } from '../../shared/crypto.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { addressHashOf, awaitedStockAlerts, withdrawAddress } from '../consent/consent.service.js';
import type { PurposeKey } from '../consent/consent.inventory.js';
import { enqueueMail } from '../mail/outbox.service.js';
import { activeOwners } from '../staff/staff.directory.js';
import type { ErasureReport, Person } from './inventory.js';
import { REQUEST_DETAILS_RETENTION, REQUEST_RECORD_RETENTION } from './privacy.inventory.js';
import {
  ANSWER_LINK_DAYS,
  CONFIRMATION_HOURS,
  EXTENSION_ERROR,
  OBJECTION_TARGETS,
  type ObjectionTarget,
  REQUEST_KINDS,
  type RequestChannel,
  type RequestKind,
  acknowledgeByOf,
  checkExtension,
  dueDateOf,
  dueSoonLimit,
  effectiveDue,
  isLive,
  newRequestReference,
  todayText,
} from './requests.domain.js';
import {
  acknowledgementMail,
  answerLinkMail,
  confirmRequestMail,
  digestMail,
  extensionMail,
  refusalMail,
  type RequestMailContext,
} from './requests.mail.js';
import {
  type RequestEventRow,
  type RequestRow,
  complaintsAwaitingAcknowledgement,
  deleteRecordsKeptUntil,
  eventsOfRequest,
  expireAnswerLinks,
  expireUnconfirmed,
  findRequestByAnswerHash,
  findRequestById,
  findRequestByReference,
  findRequestByTokenHash,
  insertRequest,
  insertRequestEvent,
  listRequests,
  liveRequestsDueBy,
  minimiseClosed,
  referenceTaken,
  updateRequest,
  updateRequestInStatus,
} from './requests.repository.js';
import { type FlagKind, setFlags } from './flags.service.js';
import { findPerson } from './subjects.service.js';
import { type PersonalCopy, makeCopy } from './copy.service.js';

/**
 * Privacy requests: from anyone (the public form), from Account Home, or recorded by staff from an
 * e-mail or a letter; the identity check, the statutory clock, the answer and the proof.
 */

export type { RequestKind } from './requests.domain.js';
export type { RequestRow, RequestEventRow } from './requests.repository.js';

export interface RequestRef {
  id: number;
  reference: string;
}

/** A reference not yet used (the alphabet has a billion of them; a clash is retried). */
export async function freshReference(db: Executor): Promise<string> {
  for (;;) {
    const reference = newRequestReference();
    if (!(await referenceTaken(db, reference))) return reference;
  }
}

/** When a closed request's record is deleted: 6 years after it closed. */
export function keepUntilOf(closedAt: Date): string {
  return new Date(closedAt.getTime() + REQUEST_RECORD_RETENTION.days * 86_400_000).toISOString();
}

/** Records a new request and its first step, in one transaction. */
export async function insertNewRequest(
  db: Executor,
  input: {
    kind: RequestKind;
    channel: RequestChannel;
    status: 'awaiting-confirmation' | 'open';
    email: string | null;
    addressKey: string;
    customerId: number | null;
    name: string | null;
    details: string | null;
    tokenHash: string | null;
    tokenExpiresAt: Date | null;
    receivedAt: Date;
    confirmedAt: Date | null;
  },
  steps: { step: string; actor: string; note: string | null }[],
  now: Date,
): Promise<RequestRef> {
  return inTransaction(db, async (trx) => {
    const reference = await freshReference(trx);
    const id = await insertRequest(trx, {
      reference,
      kind: input.kind,
      channel: input.channel,
      status: input.status,
      email: input.email,
      address_hash: input.addressKey,
      customer_id: input.customerId,
      name: input.name,
      details: input.details,
      token_hash: input.tokenHash,
      token_expires_at: input.tokenExpiresAt?.toISOString() ?? null,
      received_at: input.receivedAt.toISOString(),
      confirmed_at: input.confirmedAt?.toISOString() ?? null,
      due_at: input.confirmedAt ? dueDateOf(input.confirmedAt) : null,
    });
    for (const s of steps) await noteRequestStep(trx, id, s.step, s.actor, s.note, now);
    return { id, reference };
  });
}

/**
 * A request made from Account Home by a signed-in customer who entered their password again: the
 * identity check is done, so it is received and confirmed at once (the clock starts now).
 */
export async function recordAccountRequest(
  db: Executor,
  input: { kind: RequestKind; customerId: number; email: string; details: string | null },
  now: Date,
): Promise<RequestRef> {
  return insertNewRequest(
    db,
    {
      kind: input.kind,
      channel: 'account',
      status: 'open',
      email: input.email.trim(),
      addressKey: addressHashOf(db, input.email),
      customerId: input.customerId,
      name: null,
      details: input.details,
      tokenHash: null,
      tokenExpiresAt: null,
      receivedAt: now,
      confirmedAt: now,
    },
    [
      { step: 'received', actor: 'person', note: 'Made from Account Home' },
      { step: 'confirmed', actor: 'person', note: 'Signed in and entered the password again' },
    ],
    now,
  );
}

/** Adds a step to a request's history: what happened, by whom ('person', 'shop', or 'staff:<role>'), with a note naming no one. */
export async function noteRequestStep(
  db: Executor,
  requestId: number,
  step: string,
  actor: string,
  note: string | null,
  now: Date,
): Promise<void> {
  await insertRequestEvent(db, { request_id: requestId, at: now.toISOString(), step, actor, note });
}

/** A request as staff handle it (by its reference), or null: what the correction page needs to find the person. */
export interface RequestForStaff {
  id: number;
  reference: string;
  kind: RequestKind;
  status: string;
  email: string | null;
  customerId: number | null;
  details: string | null;
}

export async function requestForStaff(db: Executor, reference: string): Promise<RequestForStaff | null> {
  const row = await findRequestByReference(db, reference.trim().toUpperCase());
  if (!row) return null;
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind as RequestKind,
    status: row.status,
    email: row.email,
    customerId: row.customer_id,
    details: row.details,
  };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Who took a step, as the history records it. */
export const staffStep = (actor: AuditActor) => `staff:${actor.role}`;

const audit = (
  db: Executor,
  actor: AuditActor,
  reference: string,
  action: 'view' | 'change' | 'create',
  fields: string[],
  now: Date,
  reason?: string,
) => recordAudit(db, entryBy(actor, { action, subject: { type: 'privacy_request', id: reference }, fields, reason }), now);

// ——— The form ———

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(z.string().max(max, tooLong));

const objectionsField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(OBJECTION_TARGETS, { message: 'Please choose from the list what you object to.' })));

export const requestFormSchema = z
  .object({
    kind: z.enum(REQUEST_KINDS, { message: 'Please choose what you would like us to do.' }),
    email: z
      .string({ message: 'Please give your e-mail address, so that we can check it is you and answer.' })
      .trim()
      .min(1, 'Please give your e-mail address, so that we can check it is you and answer.')
      .max(254, 'That e-mail address is too long.')
      .pipe(z.email({ message: 'Please check your e-mail address — it should look like name@example.co.uk.' })),
    name: optionalText(100, 'Please keep your name under 100 characters.'),
    details: optionalText(5000, 'Please keep the details under 5,000 characters.'),
    objections: objectionsField,
  })
  .superRefine((v, ctx) => {
    if ((v.kind === 'rectification' || v.kind === 'complaint') && v.details.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['details'],
        message:
          v.kind === 'rectification'
            ? 'Please tell us what is wrong and what it should say.'
            : 'Please tell us what your complaint is about.',
      });
    if (v.kind === 'objection' && v.objections.length === 0)
      ctx.addIssue({ code: 'custom', path: ['objections'], message: 'Please tick at least one thing you object to.' });
  });

export type RequestFormInput = z.infer<typeof requestFormSchema>;
export type RequestFormErrors = Partial<Record<keyof RequestFormInput, string>>;

export function validateRequestForm(input: unknown): { ok: true; value: RequestFormInput } | { ok: false; errors: RequestFormErrors } {
  const r = requestFormSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, value: r.data };
  const errors: RequestFormErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path[0] as keyof RequestFormInput;
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

const OBJECTS_TO = 'Objects to: ';

/** What the request says, as stored: for an objection, what it objects to on the first line. */
function detailsOf(input: { kind: RequestKind; details: string; objections: ObjectionTarget[] }): string | null {
  const lines = [
    ...(input.kind === 'objection' ? [`${OBJECTS_TO}${[...new Set(input.objections)].join(', ')}`] : []),
    ...(input.details ? [input.details] : []),
  ];
  return lines.length > 0 ? lines.join('\n') : null;
}

/** The flags a request sets when applied: what an objection names, or restriction. */
export function flagsOfRequest(r: { kind: string; details: string | null }): FlagKind[] {
  if (r.kind === 'restriction') return ['restriction'];
  if (r.kind !== 'objection') return [];
  const first = (r.details ?? '').split('\n')[0] ?? '';
  if (!first.startsWith(OBJECTS_TO)) return [];
  return first
    .slice(OBJECTS_TO.length)
    .split(',')
    .map((t) => t.trim())
    .filter((t): t is ObjectionTarget => (OBJECTION_TARGETS as readonly string[]).includes(t))
    .map((t) => `objection-${t}` as FlagKind);
}

/** A confirmation link for a request: its token (e-mailed, never stored) and when it stops working. */
function newConfirmation(now: Date) {
  const token = randomToken();
  return { token, hash: tokenHash(token), expiresAt: new Date(now.getTime() + CONFIRMATION_HOURS * HOUR_MS) };
}

/**
 * A request from the public form: recorded awaiting confirmation, and the confirmation e-mail
 * queued in the same transaction. Whether the address has an account or orders makes no difference
 * to what the person sees.
 */
export function receivePublicRequest(db: Executor, mail: RequestMailContext, input: RequestFormInput, now: Date): Promise<RequestRef> {
  return inTransaction(db, async (trx) => {
    const c = newConfirmation(now);
    const ref = await insertNewRequest(
      trx,
      {
        kind: input.kind,
        channel: 'online',
        status: 'awaiting-confirmation',
        email: input.email,
        addressKey: addressHashOf(trx, input.email),
        customerId: null,
        name: input.name || null,
        details: detailsOf(input),
        tokenHash: c.hash,
        tokenExpiresAt: c.expiresAt,
        receivedAt: now,
        confirmedAt: null,
      },
      [{ step: 'received', actor: 'person', note: 'Made with the online form' }],
      now,
    );
    await sendConfirmation(trx, mail, { ...ref, kind: input.kind }, input.email, c.token, now);
    return ref;
  });
}

async function sendConfirmation(
  trx: Trx,
  mail: RequestMailContext,
  r: RequestRef & { kind: RequestKind },
  email: string,
  token: string,
  now: Date,
) {
  await mailRequester(trx, mail, { reference: r.reference, email }, 'privacy-request-confirm', confirmRequestMail(mail, r, token), now);
}

export type ConfirmationLookup = { ok: true; reference: string; kind: RequestKind } | { ok: false; reason: 'unknown' | 'expired' };

/** What a confirmation link is for, without changing anything (mail scanners open links). */
export async function findConfirmation(db: Executor, token: string, now: Date): Promise<ConfirmationLookup> {
  if (!token) return { ok: false, reason: 'unknown' };
  const row = await findRequestByTokenHash(db, tokenHash(token));
  if (!row || row.status !== 'awaiting-confirmation') return { ok: false, reason: 'unknown' };
  if (!row.token_expires_at || row.token_expires_at < now.toISOString()) return { ok: false, reason: 'expired' };
  return { ok: true, reference: row.reference, kind: row.kind as RequestKind };
}

/**
 * The person pressed Confirm: the identity check is done and the clock starts. The request is
 * linked to the account of the address, if there is one.
 */
export function confirmRequest(
  db: Executor,
  token: string,
  now: Date,
): Promise<{ ok: true; reference: string; due: string } | { ok: false; reason: 'unknown' | 'expired' }> {
  return inTransaction(db, async (trx) => {
    const found = await findConfirmation(trx, token, now);
    if (!found.ok) return found;
    const row = await findRequestByTokenHash(trx, tokenHash(token));
    if (!row || !row.email) return { ok: false, reason: 'unknown' };
    const person = await findPerson(trx, { email: row.email });
    const due = dueDateOf(now);
    const changed = await updateRequestInStatus(trx, row.id, ['awaiting-confirmation'], {
      status: 'open',
      confirmed_at: now.toISOString(),
      due_at: due,
      token_hash: null,
      token_expires_at: null,
      customer_id: person?.customerId ?? null,
    });
    if (changed === 0) return { ok: false, reason: 'unknown' };
    await noteRequestStep(trx, row.id, 'confirmed', 'person', 'Confirmed with the link sent to the address', now);
    return { ok: true, reference: row.reference, due };
  });
}

// ——— Staff intake ———

export const staffIntakeSchema = z
  .object({
    kind: z.enum(REQUEST_KINDS, { message: 'Please choose the kind of request.' }),
    channel: z.enum(['email', 'post'], { message: 'Please choose how the request came: by e-mail or by post.' }),
    received: z
      .string({ message: 'Please give the date the request was received.' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Please give the date received as a date, such as 2027-01-31.'),
    email: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim())
      .pipe(
        z.union([
          z.literal(''),
          z
            .email({ message: 'Please check the e-mail address — it should look like name@example.co.uk.' })
            .max(254, 'That e-mail address is too long.'),
        ]),
      ),
    name: optionalText(100, 'Please keep the name under 100 characters.'),
    details: optionalText(5000, 'Please keep the details under 5,000 characters.'),
    objections: objectionsField,
    identity: z.enum(['email', 'post'], { message: 'Please choose how the person’s identity is checked.' }),
    identityNote: optionalText(500, 'Please keep the note under 500 characters.'),
  })
  .superRefine((v, ctx) => {
    if (v.identity === 'email' && v.email === '')
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'Please give the e-mail address on record: the confirmation link is sent to it.',
      });
    if (v.identity === 'post' && v.channel !== 'post')
      ctx.addIssue({
        code: 'custom',
        path: ['identity'],
        message: 'Identity can be checked by post only for a request that came by post.',
      });
    if (v.identity === 'post' && v.identityNote.length < 5)
      ctx.addIssue({ code: 'custom', path: ['identityNote'], message: 'Please say how the identity was checked by post.' });
    if (v.identity === 'post' && v.email === '' && v.name === '')
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'Please give the name on the letter.' });
    if ((v.kind === 'rectification' || v.kind === 'complaint') && v.details.length === 0)
      ctx.addIssue({ code: 'custom', path: ['details'], message: 'Please say what the request asks for.' });
    if (v.kind === 'objection' && v.objections.length === 0)
      ctx.addIssue({ code: 'custom', path: ['objections'], message: 'Please tick at least one thing the person objects to.' });
  });

export type StaffIntakeInput = z.infer<typeof staffIntakeSchema>;
export type StaffIntakeErrors = Partial<Record<keyof StaffIntakeInput, string>>;

export function validateStaffIntake(
  input: unknown,
  now: Date,
): { ok: true; value: StaffIntakeInput; receivedAt: Date } | { ok: false; errors: StaffIntakeErrors } {
  const r = staffIntakeSchema.safeParse(input ?? {});
  if (!r.success) {
    const errors: StaffIntakeErrors = {};
    for (const issue of r.error.issues) errors[issue.path[0] as keyof StaffIntakeInput] ??= issue.message;
    return { ok: false, errors };
  }
  const receivedAt = new Date(`${r.data.received}T12:00:00Z`);
  if (Number.isNaN(receivedAt.getTime()) || !receivedAt.toISOString().startsWith(r.data.received))
    return { ok: false, errors: { received: 'That date does not exist.' } };
  if (r.data.received > todayText(now)) return { ok: false, errors: { received: 'The date received cannot be in the future.' } };
  return { ok: true, value: r.data, receivedAt };
}

/**
 * A request received by e-mail or post, recorded by staff. With an address, the same confirmation
 * e-mail checks identity (the clock starts on confirmation); for a letter from someone with no
 * e-mail, staff may record that identity was checked by post, and the clock starts now.
 */
export function recordStaffRequest(
  db: Executor,
  mail: RequestMailContext,
  input: StaffIntakeInput,
  receivedAt: Date,
  actor: AuditActor,
  now: Date,
): Promise<RequestRef> {
  return inTransaction(db, async (trx) => {
    const byPost = input.identity === 'post';
    const c = byPost ? null : newConfirmation(now);
    const email = input.email || null;
    const person = byPost && email ? await findPerson(trx, { email }) : null;
    const ref = await insertNewRequest(
      trx,
      {
        kind: input.kind,
        channel: input.channel,
        status: byPost ? 'open' : 'awaiting-confirmation',
        email,
        // A letter with no address still needs a key: one that links to nobody.
        addressKey: addressHashOf(trx, email ?? `no-address:${randomToken()}`),
        customerId: person?.customerId ?? null,
        name: input.name || null,
        details: detailsOf(input),
        tokenHash: c?.hash ?? null,
        tokenExpiresAt: c?.expiresAt ?? null,
        receivedAt,
        confirmedAt: byPost ? now : null,
      },
      [
        { step: 'received', actor: staffStep(actor), note: input.channel === 'post' ? 'Received by post' : 'Received by e-mail' },
        ...(byPost ? [{ step: 'confirmed', actor: staffStep(actor), note: `Identity checked by post: ${input.identityNote}` }] : []),
      ],
      now,
    );
    if (c && email) await sendConfirmation(trx, mail, { ...ref, kind: input.kind }, email, c.token, now);
    await audit(trx, actor, ref.reference, 'create', ['email', 'name', 'details'], now, `Recorded a request received by ${input.channel}`);
    return ref;
  });
}

// ——— Handling ———

export interface RequestView {
  row: RequestRow;
  events: RequestEventRow[];
}

/** A request and its steps as staff see it; the look is audited in the same transaction. */
export function openRequest(db: Executor, reference: string, actor: AuditActor, now: Date): Promise<RequestView | null> {
  return inTransaction(db, async (trx) => {
    const row = await findRequestByReference(trx, reference);
    if (!row) return null;
    const shown = (['email', 'name', 'details'] as const).filter((c) => row[c] !== null);
    if (shown.length > 0) await audit(trx, actor, row.reference, 'view', [...shown], now);
    return { row, events: await eventsOfRequest(trx, row.id) };
  });
}

export function requestsForList(db: Executor, status: string[] | null): Promise<RequestRow[]> {
  return listRequests(db, { status, limit: 500 });
}

export type ActionResult = { ok: true; message: string } | { ok: false; status: 400 | 404 | 409; message: string };

const notFoundResult: ActionResult = { ok: false, status: 404, message: 'We couldn’t find that request.' };
const notLive: ActionResult = {
  ok: false,
  status: 409,
  message: 'This request is not open: it is awaiting confirmation or already closed.',
};

/** Closes a live request with its outcome; the record is kept 6 years from now. */
async function close(
  trx: Trx,
  row: RequestRow,
  status: 'completed' | 'refused' | 'withdrawn',
  outcome: string,
  actor: AuditActor | null,
  now: Date,
): Promise<boolean> {
  const changed = await updateRequestInStatus(trx, row.id, ['open', 'extended'], {
    status,
    outcome,
    closed_at: now.toISOString(),
    keep_until: keepUntilOf(now),
  });
  if (changed === 0) return false;
  await noteRequestStep(trx, row.id, status === 'completed' ? 'closed' : status, actor ? staffStep(actor) : 'person', outcome, now);
  // A staff step is audited; the person's own (an erasure from Account Home) is not a staff look.
  if (actor) await audit(trx, actor, row.reference, 'change', ['status', 'outcome'], now, `Closed the request: ${status}`);
  return true;
}

/** What one staff action does to a request found by its reference, inside the action's transaction. */
type StaffAction = (trx: Trx, row: RequestRow) => Promise<ActionResult>;

/** A staff action on a request, in one transaction: the request is found by its reference, or the action is refused. */
function actOnRequest(db: Executor, reference: string, act: StaffAction): Promise<ActionResult> {
  return inTransaction(db, async (trx) => {
    const row = await findRequestByReference(trx, reference);
    return row ? act(trx, row) : notFoundResult;
  });
}

/** A staff action on a live request, and only on one of `only.kind` when given (else refused with `only.message`). */
function actOnLiveRequest(
  db: Executor,
  reference: string,
  act: StaffAction,
  only?: { kind: RequestKind; message: string },
): Promise<ActionResult> {
  return actOnRequest(db, reference, (trx, row) => {
    if (!isLive(row.status)) return Promise.resolve(notLive);
    if (only && row.kind !== only.kind) return Promise.resolve<ActionResult>({ ok: false, status: 409, message: only.message });
    return act(trx, row);
  });
}

/** Queues one of a request's e-mails to the person, in the caller's transaction; a request with no address (a letter) gets none. */
async function mailRequester(
  trx: Trx,
  mail: RequestMailContext,
  row: { reference: string; email: string | null },
  kind: string,
  body: { subject: string; text: string; html: string },
  now: Date,
): Promise<void> {
  if (row.email) await enqueueMail(trx, { kind, reference: row.reference, to: row.email, ...body }, now, mail.domain);
}

/** A step taken by staff, noted in the request's history and audited as a change of `fields`. */
async function noteStaffChange(
  trx: Trx,
  actor: AuditActor,
  row: RequestRow,
  step: { step: string; note: string; fields: string[]; reason: string },
  now: Date,
): Promise<void> {
  await noteRequestStep(trx, row.id, step.step, staffStep(actor), step.note, now);
  await audit(trx, actor, row.reference, 'change', step.fields, now, step.reason);
}

/** A staff action on a live request that may e-mail the person: all it takes is the request's reference. */
type MailingStaffAction = (
  db: Executor,
  mail: RequestMailContext,
  reference: string,
  actor: AuditActor,
  now: Date,
) => Promise<ActionResult>;

/** Extends a live request by one or two months, with a reason, and tells the person. */
export function extendRequest(
  db: Executor,
  mail: RequestMailContext,
  reference: string,
  months: number,
  reason: string,
  actor: AuditActor,
  now: Date,
): Promise<ActionResult> {
  // Not `actOnLiveRequest`: the extension's own check says why a request that is not live cannot be extended.
  return actOnRequest(db, reference, async (trx, row) => {
    const check = checkExtension(row, months, reason, now);
    if (!check.ok)
      return {
        ok: false,
        status: check.reason === 'reason-needed' || check.reason === 'months' ? 400 : 409,
        message: EXTENSION_ERROR[check.reason],
      };
    if (!row.email)
      return {
        ok: false,
        status: 409,
        message: 'There is no e-mail address to tell the person: write to them, then record the extension.',
      };
    const why = reason.trim();
    await updateRequest(trx, row.id, {
      status: 'extended',
      extended_due_at: check.extendedDue,
      extension_reason: why,
      extension_told_at: now.toISOString(),
    });
    await mailRequester(trx, mail, row, 'privacy-request-extended', extensionMail(mail, row, why, check.extendedDue), now);
    await noteStaffChange(
      trx,
      actor,
      row,
      {
        step: 'extended',
        note: `Extended by ${months} month${months === 1 ? '' : 's'} to ${check.extendedDue}: ${why}`,
        fields: ['extended_due_at', 'extension_reason'],
        reason: 'Extended the deadline',
      },
      now,
    );
    return { ok: true, message: `The request is extended to ${check.extendedDue}, and the person has been told.` };
  });
}

/** Refuses a live request with the reason, telling the person of their right to complain to the ICO. */
export function refuseRequest(
  db: Executor,
  mail: RequestMailContext,
  reference: string,
  reason: string,
  actor: AuditActor,
  now: Date,
): Promise<ActionResult> {
  return actOnLiveRequest(db, reference, async (trx, row) => {
    const why = reason.trim();
    if (why.length < 5) return { ok: false, status: 400, message: 'Please give the reason for refusing: the person is told it.' };
    await mailRequester(trx, mail, row, 'privacy-request-refused', refusalMail(mail, row, why), now);
    await close(trx, row, 'refused', `Refused: ${why}`, actor, now);
    return {
      ok: true,
      message: row.email
        ? 'The request is refused and the person has been told.'
        : 'The request is refused: write to the person with the reason.',
    };
  });
}

/** Acknowledges a complaint by e-mail. */
export const acknowledgeComplaint: MailingStaffAction = (db, mail, reference, actor, now) =>
  actOnLiveRequest(
    db,
    reference,
    async (trx, row) => {
      if (row.acknowledged_at) return { ok: false, status: 409, message: 'This complaint has already been acknowledged.' };
      await mailRequester(trx, mail, row, 'privacy-complaint-ack', acknowledgementMail(mail, row), now);
      await updateRequest(trx, row.id, { acknowledged_at: now.toISOString() });
      await noteStaffChange(
        trx,
        actor,
        row,
        {
          step: 'acknowledged',
          note: row.email ? 'Acknowledged by e-mail' : 'Acknowledged by post',
          fields: ['acknowledged_at'],
          reason: 'Acknowledged the complaint',
        },
        now,
      );
      return { ok: true, message: 'The complaint is acknowledged.' };
    },
    { kind: 'complaint', message: 'Only a complaint is acknowledged.' },
  );

/** Closes a rectification or complaint (or any live request) with an outcome note naming no one. */
export function closeWithOutcome(db: Executor, reference: string, outcome: string, actor: AuditActor, now: Date): Promise<ActionResult> {
  return actOnLiveRequest(db, reference, async (trx, row) => {
    const note = outcome.trim();
    if (note.length < 3) return { ok: false, status: 400, message: 'Please write the outcome: what was done.' };
    if (note.length > 1000) return { ok: false, status: 400, message: 'Please keep the outcome under 1,000 characters.' };
    if (row.kind === 'complaint' && !row.acknowledged_at)
      return { ok: false, status: 409, message: 'Please acknowledge the complaint before closing it.' };
    await close(trx, row, 'completed', note, actor, now);
    return { ok: true, message: 'The request is closed.' };
  });
}

/** The person behind a request: by its address (with the account of it, and guest orders by it), or its account. */
export async function personOfRequest(db: Executor, row: { email: string | null; customer_id: number | null }): Promise<Person | null> {
  if (row.email) return findPerson(db, { email: row.email });
  if (row.customer_id !== null) return findPerson(db, { customerId: row.customer_id });
  return null;
}

/** Applies an objection or restriction: sets the flags and, for marketing, withdraws every marketing consent of the address at once. */
export function applyFlagsOfRequest(db: Executor, reference: string, actor: AuditActor, now: Date): Promise<ActionResult> {
  return actOnLiveRequest(db, reference, async (trx, row) => {
    const kinds = flagsOfRequest(row);
    if (kinds.length === 0) return { ok: false, status: 409, message: 'This request sets no objection or restriction.' };
    if (!row.email) return { ok: false, status: 409, message: 'There is no e-mail address on this request to apply it to.' };
    await setFlags(trx, row.email, kinds, now, row.id);
    const staff = { actor, reason: `Privacy request ${row.reference}` };
    const withdraw = async (purpose: PurposeKey) =>
      withdrawAddress(trx, { email: row.email as string, purpose, method: 'staff', staff }, now);
    if (kinds.includes('objection-marketing') || kinds.includes('restriction')) {
      await withdraw('general-subscription');
      for (const p of await awaitedStockAlerts(trx)) await withdraw(p);
    }
    if (kinds.includes('objection-feedback') || kinds.includes('restriction')) await withdraw('feedback');
    await close(trx, row, 'completed', `Applied: ${kinds.join(', ')}`, actor, now);
    return { ok: true, message: 'The objection is applied and the request closed.' };
  });
}

/** A fresh answer link for an access request, e-mailed to the person; the request is answered and closed. */
export const sendAccessAnswer: MailingStaffAction = (db, mail, reference, actor, now) =>
  actOnLiveRequest(
    db,
    reference,
    async (trx, row) => {
      if (!row.email) return { ok: false, status: 409, message: 'There is no e-mail address to send the copy to.' };
      const token = randomToken();
      await updateRequest(trx, row.id, {
        answer_token_hash: tokenHash(token),
        answer_expires_at: new Date(now.getTime() + ANSWER_LINK_DAYS * DAY_MS).toISOString(),
      });
      await mailRequester(trx, mail, row, 'privacy-request-answer', answerLinkMail(mail, row, token), now);
      await noteRequestStep(
        trx,
        row.id,
        'answered',
        staffStep(actor),
        `The copy was sent as a link valid for ${ANSWER_LINK_DAYS} days`,
        now,
      );
      await close(trx, row, 'completed', 'The copy was sent', actor, now);
      return { ok: true, message: 'The copy’s link has been e-mailed; the request is closed.' };
    },
    { kind: 'access', message: 'Only an access request is answered with a copy.' },
  );

export type AnswerLookup =
  { ok: true; requestId: number; reference: string; person: Person } | { ok: false; reason: 'unknown' | 'expired' };

/**
 * An opening of an access answer link: the token is the key to one person's data. Every opening is
 * audited and noted as a step, in the caller's transaction with the copy.
 */
export async function openAnswer(trx: Executor, token: string, form: 'page' | 'zip', now: Date): Promise<AnswerLookup> {
  if (!token) return { ok: false, reason: 'unknown' };
  const row = await findRequestByAnswerHash(trx, tokenHash(token));
  if (!row) return { ok: false, reason: 'unknown' };
  if (!row.answer_expires_at || row.answer_expires_at < now.toISOString()) return { ok: false, reason: 'expired' };
  const person = await personOfRequest(trx, row);
  if (!person) return { ok: false, reason: 'unknown' };
  await noteRequestStep(trx, row.id, 'opened', 'person', form === 'zip' ? 'The copy was downloaded as a zip' : 'The copy was opened', now);
  await recordAudit(
    trx,
    {
      actor: { staffId: null, role: 'requester' },
      action: 'export',
      subject: { type: 'privacy_request', id: row.reference },
      fields: ['copy'],
      reason:
        form === 'zip'
          ? 'The person downloaded the answer to their access request'
          : 'The person opened the answer to their access request',
      network: null,
    },
    now,
  );
  return { ok: true, requestId: row.id, reference: row.reference, person };
}

/** The copy that answers an access request, opened by its link: the opening and the copy are one transaction. */
export function answerCopy(
  db: Executor,
  token: string,
  form: 'page' | 'zip',
  now: Date,
): Promise<(Extract<AnswerLookup, { ok: true }> & { copy: PersonalCopy }) | Extract<AnswerLookup, { ok: false }>> {
  return inTransaction(db, async (trx) => {
    const opened = await openAnswer(trx, token, form, now);
    return opened.ok ? { ...opened, copy: await makeCopy(trx, opened.person, now) } : opened;
  });
}

/** An erasure request was carried out: its outcome (counts only) and the residue traces stored, the request closed. */
/** What an erasure did, in counts and general words: never what was erased. */
export function erasureSummary(outcome: { report: ErasureReport; waitingOrders: string[]; kept: { what: string }[] }): string {
  const counts = Object.values(outcome.report).reduce(
    (sum, t) => ({ deleted: sum.deleted + (t?.deleted ?? 0), anonymised: sum.anonymised + (t?.anonymised ?? 0) }),
    { deleted: 0, anonymised: 0 },
  );
  return [
    `Erased: ${counts.deleted} rows deleted, ${counts.anonymised} anonymised, across ${Object.keys(outcome.report).length} tables`,
    `${outcome.waitingOrders.length} orders to finish first`,
    outcome.kept.length > 0 ? `Kept: ${outcome.kept.map((k) => k.what).join('; ')}` : 'Nothing kept',
  ].join('. ');
}

/**
 * An erasure request was carried out: its outcome (counts only) and the residue traces stored, the
 * request closed and minimised at once. `actor` is the member of staff, or null when the person
 * erased themselves from Account Home.
 */
export function recordErasureDone(
  db: Executor,
  requestId: number,
  outcome: { report: ErasureReport; waitingOrders: string[]; kept: { what: string }[]; traceKeys: string[] },
  actor: AuditActor | null,
  now: Date,
): Promise<ActionResult> {
  return inTransaction(db, async (trx) => {
    const row = await findRequestById(trx, requestId);
    if (!row) return notFoundResult;
    const summary = erasureSummary(outcome);
    await updateRequest(trx, row.id, {
      residue_scan: JSON.stringify({ traceKeys: outcome.traceKeys, scan: null }),
      email: null,
      name: null,
      details: null,
      customer_id: null,
      minimised_at: now.toISOString(),
    });
    await noteRequestStep(trx, row.id, 'erased', actor ? staffStep(actor) : 'person', summary, now);
    if (isLive(row.status)) await close(trx, row, 'completed', summary, actor, now);
    return { ok: true, message: 'The person has been erased and the request closed.' };
  });
}

/** Stores a residue scan's result on a closed erasure request. */
export async function recordResidueScan(
  db: Executor,
  requestId: number,
  residue: string,
  clean: boolean,
  actor: AuditActor,
  now: Date,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await findRequestById(trx, requestId);
    if (!row) return;
    await updateRequest(trx, requestId, { residue_scan: residue });
    await noteRequestStep(
      trx,
      requestId,
      'residue-scan',
      staffStep(actor),
      clean ? 'The residue scan found nothing' : 'The residue scan found traces',
      now,
    );
    await audit(trx, actor, row.reference, 'view', ['residue_scan'], now, 'Ran the residue scan');
  });
}

// ——— The clock, for the dashboard and the digest ———

export interface ClockCounts {
  overdue: number;
  dueSoon: number;
  complaintsToAcknowledge: number;
}

export async function clockOfRequests(db: Executor, now: Date) {
  const today = todayText(now);
  const due = (await liveRequestsDueBy(db, dueSoonLimit(now))).map((r) => ({
    reference: r.reference,
    kind: r.kind as RequestKind,
    due: effectiveDue(r) as string,
    overdue: (effectiveDue(r) as string) < today,
  }));
  const complaints = (await complaintsAwaitingAcknowledgement(db)).map((c) => ({
    reference: c.reference,
    by: acknowledgeByOf(new Date(c.received_at)),
  }));
  return { due, complaints };
}

export async function requestClockCounts(db: Executor, now: Date): Promise<ClockCounts> {
  const { due, complaints } = await clockOfRequests(db, now);
  return {
    overdue: due.filter((d) => d.overdue).length,
    dueSoon: due.filter((d) => !d.overdue).length,
    complaintsToAcknowledge: complaints.length,
  };
}

// ——— The daily job ———

export interface RequestsHousekeeping {
  expired: number;
  digests: number;
  minimised: number;
  answerLinksExpired: number;
  deleted: number;
}

/** The day's work of `privacy.requests` (see requests.job.ts). */
export async function privacyRequestsHousekeeping(db: Db, mail: RequestMailContext, now: Date): Promise<RequestsHousekeeping> {
  return inTransaction(db, async (trx) => {
    const iso = now.toISOString();
    const expiredIds = await expireUnconfirmed(trx, iso);
    for (const id of expiredIds) {
      await updateRequest(trx, id, { keep_until: keepUntilOf(now) });
      await noteRequestStep(trx, id, 'expired', 'shop', `Not confirmed within ${CONFIRMATION_HOURS} hours`, now);
    }
    let digests = 0;
    const { due, complaints } = await clockOfRequests(trx, now);
    if (due.length > 0 || complaints.length > 0) {
      const body = digestMail(mail, due, complaints);
      for (const owner of await activeOwners(trx)) {
        await enqueueMail(trx, { kind: 'privacy-requests-digest', reference: todayText(now), to: owner.email, ...body }, now, mail.domain);
        digests++;
      }
    }
    const minimised = await minimiseClosed(trx, new Date(now.getTime() - REQUEST_DETAILS_RETENTION.days * DAY_MS).toISOString(), iso);
    const answerLinksExpired = await expireAnswerLinks(trx, iso);
    const deleted = await deleteRecordsKeptUntil(trx, iso);
    return { expired: expiredIds.length, digests, minimised, answerLinksExpired, deleted };
  });
}
