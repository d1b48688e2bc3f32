import { hash } from '@node-rs/argon2';
import { type SubjectHandlers, exportOf, reportOf } from '../privacy/inventory.js';
import { deleteStaffRecords, findEveryMemberAddress, findStaffRecords } from './staff.repository.js';
import type { TOTP } from 'otpauth';
import { z } from 'zod';
import { type Db, type Trx, inTransaction } from '../../db/database.js';
import { deriveKey, hmacHex, randomToken, seal, tokenHash, unseal } from '../../shared/crypto.js';
import { LOCK_AFTER_FAILURES, lockMinutes, passwordMatches } from '../../shared/passwords.js';
import { type AuditEntry, recordAudit } from '../audit/audit.service.js';
import { enqueueMail } from '../mail/outbox.service.js';
import { STAFF_RETENTION } from './staff.inventory.js';
import {
  ACCOUNT_SLOW_DOWN_AFTER,
  IDLE_TIMEOUT_MINUTES,
  KNOWN_NETWORK_DAYS,
  LOCKOUT_MAIL_EVERY_MINUTES,
  PASSWORD_MIN_LENGTH,
  RECOVERY_CODES,
  type Role,
  SESSION_MAX_HOURS,
  SETUP_LINK_HOURS,
  TWO_FACTOR_RESET_HOURS,
  accountSlowDownMinutes,
  isRole,
} from './staff.domain.js';
import { type StaffMail, type StaffMailContext, staffMails } from './staff.mail.js';
import {
  type StaffRow,
  claimTotpStep,
  countAccountFailure,
  countNetworkFailure,
  countStaff,
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  deleteSession,
  deleteStaff,
  deleteSessionsIdleSince,
  deleteSessionsOf,
  deleteStaffNetworksBefore,
  findSession,
  findStaffByEmail,
  findStaffDisabledBefore,
  findStaffById,
  findStaffNetwork,
  findStaffToken,
  findUndertaking,
  findUndertakings,
  insertSession,
  insertStaff,
  insertStaffToken,
  insertUndertaking,
  lockStaffNetwork,
  recordNetworkSignIn,
  replaceRecoveryCodes,
  revokeStaffTokens,
  setSessionPendingTotp,
  setSessionStage,
  touchSession,
  updateStaff,
  useRecoveryCode,
  useStaffToken,
} from './staff.repository.js';
import { lazy } from '../../shared/lazy.js';

/** The one-time-code library, loaded at the first two-factor step rather than when the shop starts. */
const loadOtpauth = lazy<typeof import('otpauth')>('otpauth');

/** Loaded when a member first sets up two-factor sign-in. */
const loadQrCode = lazy<typeof import('qrcode')>('qrcode');

export type SessionStage = 'second-factor' | 'enrol' | 'full';

export interface StaffKeys {
  totp: Buffer;
  recovery: Buffer;
}

export function staffKeys(secretKey: string): StaffKeys {
  return { totp: deriveKey(secretKey, 'staff-totp'), recovery: deriveKey(secretKey, 'staff-recovery') };
}

export interface Actor {
  staffId: number | null;
  role: string;
  network?: string | null;
}

/**
 * What the sign-in and account services need besides the database: the keys, where security
 * notices are sent from, and the network the request came from (truncated, as in the audit trail).
 */
export interface StaffContext {
  keys: StaffKeys;
  mail: StaffMailContext;
  network: string | null;
}

const ISSUER = 'Assay back office';
const minutes = (n: number) => n * 60_000;
const later = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();
/** Failures from a request with no address (never over a real socket) are counted together. */
const networkKey = (network: string | null) => network ?? 'unknown';

export const emailSchema = z
  .string({ message: 'Please enter an e-mail address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Please enter an e-mail address.')
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email({ message: 'Please enter a valid e-mail address, like name@example.co.uk.' }));

