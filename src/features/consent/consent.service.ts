import { createHash } from 'node:crypto';
import { type Db, type Executor, type Trx, inTransaction } from '../../db/database.js';
import { hmacHex, randomToken, sameText, tokenHash } from '../../shared/crypto.js';
import { GENESIS_HASH, chainSeal, keyedJudge, walkChain } from '../../shared/hash-chain.js';
import { type AuditActor, entryBy, recordAudit } from '../audit/audit.service.js';
import { type OutboxMail, enqueueMail, setMarketingGate } from '../mail/outbox.service.js';
import { type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import { type ProcessingUse, heldBackAmong, heldBackHashes } from '../privacy/flags.service.js';
import { addressHashOf, keysOf, normaliseAddress, setConsentKeys } from './consent.keys.js';

export { addressHashOf, normaliseAddress };
import {
  CONSENT_WORDING,
  type ConsentMethod,
  LEDGER_IDENTITY_YEARS,
  OBJECTIONS,
  type PurposeKey,
  SIGN_UP_CONFIRM_DAYS,
  STOCK_ALERT_DAYS,
  familyOf,
  parsePurpose,
} from './consent.inventory.js';
import {
  type LedgerRow,
  type StateRow,
  allLedgerRows,
  allStateRows,
  audiencePage,
  consentingAddressHashes,
  countAudience,
  countLedgerRowsWithDetail,
  deleteAllState,
  deleteLegacyTick,
  deleteRequest,
  deleteRequestsBefore,
  deleteRequestsOf,
  deleteStatesOf,
  deleteStatesOfSubjects,
  deleteSuppression,
  emptyLedgerIdentity,
  findLatestRequest,
  findLedgerRowsOf,
  findLegacyTick,
  findRequestByTokenHash,
  findRequestsOf,
  findState,
  findStatesOf,
  findStatesOfAddressHash,
  findStatesOfSubjects,
  findSuppressionsOf,
  findWording,
  reachableStatesOf,
  givenPurposesOfFamily,
  givenStatesOfFamilyBefore,
  insertLedgerRow,
  insertRequest,
  insertSuppression,
  isSuppressed,
  legacyTicks,
  lockLedger,
  moveStateAddress,
  newestLedgerRow,
  saveWording,
  subjectsEndedBefore,
  upsertState,
  findEveryConsentAddress,
} from './consent.repository.js';

/**
 * The consent ledger: every consent given or withdrawn, and every use of one (data shared with a
 * partner), appended to a hash chain — the same chain as the audit trail's (shared/hash-chain.ts),
 * with a key of its own. The seal covers a keyed fingerprint of the person, never their address:
 * erasing someone empties the address and account of their entries and the chain still verifies.
 *
 * The current consent of each person for each purpose (`consent_state`) is derived from the
 * ledger in the same transaction as each entry, and can be rebuilt from it; `verifyConsentLedger`
 * checks both the chain and that the state agrees with it.
 *
 * A person is a customer (by account, whatever their address becomes) or, without an account, an
 * e-mail address. Marketing goes to addresses: an address may be reached for a purpose when some
 * person with that address consents to it now, and the address is not on the suppression list for
 * it. Every withdrawal by the person (an objection) puts the address there, for good, unless they
 * later sign up again.
 */

export type ConsentSubject = { customerId: number; email: string } | { customerId: null; email: string };

/**
 * Gives the consent ledger of this database its keys (from SECRET_KEY), and makes the outbox ask
 * it before queueing or sending any marketing e-mail, and for each one's unsubscribe link (at
 * `publicUrl`) when it sends. Every process that writes to the database calls this once, after
 * migrating.
 */
export function keyConsentLedger(db: Db, secretKey: string, publicUrl: string): void {
  setConsentKeys(db, secretKey);
  setMarketingGate(db, {
    // An objection or a restriction (privacy flags) holds an address back as well as consent does.
    allowed: async (exec, addresses, purpose) => {
      const ok = await reachableAddresses(exec, addresses, purpose);
      const use = useOfPurpose(purpose);
      if (use === null || ok.size === 0) return ok;
      const held = await heldBackAmong(exec, [...ok], use);
      return held.size === 0 ? ok : new Set([...ok].filter((a) => !held.has(a)));
    },
    audience: async (exec, purpose, after, limit) => {
      const key = parsePurpose(purpose);
      if (!key) return [];
      const use = useOfPurpose(key);
      return audienceAfter(exec, key, after, limit, use === null ? [] : await heldBackHashes(exec, use));
    },
    link: (exec, address, purpose, from) => unsubscribeUrl(exec, publicUrl, address, purpose as PurposeKey, from),
    // A back-in-stock alert is one e-mail: once it has gone, the consent is used up.
    sent: async (exec, address, purpose, now) => {
      if (familyOf(purpose) === 'stock-alert')
        await withdrawAddress(exec, { email: address, purpose: purpose as PurposeKey, method: 'sent' }, now);
    },
  });
}

/** Which use of a person's data a purpose's e-mails are, as objection and restriction name them. */
function useOfPurpose(purpose: string): ProcessingUse | null {
  const family = familyOf(purpose);
  if (family === 'general-subscription') return 'marketing';
  if (family === 'feedback') return 'feedback';
  if (family === 'stock-alert') return 'alerts';
  if (family === 'partner') return 'sharing';
  return null;
}

/**
 * An anonymous visitor, known only by the random id kept in their strictly necessary choice
 * cookie: their entries (a cookie choice) have no address and no account, so they never reach
 * marketing, the mail layer, or a member of staff as a person.
 */
export interface VisitorSubject {
  visitorId: string;
}

export function subjectKeyOf(db: Executor, subject: ConsentSubject | VisitorSubject): string {
  const { subject: key } = keysOf(db);
  if ('visitorId' in subject) return hmacHex(key, `visitor:${subject.visitorId}`);
  return subject.customerId !== null
    ? hmacHex(key, `customer:${subject.customerId}`)
    : hmacHex(key, `email:${normaliseAddress(subject.email)}`);
}

const wordingHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the seal of a ledger entry covers, after the link to the entry before. */
function ledgerContent(row: Omit<LedgerRow, 'id' | 'prev_hash' | 'hash' | 'customer_id' | 'email'>): unknown[] {
  return [
    row.at,
    row.subject_key,
    row.purpose,
    row.action,
    row.method,
    row.wording_hash,
    row.policy_version,
    row.staff_id,
    row.reason,
    row.detail,
  ];
}

type NewEntry = Omit<LedgerRow, 'id' | 'prev_hash' | 'hash'>;

async function appendEntry(trx: Trx, entry: NewEntry): Promise<number> {
  const { chain } = keysOf(trx);
  await lockLedger(trx);
  const prev = (await newestLedgerRow(trx))?.hash ?? GENESIS_HASH;
  return insertLedgerRow(trx, { ...entry, prev_hash: prev, hash: chainSeal(chain, prev, ledgerContent(entry)) });
}

export interface ConsentEvent {
  subject: ConsentSubject;
  purpose: PurposeKey;
  action: 'given' | 'withdrawn';
  method: ConsentMethod;
  /** The exact words the person was shown, for a consent given. */
  wording?: string | null;
  /** The privacy-policy version in force when they were shown them. */
  policyVersion?: string | null;
  /** A request received by e-mail or post, recorded by a member of staff: audited, with the reason. */
  staff?: { actor: AuditActor; reason: string };
  /** Which e-mail an unsubscribe came from. */
  detail?: string | null;
}

/**
 * Records a consent given or withdrawn, and the current state that follows from it, in one
 * transaction (the caller's, when given one). Nothing is appended when it changes nothing (a
 * consent given twice); a withdrawal by the person always puts their address on the suppression
 * list, a consent given takes it off.
 */
export function recordConsent(db: Executor, event: ConsentEvent, now: Date): Promise<{ changed: boolean; entryId: number | null }> {
  return inTransaction(db, async (trx) => {
    await lockLedger(trx);
    const subjectKey = subjectKeyOf(trx, event.subject);
    const addressHash = addressHashOf(trx, event.subject.email);
    const at = now.toISOString();
    const state = await findState(trx, subjectKey, event.purpose);
    const given = event.action === 'given';
    // A consent given anew to a suppressed address lifts the suppression, and is recorded even when
    // an older consent stood: the ledger must hold what now lets the address be mailed.
    const lifted = given && (await deleteSuppression(trx, addressHash, event.purpose)) > 0;
    if (!given && OBJECTIONS.includes(event.method)) {
      await insertSuppression(trx, { address_hash: addressHash, purpose: event.purpose, method: event.method, created_at: at });
    }
    if (given ? state?.given === 1 && !lifted : !state || state.given === 0) return { changed: false, entryId: null };
    const entryId = await appendWithState(
      trx,
      {
        subject_key: subjectKey,
        purpose: event.purpose,
        action: event.action,
        method: event.method,
        policy_version: event.policyVersion ?? null,
        staff_id: event.staff?.actor.staffId ?? null,
        reason: event.staff?.reason ?? null,
        detail: event.detail ?? null,
        customer_id: event.subject.customerId,
        email: event.subject.email.trim(),
      },
      { wording: event.wording ?? null, addressHash, at },
    );
    if (event.staff) {
      await recordAudit(
        trx,
        entryBy(event.staff.actor, {
          action: 'change',
          subject:
            event.subject.customerId !== null ? { type: 'customer', id: event.subject.customerId } : { type: 'consent', id: entryId },
          fields: [`consent:${event.purpose}`],
          reason: event.staff.reason,
        }),
        now,
      );
    }
    return { changed: true, entryId };
  });
}

/** Purposes an anonymous visitor answers (a cookie choice), with no address behind them. */
export type VisitorPurpose = 'preferences-cookie';

/**
 * Records an anonymous visitor's cookie choice, and their current state, in one transaction.
 * Every answer is an entry, even one that repeats the last: each is a question shown and
 * answered. No suppression entry is written: there is no address to suppress.
 */
export function recordVisitorChoice(
  db: Executor,
  input: {
    visitor: VisitorSubject;
    purpose: VisitorPurpose;
    given: boolean;
    method: ConsentMethod;
    wording: string;
    policyVersion: string;
  },
  now: Date,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await lockLedger(trx);
    return appendWithState(
      trx,
      {
        subject_key: subjectKeyOf(trx, input.visitor),
        purpose: input.purpose,
        action: input.given ? 'given' : 'withdrawn',
        method: input.method,
        policy_version: input.policyVersion,
        staff_id: null,
        reason: null,
        detail: null,
        customer_id: null,
        email: null,
      },
      { wording: input.wording, addressHash: null, at: now.toISOString() },
    );
  });
}

