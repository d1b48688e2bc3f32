import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { type Db, type Executor, dialectOf } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export type LedgerRow = Selectable<Database['consent_ledger']>;
export type StateRow = Selectable<Database['consent_state']>;
export type RequestRow = Selectable<Database['consent_requests']>;

// ——— The ledger ———

/** One person, as the consent tables find them: by account, by any address (lower case), or by their fingerprints. */
export interface ConsentWho {
  customerId: number | null;
  emails: string[];
  subjectKeys: string[];
}

/**
 * The rows of a consent table (ledger or state, both of which carry these three columns) that
 * belong to the person; none when nothing identifies them. `prefix` is the table's alias with its dot.
 */
function ofWho(who: ConsentWho, prefix = '') {
  const ref = (column: string) => sql.ref(`${prefix}${column}`);
  const parts = [
    ...(who.customerId !== null ? [sql<boolean>`${ref('customer_id')} = ${who.customerId}`] : []),
    ...(who.emails.length > 0 ? [sql<boolean>`lower(${ref('email')}) in (${sql.join(who.emails)})`] : []),
    ...(who.subjectKeys.length > 0 ? [sql<boolean>`${ref('subject_key')} in (${sql.join(who.subjectKeys)})`] : []),
  ];
  return parts.length > 0 ? sql<boolean>`(${sql.join(parts, sql` or `)})` : sql<boolean>`1 = 0`;
}