export const passwordSchema = z
  .string({ message: 'Please choose a password.' })
  .min(PASSWORD_MIN_LENGTH, `Please use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(200, 'Please use at most 200 characters.');

function audit(db: Db, actor: Actor, entry: Omit<AuditEntry, 'actor' | 'network'>, now: Date) {
  return recordAudit(db, { ...entry, actor: { staffId: actor.staffId, role: actor.role }, network: actor.network ?? null }, now);
}

/** A security notice to the member, queued in the caller's transaction (the outbox sends it). */
function tell(db: Db, mail: StaffMailContext, staff: { id: number; email: string }, m: StaffMail, now: Date) {
  return enqueueMail(
    db,
    { kind: m.kind, reference: `staff-${staff.id}`, to: staff.email, subject: m.subject, text: m.text, html: m.html },
    now,
    mail.messageDomain,
  );
}

const memberActor = (staff: { id: number; role: string }, network: string | null): Actor => ({
  staffId: staff.id,
  role: staff.role,
  network,
});

/**
 * What every action of one member on another takes: who acts (their network included, for the
 * audit trail), on which account, and when.
 */
export interface MemberAction {
  actor: Actor;
  targetId: number;
  now: Date;
}

/**
 * The opening every owner action shares, in one transaction: refuse an action on one's own
 * account where `refuseOwn` names the refusal, load the member (refused as not found if missing,
 * or disabled where `activeOnly`), then run the change with `record`, which writes its entry to
 * the audit trail as a change of `fields` to the member.
 */
async function actOnMember<T extends object, Own extends string = never>(
  db: Db,
  { actor, targetId, now }: MemberAction,
  rules: { refuseOwn?: Own; activeOnly?: boolean },
  change: (on: { trx: Trx; staff: StaffRow; record: (fields: string[], reason: string) => Promise<unknown> }) => Promise<T>,
): Promise<({ ok: true } & T) | { ok: false; reason: Own | 'not_found' }> {
  if (rules.refuseOwn !== undefined && actor.staffId === targetId) return { ok: false, reason: rules.refuseOwn };
  return inTransaction(db, async (trx) => {
    const staff = await findStaffById(trx, targetId);
    if (!staff || (rules.activeOnly && staff.disabled_at)) return { ok: false, reason: 'not_found' } as const;
    const record = (fields: string[], reason: string) =>
      audit(trx, actor, { action: 'change', subject: { type: 'staff', id: staff.id }, fields, reason }, now);
    return { ok: true as const, ...(await change({ trx, staff, record })) };
  });
}

/** Creates a staff account and a one-time link to set its password; recorded in the audit trail. */
export async function createStaff(
  db: Db,
  input: { email: string; name: string; role: Role },
  actor: Actor,
  now: Date,
): Promise<{ ok: true; staffId: number; setupToken: string } | { ok: false; reason: 'email_taken' }> {
  return inTransaction(db, async (trx) => {
    if (await findStaffByEmail(trx, input.email)) return { ok: false, reason: 'email_taken' } as const;
    const staffId = await insertStaff(trx, { ...input, now: now.toISOString() });
    const setupToken = await issueSetupLink(trx, staffId, now);
    await audit(trx, actor, { action: 'create', subject: { type: 'staff', id: staffId }, fields: ['email', 'name', 'role'] }, now);
    return { ok: true, staffId, setupToken } as const;
  });
}

/**
 * A staff member's new set-up link, made by an owner (a forgotten password or a lost phone) or
 * from the command line: the old password and every session end at once, the link replaces
 * two-factor once used, and it is recorded and the member told.
 */
export async function reissueSetupLink(
  db: Db,
  action: MemberAction & { mail: StaffMailContext },
): Promise<{ ok: true; name: string; setupToken: string } | { ok: false; reason: 'not_found' }> {
  return actOnMember(db, action, { activeOnly: true }, async ({ trx, staff, record }) => {
    const setupToken = await issueSetupLink(trx, staff.id, action.now);
    await record(['password', 'two_factor'], 'new set-up link');
    const by = action.actor.staffId === null ? "from the command line on the shop's server" : 'by an owner in the back office';
    await tell(trx, action.mail, staff, staffMails.setupLink(action.mail, staff.name, by), action.now);
    return { name: staff.name, setupToken };
  });
}

/**
 * A new one-time set-up link. Earlier unused links stop working, and so do the old password and
 * every session: whoever asked for the link thinks the account may be in the wrong hands.
 */
async function issueSetupLink(db: Db, staffId: number, now: Date): Promise<string> {
  await revokeStaffTokens(db, staffId, 'setup', now.toISOString());
  await updateStaff(db, staffId, { password_hash: null, updated_at: now.toISOString() });
  await deleteSessionsOf(db, staffId);
  const token = randomToken();
  await insertStaffToken(db, {
    staffId,
    tokenHash: tokenHash(token),
    purpose: 'setup',
    expiresAt: later(now, SETUP_LINK_HOURS * 3_600_000),
  });
  return token;
}

export async function findSetup(db: Db, token: string, now: Date): Promise<StaffRow | null> {
  const t = await findStaffToken(db, tokenHash(token), 'setup');
  if (!t || t.used_at || t.expires_at <= now.toISOString()) return null;
  const staff = await findStaffById(db, t.staff_id);
  return staff && !staff.disabled_at ? staff : null;
}

/** A fresh two-factor key, sealed, for a session that may enrol one. */
function newPendingKey(keys: StaffKeys): string {
  return seal(keys.totp, new (loadOtpauth().Secret)({ size: 20 }).base32);
}

/**
 * Sets the password from a set-up link (once), and signs the person in. With `ctx`, the session
 * may enrol two-factor (it holds a new key waiting for its first code), the change is recorded
 * and the member told; without it (tests and benchmarks that set up accounts directly) it may not.
 */
export async function completeSetup(
  db: Db,
  token: string,
  password: string,
  requireTwoFactor: boolean,
  now: Date,
  ctx?: StaffContext,
): Promise<{ ok: true; sessionToken: string; stage: SessionStage } | { ok: false; reason: 'invalid_link' }> {
  const t = await findStaffToken(db, tokenHash(token), 'setup');
  if (!t || t.used_at || t.expires_at <= now.toISOString()) return { ok: false, reason: 'invalid_link' };
  const passwordHash = await hash(password);
  return inTransaction(db, async (trx) => {
    if (!(await useStaffToken(trx, t.id, now.toISOString()))) return { ok: false, reason: 'invalid_link' } as const;
    const staff = await findStaffById(trx, t.staff_id);
    if (!staff || staff.disabled_at) return { ok: false, reason: 'invalid_link' } as const;
    // A reset by set-up link ends every existing session and two-factor enrolment.
    await updateStaff(trx, staff.id, {
      password_hash: passwordHash,
      totp_secret: null,
      totp_enabled_at: null,
      two_factor_reset_until: null,
      failed_attempts: 0,
      locked_until: null,
      updated_at: now.toISOString(),
    });
    await deleteRecoveryCodes(trx, staff.id);
    await deleteSessionsOf(trx, staff.id);
    const stage: SessionStage = requireTwoFactor ? 'enrol' : 'full';
    const sessionToken = await startSession(trx, staff.id, stage, now, ctx ? newPendingKey(ctx.keys) : null);
    if (ctx) {
      await recordNetworkSignIn(trx, staff.id, networkKey(ctx.network), now.toISOString());
      await audit(
        trx,
        memberActor(staff, ctx.network),
        {
          action: 'change',
          subject: { type: 'staff', id: staff.id },
          fields: staff.totp_enabled_at ? ['password', 'two_factor'] : ['password'],
          reason: 'password set through a set-up link',
        },
        now,
      );
      await tell(trx, ctx.mail, staff, staffMails.passwordSet(ctx.mail, staff.name, ctx.network), now);
    }
    return { ok: true, sessionToken, stage } as const;
  });
}

export type PasswordSignIn =
  | { ok: true; sessionToken: string; stage: SessionStage; staffId: number; enrol: boolean }
  /**
   * `record` counts and records the failure. Call it after answering: it writes only for an
   * account that exists, so doing it before would make that answer measurably slower.
   */
  | { ok: false; reason: 'failed'; record: () => Promise<void> }
  | { ok: false; reason: 'two_factor_missing' };

const nothingToRecord = async () => {};

/**
 * Password check. The answer is the same whether the e-mail is unknown, the password wrong or
 * the account waiting after repeated failures, and takes as long, so that accounts cannot be
 * discovered. Waits are counted per account and network; see staff.domain.ts.
 */
export async function signInWithPassword(
  db: Db,
  ctx: StaffContext,
  email: string,
  password: string,
  requireTwoFactor: boolean,
  now: Date,
): Promise<PasswordSignIn> {
  const staff = await findStaffByEmail(db, email.trim().toLowerCase());
  const network = networkKey(ctx.network);
  if (!staff || !staff.password_hash || staff.disabled_at) {
    // The same reads as for an account, so that the answer takes as long.
    await findStaffNetwork(db, 0, network);
    await passwordMatches(null, password);
    return { ok: false, reason: 'failed', record: nothingToRecord };
  }
  const at = now.toISOString();
  const seen = await findStaffNetwork(db, staff.id, network);
  const known = !!seen?.last_sign_in_at && seen.last_sign_in_at > later(now, -KNOWN_NETWORK_DAYS * 86_400_000);
  const locked = (!!seen?.locked_until && seen.locked_until > at) || (!known && !!staff.locked_until && staff.locked_until > at);
  const valid = await passwordMatches(staff.password_hash, password);
  if (locked) {
    return {
      ok: false,
      reason: 'failed',
      record: () => audit(db, anonymous(ctx), failedEntry(staff.id, 'failed: waiting after repeated failures'), now),
    };
  }
  if (!valid) {
    return { ok: false, reason: 'failed', record: async () => void (await registerFailure(db, ctx, staff, 'failed: wrong password', now)) };
  }
  if (staff.totp_enabled_at) {
    const sessionToken = await startSession(db, staff.id, 'second-factor', now, null);
    return { ok: true, sessionToken, stage: 'second-factor', staffId: staff.id, enrol: false };
  }
  // No key in force. Enrolling one needs an owner's reset (or the set-up link's own session):
  // a password alone must never be enough to choose the second factor.
  const mayEnrol = !!staff.two_factor_reset_until && staff.two_factor_reset_until > at;
  if (!mayEnrol && requireTwoFactor) {
    await audit(db, memberActor(staff, ctx.network), failedEntry(staff.id, 'refused: two-factor not set up'), now);
    return { ok: false, reason: 'two_factor_missing' };
  }
  const stage: SessionStage = requireTwoFactor ? 'enrol' : 'full';
  return inTransaction(db, async (trx) => {
    if (mayEnrol) await updateStaff(trx, staff.id, { two_factor_reset_until: null, updated_at: at });
    const sessionToken = await startSession(trx, staff.id, stage, now, mayEnrol ? newPendingKey(ctx.keys) : null);
    if (stage === 'full') await completeSignIn(trx, ctx, staff, 'signed in with a password only', now);
    return { ok: true, sessionToken, stage, staffId: staff.id, enrol: mayEnrol } as const;
  });
}

const anonymous = (ctx: StaffContext): Actor => ({ staffId: null, role: 'anonymous', network: ctx.network });
const failedEntry = (staffId: number, reason: string): Omit<AuditEntry, 'actor' | 'network'> => ({
  action: 'sign-in',
  subject: { type: 'staff', id: staffId },
  fields: [],
  reason,
});

/**
 * A wrong password or code: one more failure for this network and for the account. The network
 * waits by the shared rule; the account, on networks it has not signed in from, by the softer one.
 * When a wait begins, the member is told (at most once an hour).
 */
/** Records a change the member made to their own two-factor set-up. */
function auditTwoFactorChange(trx: Trx, ctx: StaffContext, staff: StaffRow, reason: string, now: Date) {
  const subject = { type: 'staff', id: staff.id };
  return audit(trx, memberActor(staff, ctx.network), { action: 'change', subject, fields: ['two_factor'], reason }, now);
}

async function registerFailure(db: Db, ctx: StaffContext, staff: StaffRow, reason: string, now: Date): Promise<{ networkLocked: boolean }> {
  const at = now.toISOString();
  const network = networkKey(ctx.network);
  return inTransaction(db, async (trx) => {
    const failures = await countNetworkFailure(trx, staff.id, network, at);
    const lock = lockMinutes(failures);
    if (lock > 0) await lockStaffNetwork(trx, staff.id, network, later(now, minutes(lock)));
    const accountFailures = await countAccountFailure(trx, staff.id, at);
    const slow = accountSlowDownMinutes(accountFailures);
    if (slow > 0) await updateStaff(trx, staff.id, { locked_until: later(now, minutes(slow)), updated_at: at });
    await audit(trx, anonymous(ctx), failedEntry(staff.id, reason), now);
    const waitBegins = failures === LOCK_AFTER_FAILURES || accountFailures === ACCOUNT_SLOW_DOWN_AFTER;
    const mailedRecently = !!staff.lockout_mailed_at && staff.lockout_mailed_at > later(now, -minutes(LOCKOUT_MAIL_EVERY_MINUTES));
    if (waitBegins && !mailedRecently) {
      await updateStaff(trx, staff.id, { lockout_mailed_at: at, updated_at: at });
      await tell(trx, ctx.mail, staff, staffMails.locked(ctx.mail, staff.name, ctx.network), now);
    }
    return { networkLocked: lock > 0 };
  });
}

async function networkWaiting(db: Db, staffId: number, ctx: StaffContext, now: Date): Promise<boolean> {
  const seen = await findStaffNetwork(db, staffId, networkKey(ctx.network));
  return !!seen?.locked_until && seen.locked_until > now.toISOString();
}

/**
 * A signed-in member proves themselves again (password and a current two-factor code) before an
 * action that needs it, such as the whole-shop export. Wrong answers count against the same waits
 * as a sign-in and are recorded as failures; a right one opens no session and records no sign-in
 * (the action it unlocks records itself). A network that is waiting gets no guesses.
 */
export async function confirmIdentity(
  db: Db,
  ctx: StaffContext,
  staffId: number,
  answers: { password: string; code: string },
  now: Date,
): Promise<{ ok: true } | { ok: false; reason: 'no_two_factor' | 'waiting' | 'wrong_password' | 'wrong_code' }> {
  const staff = await findStaffById(db, staffId);
  if (!staff || !staff.totp_secret || !staff.totp_enabled_at) return { ok: false, reason: 'no_two_factor' };
  if (await networkWaiting(db, staff.id, ctx, now)) return { ok: false, reason: 'waiting' };
  if (!(await passwordMatches(staff.password_hash, answers.password))) {
    await registerFailure(db, ctx, staff, 'failed: wrong password when confirming identity', now);
    return { ok: false, reason: 'wrong_password' };
  }
  if (!(await proveSecondFactor(db, ctx.keys, staff, answers.code, now))) {
    await registerFailure(db, ctx, staff, 'failed: wrong two-factor code when confirming identity', now);
    return { ok: false, reason: 'wrong_code' };
  }
  return { ok: true };
}

/** A sign-in that is complete: failures forgiven, recorded, and a new network told to the member. */
async function completeSignIn(trx: Trx, ctx: StaffContext, staff: StaffRow, reason: string, now: Date): Promise<void> {
  const at = now.toISOString();
  const network = networkKey(ctx.network);
  const seen = await findStaffNetwork(trx, staff.id, network);
  const known = !!seen?.last_sign_in_at && seen.last_sign_in_at > later(now, -KNOWN_NETWORK_DAYS * 86_400_000);
  await recordNetworkSignIn(trx, staff.id, network, at);
  await updateStaff(trx, staff.id, { failed_attempts: 0, locked_until: null, updated_at: at });
  await audit(
    trx,
    memberActor(staff, ctx.network),
    { action: 'sign-in', subject: { type: 'staff', id: staff.id }, fields: [], reason },
    now,
  );
  if (!known) await tell(trx, ctx.mail, staff, staffMails.newNetwork(ctx.mail, staff.name, ctx.network), now);
}

function totpFor(secretBase32: string, label: string): TOTP {
  const { Secret, TOTP } = loadOtpauth();
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

/**
 * The time step a six-digit code belongs to, if it is the current one or the one before (a code
 * read just as it changed); never the next one, which nobody honest can have yet.
 */
function totpStep(totp: TOTP, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null || delta > 0) return null;
  return Math.floor(now.getTime() / 30_000) + delta;
}

/**
 * Proves the member with their key in force: a TOTP code (each time step accepted once, so a code
 * seen over a shoulder cannot be replayed) or one of the single-use recovery codes.
 */
async function proveSecondFactor(db: Db, keys: StaffKeys, staff: StaffRow, code: string, now: Date): Promise<'totp' | 'recovery' | null> {
  if (!staff.totp_secret || !staff.totp_enabled_at) return null;
  const cleaned = code.replace(/[\s-]/g, '').toLowerCase();
  if (/^\d{6}$/.test(cleaned)) {
    const step = totpStep(totpFor(unseal(keys.totp, staff.totp_secret), staff.email), cleaned, now);
    return step !== null && (await claimTotpStep(db, staff.id, step)) ? 'totp' : null;
  }
  if (/^[a-z0-9]{10}$/.test(cleaned) && (await useRecoveryCode(db, staff.id, hmacHex(keys.recovery, cleaned), now.toISOString()))) {
    return 'recovery';
  }
  return null;
}

/**
 * Second step of sign-in. On success the half-signed-in session is replaced by a new one, so the
 * token that only passed the password never becomes a signed-in one. Wrong codes count like wrong
 * passwords, for this network; when it must wait, only this attempt's session ends.
 */
export async function verifySecondFactor(
  db: Db,
  ctx: StaffContext,
  session: StaffSession,
  code: string,
  now: Date,
): Promise<{ ok: true; via: 'totp' | 'recovery'; sessionToken: string } | { ok: false; ended: boolean }> {
  const staff = await findStaffById(db, session.staff.id);
  if (!staff) return { ok: false, ended: false };
  // A network that is waiting gets no more guesses, however many half-signed-in sessions it holds.
  if (await networkWaiting(db, staff.id, ctx, now)) {
    await deleteSession(db, session.tokenHash);
    return { ok: false, ended: true };
  }
  const via = await proveSecondFactor(db, ctx.keys, staff, code, now);
  if (!via) {
    const { networkLocked } = await registerFailure(db, ctx, staff, 'failed: wrong two-factor code', now);
    if (networkLocked) await deleteSession(db, session.tokenHash);
    return { ok: false, ended: networkLocked };
  }
  const left = via === 'recovery' ? await countUnusedRecoveryCodes(db, staff.id) : 0;
  const sessionToken = await inTransaction(db, async (trx) => {
    await deleteSession(trx, session.tokenHash);
    const token = await startSession(trx, staff.id, 'full', now, null);
    await completeSignIn(trx, ctx, staff, via === 'totp' ? 'signed in with a code' : 'signed in with a recovery code', now);
    if (via === 'recovery') await tell(trx, ctx.mail, staff, staffMails.recoveryCodeUsed(ctx.mail, staff.name, left), now);
    return token;
  });
  return { ok: true, via, sessionToken };
}

/** What the two-factor page can offer this session; reading it changes nothing. */
export type TwoFactorState =
  { kind: 'confirm'; secret: string; qrSvg: string; moving: boolean } | { kind: 'prove' } | { kind: 'ask-owner' };

export async function twoFactorState(keys: StaffKeys, session: StaffSession): Promise<TwoFactorState> {
  if (session.pendingTotpSecret) {
    const secret = unseal(keys.totp, session.pendingTotpSecret);
    const uri = totpFor(secret, session.staff.email).toString();
    const qrSvg = await loadQrCode().toString(uri, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
      color: { dark: '#1d1a16', light: '#ffffff' },
    });
    return { kind: 'confirm', secret, qrSvg, moving: session.staff.twoFactor };
  }
  return session.staff.twoFactor ? { kind: 'prove' } : { kind: 'ask-owner' };
}

/**
 * Moving two-factor to a new phone, first step: a current code or a recovery code proves the
 * member, and this session alone gets a new key to confirm. The key in force stays until then.
 */
export async function beginMove(db: Db, ctx: StaffContext, session: StaffSession, code: string, now: Date): Promise<{ ok: boolean }> {
  const staff = await findStaffById(db, session.staff.id);
  if (!staff?.totp_enabled_at || (await networkWaiting(db, staff.id, ctx, now))) return { ok: false };
  const via = await proveSecondFactor(db, ctx.keys, staff, code, now);
  if (!via) {
    await registerFailure(db, ctx, staff, 'failed: wrong two-factor code', now);
    return { ok: false };
  }
  const left = via === 'recovery' ? await countUnusedRecoveryCodes(db, staff.id) : 0;
  await inTransaction(db, async (trx) => {
    await setSessionPendingTotp(trx, session.tokenHash, newPendingKey(ctx.keys));
    if (via === 'recovery') {
      await auditTwoFactorChange(trx, ctx, staff, 'recovery code used to move two-factor', now);
      await tell(trx, ctx.mail, staff, staffMails.recoveryCodeUsed(ctx.mail, staff.name, left), now);
    }
  });
  return { ok: true };
}

/**
 * Confirms the key this session holds with its first code: it becomes the key in force, with ten
 * new single-use recovery codes, shown once. Recorded, and the member told.
 */
export async function confirmEnrolment(
  db: Db,
  ctx: StaffContext,
  session: StaffSession,
  code: string,
  now: Date,
): Promise<{ ok: true; recoveryCodes: string[]; sessionToken: string | null } | { ok: false }> {
  if (!session.pendingTotpSecret) return { ok: false };
  const staff = await findStaffById(db, session.staff.id);
  if (!staff) return { ok: false };
  const pending = session.pendingTotpSecret;
  const step = totpStep(totpFor(unseal(ctx.keys.totp, pending), staff.email), code.replace(/\s/g, ''), now);
  if (step === null) return { ok: false };
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () =>
    randomToken()
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .slice(0, 10),
  );
  const moving = staff.totp_enabled_at !== null;
  const done = await inTransaction(db, async (trx) => {
    if (!(await claimTotpStep(trx, staff.id, step))) return null;
    await updateStaff(trx, staff.id, {
      totp_secret: pending,
      totp_enabled_at: now.toISOString(),
      two_factor_reset_until: null,
      updated_at: now.toISOString(),
    });
    await replaceRecoveryCodes(
      trx,
      staff.id,
      recoveryCodes.map((c) => hmacHex(ctx.keys.recovery, c)),
    );
    // An enrolment that completes a sign-in starts a new session, as the code step does.
    let sessionToken: string | null = null;
    if (session.stage === 'enrol') {
      await deleteSession(trx, session.tokenHash);
      sessionToken = await startSession(trx, staff.id, 'full', now, null);
    } else {
      await setSessionPendingTotp(trx, session.tokenHash, null);
    }
    await auditTwoFactorChange(trx, ctx, staff, moving ? 'two-factor moved to a new phone' : 'two-factor enrolled', now);
    await tell(
      trx,
      ctx.mail,
      staff,
      moving ? staffMails.twoFactorMoved(ctx.mail, staff.name) : staffMails.twoFactorOn(ctx.mail, staff.name),
      now,
    );
    return { sessionToken };
  });
  if (!done) return { ok: false };
  return { ok: true, sessionToken: done.sessionToken, recoveryCodes: recoveryCodes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`) };
}