/**
 * Appends one entry (its wording kept once, by hash) and makes the current state follow it: the
 * one way both a person's consent and a visitor's cookie choice are written. The caller holds the
 * ledger's lock, in its transaction.
 */
async function appendWithState(
  trx: Trx,
  entry: Omit<LedgerRow, 'id' | 'prev_hash' | 'hash' | 'at' | 'wording_hash'>,
  how: { wording: string | null; addressHash: string | null; at: string },
): Promise<number> {
  if (how.wording !== null) await saveWording(trx, wordingHash(how.wording), how.wording, how.at);
  const entryId = await appendEntry(trx, { ...entry, at: how.at, wording_hash: how.wording === null ? null : wordingHash(how.wording) });
  await upsertState(trx, {
    subject_key: entry.subject_key,
    purpose: entry.purpose,
    given: entry.action === 'given' ? 1 : 0,
    customer_id: entry.customer_id,
    email: entry.email,
    address_hash: how.addressHash,
    entry_id: entryId,
    changed_at: how.at,
  });
  return entryId;
}

/**
 * Withdraws a purpose from an address: from every person with a current consent to it at that
 * address (an account and an earlier newsletter sign-up of the same address both stop), and puts
 * the address on the suppression list when it is the person's own objection.
 */
export function withdrawAddress(
  db: Executor,
  input: { email: string; purpose: PurposeKey; method: ConsentMethod; detail?: string | null; staff?: ConsentEvent['staff'] },
  now: Date,
): Promise<{ withdrawn: number }> {
  return inTransaction(db, (trx) => withdrawFingerprint(trx, addressHashOf(trx, input.email), input, now));
}

