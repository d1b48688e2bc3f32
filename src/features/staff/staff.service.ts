import { hash } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { deriveKey, hmacHex, randomToken, seal, tokenHash, unseal } from '../../shared/crypto.js';
import { lockMinutes, passwordMatches } from '../../shared/passwords.js';
import { type AuditEntry, recordAudit } from '../audit/audit.service.js';
import { STAFF_RETENTION } from './staff.inventory.js';
import {
  IDLE_TIMEOUT_MINUTES,
  PASSWORD_MIN_LENGTH,
  RECOVERY_CODES,
  type Role,
  SESSION_MAX_HOURS,
  SETUP_LINK_HOURS,
  isRole,
} from './staff.domain.js';
import {
  type StaffRow,
  claimTotpStep,
  countStaff,
  countUnusedRecoveryCodes,
  deleteSession,
  deleteStaff,
  deleteSessionsIdleSince,
  deleteSessionsOf,
  findSession,
  findStaffByEmail,
  findStaffDisabledBefore,
  findStaffById,
  findStaffToken,
  insertSession,
  insertStaff,
  insertStaffToken,
  replaceRecoveryCodes,
  revokeStaffTokens,
  setSessionStage,
  touchSession,
  updateStaff,
  useRecoveryCode,
  useStaffToken,
} from './staff.repository.js';

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

const ISSUER = 'Assay back office';
const minutes = (n: number) => n * 60_000;

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

/** Creates a staff account and a one-time link to set its password; recorded in the audit trail. */
export async function createStaff(
  db: Db,
  input: { email: string; name: string; role: Role },
  actor: Actor,
  now: Date,
): Promise<{ ok: true; staffId: number; setupToken: string } | { ok: false; reason: 'email_taken' }> {
  return db.transaction().execute(async (trx) => {
    if (await findStaffByEmail(trx, input.email)) return { ok: false, reason: 'email_taken' } as const;
    const staffId = await insertStaff(trx, { ...input, now: now.toISOString() });
    const setupToken = await issueSetupLink(trx, staffId, now);
    await audit(trx, actor, { action: 'create', subject: { type: 'staff', id: staffId }, fields: ['email', 'name', 'role'] }, now);
    return { ok: true, staffId, setupToken } as const;
  });
}

/**
 * A staff member's new set-up link, made by someone who manages staff (a forgotten password or a
 * lost phone): it replaces the password and two-factor once used, so it is recorded.
 */
export async function reissueSetupLink(
  db: Db,
  actor: Actor,
  staffId: number,
  now: Date,
): Promise<{ ok: true; name: string; setupToken: string } | { ok: false; reason: 'not_found' }> {
  return db.transaction().execute(async (trx) => {
    const staff = await findStaffById(trx, staffId);
    if (!staff || staff.disabled_at) return { ok: false, reason: 'not_found' } as const;
    const setupToken = await issueSetupLink(trx, staffId, now);
    await audit(
      trx,
      actor,
      { action: 'change', subject: { type: 'staff', id: staffId }, fields: ['password', 'two_factor'], reason: 'new set-up link' },
      now,
    );
    return { ok: true, name: staff.name, setupToken } as const;
  });
}

/** A new one-time set-up link; earlier unused links for the same person stop working. */
export async function issueSetupLink(db: Db, staffId: number, now: Date): Promise<string> {
  await revokeStaffTokens(db, staffId, 'setup', now.toISOString());
  const token = randomToken();
  await insertStaffToken(db, {
    staffId,
    tokenHash: tokenHash(token),
    purpose: 'setup',
    expiresAt: new Date(now.getTime() + SETUP_LINK_HOURS * 3_600_000).toISOString(),
  });
  return token;
}

export async function findSetup(db: Db, token: string, now: Date): Promise<StaffRow | null> {
  const t = await findStaffToken(db, tokenHash(token), 'setup');
  if (!t || t.used_at || t.expires_at <= now.toISOString()) return null;
  const staff = await findStaffById(db, t.staff_id);
  return staff && !staff.disabled_at ? staff : null;
}