/**
 * An owner's reset of someone else's two-factor (a lost phone and lost recovery codes): the key
 * and codes go, every session ends, and the member's next password sign-in within
 * TWO_FACTOR_RESET_HOURS may enrol a new key. Recorded, and the member told.
 */
export async function resetTwoFactor(
  db: Db,
  action: MemberAction & { mail: StaffMailContext },
): Promise<{ ok: true } | { ok: false; reason: 'own_account' | 'not_found' }> {
  const { now, mail } = action;
  return actOnMember(db, action, { activeOnly: true, refuseOwn: 'own_account' }, async ({ trx, staff, record }) => {
    await updateStaff(trx, staff.id, {
      totp_secret: null,
      totp_enabled_at: null,
      two_factor_reset_until: later(now, TWO_FACTOR_RESET_HOURS * 3_600_000),
      updated_at: now.toISOString(),
    });
    await deleteRecoveryCodes(trx, staff.id);
    await deleteSessionsOf(trx, staff.id);
    await record(['two_factor'], 'two-factor reset by an owner');
    await tell(trx, mail, staff, staffMails.twoFactorOff(mail, staff.name), now);
    return {};
  });
}

async function startSession(db: Db, staffId: number, stage: SessionStage, now: Date, pendingTotpSecret: string | null): Promise<string> {
  const token = randomToken();
  await insertSession(db, { tokenHash: tokenHash(token), staffId, stage, now: now.toISOString(), pendingTotpSecret });
  return token;
}