/** Withdraws a purpose from every person with a current consent to it at the address with this fingerprint (see withdrawAddress). */
async function withdrawFingerprint(
  trx: Trx,
  addressHash: string,
  input: { purpose: PurposeKey; method: ConsentMethod; detail?: string | null; staff?: ConsentEvent['staff'] },
  now: Date,
): Promise<{ withdrawn: number }> {
  let withdrawn = 0;
  for (const s of await findStatesByAddress(trx, addressHash, input.purpose)) {
    if (s.given !== 1 || s.email === null) continue;
    const event: ConsentEvent = {
      subject: subjectOfState(s, s.email),
      purpose: input.purpose,
      action: 'withdrawn',
      method: input.method,
      detail: input.detail ?? null,
      ...(input.staff ? { staff: input.staff } : {}),
    };
    if ((await recordConsent(trx, event, now)).changed) withdrawn++;
  }
  if (OBJECTIONS.includes(input.method)) {
    await insertSuppression(trx, {
      address_hash: addressHash,
      purpose: input.purpose,
      method: input.method,
      created_at: now.toISOString(),
    });
  }
  return { withdrawn };
}

/** The person a state row is about, at its address. */
function subjectOfState(s: StateRow, email: string): ConsentSubject {
  return s.customer_id !== null ? { customerId: s.customer_id, email } : { customerId: null, email };
}