/** Sets the password from a set-up link (once), and signs the person in. */
export async function completeSetup(
  db: Db,
  token: string,
  password: string,
  requireTwoFactor: boolean,
  now: Date,
): Promise<{ ok: true; sessionToken: string; stage: SessionStage } | { ok: false; reason: 'invalid_link' }> {
  const t = await findStaffToken(db, tokenHash(token), 'setup');
  if (!t || t.used_at || t.expires_at <= now.toISOString()) return { ok: false, reason: 'invalid_link' };
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    if (!(await useStaffToken(trx, t.id, now.toISOString()))) return { ok: false, reason: 'invalid_link' } as const;
    const staff = await findStaffById(trx, t.staff_id);
    if (!staff || staff.disabled_at) return { ok: false, reason: 'invalid_link' } as const;
    // A reset by set-up link ends every existing session and two-factor enrolment.
    await updateStaff(trx, staff.id, {
      password_hash: passwordHash,
      totp_secret: null,
      totp_enabled_at: null,
      failed_attempts: 0,
      locked_until: null,
      updated_at: now.toISOString(),
    });
    await deleteSessionsOf(trx, staff.id);
    const stage: SessionStage = requireTwoFactor ? 'enrol' : 'full';
    const sessionToken = await startSession(trx, staff.id, stage, now);
    return { ok: true, sessionToken, stage } as const;
  });
}

/**
 * Password check. The answer is the same whether the e-mail is unknown, the password wrong or
 * the account locked, and takes as long, so that accounts cannot be discovered.
 */
export async function signInWithPassword(
  db: Db,
  email: string,
  password: string,
  requireTwoFactor: boolean,
  now: Date,
): Promise<{ ok: true; sessionToken: string; stage: SessionStage; staffId: number } | { ok: false }> {
  const staff = await findStaffByEmail(db, email.trim().toLowerCase());
  if (!staff || !staff.password_hash || staff.disabled_at) {
    await passwordMatches(null, password);
    return { ok: false };
  }
  const locked = staff.locked_until !== null && staff.locked_until > now.toISOString();
  const valid = await passwordMatches(staff.password_hash, password);
  if (locked || !valid) {
    if (!locked) {
      const failures = staff.failed_attempts + 1;
      const lock = lockMinutes(failures);
      await updateStaff(db, staff.id, {
        failed_attempts: failures,
        locked_until: lock > 0 ? new Date(now.getTime() + minutes(lock)).toISOString() : null,
        updated_at: now.toISOString(),
      });
    }
    return { ok: false };
  }
  await updateStaff(db, staff.id, { failed_attempts: 0, locked_until: null, updated_at: now.toISOString() });
  const stage: SessionStage = staff.totp_enabled_at ? 'second-factor' : requireTwoFactor ? 'enrol' : 'full';
  const sessionToken = await startSession(db, staff.id, stage, now);
  return { ok: true, sessionToken, stage, staffId: staff.id };
}

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

/**
 * Second step of sign-in: a current TOTP code (each time step accepted once, so a code seen over
 * a shoulder cannot be replayed) or one of the single-use recovery codes.
 */
export async function verifySecondFactor(
  db: Db,
  keys: StaffKeys,
  staffId: number,
  code: string,
  now: Date,
): Promise<{ ok: true; via: 'totp' | 'recovery' } | { ok: false }> {
  const staff = await findStaffById(db, staffId);
  if (!staff || !staff.totp_secret || !staff.totp_enabled_at) return { ok: false };
  const cleaned = code.replace(/[\s-]/g, '').toLowerCase();
  if (/^\d{6}$/.test(cleaned)) {
    const totp = totpFor(unseal(keys.totp, staff.totp_secret), staff.email);
    const delta = totp.validate({ token: cleaned, timestamp: now.getTime(), window: 1 });
    if (delta === null) return registerSecondFactorFailure(db, staff, now);
    const step = Math.floor(now.getTime() / 30_000) + delta;
    if (!(await claimTotpStep(db, staff.id, step))) return registerSecondFactorFailure(db, staff, now);
    return { ok: true, via: 'totp' };
  }
  if (/^[a-z0-9]{10}$/.test(cleaned) && (await useRecoveryCode(db, staff.id, hmacHex(keys.recovery, cleaned), now.toISOString()))) {
    return { ok: true, via: 'recovery' };
  }
  return registerSecondFactorFailure(db, staff, now);
}