export interface StaffSession {
  tokenHash: string;
  stage: SessionStage;
  /** A new two-factor key this session may confirm (sealed), if any. */
  pendingTotpSecret: string | null;
  staff: { id: number; name: string; email: string; role: Role; twoFactor: boolean };
  /** When the member accepted the version of the confidentiality undertaking in force; null if they have not (or the session is not yet fully signed in). */
  undertakingAcceptedAt: string | null;
}

/**
 * The undertaking in force, as the back office's guard checks it: its version, and the members
 * this process has seen accept it. An acceptance is never withdrawn (a member's rows go only with
 * the member, and staff numbers are never reused), so a member once seen is not looked up again:
 * a member who has accepted costs the guard no query, one who has not costs one look-up by primary
 * key. One per app, made with `undertakingGate`.
 */
export interface UndertakingGate {
  version: string;
  /** Staff id → when they accepted `version`. */
  accepted: Map<number, string>;
}

export function undertakingGate(version: string): UndertakingGate {
  return { version, accepted: new Map() };
}

/**
 * The session a cookie names, if it is still valid: not idle for 30 minutes, not older than 12
 * hours, account active; with when the member accepted the undertaking in force (null if not yet).
 */
export async function resolveSession(db: Db, token: string, now: Date, gate: UndertakingGate): Promise<StaffSession | null> {
  const hashed = tokenHash(token);
  const s = await findSession(db, hashed);
  if (!s) return null;
  const idle = now.getTime() - Date.parse(s.last_seen_at) > minutes(IDLE_TIMEOUT_MINUTES);
  const old = now.getTime() - Date.parse(s.created_at) > SESSION_MAX_HOURS * 3_600_000;
  if (idle || old || s.disabled_at || !isRole(s.role)) {
    await deleteSession(db, hashed);
    return null;
  }
  let undertakingAcceptedAt = gate.accepted.get(s.staff_id) ?? null;
  if (undertakingAcceptedAt === null && s.stage === 'full') {
    undertakingAcceptedAt = await findUndertaking(db, s.staff_id, gate.version);
    if (undertakingAcceptedAt !== null) gate.accepted.set(s.staff_id, undertakingAcceptedAt);
  }
  // Writing on every request would be wasteful; a minute's precision is enough for a 30-minute timeout.
  if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) await touchSession(db, hashed, now.toISOString());
  return {
    tokenHash: hashed,
    stage: s.stage as SessionStage,
    pendingTotpSecret: s.pending_totp_secret,
    staff: { id: s.staff_id, name: s.name, email: s.email, role: s.role, twoFactor: s.totp_enabled_at !== null },
    undertakingAcceptedAt,
  };
}