async function findStatesByAddress(db: Executor, addressHash: string, purpose: string): Promise<StateRow[]> {
  return (await findStatesOfAddressHash(db, addressHash)).filter((r) => r.purpose === purpose);
}

/** Records data about the person passed to a partner, for the partner export (`detail`: what was passed). */
export function recordShared(
  db: Executor,
  input: { subject: ConsentSubject; purpose: `partner:${number}`; detail: string; reason: string; actor: AuditActor },
  now: Date,
): Promise<number> {
  return inTransaction(db, (trx) =>
    appendEntry(trx, {
      at: now.toISOString(),
      subject_key: subjectKeyOf(trx, input.subject),
      purpose: input.purpose,
      action: 'shared',
      method: 'partner-export',
      wording_hash: null,
      policy_version: null,
      staff_id: input.actor.staffId,
      reason: input.reason,
      detail: input.detail,
      customer_id: input.subject.customerId,
      email: input.subject.email.trim(),
    }),
  );
}

/**
 * An account's e-mail address changed: its consents now reach the new address. Recorded in the
 * ledger (so the state can be rebuilt), in the caller's transaction. Nothing to do for an account
 * that has never given a consent.
 */
export function accountAddressChanged(db: Executor, customerId: number, email: string, now: Date): Promise<void> {
  return inTransaction(db, async (trx) => {
    const subject: ConsentSubject = { customerId, email };
    const subjectKey = subjectKeyOf(trx, subject);
    if ((await findStatesOfSubjects(trx, [subjectKey])).length === 0) return;
    await appendEntry(trx, {
      at: now.toISOString(),
      subject_key: subjectKey,
      purpose: '*',
      action: 'moved',
      method: 'address-changed',
      wording_hash: null,
      policy_version: null,
      staff_id: null,
      reason: null,
      detail: null,
      customer_id: customerId,
      email: email.trim(),
    });
    await moveStateAddress(trx, subjectKey, email.trim(), addressHashOf(trx, email));
  });
}

// ——— What a person has chosen ———

export interface Choice {
  purpose: string;
  given: boolean;
  changedAt: string;
}

/**
 * An account's current choices: a purpose is on when the account, or its address (an earlier
 * newsletter sign-up), consents to it now and the address is not suppressed for it.
 */
export async function choicesOfAccount(db: Executor, account: { customerId: number; email: string }): Promise<Map<string, Choice>> {
  const subjectKeys = [
    subjectKeyOf(db, { customerId: account.customerId, email: account.email }),
    subjectKeyOf(db, { customerId: null, email: account.email }),
  ];
  const addressHash = addressHashOf(db, account.email);
  const states = [...(await findStatesOfSubjects(db, subjectKeys)), ...(await findStatesOfAddressHash(db, addressHash))];
  const out = new Map<string, Choice>();
  for (const s of states) {
    const given = s.given === 1 && s.address_hash === addressHash && !(await isSuppressed(db, addressHash, s.purpose));
    const seen = out.get(s.purpose);
    if (!seen || (given && !seen.given) || (given === seen.given && s.changed_at > seen.changedAt)) {
      out.set(s.purpose, { purpose: s.purpose, given, changedAt: s.changed_at });
    }
  }
  return out;
}

/**
 * Sets one of an account's choices from its Account Home box (or registration, or checkout): on
 * records a consent for the account; off withdraws the purpose from the account's address.
 */
export async function setAccountChoice(
  db: Executor,
  input: {
    account: { customerId: number; email: string };
    purpose: PurposeKey;
    on: boolean;
    method: ConsentMethod;
    wording: string;
    policyVersion: string;
  },
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (input.on) {
      const r = await recordConsent(
        trx,
        {
          subject: { ...input.account },
          purpose: input.purpose,
          action: 'given',
          method: input.method,
          wording: input.wording,
          policyVersion: input.policyVersion,
        },
        now,
      );
      return r.changed;
    }
    const r = await withdrawAddress(trx, { email: input.account.email, purpose: input.purpose, method: input.method }, now);
    return r.withdrawn > 0;
  });
}

/** One entry of a person's consent history, with the words they were shown. */
export type HistoryEntry = Pick<LedgerRow, 'id' | 'at' | 'purpose' | 'action' | 'method' | 'detail' | 'policy_version'> & {
  wording: string | null;
};