async function registerSecondFactorFailure(db: Db, staff: StaffRow, now: Date): Promise<{ ok: false }> {
  const failures = staff.failed_attempts + 1;
  const lock = lockMinutes(failures);
  await updateStaff(db, staff.id, {
    failed_attempts: failures,
    locked_until: lock > 0 ? new Date(now.getTime() + minutes(lock)).toISOString() : staff.locked_until,
    updated_at: now.toISOString(),
  });
  if (lock > 0) await deleteSessionsOf(db, staff.id);
  return { ok: false };
}

/** Starts enrolment: a new secret, kept sealed until confirmed. Returns what the enrolment page shows. */
export async function beginEnrolment(
  db: Db,
  keys: StaffKeys,
  staffId: number,
  now: Date,
): Promise<{ secret: string; qrSvg: string; uri: string }> {
  const staff = await findStaffById(db, staffId);
  if (!staff) throw new Error('no such staff member');
  let secret: string;
  if (staff.totp_secret && !staff.totp_enabled_at) {
    secret = unseal(keys.totp, staff.totp_secret);
  } else {
    secret = new Secret({ size: 20 }).base32;
    await updateStaff(db, staffId, { totp_secret: seal(keys.totp, secret), totp_enabled_at: null, updated_at: now.toISOString() });
  }
  const uri = totpFor(secret, staff.email).toString();
  const qrSvg = await QRCode.toString(uri, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
    color: { dark: '#1d1a16', light: '#ffffff' },
  });
  return { secret, qrSvg, uri };
}