// ——— The confidentiality undertaking ———

/**
 * A member accepts a version of the confidentiality undertaking: recorded once per version, and in
 * the audit trail. Accepting a version already accepted changes nothing.
 */
export async function acceptUndertaking(
  db: Db,
  input: { staffId: number; version: string; actor: Actor; now: Date },
): Promise<{ accepted: 'now' | 'before' }> {
  return inTransaction(db, async (trx) => {
    const recorded = await insertUndertaking(trx, { staffId: input.staffId, version: input.version, acceptedAt: input.now.toISOString() });
    if (!recorded) return { accepted: 'before' } as const;
    await audit(
      trx,
      input.actor,
      {
        action: 'create',
        subject: { type: 'staff', id: input.staffId },
        fields: ['undertaking'],
        reason: `accepted the confidentiality undertaking, version ${input.version}`,
      },
      input.now,
    );
    return { accepted: 'now' } as const;
  });
}

/**
 * Where a member stands with the undertaking: `current` when they accepted the version in force,
 * `earlier` when only an earlier text, `never` when none. `acceptedAt` and `version` are of the
 * acceptance that counts: the current one, or else the latest.
 */
export type UndertakingStanding =
  | { state: 'current'; version: string; acceptedAt: string }
  | { state: 'earlier'; version: string; acceptedAt: string }
  | { state: 'never' };