/** An account's consent history, oldest first: its own entries and those of its address from before it had an account. */
export async function historyOfAccount(db: Executor, account: { customerId: number; email: string }): Promise<HistoryEntry[]> {
  const rows = await findLedgerRowsOf(db, {
    customerId: account.customerId,
    emails: [normaliseAddress(account.email)],
    subjectKeys: [subjectKeyOf(db, account), subjectKeyOf(db, { customerId: null, email: account.email })],
  });
  return rows.map(({ id, at, purpose, action, method, detail, policy_version, wording }) => ({
    id,
    at,
    purpose,
    action,
    method,
    detail,
    policy_version,
    wording,
  }));
}

// ——— Double opt-in ———

/** Within this many minutes, a repeated sign-up sends no second e-mail (and says the same as the first). */
const REPEAT_SIGN_UP_MINUTES = 10;

/**
 * Starts a double opt-in: keeps the sign-up, and queues the e-mail whose link opens the page with
 * the Confirm button, in one transaction. Whatever the address's state (already subscribed,
 * suppressed, asked a minute ago), the caller says the same thing, so the form never tells
 * whether an address is subscribed; a repeat within 10 minutes sends no second e-mail.
 */
export function requestSignUp(
  db: Executor,
  input: {
    email: string;
    purpose: PurposeKey;
    method: 'newsletter-confirmation' | 'stock-alert-confirmation';
    wording: string;
    policyVersion: string;
  },
  now: Date,
  mail: { compose: (token: string) => OutboxMail; domain: string },
): Promise<void> {
  return inTransaction(db, async (trx) => {
    const email = input.email.trim();
    const latest = await findLatestRequest(trx, normaliseAddress(email), input.purpose);
    if (latest && Date.parse(latest.created_at) > now.getTime() - REPEAT_SIGN_UP_MINUTES * 60_000) return;
    const token = randomToken();
    const at = now.toISOString();
    await saveWording(trx, wordingHash(input.wording), input.wording, at);
    await insertRequest(trx, {
      token_hash: tokenHash(token),
      email,
      purpose: input.purpose,
      method: input.method,
      wording_hash: wordingHash(input.wording),
      policy_version: input.policyVersion,
      created_at: at,
    });
    await enqueueMail(trx, mail.compose(token), now, mail.domain);
  });
}

export type SignUpLookup = { ok: true; purpose: PurposeKey; email: string } | { ok: false; reason: 'unknown' | 'expired' };

/** What a confirmation link is for, without confirming it (the page with the Confirm button). */
export async function findSignUp(db: Executor, token: string, now: Date): Promise<SignUpLookup> {
  const request = await findRequestByTokenHash(db, tokenHash(token));
  const purpose = request ? parsePurpose(request.purpose) : null;
  if (!request || !purpose) return { ok: false, reason: 'unknown' };
  if (Date.parse(request.created_at) <= now.getTime() - SIGN_UP_CONFIRM_DAYS * 86_400_000) return { ok: false, reason: 'expired' };
  return { ok: true, purpose, email: request.email };
}

/** Confirms a sign-up (the Confirm button): the consent is recorded with the words and policy shown at sign-up, and the sign-up goes. */
export function confirmSignUp(db: Executor, token: string, now: Date): Promise<SignUpLookup> {
  return inTransaction(db, async (trx) => {
    const found = await findSignUp(trx, token, now);
    if (!found.ok) return found;
    const request = await findRequestByTokenHash(trx, tokenHash(token));
    if (!request) return { ok: false, reason: 'unknown' } as const;
    const wording = await wordingText(trx, request.wording_hash);
    await recordConsent(
      trx,
      {
        subject: { customerId: null, email: request.email },
        purpose: found.purpose,
        action: 'given',
        method: request.method as ConsentMethod,
        wording,
        policyVersion: request.policy_version,
        detail: `signed up ${request.created_at}`,
      },
      now,
    );
    await deleteRequest(trx, request.id);
    return found;
  });
}

async function wordingText(db: Executor, hash: string): Promise<string | null> {
  return (await findWording(db, hash)) ?? null;
}

// ——— Unsubscribe links ———

/** The token of an address's unsubscribe link for a purpose: the purpose, the address's fingerprint, and a signature. It never expires. */
export function unsubscribeToken(db: Executor, email: string, purpose: PurposeKey): string {
  const addressHash = addressHashOf(db, email);
  return `${purpose}.${addressHash}.${hmacHex(keysOf(db).unsubscribe, `${purpose}|${addressHash}`).slice(0, 32)}`;
}