/** Confirms enrolment with a first code; returns ten single-use recovery codes, shown once. */
export async function confirmEnrolment(
  db: Db,
  keys: StaffKeys,
  staffId: number,
  code: string,
  actor: Actor,
  now: Date,
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  const staff = await findStaffById(db, staffId);
  if (!staff?.totp_secret) return { ok: false };
  const totp = totpFor(unseal(keys.totp, staff.totp_secret), staff.email);
  const cleaned = code.replace(/\s/g, '');
  const delta = /^\d{6}$/.test(cleaned) ? totp.validate({ token: cleaned, timestamp: now.getTime(), window: 1 }) : null;
  if (delta === null) return { ok: false };
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () =>
    randomToken()
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .slice(0, 10),
  );
  await db.transaction().execute(async (trx) => {
    if (!(await claimTotpStep(trx, staffId, Math.floor(now.getTime() / 30_000) + delta))) throw new Error('code already used');
    await updateStaff(trx, staffId, { totp_enabled_at: now.toISOString(), updated_at: now.toISOString() });
    await replaceRecoveryCodes(
      trx,
      staffId,
      recoveryCodes.map((c) => hmacHex(keys.recovery, c)),
    );
    await audit(trx, actor, { action: 'change', subject: { type: 'staff', id: staffId }, fields: ['two_factor'] }, now);
  });
  return { ok: true, recoveryCodes: recoveryCodes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`) };
}

async function startSession(db: Db, staffId: number, stage: SessionStage, now: Date): Promise<string> {
  const token = randomToken();
  await insertSession(db, { tokenHash: tokenHash(token), staffId, stage, now: now.toISOString() });
  return token;
}

export interface StaffSession {
  tokenHash: string;
  stage: SessionStage;
  staff: { id: number; name: string; email: string; role: Role; twoFactor: boolean };
}

/** The session a cookie names, if it is still valid: not idle for 30 minutes, not older than 12 hours, account active. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<StaffSession | null> {
  const hashed = tokenHash(token);
  const s = await findSession(db, hashed);
  if (!s) return null;
  const idle = now.getTime() - Date.parse(s.last_seen_at) > minutes(IDLE_TIMEOUT_MINUTES);
  const old = now.getTime() - Date.parse(s.created_at) > SESSION_MAX_HOURS * 3_600_000;
  if (idle || old || s.disabled_at || !isRole(s.role)) {
    await deleteSession(db, hashed);
    return null;
  }
  // Writing on every request would be wasteful; a minute's precision is enough for a 30-minute timeout.
  if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) await touchSession(db, hashed, now.toISOString());
  return {
    tokenHash: hashed,
    stage: s.stage as SessionStage,
    staff: { id: s.staff_id, name: s.name, email: s.email, role: s.role, twoFactor: s.totp_enabled_at !== null },
  };
}

export async function promoteSession(db: Db, session: StaffSession, stage: SessionStage, now: Date): Promise<void> {
  await setSessionStage(db, session.tokenHash, stage, now.toISOString());
}

export async function signOut(db: Db, session: StaffSession): Promise<void> {
  await deleteSession(db, session.tokenHash);
}

export async function signOutEverywhere(db: Db, staffId: number): Promise<number> {
  return deleteSessionsOf(db, staffId);
}

export function recoveryCodesLeft(db: Db, staffId: number): Promise<number> {
  return countUnusedRecoveryCodes(db, staffId);
}

/** Role changes: only by someone with staff.manage, never one's own role. */
export async function changeRole(
  db: Db,
  actor: Actor,
  staffId: number,
  role: Role,
  now: Date,
): Promise<{ ok: true } | { ok: false; reason: 'own_role' | 'not_found' }> {
  if (actor.staffId === staffId) return { ok: false, reason: 'own_role' };
  return db.transaction().execute(async (trx) => {
    const staff = await findStaffById(trx, staffId);
    if (!staff) return { ok: false, reason: 'not_found' } as const;
    if (staff.role === role) return { ok: true } as const;
    await updateStaff(trx, staffId, { role, updated_at: now.toISOString() });
    // A new role means new rights: sessions started under the old one end.
    await deleteSessionsOf(trx, staffId);
    await audit(
      trx,
      actor,
      { action: 'change', subject: { type: 'staff', id: staffId }, fields: ['role'], reason: `${staff.role} → ${role}` },
      now,
    );
    return { ok: true } as const;
  });
}

export async function setDisabled(
  db: Db,
  actor: Actor,
  staffId: number,
  disabled: boolean,
  now: Date,
): Promise<{ ok: true } | { ok: false; reason: 'own_account' | 'not_found' }> {
  if (actor.staffId === staffId) return { ok: false, reason: 'own_account' };
  return db.transaction().execute(async (trx) => {
    const staff = await findStaffById(trx, staffId);
    if (!staff) return { ok: false, reason: 'not_found' } as const;
    await updateStaff(trx, staffId, { disabled_at: disabled ? now.toISOString() : null, updated_at: now.toISOString() });
    if (disabled) await deleteSessionsOf(trx, staffId);
    await audit(
      trx,
      actor,
      { action: 'change', subject: { type: 'staff', id: staffId }, fields: ['disabled'], reason: disabled ? 'disabled' : 'enabled' },
      now,
    );
    return { ok: true } as const;
  });
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
  await signOutEverywhere(db, created.staffId);
  return { email, password };
}

/**
 * Retention: a staff account is deleted STAFF_RETENTION (6 months) after it was disabled, with its
 * tokens, codes and sessions. The audit trail keeps the entries that name the account by number.
 */
export async function eraseLongDisabledStaff(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - STAFF_RETENTION.days * 86_400_000).toISOString();
  return db.transaction().execute(async (trx) => {
    const expired = await findStaffDisabledBefore(trx, cutoff);
    for (const s of expired) {
      await deleteStaff(trx, s.id);
      await audit(
        trx,
        { staffId: null, role: 'system' },
        {
          action: 'delete',
          subject: { type: 'staff', id: s.id },
          fields: ['email', 'name', 'password', 'two_factor'],
          reason: 'retention period ended',
        },
        now,
      );
    }
    return expired.length;
  });
}