function standingOf(rows: { version: string; accepted_at: string }[], currentVersion: string): UndertakingStanding {
  const current = rows.find((r) => r.version === currentVersion);
  if (current) return { state: 'current', version: current.version, acceptedAt: current.accepted_at };
  const latest = rows.at(-1);
  return latest ? { state: 'earlier', version: latest.version, acceptedAt: latest.accepted_at } : { state: 'never' };
}

export async function undertakingStanding(db: Db, staffId: number, currentVersion: string): Promise<UndertakingStanding> {
  return standingOf(await findUndertakings(db, staffId), currentVersion);
}

/** Every member's standing with the undertaking, by staff id (a member absent from the map has never accepted). */
export async function undertakingStandings(db: Db, currentVersion: string): Promise<Map<number, UndertakingStanding>> {
  const byMember = new Map<number, { version: string; accepted_at: string }[]>();
  for (const r of await findUndertakings(db)) byMember.set(r.staff_id, [...(byMember.get(r.staff_id) ?? []), r]);
  return new Map([...byMember].map(([id, rows]) => [id, standingOf(rows, currentVersion)]));
}

export async function promoteSession(db: Db, session: StaffSession, stage: SessionStage, now: Date): Promise<void> {
  await setSessionStage(db, session.tokenHash, stage, now.toISOString());
}