/** An address's unsubscribe link; `from` names the e-mail it came in (a campaign's reference), to count who left after it. */
export function unsubscribeUrl(db: Executor, publicUrl: string, email: string, purpose: PurposeKey, from?: string): string {
  const base = `${publicUrl.replace(/\/$/, '')}/unsubscribe/${encodeURIComponent(unsubscribeToken(db, email, purpose))}`;
  return from ? `${base}?from=${encodeURIComponent(from)}` : base;
}

/** Reads an unsubscribe token; null when it is not one the shop signed. */
export function readUnsubscribeToken(db: Executor, token: string): { purpose: PurposeKey; addressHash: string } | null {
  const m = /^([a-z-]+(?::\d+)?)\.([0-9a-f]{64})\.([0-9a-f]{32})$/.exec(token);
  if (!m) return null;
  const [, purposeText = '', addressHash = '', signature = ''] = m;
  const purpose = parsePurpose(purposeText);
  if (!purpose) return null;
  const expected = hmacHex(keysOf(db).unsubscribe, `${purpose}|${addressHash}`).slice(0, 32);
  return sameText(expected, signature) ? { purpose, addressHash } : null;
}

/**
 * Unsubscribes with a link's token (the Unsubscribe link, or one-click): every current consent of
 * the address to the purpose is withdrawn at once, and the address goes on the suppression list,
 * even when nothing was current (an old e-mail's link still works, and says so the same way).
 */
export function unsubscribeWithToken(
  db: Executor,
  token: string,
  method: 'unsubscribe-link' | 'one-click',
  now: Date,
  from?: string | null,
): Promise<{ ok: true; purpose: PurposeKey } | { ok: false }> {
  return inTransaction(db, async (trx) => {
    const read = readUnsubscribeToken(trx, token);
    if (!read) return { ok: false } as const;
    const detail = from && /^[a-z0-9-]{1,40}$/.test(from) ? from : null;
    await withdrawFingerprint(trx, read.addressHash, { purpose: read.purpose, method, detail }, now);
    return { ok: true, purpose: read.purpose } as const;
  });
}

/** How many withdrew with the links of one e-mail (a campaign's reference). */
export function unsubscribesFrom(db: Executor, from: string): Promise<number> {
  return countLedgerRowsWithDetail(db, 'withdrawn', from);
}

// ——— Who may be sent marketing ———

/** Of these addresses, those that may be sent marketing for the purpose now (lower case): the outbox's gate. */
export async function reachableAddresses(db: Executor, addresses: readonly string[], purpose: string): Promise<Set<string>> {
  const byHash = new Map(addresses.map((a) => [addressHashOf(db, a), normaliseAddress(a)]));
  const ok = await consentingAddressHashes(db, [...byHash.keys()], purpose);
  return new Set([...ok].map((h) => byHash.get(h)).filter((a): a is string => a !== undefined));
}

/**
 * One page of a purpose's audience now, in address order after `after` (an address in lower case;
 * '' for the first): one per address, suppressed ones left out. The outbox queues a campaign from
 * these pages (its gate's `audience`).
 */
export async function audienceAfter(
  db: Executor,
  purpose: PurposeKey,
  after: string,
  limit: number,
  heldBack: readonly string[] = [],
): Promise<{ email: string; address: string }[]> {
  return (await audiencePage(db, purpose, after, limit, heldBack)).map((r) => ({ email: r.email, address: r.address }));
}

export function audienceSize(db: Executor, purpose: PurposeKey): Promise<number> {
  return countAudience(db, purpose);
}

/** The people with a current consent to exactly this purpose (a partner's, an alert's), with their account when they have one. */
export async function consentingTo(db: Executor, purpose: PurposeKey): Promise<{ customerId: number | null; email: string }[]> {
  return (await reachableStatesOf(db, purpose)).map((r) => ({ customerId: r.customer_id, email: r.email }));
}

// ——— Checking the ledger ———

export type LedgerVerdict = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; problem: string };

interface Derived {
  given: number;
  entryId: number;
  changedAt: string;
}

