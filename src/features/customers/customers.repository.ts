import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type CustomerRow = Selectable<Database['customers']>;
export type AddressRow = Selectable<Database['customer_addresses']>;
export type SessionRow = Selectable<Database['customer_sessions']>;
export type TokenRow = Selectable<Database['customer_tokens']>;
export type SignInFailuresRow = Selectable<Database['customer_sign_in_failures']>;

export async function findCustomerByEmail(db: Db, email: string): Promise<CustomerRow | null> {
  return (await db.selectFrom('customers').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
}

export async function findCustomerById(db: Db, id: number): Promise<CustomerRow | null> {
  return (await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function insertCustomer(db: Db, c: Insertable<Database['customers']>): Promise<number> {
  return (await db.insertInto('customers').values(c).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateCustomer(db: Db, id: number, patch: Updateable<Database['customers']>): Promise<void> {
  await db.updateTable('customers').set(patch).where('id', '=', id).execute();
}

/**
 * Takes the account row's lock for the rest of the transaction (a write that changes nothing), so
 * that checks such as "fewer than 20 addresses" hold for concurrent requests on PostgreSQL too.
 */
export async function lockCustomer(db: Db, id: number): Promise<void> {
  await db
    .updateTable('customers')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', id)
    .execute();
}

export async function deleteUnverifiedCustomersBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('customers').where('email_verified_at', 'is', null).where('created_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ——— Wrong passwords, per address (with or without an account) ———

export async function findSignInFailures(db: Db, addressHash: string): Promise<SignInFailuresRow | null> {
  return (await db.selectFrom('customer_sign_in_failures').selectAll().where('address_hash', '=', addressHash).executeTakeFirst()) ?? null;
}

/**
 * Counts one more wrong password for the address, in one statement so that every process counts
 * into the same row; a count whose last failure is older than `freshSince` starts again at 1.
 */
export async function countSignInFailure(db: Db, addressHash: string, at: string, freshSince: string): Promise<number> {
  const row = await db
    .insertInto('customer_sign_in_failures')
    .values({ address_hash: addressHash, failures: 1, last_failed_at: at, locked_until: null })
    .onConflict((oc) =>
      oc.column('address_hash').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('customer_sign_in_failures.last_failed_at', '<', freshSince)
          .then(1)
          .else(eb('customer_sign_in_failures.failures', '+', 1))
          .end(),
        last_failed_at: at,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return row.failures;
}

/** Makes the address wait until `until`, unless another process has already set a later time. */
export async function waitSignInsUntil(db: Db, addressHash: string, until: string): Promise<void> {
  await db
    .updateTable('customer_sign_in_failures')
    .set({ locked_until: until })
    .where('address_hash', '=', addressHash)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', until)]))
    .execute();
}

export async function clearSignInFailures(db: Db, addressHash: string): Promise<void> {
  await db.deleteFrom('customer_sign_in_failures').where('address_hash', '=', addressHash).execute();
}

export async function deleteSignInFailuresBefore(db: Db, cutoff: string): Promise<number> {
  const r = await db.deleteFrom('customer_sign_in_failures').where('last_failed_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ——— Address book ———

export async function countAddresses(db: Db, customerId: number): Promise<number> {
  const r = await db
    .selectFrom('customer_addresses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listAddresses(db: Db, customerId: number): Promise<AddressRow[]> {
  return db
    .selectFrom('customer_addresses')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('is_default', 'desc')
    .orderBy('id')
    .execute();
}

/** An address, only if it is this customer's: every lookup is scoped to its owner. */
export async function findAddress(db: Db, customerId: number, id: number): Promise<AddressRow | null> {
  return (
    (await db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst()) ??
    null
  );
}

export async function insertAddress(db: Db, a: Insertable<Database['customer_addresses']>): Promise<number> {
  return (await db.insertInto('customer_addresses').values(a).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateAddress(
  db: Db,
  customerId: number,
  id: number,
  patch: Updateable<Database['customer_addresses']>,
): Promise<boolean> {
  const r = await db
    .updateTable('customer_addresses')
    .set(patch)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteAddress(db: Db, customerId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('customer_addresses').where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function clearDefaultAddress(db: Db, customerId: number): Promise<void> {
  await db.updateTable('customer_addresses').set({ is_default: 0 }).where('customer_id', '=', customerId).execute();
}

// ——— Sessions ———

export async function insertSession(db: Db, s: Insertable<Database['customer_sessions']>): Promise<void> {
  await db.insertInto('customer_sessions').values(s).execute();
}

export async function findSessionByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<(SessionRow & { email: string; first_name: string }) | null> {
  return (
    (await db
      .selectFrom('customer_sessions as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .selectAll('s')
      .select(['c.email', 'c.first_name'])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst()) ?? null
  );
}

export async function touchSession(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('customer_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function listSessions(db: Db, customerId: number): Promise<SessionRow[]> {
  return db.selectFrom('customer_sessions').selectAll().where('customer_id', '=', customerId).orderBy('last_seen_at', 'desc').execute();
}

export async function deleteSession(db: Db, customerId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('customer_sessions').where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteSessionByTokenHash(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('customer_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOf(db: Db, customerId: number, exceptId?: number): Promise<number> {
  let q = db.deleteFrom('customer_sessions').where('customer_id', '=', customerId);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

/** Keeps the newest `keep` sessions of an account and ends the rest. */
export async function deleteSessionsBeyond(db: Db, customerId: number, keep: number): Promise<number> {
  const newest = db.selectFrom('customer_sessions').select('id').where('customer_id', '=', customerId).orderBy('id', 'desc').limit(keep);
  const r = await db.deleteFrom('customer_sessions').where('customer_id', '=', customerId).where('id', 'not in', newest).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteSessionsEndedBefore(db: Db, now: string, idleCutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('customer_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', now), eb.and([eb('remember', '=', 0), eb('last_seen_at', '<', idleCutoff)])]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ——— One-time tokens ———

export async function insertToken(db: Db, t: Insertable<Database['customer_tokens']>): Promise<void> {
  await db.insertInto('customer_tokens').values(t).execute();
}

export async function findToken(db: Db, tokenHash: string, purpose: string): Promise<TokenRow | null> {
  return (
    (await db
      .selectFrom('customer_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .executeTakeFirst()) ?? null
  );
}

/** Marks a token used if it still is unused: false when another request used it first. */
export async function useToken(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('customer_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends every unused link of the given purposes of an account. */
export async function revokeTokens(db: Db, customerId: number, purposes: readonly string[], at: string): Promise<void> {
  await db
    .updateTable('customer_tokens')
    .set({ used_at: at })
    .where('customer_id', '=', customerId)
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .execute();
}

export async function deleteTokensExpiredBefore(db: Db, cutoff: string): Promise<number> {
  return Number((await db.deleteFrom('customer_tokens').where('expires_at', '<', cutoff).executeTakeFirst()).numDeletedRows);
}

// ——— One person's data, for their copy and their erasure ———

/** The accounts of a person: by id, or by any of their e-mail addresses (given in lower case). */
export async function findCustomerIdsOfPerson(db: Db, customerId: number | null, emails: string[]): Promise<number[]> {
  if (customerId === null && emails.length === 0) return [];
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where((eb) => {
      const by = [];
      if (customerId !== null) by.push(eb('id', '=', customerId));
      if (emails.length > 0) by.push(eb(eb.fn('lower', ['email']), 'in', emails));
      return eb.or(by);
    })
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Everything the accounts tables hold about these accounts, except password and token fingerprints (declared as left out of the copy). */
export async function findAccountRecords(db: Db, ids: number[]) {
  if (ids.length === 0) return { customers: [], customer_addresses: [], customer_sessions: [], customer_tokens: [] };
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'email', 'first_name', 'surname', 'phone', 'email_verified_at', 'created_at', 'updated_at'])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
  const customer_addresses = await db.selectFrom('customer_addresses').selectAll().where('customer_id', 'in', ids).orderBy('id').execute();
  const customer_sessions = await db
    .selectFrom('customer_sessions')
    .select(['id', 'customer_id', 'device', 'remember', 'created_at', 'last_seen_at', 'expires_at'])
    .where('customer_id', 'in', ids)
    .orderBy('id')
    .execute();
  const customer_tokens = await db
    .selectFrom('customer_tokens')
    .select(['id', 'customer_id', 'purpose', 'email', 'created_at', 'expires_at', 'used_at'])
    .where('customer_id', 'in', ids)
    .orderBy('id')
    .execute();
  return { customers, customer_addresses, customer_sessions, customer_tokens };
}

/** Deletes these accounts with their addresses, sessions and links; the counts are per table. */
export async function deleteAccounts(db: Db, ids: number[]) {
  if (ids.length === 0) return { customers: 0, customer_addresses: 0, customer_sessions: 0, customer_tokens: 0 };
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const customer_addresses = count(await db.deleteFrom('customer_addresses').where('customer_id', 'in', ids).executeTakeFirst());
  const customer_sessions = count(await db.deleteFrom('customer_sessions').where('customer_id', 'in', ids).executeTakeFirst());
  const customer_tokens = count(await db.deleteFrom('customer_tokens').where('customer_id', 'in', ids).executeTakeFirst());
  const customers = count(await db.deleteFrom('customers').where('id', 'in', ids).executeTakeFirst());
  return { customers, customer_addresses, customer_sessions, customer_tokens };
}

/** Every account by number and address: whom the erasure journal's re-apply compares with its keys. */
export function findEveryAccountAddress(db: Db): Promise<{ id: number; email: string }[]> {
  return db.selectFrom('customers').select(['id', 'email']).orderBy('id').execute();
}

/** A page of the confirmed accounts' addresses, in address order after `after` ('' for the first). */
export async function findConfirmedAccountAddresses(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('customers')
    .select('email')
    .where('email_verified_at', 'is not', null)
    .where('email', '>', after)
    .orderBy('email')
    .limit(limit)
    .execute();
  return rows.map((r) => r.email);
}