export async function lockLedger(db: Executor): Promise<void> {
  // SQLite runs one write transaction at a time already; PostgreSQL needs an explicit lock (the database's own append check takes the same one).
  if (dialectOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(728302)`.execute(db);
}

export function newestLedgerRow(db: Executor): Promise<LedgerRow | undefined> {
  return db.selectFrom('consent_ledger').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertLedgerRow(db: Executor, row: Omit<LedgerRow, 'id'>): Promise<number> {
  const r = await db.insertInto('consent_ledger').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function* allLedgerRows(db: Executor, pageSize = 2000): AsyncGenerator<LedgerRow> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('consent_ledger').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1]?.id ?? after;
  }
}

/** A person's entries: by their account, by any of their addresses, or by their fingerprints. */
export function findLedgerRowsOf(db: Executor, who: ConsentWho): Promise<(LedgerRow & { wording: string | null })[]> {
  return db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.hash', 'l.wording_hash')
    .selectAll('l')
    .select('w.text as wording')
    .where(ofWho(who, 'l.'))
    .orderBy('l.id')
    .execute();
}

/** Empties the address and account of every entry of the person (by account, address or fingerprint). */
export async function emptyLedgerIdentity(db: Executor, who: ConsentWho): Promise<number> {
  const r = await db
    .updateTable('consent_ledger')
    .set({ customer_id: null, email: null })
    .where(ofWho(who))
    .where((eb) => eb.or([eb('customer_id', 'is not', null), eb('email', 'is not', null)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** How many entries of an action carry this detail (unsubscribes from one campaign, shares in one export). */
export async function countLedgerRowsWithDetail(db: Executor, action: LedgerRow['action'], detail: string): Promise<number> {
  const r = await db
    .selectFrom('consent_ledger')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', action)
    .where('detail', '=', detail)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

// ——— Wordings ———

export async function saveWording(db: Executor, hash: string, text: string, at: string): Promise<void> {
  await db
    .insertInto('consent_wordings')
    .values({ hash, text, created_at: at })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

export async function findWording(db: Executor, hash: string): Promise<string | undefined> {
  const r = await db.selectFrom('consent_wordings').select('text').where('hash', '=', hash).executeTakeFirst();
  return r?.text;
}

// ——— Current state ———

/** Every person's state at an address (an account and an earlier sign-up of the same address). */
export function findStatesOfAddressHash(db: Executor, addressHash: string): Promise<StateRow[]> {
  return db.selectFrom('consent_state').selectAll().where('address_hash', '=', addressHash).execute();
}

export function findState(db: Executor, subjectKey: string, purpose: string): Promise<StateRow | undefined> {
  return db.selectFrom('consent_state').selectAll().where('subject_key', '=', subjectKey).where('purpose', '=', purpose).executeTakeFirst();
}

export function findStatesOfSubjects(db: Executor, subjectKeys: string[]): Promise<StateRow[]> {
  if (subjectKeys.length === 0) return Promise.resolve([]);
  return db.selectFrom('consent_state').selectAll().where('subject_key', 'in', subjectKeys).orderBy('purpose').execute();
}

export function findStatesOf(db: Executor, who: ConsentWho): Promise<StateRow[]> {
  return db.selectFrom('consent_state').selectAll().where(ofWho(who)).execute();
}

export async function upsertState(db: Executor, row: StateRow): Promise<void> {
  await db
    .insertInto('consent_state')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['subject_key', 'purpose']).doUpdateSet({
        given: row.given,
        customer_id: row.customer_id,
        email: row.email,
        address_hash: row.address_hash,
        entry_id: row.entry_id,
        changed_at: row.changed_at,
      }),
    )
    .execute();
}

export async function deleteStatesOfSubjects(db: Executor, subjectKeys: string[]): Promise<number> {
  if (subjectKeys.length === 0) return 0;
  const r = await db.deleteFrom('consent_state').where('subject_key', 'in', subjectKeys).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteStatesOf(db: Executor, who: ConsentWho): Promise<number> {
  const r = await db.deleteFrom('consent_state').where(ofWho(who)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Points a subject's rows at a new address (an account's e-mail changed). */
export async function moveStateAddress(db: Executor, subjectKey: string, email: string, addressHash: string): Promise<number> {
  const r = await db
    .updateTable('consent_state')
    .set({ email, address_hash: addressHash })
    .where('subject_key', '=', subjectKey)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function allStateRows(db: Executor): Promise<StateRow[]> {
  return db.selectFrom('consent_state').selectAll().orderBy('subject_key').orderBy('purpose').execute();
}

export async function deleteAllState(db: Executor): Promise<void> {
  await db.deleteFrom('consent_state').execute();
}

/** Of these address fingerprints, those with a current consent to the purpose and no suppression for it. */
/** A state row that lets its address be sent marketing for the purpose: given, with an address, and not suppressed for it. */
function reachable(eb: ExpressionBuilder<Database & { s: Database['consent_state'] }, 's'>, purpose: string) {
  return eb.and([
    eb('s.purpose', '=', purpose),
    eb('s.given', '=', 1),
    eb('s.email', 'is not', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('marketing_suppressions as m')
          .select('m.address_hash')
          .whereRef('m.address_hash', '=', 's.address_hash')
          .where('m.purpose', '=', purpose),
      ),
    ),
  ]);
}

export async function consentingAddressHashes(db: Executor, addressHashes: string[], purpose: string): Promise<Set<string>> {
  if (addressHashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('consent_state as s')
    .select('s.address_hash')
    .distinct()
    .where((eb) => reachable(eb, purpose))
    .where('s.address_hash', 'in', addressHashes)
    .execute();
  return new Set(rows.map((r) => r.address_hash).filter((h): h is string => h !== null));
}

/**
 * One page of a purpose's audience, in address order (lower case) after `after`: one row per
 * address with a current consent and no suppression. Read page by page, the audience is never held
 * whole; in address order, the e-mails queued for it join the outbox's address index at its end.
 */
export function audiencePage(
  db: Executor,
  purpose: string,
  after: string,
  limit: number,
  heldBack: readonly string[] = [],
): Promise<{ address: string; email: string }[]> {
  const address = sql<string>`lower(${sql.ref('s.email')})`;
  return (
    db
      .selectFrom('consent_state as s')
      .select([address.as('address'), (eb) => eb.fn.min<string>('s.email').as('email')])
      .where((eb) => reachable(eb, purpose))
      .where(address, '>', after)
      // Addresses (by hash) held back by an objection or a restriction: a small set, read once per page.
      .$if(heldBack.length > 0, (qb) => qb.where('s.address_hash', 'not in', [...heldBack]))
      .groupBy(address)
      .orderBy(address)
      .limit(limit)
      .execute()
  );
}

export async function countAudience(db: Executor, purpose: string): Promise<number> {
  const r = await db
    .selectFrom('consent_state as s')
    .select((eb) => eb.fn.count<number>('s.address_hash').distinct().as('n'))
    .where((eb) => reachable(eb, purpose))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Given consents of a family (every `stock-alert:…`) older than `before`. */
export function givenStatesOfFamilyBefore(db: Executor, prefix: string, before: string): Promise<StateRow[]> {
  return db
    .selectFrom('consent_state')
    .selectAll()
    .where('purpose', 'like', `${prefix}%`)
    .where('given', '=', 1)
    .where('changed_at', '<', before)
    .execute();
}

/** The people who may be reached for exactly this purpose now: given, with an address, not suppressed. */
export async function reachableStatesOf(db: Executor, purpose: string): Promise<{ customer_id: number | null; email: string }[]> {
  const rows = await db
    .selectFrom('consent_state as s')
    .select(['s.customer_id', 's.email'])
    .where((eb) => reachable(eb, purpose))
    .orderBy('s.subject_key')
    .execute();
  return rows.filter((r): r is { customer_id: number | null; email: string } => r.email !== null);
}

/** Subjects whose every consent has ended before `before`: their entries' identity can be emptied. */
export async function subjectsEndedBefore(db: Executor, before: string): Promise<string[]> {
  const rows = await db
    .selectFrom('consent_state')
    .select('subject_key')
    .groupBy('subject_key')
    .having((eb) => eb.fn.max('given'), '=', 0)
    .having((eb) => eb.fn.max('changed_at'), '<', before)
    .execute();
  return rows.map((r) => r.subject_key);
}

// ——— Suppression ———

export async function insertSuppression(db: Executor, row: Selectable<Database['marketing_suppressions']>): Promise<void> {
  await db
    .insertInto('marketing_suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['address_hash', 'purpose']).doNothing())
    .execute();
}

export function findSuppressionsOf(db: Executor, addressHashes: string[]): Promise<Selectable<Database['marketing_suppressions']>[]> {
  if (addressHashes.length === 0) return Promise.resolve([]);
  return db.selectFrom('marketing_suppressions').selectAll().where('address_hash', 'in', addressHashes).execute();
}

export async function deleteSuppression(db: Executor, addressHash: string, purpose: string): Promise<number> {
  const r = await db
    .deleteFrom('marketing_suppressions')
    .where('address_hash', '=', addressHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function isSuppressed(db: Executor, addressHash: string, purpose: string): Promise<boolean> {
  const r = await db
    .selectFrom('marketing_suppressions')
    .select('address_hash')
    .where('address_hash', '=', addressHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return r !== undefined;
}

// ——— Sign-ups waiting for confirmation ———

export async function insertRequest(db: Executor, row: Omit<RequestRow, 'id'>): Promise<number> {
  const r = await db.insertInto('consent_requests').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function findRequestByTokenHash(db: Executor, tokenHash: string): Promise<RequestRow | undefined> {
  return db.selectFrom('consent_requests').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The newest waiting sign-up of an address for a purpose. */
export function findLatestRequest(db: Executor, email: string, purpose: string): Promise<RequestRow | undefined> {
  return db
    .selectFrom('consent_requests')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('purpose', '=', purpose)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function deleteRequest(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('consent_requests').where('id', '=', id).execute();
}

export async function deleteRequestsBefore(db: Executor, before: string): Promise<number> {
  const r = await db.deleteFrom('consent_requests').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function findRequestsOf(db: Executor, emails: string[]): Promise<RequestRow[]> {
  if (emails.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('consent_requests')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .orderBy('id')
    .execute();
}

export async function deleteRequestsOf(db: Executor, emails: string[]): Promise<number> {
  if (emails.length === 0) return 0;
  const r = await db
    .deleteFrom('consent_requests')
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ——— Ticks from before the ledger ———

export function legacyTicks(db: Executor): Promise<{ customer_id: number; given_at: string }[]> {
  return db.selectFrom('consent_legacy_ticks').selectAll().orderBy('given_at').orderBy('customer_id').execute();
}

export async function deleteLegacyTick(db: Executor, customerId: number): Promise<number> {
  const r = await db.deleteFrom('consent_legacy_ticks').where('customer_id', '=', customerId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function findLegacyTick(db: Executor, customerId: number): Promise<{ customer_id: number; given_at: string } | undefined> {
  return db.selectFrom('consent_legacy_ticks').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
}

/** Something that is the same for a database handle and every transaction made from it. */
export function consentDatabaseIdentity(db: Db | Executor): object {
  return db.getExecutor().adapter;
}

/** The purposes of a family ('stock-alert:') that someone consents to now, each once. */
export async function givenPurposesOfFamily(db: Executor, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('consent_state')
    .select('purpose')
    .distinct()
    .where('purpose', 'like', `${prefix}%`)
    .where('given', '=', 1)
    .orderBy('purpose')
    .execute();
  return rows.map((r) => r.purpose);
}

/** Every address with a consent state or a waiting sign-up, each once, for the erasure journal's re-apply. */
export async function findEveryConsentAddress(db: Executor): Promise<{ email: string; customer_id: number | null }[]> {
  const states = await db.selectFrom('consent_state').select(['email', 'customer_id']).distinct().where('email', 'is not', null).execute();
  const requests = await db.selectFrom('consent_requests').select('email').distinct().execute();
  return [
    ...states.map((s) => ({ email: s.email as string, customer_id: s.customer_id })),
    ...requests.map((r) => ({ email: r.email, customer_id: null })),
  ];
}