/** The current state the ledger gives, subject by subject and purpose by purpose, with each subject's address. */
async function replayLedger(
  db: Executor,
): Promise<{ states: Map<string, Derived>; identity: Map<string, { customerId: number | null; email: string | null }> }> {
  const states = new Map<string, Derived>();
  const identity = new Map<string, { customerId: number | null; email: string | null }>();
  for await (const row of allLedgerRows(db)) {
    if (row.action === 'given' || row.action === 'withdrawn') {
      states.set(`${row.subject_key} ${row.purpose}`, { given: row.action === 'given' ? 1 : 0, entryId: row.id, changedAt: row.at });
    }
    if (row.action !== 'shared') identity.set(row.subject_key, { customerId: row.customer_id, email: row.email });
  }
  return { states, identity };
}

/**
 * Checks the ledger: the chain (an edited, deleted, inserted or reordered entry is found and
 * named) and that the current state is what the ledger says (a deleted newest entry, or a state
 * changed by hand, shows there).
 */
export async function verifyConsentLedger(db: Executor): Promise<LedgerVerdict> {
  const { chain } = keysOf(db);
  const walked = await walkChain(allLedgerRows(db), keyedJudge<LedgerRow>(chain, ledgerContent));
  if (walked.broken) return { ok: false, entries: walked.entries, ...walked.broken };
  const { states } = await replayLedger(db);
  for (const row of await allStateRows(db)) {
    const derived = states.get(`${row.subject_key} ${row.purpose}`);
    if (!derived) {
      return {
        ok: false,
        entries: walked.entries,
        brokenAt: row.entry_id,
        problem: `the current consent to ${row.purpose} rests on entry ${row.entry_id}, which is not in the ledger: an entry was removed`,
      };
    }
    if (derived.entryId !== row.entry_id || derived.given !== row.given) {
      return {
        ok: false,
        entries: walked.entries,
        brokenAt: derived.entryId,
        problem: `the current consent to ${row.purpose} says ${row.given === 1 ? 'given' : 'withdrawn'} (entry ${row.entry_id}), but the ledger's last word is entry ${derived.entryId}, ${derived.given === 1 ? 'given' : 'withdrawn'}`,
      };
    }
  }
  return { ok: true, entries: walked.entries };
}

/**
 * Rebuilds the current state from the ledger alone: each subject's last word per purpose, at the
 * subject's latest address. A subject whose address and account were emptied (erased, or past the
 * ledger's identity period) has no state. Returns how many rows it wrote.
 */
export function rebuildConsentState(db: Executor): Promise<number> {
  return inTransaction(db, async (trx) => {
    await lockLedger(trx);
    const { states, identity } = await replayLedger(trx);
    await deleteAllState(trx);
    let written = 0;
    for (const [key, derived] of states) {
      const [subjectKey = '', purpose = ''] = key.split(' ');
      const who = identity.get(subjectKey);
      // A visitor's cookie choice never had an address; anyone else's without one was erased.
      const visitor = familyOf(purpose) === 'preferences-cookie';
      if (!who || (who.email === null && !visitor)) continue;
      await upsertState(trx, {
        subject_key: subjectKey,
        purpose,
        given: derived.given,
        customer_id: who.customerId,
        email: who.email,
        address_hash: who.email === null ? null : addressHashOf(trx, who.email),
        entry_id: derived.entryId,
        changed_at: derived.changedAt,
      });
      written++;
    }
    return written;
  });
}

// ——— Housekeeping ———

/**
 * The consent feature's retention: unconfirmed sign-ups go after 7 days; an alert not sent within
 * 6 months is withdrawn ("expired"); the address and account of the entries of a person whose
 * every consent ended over 6 years ago are emptied, and their state goes.
 */
export async function consentHousekeeping(db: Db, now: Date): Promise<{ signUps: number; alerts: number; anonymised: number }> {
  const signUps = await deleteRequestsBefore(db, new Date(now.getTime() - SIGN_UP_CONFIRM_DAYS * 86_400_000).toISOString());
  let alerts = 0;
  for (const s of await givenStatesOfFamilyBefore(
    db,
    'stock-alert:',
    new Date(now.getTime() - STOCK_ALERT_DAYS * 86_400_000).toISOString(),
  )) {
    if (s.email === null) continue;
    const subject = subjectOfState(s, s.email);
    const r = await recordConsent(db, { subject, purpose: s.purpose as PurposeKey, action: 'withdrawn', method: 'expired' }, now);
    if (r.changed) alerts++;
  }
  const cutoff = new Date(now.getTime() - LEDGER_IDENTITY_YEARS * 365 * 86_400_000).toISOString();
  const anonymised = await inTransaction(db, async (trx) => {
    const ended = await subjectsEndedBefore(trx, cutoff);
    const n = await emptyLedgerIdentity(trx, { customerId: null, emails: [], subjectKeys: ended });
    await deleteStatesOfSubjects(trx, ended);
    return n;
  });
  return { signUps, alerts, anonymised };
}

