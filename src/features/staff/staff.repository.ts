import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type StaffRow = Selectable<Database['staff']>;

export async function countStaff(db: Db): Promise<number> {
  const r = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertStaff(db: Db, s: { email: string; name: string; role: string; now: string }): Promise<number> {
  const r = await db
    .insertInto('staff')
    .values({ email: s.email, name: s.name, role: s.role, created_at: s.now, updated_at: s.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function findStaffById(db: Db, id: number): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();
}

export function listStaff(db: Db): Promise<StaffRow[]> {
  return db.selectFrom('staff').selectAll().orderBy('disabled_at', 'desc').orderBy('name').execute();
}

export async function updateStaff(
  db: Db,
  id: number,
  values: Partial<Omit<StaffRow, 'id' | 'created_at' | 'email'>> & { updated_at: string },
): Promise<void> {
  await db.updateTable('staff').set(values).where('id', '=', id).execute();
}

export async function insertStaffToken(db: Db, t: { staffId: number; tokenHash: string; purpose: string; expiresAt: string }) {
  await db
    .insertInto('staff_tokens')
    .values({ staff_id: t.staffId, token_hash: t.tokenHash, purpose: t.purpose, expires_at: t.expiresAt })
    .execute();
}

export function findStaffToken(db: Db, tokenHash: string, purpose: string) {
  return db.selectFrom('staff_tokens').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
}

/** Marks a token used; true only for the first caller, so a link works once even under a race. */
export async function useStaffToken(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db.updateTable('staff_tokens').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeStaffTokens(db: Db, staffId: number, purpose: string, now: string): Promise<void> {
  await db
    .updateTable('staff_tokens')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function replaceRecoveryCodes(db: Db, staffId: number, codeHashes: string[]): Promise<void> {
  await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  await db
    .insertInto('staff_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ staff_id: staffId, code_hash })))
    .execute();
}

/** Uses a recovery code once: true only for the first use. */
export async function useRecoveryCode(db: Db, staffId: number, codeHash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_recovery_codes')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, staffId: number): Promise<number> {
  const r = await db
    .selectFrom('staff_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Records a TOTP time step as used; false if that step (or a later one) was already used. */
export async function claimTotpStep(db: Db, staffId: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', staffId)
    .where('totp_last_step', '<', step)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertSession(
  db: Db,
  s: { tokenHash: string; staffId: number; stage: string; now: string; pendingTotpSecret?: string | null },
) {
  await db
    .insertInto('staff_sessions')
    .values({
      token_hash: s.tokenHash,
      staff_id: s.staffId,
      stage: s.stage,
      created_at: s.now,
      last_seen_at: s.now,
      pending_totp_secret: s.pendingTotpSecret ?? null,
    })
    .execute();
}

export async function setSessionPendingTotp(db: Db, tokenHash: string, sealed: string | null): Promise<void> {
  await db.updateTable('staff_sessions').set({ pending_totp_secret: sealed }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteRecoveryCodes(db: Db, staffId: number): Promise<void> {
  await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
}

/** Adds one to the account's failures across every network; returns the new count. */
export async function countAccountFailure(db: Db, staffId: number, now: string): Promise<number> {
  const r = await db
    .updateTable('staff')
    .set({ failed_attempts: sql<number>`failed_attempts + 1`, updated_at: now })
    .where('id', '=', staffId)
    .returning('failed_attempts')
    .executeTakeFirstOrThrow();
  return Number(r.failed_attempts);
}

export type StaffNetworkRow = Selectable<Database['staff_networks']>;

export function findStaffNetwork(db: Db, staffId: number, network: string): Promise<StaffNetworkRow | undefined> {
  return db.selectFrom('staff_networks').selectAll().where('staff_id', '=', staffId).where('network', '=', network).executeTakeFirst();
}

/** Adds one to the failures from a network, in one statement so that parallel attempts all count; returns the new count. */
export async function countNetworkFailure(db: Db, staffId: number, network: string, now: string): Promise<number> {
  const r = await db
    .insertInto('staff_networks')
    .values({ staff_id: staffId, network, failures: 1, last_failure_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['staff_id', 'network']).doUpdateSet({
        failures: sql<number>`staff_networks.failures + 1`,
        last_failure_at: now,
        updated_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(r.failures);
}

export async function lockStaffNetwork(db: Db, staffId: number, network: string, until: string): Promise<void> {
  await db
    .updateTable('staff_networks')
    .set({ locked_until: until })
    .where('staff_id', '=', staffId)
    .where('network', '=', network)
    .execute();
}

/** A completed sign-in from a network: its failures are forgiven and it becomes one the account is known to use. */
export async function recordNetworkSignIn(db: Db, staffId: number, network: string, now: string): Promise<void> {
  await db
    .insertInto('staff_networks')
    .values({ staff_id: staffId, network, failures: 0, last_sign_in_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['staff_id', 'network']).doUpdateSet({ failures: 0, locked_until: null, last_sign_in_at: now, updated_at: now }),
    )
    .execute();
}

export async function deleteStaffNetworksBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('staff_networks').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function findSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as m', 'm.id', 's.staff_id')
    .select([
      's.token_hash',
      's.stage',
      's.created_at',
      's.last_seen_at',
      's.pending_totp_secret',
      'm.id as staff_id',
      'm.name',
      'm.email',
      'm.role',
      'm.disabled_at',
      'm.totp_enabled_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** When the member accepted this version of the undertaking, if they did (by primary key). */
export async function findUndertaking(db: Db, staffId: number, version: string): Promise<string | null> {
  const r = await db
    .selectFrom('staff_undertakings')
    .select('accepted_at')
    .where('staff_id', '=', staffId)
    .where('version', '=', version)
    .executeTakeFirst();
  return r?.accepted_at ?? null;
}

/** Records that a member accepted a version of the undertaking; false if they already had. */
export async function insertUndertaking(db: Db, u: { staffId: number; version: string; acceptedAt: string }): Promise<boolean> {
  const r = await db
    .insertInto('staff_undertakings')
    .values({ staff_id: u.staffId, version: u.version, accepted_at: u.acceptedAt })
    .onConflict((oc) => oc.columns(['staff_id', 'version']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Every acceptance of the undertaking, oldest first (a row per member and version: a small table). */
export function findUndertakings(db: Db, staffId?: number) {
  let q = db.selectFrom('staff_undertakings').select(['staff_id', 'version', 'accepted_at']);
  if (staffId !== undefined) q = q.where('staff_id', '=', staffId);
  return q.orderBy('accepted_at').orderBy('version').execute();
}

export async function touchSession(db: Db, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

export async function setSessionStage(db: Db, tokenHash: string, stage: string, now: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ stage, last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOf(db: Db, staffId: number): Promise<number> {
  const r = await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteSessionsIdleSince(db: Db, idleCutoff: string, createdCutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('staff_sessions')
    .where((eb) => eb.or([eb('last_seen_at', '<', idleCutoff), eb('created_at', '<', createdCutoff)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function findStaffDisabledBefore(db: Db, cutoff: string): Promise<{ id: number; role: string }[]> {
  return db.selectFrom('staff').select(['id', 'role']).where('disabled_at', 'is not', null).where('disabled_at', '<', cutoff).execute();
}

export async function deleteStaff(db: Db, id: number): Promise<void> {
  await db.deleteFrom('staff_undertakings').where('staff_id', '=', id).execute();
  await db.deleteFrom('staff').where('id', '=', id).execute();
}

/** The names of these staff members, in one query whatever their number. */
export async function findStaffNames(db: Db, ids: readonly number[]): Promise<{ id: number; name: string }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('staff')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

/** Everything the staff tables hold about one member, but for password, key, token and code fingerprints (left out of the copy). */
export async function findStaffRecords(db: Db, staffId: number) {
  const staff = await db
    .selectFrom('staff')
    .select([
      'id',
      'email',
      'name',
      'role',
      'totp_enabled_at',
      'failed_attempts',
      'locked_until',
      'disabled_at',
      'created_at',
      'updated_at',
      'two_factor_reset_until',
      'lockout_mailed_at',
    ])
    .where('id', '=', staffId)
    .execute();
  const staff_sessions = await db
    .selectFrom('staff_sessions')
    .select(['staff_id', 'stage', 'created_at', 'last_seen_at'])
    .where('staff_id', '=', staffId)
    .orderBy('created_at')
    .execute();
  const staff_tokens = await db
    .selectFrom('staff_tokens')
    .select(['id', 'staff_id', 'purpose', 'expires_at', 'used_at'])
    .where('staff_id', '=', staffId)
    .orderBy('id')
    .execute();
  const staff_recovery_codes = await db
    .selectFrom('staff_recovery_codes')
    .select(['id', 'staff_id', 'used_at'])
    .where('staff_id', '=', staffId)
    .orderBy('id')
    .execute();
  const staff_networks = await db.selectFrom('staff_networks').selectAll().where('staff_id', '=', staffId).orderBy('network').execute();
  const staff_undertakings = await findUndertakings(db, staffId);
  return { staff, staff_sessions, staff_tokens, staff_recovery_codes, staff_networks, staff_undertakings };
}

/** Deletes a member with their sessions, links, recovery codes, networks and undertakings; the counts are per table. */
export async function deleteStaffRecords(db: Db, staffId: number) {
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const staff_sessions = count(await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).executeTakeFirst());
  const staff_tokens = count(await db.deleteFrom('staff_tokens').where('staff_id', '=', staffId).executeTakeFirst());
  const staff_recovery_codes = count(await db.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).executeTakeFirst());
  const staff_networks = count(await db.deleteFrom('staff_networks').where('staff_id', '=', staffId).executeTakeFirst());
  const staff_undertakings = count(await db.deleteFrom('staff_undertakings').where('staff_id', '=', staffId).executeTakeFirst());
  const staff = count(await db.deleteFrom('staff').where('id', '=', staffId).executeTakeFirst());
  return { staff, staff_sessions, staff_tokens, staff_recovery_codes, staff_networks, staff_undertakings };
}

/** Every member of staff by number and address, for the erasure journal's re-apply. */
export function findEveryMemberAddress(db: Db): Promise<{ id: number; email: string }[]> {
  return db.selectFrom('staff').select(['id', 'email']).orderBy('id').execute();
}