export async function signOut(db: Db, session: StaffSession): Promise<void> {
  await deleteSession(db, session.tokenHash);
}

/** Ends the session a cookie names, whatever its state: a new sign-in replaces the browser's earlier one. */
export async function endSessionOfToken(db: Db, token: string): Promise<void> {
  await deleteSession(db, tokenHash(token));
}

/** Ends every session of the member, this one included; recorded, and the member told. */
export async function signOutEverywhere(db: Db, ctx: StaffContext, session: StaffSession, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const ended = await deleteSessionsOf(trx, session.staff.id);
    await audit(
      trx,
      memberActor(session.staff, ctx.network),
      { action: 'sign-out', subject: { type: 'staff', id: session.staff.id }, fields: [], reason: 'signed out everywhere' },
      now,
    );
    await tell(trx, ctx.mail, session.staff, staffMails.signedOutEverywhere(ctx.mail, session.staff.name), now);
    return ended;
  });
}

export function recoveryCodesLeft(db: Db, staffId: number): Promise<number> {
  return countUnusedRecoveryCodes(db, staffId);
}

/** Role changes: only by someone with staff.manage, never one's own role. */
export async function changeRole(
  db: Db,
  action: MemberAction & { role: Role },
): Promise<{ ok: true } | { ok: false; reason: 'own_role' | 'not_found' }> {
  const { role, now } = action;
  return actOnMember(db, action, { refuseOwn: 'own_role' }, async ({ trx, staff, record }) => {
    if (staff.role === role) return {};
    await updateStaff(trx, staff.id, { role, updated_at: now.toISOString() });
    // A new role means new rights: sessions started under the old one end.
    await deleteSessionsOf(trx, staff.id);
    await record(['role'], `${staff.role} → ${role}`);
    return {};
  });
}