/**
 * Writes the General Subscription ticks of accounts from before the ledger into it, once, with
 * the date each was given and the words the registration form showed then. `emails` gives each
 * account's address (the accounts feature's). Run at start-up, after the ledger is keyed.
 */
export async function importTicksFromBeforeTheLedger(
  db: Db,
  emails: (customerIds: number[]) => Promise<Map<number, string>>,
): Promise<number> {
  const ticks = await legacyTicks(db);
  if (ticks.length === 0) return 0;
  const addresses = await emails(ticks.map((t) => t.customer_id));
  let imported = 0;
  for (const tick of ticks) {
    await inTransaction(db, async (trx) => {
      if (!(await findLegacyTick(trx, tick.customer_id))) return;
      const email = addresses.get(tick.customer_id);
      if (email) {
        await recordConsent(
          trx,
          {
            subject: { customerId: tick.customer_id, email },
            purpose: 'general-subscription',
            action: 'given',
            method: 'before-ledger',
            wording: CONSENT_WORDING.beforeLedger,
          },
          new Date(tick.given_at),
        );
        imported++;
      }
      await deleteLegacyTick(trx, tick.customer_id);
    });
  }
  return imported;
}

// ——— One person's copy and erasure ———

function keysOfPerson(db: Executor, customerId: number | null, emails: string[]): string[] {
  return [
    ...(customerId !== null ? [subjectKeyOf(db, { customerId, email: '' })] : []),
    ...emails.map((email) => subjectKeyOf(db, { customerId: null, email })),
  ];
}

export const consentSubjects: SubjectHandlers = {
  /** Every ledger entry about the person (with the words they were shown), their current choices, waiting sign-ups, and their addresses' suppression entries. */
  async exportSubject(trx, person) {
    const emails = emailsOf(person);
    const subjectKeys = keysOfPerson(trx, person.customerId, emails);
    const who = { customerId: person.customerId, emails, subjectKeys };
    const suppressions = await findSuppressionsOf(
      trx,
      emails.map((e) => addressHashOf(trx, e)),
    );
    const tick = person.customerId === null ? undefined : await findLegacyTick(trx, person.customerId);
    return exportOf({
      consent_ledger: await findLedgerRowsOf(trx, who),
      consent_state: await findStatesOf(trx, who),
      consent_requests: (await findRequestsOf(trx, emails)).map(({ token_hash: _t, ...rest }) => rest),
      consent_legacy_ticks: tick ? [tick] : [],
      marketing_suppressions: suppressions,
    });
  },

  /**
   * Ends every current consent of the person ("erased", which also puts their addresses on the
   * suppression list), empties the address and account of their ledger entries, and deletes their
   * state, waiting sign-ups and any tick from before the ledger.
   */
  async eraseSubject(trx, person, now) {
    const emails = emailsOf(person);
    const subjectKeys = keysOfPerson(trx, person.customerId, emails);
    const who = { customerId: person.customerId, emails, subjectKeys };
    for (const s of await findStatesOf(trx, who)) {
      if (s.given !== 1 || s.email === null) continue;
      const subject = subjectOfState(s, s.email);
      await recordConsent(trx, { subject, purpose: s.purpose as PurposeKey, action: 'withdrawn', method: 'erased' }, now);
    }
    const anonymised = await emptyLedgerIdentity(trx, who);
    const states = await deleteStatesOf(trx, who);
    const requests = await deleteRequestsOf(trx, emails);
    const ticks = person.customerId === null ? 0 : await deleteLegacyTick(trx, person.customerId);
    return reportOf({ consent_state: states, consent_requests: requests, consent_legacy_ticks: ticks }, { consent_ledger: anonymised });
  },

  /** Everyone with a consent choice or a waiting sign-up, by address (and account). */
  async knownPeople(trx) {
    return (await findEveryConsentAddress(trx)).map((c) => ({ email: c.email, customerId: c.customer_id, staffId: null }));
  },
};

/** The back-in-stock alerts someone is waiting for now: each `stock-alert:<variant id>` purpose with a current consent, once. */
export async function awaitedStockAlerts(db: Executor): Promise<`stock-alert:${number}`[]> {
  return (await givenPurposesOfFamily(db, 'stock-alert:'))
    .map((p) => parsePurpose(p))
    .filter((p): p is `stock-alert:${number}` => p !== null && p.startsWith('stock-alert:'));
}