export async function setDisabled(
  db: Db,
  action: MemberAction & { disabled: boolean },
): Promise<{ ok: true } | { ok: false; reason: 'own_account' | 'not_found' }> {
  const { disabled, now } = action;
  return actOnMember(db, action, { refuseOwn: 'own_account' }, async ({ trx, staff, record }) => {
    await updateStaff(trx, staff.id, { disabled_at: disabled ? now.toISOString() : null, updated_at: now.toISOString() });
    if (disabled) await deleteSessionsOf(trx, staff.id);
    await record(['disabled'], disabled ? 'disabled' : 'enabled');
    return {};
  });
}

/**
 * Retention: what the account knows of a network (its failures, its last sign-in) goes
 * KNOWN_NETWORK_DAYS after it was last used; the network is then new again.
 */
export function forgetOldNetworks(db: Db, now: Date): Promise<number> {
  return deleteStaffNetworksBefore(db, later(now, -KNOWN_NETWORK_DAYS * 86_400_000));
}

/** Retention: ended sessions are removed. */
export function removeExpiredSessions(db: Db, now: Date): Promise<number> {
  return deleteSessionsIdleSince(
    db,
    new Date(now.getTime() - minutes(IDLE_TIMEOUT_MINUTES)).toISOString(),
    new Date(now.getTime() - SESSION_MAX_HOURS * 3_600_000).toISOString(),
  );
}

/**
 * Development convenience: on a shop with no staff at all, an owner with a random password, so a
 * newcomer can open the back office at once. Never called in production.
 */
export async function createDemoOwner(db: Db, now: Date): Promise<{ email: string; password: string } | null> {
  if ((await countStaff(db)) > 0) return null;
  const email = 'owner@assay.example';
  const password = randomToken().slice(0, 16);
  const created = await createStaff(db, { email, name: 'Demo Owner', role: 'owner' }, { staffId: null, role: 'system' }, now);
  if (!created.ok) return null;
  const done = await completeSetup(db, created.setupToken, password, false, now);
  if (!done.ok) return null;
  await deleteSessionsOf(db, created.staffId);
  return { email, password };
}

/**
 * Retention: a staff account is deleted STAFF_RETENTION (6 months) after it was disabled, with its
 * tokens, codes and sessions. The audit trail keeps the entries that name the account by number.
 */
export async function eraseLongDisabledStaff(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - STAFF_RETENTION.days * 86_400_000).toISOString();
  return inTransaction(db, async (trx) => {
    const expired = await findStaffDisabledBefore(trx, cutoff);
    for (const s of expired) {
      await deleteStaff(trx, s.id);
      await auditStaffDeleted(trx, s.id, 'retention period ended', now);
    }
    return expired.length;
  });
}

/** Records that the shop itself deleted a staff account, and why; the trail keeps naming the account by number. */
function auditStaffDeleted(trx: Trx, staffId: number, reason: string, now: Date) {
  const fields = ['email', 'name', 'password', 'two_factor'];
  return audit(trx, { staffId: null, role: 'system' }, { action: 'delete', subject: { type: 'staff', id: staffId }, fields, reason }, now);
}

// ——— A member's copy and erasure, for the privacy feature ———

export const staffSubjects: SubjectHandlers = {
  /** The member's account, sessions, links, recovery codes, networks and undertakings, without any secret or fingerprint. */
  async exportSubject(trx, person) {
    return person.staffId === null ? {} : exportOf(await findStaffRecords(trx, person.staffId));
  },

  /**
   * Deletes the member's account with everything on it, and records that in the audit trail, which
   * keeps the entries naming the account by number (as retention does).
   */
  async eraseSubject(trx, person, now) {
    if (person.staffId === null) return {};
    const deleted = await deleteStaffRecords(trx, person.staffId);
    if (deleted.staff > 0) await auditStaffDeleted(trx, person.staffId, 'the member asked for their data to be erased', now);
    return reportOf(deleted);
  },

  /** Every member of staff, by number and address. */
  async knownPeople(trx) {
    return (await findEveryMemberAddress(trx)).map((m) => ({ email: m.email, customerId: null, staffId: m.id }));
  },
};

/** The member a privacy request is about, by their staff number. */
export async function memberForPrivacy(db: Db, staffId: number): Promise<{ staffId: number; email: string } | null> {
  const s = await findStaffById(db, staffId);
  return s ? { staffId: s.id, email: s.email } : null;
}
