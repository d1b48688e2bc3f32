import { TOKEN_KEPT_DAYS } from './customers.inventory.js';
import { hash } from '@node-rs/argon2';
import { type SubjectHandlers, emailsOf, exportOf, reportOf } from '../privacy/inventory.js';
import { type Db, inTransaction } from '../../db/database.js';
import { deriveKey, hmacHex, randomToken, tokenHash } from '../../shared/crypto.js';
import { lockMinutes, passwordMatches } from '../../shared/passwords.js';
import { type AccessRow, accessesToCustomerRecords } from '../audit/audit.service.js';
import { CONSENT_WORDING, type PurposeKey } from '../consent/consent.inventory.js';
import { accountAddressChanged, choicesOfAccount, recordConsent, setAccountChoice } from '../consent/consent.service.js';
import { enqueueMail } from '../mail/outbox.service.js';
import {
  MAX_ADDRESSES,
  MAX_SESSIONS,
  REMEMBER_DAYS,
  RESET_LINK_MINUTES,
  SESSION_IDLE_HOURS,
  SESSION_MAX_HOURS,
  SIGN_IN_FAILURES_KEPT_HOURS,
  type TokenPurpose,
  UNVERIFIED_ACCOUNT_DAYS,
  VERIFY_LINK_HOURS,
} from './customers.domain.js';
import {
  type CustomerOrderListRow,
  type OrderLineRow,
  type OrderRow,
  linkGuestOrders,
  orderNumbersOfCustomer,
  orderOfCustomer,
  ordersOfCustomer,
} from '../orders/orders.service.js';
import { type AccountMail, type AccountMailContext, accountMails } from './customers.mail.js';
import {
  type AddressRow,
  type CustomerRow,
  type SessionRow,
  clearDefaultAddress,
  clearSignInFailures,
  countAddresses,
  countSignInFailure,
  deleteAccounts,
  deleteAddress,
  deleteSession,
  deleteSessionByTokenHash,
  deleteSessionsBeyond,
  deleteSessionsEndedBefore,
  deleteSessionsOf,
  deleteSignInFailuresBefore,
  deleteTokensExpiredBefore,
  deleteUnverifiedCustomersBefore,
  findAccountRecords,
  findAddress,
  findCustomerByEmail,
  findCustomerById,
  findCustomerIdsOfPerson,
  findSessionByTokenHash,
  findSignInFailures,
  findToken,
  insertAddress,
  insertCustomer,
  insertSession,
  insertToken,
  listAddresses,
  listSessions,
  lockCustomer,
  revokeTokens,
  touchSession,
  updateAddress,
  updateCustomer,
  useToken,
  waitSignInsUntil,
  findConfirmedAccountAddresses,
  findEveryAccountAddress,
} from './customers.repository.js';

/**
 * Customer accounts. Answers never tell whether an e-mail address has an account (registration,
 * sign-in and password reset all say the same either way); tokens in links are stored only as
 * their SHA-256 and work once; sessions live on the server and get a new id at every sign-in.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (d: Date) => d.toISOString();
const later = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();

export interface PersonDetails {
  firstName: string;
  surname: string;
  phone: string;
}
export interface AddressInput {
  firstName: string;
  surname: string;
  line1: string;
  line2: string | null;
  city: string;
  postcode: string;
}
export interface Registration extends PersonDetails {
  email: string;
  password: string;
  address: AddressInput;
  generalSubscription: boolean;
  /** The privacy-policy version in force when the form was shown, recorded with the consent. */
  policyVersion: string;
}

async function queue(db: Db, ctx: AccountMailContext, to: string, kind: string, reference: string, m: AccountMail, now: Date) {
  await enqueueMail(db, { kind, reference, to, ...m }, now, ctx.messageDomain);
}

/** An account e-mail to the account's own address. */
async function tell(db: Db, ctx: AccountMailContext, c: { id: number; email: string }, kind: string, m: AccountMail, now: Date) {
  await queue(db, ctx, c.email, kind, `customer-${c.id}`, m, now);
}

async function issueToken(db: Db, customerId: number, purpose: TokenPurpose, email: string, now: Date, ms: number): Promise<string> {
  const token = randomToken();
  await revokeTokens(db, customerId, [purpose], iso(now));
  await insertToken(db, {
    customer_id: customerId,
    purpose,
    token_hash: tokenHash(token),
    email,
    created_at: iso(now),
    expires_at: later(now, ms),
  });
  return token;
}

/**
 * Opens an account and sends the confirmation link. If the address already has an account,
 * nothing changes and its owner is told instead; the caller shows the same page either way.
 */
export async function register(db: Db, r: Registration, now: Date, ctx: AccountMailContext): Promise<void> {
  const passwordHash = await hash(r.password);
  await inTransaction(db, async (trx) => {
    const existing = await findCustomerByEmail(trx, r.email);
    if (existing) {
      await tell(trx, ctx, existing, 'account-exists', accountMails.alreadyRegistered(ctx, existing.first_name), now);
      return;
    }
    const id = await insertCustomer(trx, {
      email: r.email,
      first_name: r.firstName,
      surname: r.surname,
      phone: r.phone,
      password_hash: passwordHash,
      email_verified_at: null,
      created_at: iso(now),
      updated_at: iso(now),
    });
    await insertAddress(trx, { customer_id: id, ...addressColumns(r.address), is_default: 1, created_at: iso(now), updated_at: iso(now) });
    if (r.generalSubscription) {
      await recordConsent(
        trx,
        {
          subject: { customerId: id, email: r.email },
          purpose: 'general-subscription',
          action: 'given',
          method: 'registration',
          wording: CONSENT_WORDING.registration,
          policyVersion: r.policyVersion,
        },
        now,
      );
    }
    await sendConfirmationLink(trx, { id, email: r.email, firstName: r.firstName }, now, ctx);
  });
}

/** A fresh link to confirm the account's address (any earlier one stops working). */
async function sendConfirmationLink(db: Db, c: { id: number; email: string; firstName: string }, now: Date, ctx: AccountMailContext) {
  const token = await issueToken(db, c.id, 'verify-email', c.email, now, VERIFY_LINK_HOURS * HOUR);
  const link = `${ctx.publicUrl}/account/verify?token=${token}`;
  await tell(db, ctx, c, 'account-verify', accountMails.verify(ctx, c.firstName, link), now);
}

function addressColumns(a: AddressInput) {
  return { first_name: a.firstName, surname: a.surname, line1: a.line1, line2: a.line2, city: a.city, postcode: a.postcode };
}

export type TokenResult = { ok: true; customerId: number } | { ok: false };

async function takeToken(db: Db, token: string, purpose: TokenPurpose, now: Date) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await findToken(db, tokenHash(token), purpose);
  if (!row || row.used_at !== null || row.expires_at < iso(now)) return null;
  if (!(await useToken(db, row.id, iso(now)))) return null;
  return row;
}

/** Confirms the address an account was opened with; the guest orders placed with it join the account. */
export async function verifyEmail(db: Db, token: string, now: Date): Promise<TokenResult> {
  return inTransaction(db, async (trx): Promise<TokenResult> => {
    const row = await takeToken(trx, token, 'verify-email', now);
    if (!row) return { ok: false };
    await updateCustomer(trx, row.customer_id, { email_verified_at: iso(now), updated_at: iso(now) });
    await linkGuestOrders(trx, row.customer_id, row.email);
    return { ok: true, customerId: row.customer_id };
  });
}

export type SignInResult =
  | { ok: true; token: string; customer: CustomerRow; expiresAt: string }
  | { ok: false; reason: 'no-match' }
  /** Too many wrong passwords for this address, with or without an account: try again in `minutes`. */
  | { ok: false; reason: 'waiting'; minutes: number }
  /** Only said to someone who gave the right password: a new link has been sent. */
  | { ok: false; reason: 'unverified' };

/** The key of the fingerprint that wrong passwords are counted under, so no address is stored. */
export function signInAddressKey(secretKey: string): Buffer {
  return deriveKey(secretKey, 'customer-sign-in-address');
}

const addressHash = (key: Buffer, email: string) => hmacHex(key, email.toLowerCase());
const minutesUntil = (until: string, now: Date) => Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 60_000));

type PasswordCheck = { ok: true } | { ok: false; reason: 'no-match' } | { ok: false; reason: 'waiting'; minutes: number };

/**
 * The one password check for an address, at sign-in and wherever a signed-in customer confirms
 * their password: refused without a look while the address waits, otherwise checked (an unknown
 * address spends the same Argon2 time) with a wrong one counted and a right one clearing the count.
 */
async function checkPassword(
  db: Db,
  email: string,
  storedHash: string | null,
  password: string,
  now: Date,
  addressKey: Buffer,
): Promise<PasswordCheck> {
  const fingerprint = addressHash(addressKey, email);
  const failures = await findSignInFailures(db, fingerprint);
  if (failures?.locked_until != null && failures.locked_until > iso(now)) {
    return { ok: false, reason: 'waiting', minutes: minutesUntil(failures.locked_until, now) };
  }
  if (!(await passwordMatches(storedHash, password)) || storedHash === null) {
    const freshSince = new Date(now.getTime() - SIGN_IN_FAILURES_KEPT_HOURS * HOUR).toISOString();
    const count = await countSignInFailure(db, fingerprint, iso(now), freshSince);
    const wait = lockMinutes(count);
    if (wait === 0) return { ok: false, reason: 'no-match' };
    await waitSignInsUntil(db, fingerprint, later(now, wait * 60_000));
    return { ok: false, reason: 'waiting', minutes: wait };
  }
  if (failures) await clearSignInFailures(db, fingerprint);
  return { ok: true };
}

/**
 * Checks the password and starts a new session. Wrong passwords are counted per address whether
 * or not it has an account, with the same work either way, so neither the answer nor its timing
 * tells the two apart; after LOCK_AFTER_FAILURES the address waits (1 minute, doubling to an hour)
 * and is told so, even with the right password. Wrong current passwords on the Account pages
 * count too. A sign-in ends any pending reset link.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; remember: boolean; userAgentLabel: string },
  now: Date,
  ctx: AccountMailContext,
  addressKey: Buffer,
): Promise<SignInResult> {
  const customer = await findCustomerByEmail(db, input.email);
  const checked = await checkPassword(db, input.email, customer?.password_hash ?? null, input.password, now, addressKey);
  if (!checked.ok) return checked;
  if (!customer) return { ok: false, reason: 'no-match' };
  if (customer.email_verified_at === null) {
    await inTransaction(db, (trx) =>
      sendConfirmationLink(trx, { id: customer.id, email: customer.email, firstName: customer.first_name }, now, ctx),
    );
    return { ok: false, reason: 'unverified' };
  }
  const token = randomToken();
  const expiresAt = input.remember ? later(now, REMEMBER_DAYS * DAY) : later(now, SESSION_MAX_HOURS * HOUR);
  await inTransaction(db, async (trx) => {
    await insertSession(trx, {
      token_hash: tokenHash(token),
      customer_id: customer.id,
      device: input.userAgentLabel,
      remember: input.remember ? 1 : 0,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: expiresAt,
    });
    await deleteSessionsBeyond(trx, customer.id, MAX_SESSIONS);
    // The owner remembers the password after all: a reset link sent earlier is no longer needed.
    await revokeTokens(trx, customer.id, ['reset-password'], iso(now));
  });
  return { ok: true, token, customer, expiresAt };
}

export interface CustomerSession {
  sessionId: number;
  customerId: number;
  email: string;
  firstName: string;
}

/** The session a cookie names, if it is still live; seen-at is written at most once a minute. */
export async function resolveSession(db: Db, token: string | undefined, now: Date): Promise<CustomerSession | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const s = await findSessionByTokenHash(db, tokenHash(token));
  if (!s) return null;
  const idleSince = new Date(now.getTime() - SESSION_IDLE_HOURS * HOUR).toISOString();
  if (s.expires_at < iso(now) || (s.remember === 0 && s.last_seen_at < idleSince)) {
    await deleteSession(db, s.customer_id, s.id);
    return null;
  }
  if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) await touchSession(db, s.id, iso(now));
  return { sessionId: s.id, customerId: s.customer_id, email: s.email, firstName: s.first_name };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await deleteSessionByTokenHash(db, tokenHash(token));
}

/**
 * Links that could still take over the account: a new address waiting for confirmation, and a
 * password reset. Each step an owner takes to secure the account ends them.
 */
const TAKEOVER_LINKS: readonly TokenPurpose[] = ['change-email', 'reset-password'];

/** Ends every session of the account but (optionally) the one in use, and every pending e-mail-change and reset link. */
export async function signOutEverywhere(db: Db, customerId: number, keepSessionId: number | undefined, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    await revokeTokens(trx, customerId, TAKEOVER_LINKS, iso(now));
    return deleteSessionsOf(trx, customerId, keepSessionId);
  });
}

/** The sessions that still work (ended ones stay until the hourly clean-up), for the customer to review. */
export async function activeSessionsOf(db: Db, customerId: number, now: Date): Promise<SessionRow[]> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_HOURS * HOUR).toISOString();
  return (await listSessions(db, customerId)).filter((s) => s.expires_at >= iso(now) && (s.remember === 1 || s.last_seen_at >= idleSince));
}

export async function revokeSession(db: Db, customerId: number, sessionId: number): Promise<boolean> {
  return deleteSession(db, customerId, sessionId);
}

/**
 * Sends a reset link if the address has an account. The caller answers the same either way, and
 * before calling this, so that the answer takes as long whether or not the address has an account.
 */
export async function requestPasswordReset(db: Db, email: string, now: Date, ctx: AccountMailContext): Promise<void> {
  await inTransaction(db, async (trx) => {
    const customer = await findCustomerByEmail(trx, email);
    if (!customer) return;
    const token = await issueToken(trx, customer.id, 'reset-password', customer.email, now, RESET_LINK_MINUTES * 60_000);
    await tell(
      trx,
      ctx,
      customer,
      'account-reset',
      accountMails.reset(ctx, customer.first_name, `${ctx.publicUrl}/account/reset/choose?token=${token}`),
      now,
    );
  });
}

/** Whether a reset link is still good (to show the form), without using it. */
export async function resetLinkIsLive(db: Db, token: string, now: Date): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const row = await findToken(db, tokenHash(token), 'reset-password');
  return row !== null && row.used_at === null && row.expires_at >= iso(now);
}

/**
 * Sets a new password from a reset link: every session and every other pending e-mail-change and
 * reset link ends, any wait after wrong passwords is lifted, and the owner is told.
 */
export async function resetPassword(
  db: Db,
  token: string,
  password: string,
  now: Date,
  ctx: AccountMailContext,
  addressKey: Buffer,
): Promise<TokenResult> {
  const passwordHash = await hash(password);
  return inTransaction(db, async (trx): Promise<TokenResult> => {
    const row = await takeToken(trx, token, 'reset-password', now);
    if (!row) return { ok: false };
    const customer = await findCustomerById(trx, row.customer_id);
    if (!customer) return { ok: false };
    // The link reached the inbox, which proves the address as well as the verification link would.
    await updateCustomer(trx, customer.id, {
      password_hash: passwordHash,
      email_verified_at: customer.email_verified_at ?? iso(now),
      updated_at: iso(now),
    });
    if (customer.email_verified_at === null) await linkGuestOrders(trx, customer.id, customer.email);
    await clearSignInFailures(trx, addressHash(addressKey, customer.email));
    await revokeTokens(trx, customer.id, TAKEOVER_LINKS, iso(now));
    await deleteSessionsOf(trx, customer.id);
    await tell(trx, ctx, customer, 'account-password-changed', accountMails.passwordChanged(ctx, customer.first_name), now);
    return { ok: true, customerId: customer.id };
  });
}

/**
 * Checks the signed-in customer's password again before something that cannot be undone (deleting
 * the account), with the one password check: wrong ones counted, and refused while the address waits.
 */
export async function confirmPassword(
  db: Db,
  customerId: number,
  password: string,
  now: Date,
  addressKey: Buffer,
): Promise<{ ok: true; email: string } | { ok: false; reason: 'wrong-password' } | { ok: false; reason: 'waiting'; minutes: number }> {
  const customer = await findCustomerById(db, customerId);
  if (!customer) return { ok: false, reason: 'wrong-password' };
  const checked = await checkPassword(db, customer.email, customer.password_hash, password, now, addressKey);
  if (!checked.ok) return checked.reason === 'waiting' ? checked : { ok: false, reason: 'wrong-password' };
  return { ok: true, email: customer.email };
}

export type ChangePasswordResult =
  { ok: true } | { ok: false; reason: 'wrong-password' } | { ok: false; reason: 'waiting'; minutes: number };

/**
 * Changes the password of a signed-in customer who knows the current one; other devices are
 * signed out and pending e-mail-change and reset links end.
 */
export async function changePassword(
  db: Db,
  session: CustomerSession,
  current: string,
  next: string,
  now: Date,
  ctx: AccountMailContext,
  addressKey: Buffer,
): Promise<ChangePasswordResult> {
  const customer = await findCustomerById(db, session.customerId);
  if (!customer) return { ok: false, reason: 'wrong-password' };
  const checked = await checkPassword(db, customer.email, customer.password_hash, current, now, addressKey);
  if (!checked.ok) return checked.reason === 'waiting' ? checked : { ok: false, reason: 'wrong-password' };
  const passwordHash = await hash(next);
  await inTransaction(db, async (trx) => {
    await updateCustomer(trx, customer.id, { password_hash: passwordHash, updated_at: iso(now) });
    await revokeTokens(trx, customer.id, TAKEOVER_LINKS, iso(now));
    await deleteSessionsOf(trx, customer.id, session.sessionId);
    await tell(trx, ctx, customer, 'account-password-changed', accountMails.passwordChanged(ctx, customer.first_name), now);
  });
  return { ok: true };
}

export async function customerById(db: Db, id: number): Promise<CustomerRow | null> {
  return findCustomerById(db, id);
}

/** Name and phone take effect at once. */
export async function updateDetails(db: Db, customerId: number, d: PersonDetails, now: Date): Promise<void> {
  await updateCustomer(db, customerId, { first_name: d.firstName, surname: d.surname, phone: d.phone, updated_at: iso(now) });
}

export type EmailChangeResult =
  { ok: true } | { ok: false; reason: 'same' | 'wrong-password' } | { ok: false; reason: 'waiting'; minutes: number };

/**
 * A new e-mail address takes effect once confirmed from that inbox; the current address is told
 * at once. It needs the current password, so that a session left open (or stolen) cannot move the
 * account to another inbox. If the new address already has an account, the link is still "sent"
 * (to nobody), so the form cannot be used to discover accounts.
 */
export async function requestEmailChange(
  db: Db,
  customerId: number,
  newEmail: string,
  currentPassword: string,
  now: Date,
  ctx: AccountMailContext,
  addressKey: Buffer,
): Promise<EmailChangeResult> {
  const account = await findCustomerById(db, customerId);
  if (!account) return { ok: false, reason: 'wrong-password' };
  const checked = await checkPassword(db, account.email, account.password_hash, currentPassword, now, addressKey);
  if (!checked.ok) return checked.reason === 'waiting' ? checked : { ok: false, reason: 'wrong-password' };
  return inTransaction(db, async (trx): Promise<EmailChangeResult> => {
    const customer = await findCustomerById(trx, customerId);
    if (!customer) return { ok: true };
    if (customer.email === newEmail) return { ok: false, reason: 'same' };
    await tell(trx, ctx, customer, 'account-email-change', accountMails.emailChangeRequested(ctx, customer.first_name, newEmail), now);
    if (await findCustomerByEmail(trx, newEmail)) return { ok: true };
    const token = await issueToken(trx, customer.id, 'change-email', newEmail, now, VERIFY_LINK_HOURS * HOUR);
    await queue(
      trx,
      ctx,
      newEmail,
      'account-email-confirm',
      `customer-${customer.id}`,
      accountMails.confirmNewEmail(ctx, customer.first_name, `${ctx.publicUrl}/account/email/confirm?token=${token}`),
      now,
    );
    return { ok: true };
  });
}

export type ConfirmEmailResult = { ok: true; customerId: number } | { ok: false; reason: 'invalid' | 'taken' };

export async function confirmEmailChange(db: Db, token: string, now: Date, ctx: AccountMailContext): Promise<ConfirmEmailResult> {
  return inTransaction(db, async (trx): Promise<ConfirmEmailResult> => {
    const row = await takeToken(trx, token, 'change-email', now);
    if (!row) return { ok: false, reason: 'invalid' };
    const customer = await findCustomerById(trx, row.customer_id);
    if (!customer) return { ok: false, reason: 'invalid' };
    if (await findCustomerByEmail(trx, row.email)) return { ok: false, reason: 'taken' };
    await updateCustomer(trx, customer.id, { email: row.email, email_verified_at: iso(now), updated_at: iso(now) });
    await linkGuestOrders(trx, customer.id, row.email);
    await accountAddressChanged(trx, customer.id, row.email, now);
    await tell(trx, ctx, customer, 'account-email-changed', accountMails.emailChanged(ctx, customer.first_name, row.email), now);
    return { ok: true, customerId: customer.id };
  });
}

/** The address of each of these accounts, for the consent ledger's import of ticks from before it. */
export async function accountEmails(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const id of ids) {
    const c = await findCustomerById(db, id);
    if (c) out.set(id, c.email);
  }
  return out;
}

/**
 * One page of the addresses of every confirmed account, in address order after `after` ('' for the
 * first): whom a service notice to all account holders goes to (the privacy policy's material changes).
 */
export function accountAddressPage(db: Db, after: string, limit: number): Promise<string[]> {
  return findConfirmedAccountAddresses(db, after, limit);
}

// ——— Newsletter Subscription ———

/** A box of the Newsletter Subscription page as sent: the purpose, the words it showed, and whether it is ticked. */
export interface NewsletterChoice {
  purpose: PurposeKey;
  wording: string;
  on: boolean;
}

/**
 * Saves the Newsletter Subscription page in one transaction. Only a box that changed makes a
 * ledger entry: a box left as it was records nothing (an unticked one withdraws nothing, so it
 * puts nothing on the suppression list either). Returns how many choices changed.
 */
export function saveNewsletterChoices(
  db: Db,
  account: { customerId: number; email: string },
  choices: NewsletterChoice[],
  policyVersion: string,
  now: Date,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const current = await choicesOfAccount(trx, account);
    let changed = 0;
    for (const c of choices) {
      if ((current.get(c.purpose)?.given ?? false) === c.on) continue;
      const done = await setAccountChoice(
        trx,
        { account, purpose: c.purpose, on: c.on, method: 'account', wording: c.wording, policyVersion },
        now,
      );
      if (done) changed++;
    }
    return changed;
  });
}

// ——— Address book ———

export async function addressesOf(db: Db, customerId: number): Promise<AddressRow[]> {
  return listAddresses(db, customerId);
}

export async function addressOf(db: Db, customerId: number, id: number): Promise<AddressRow | null> {
  return findAddress(db, customerId, id);
}

export type AddAddressResult = { ok: true; id: number } | { ok: false; reason: 'full' };

/**
 * Adds an address, up to MAX_ADDRESSES; the first one, or one marked so, becomes the default for
 * delivery. The account row is locked first, so parallel requests cannot pass the limit together.
 */
export async function addAddress(db: Db, customerId: number, a: AddressInput, makeDefault: boolean, now: Date): Promise<AddAddressResult> {
  return inTransaction(db, async (trx): Promise<AddAddressResult> => {
    await lockCustomer(trx, customerId);
    const count = await countAddresses(trx, customerId);
    if (count >= MAX_ADDRESSES) return { ok: false, reason: 'full' };
    const first = count === 0;
    if (makeDefault && !first) await clearDefaultAddress(trx, customerId);
    const id = await insertAddress(trx, {
      customer_id: customerId,
      ...addressColumns(a),
      is_default: makeDefault || first ? 1 : 0,
      created_at: iso(now),
      updated_at: iso(now),
    });
    return { ok: true, id };
  });
}

export async function editAddress(db: Db, customerId: number, id: number, a: AddressInput, now: Date): Promise<boolean> {
  return updateAddress(db, customerId, id, { ...addressColumns(a), updated_at: iso(now) });
}

export async function makeDefaultAddress(db: Db, customerId: number, id: number, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await findAddress(trx, customerId, id))) return false;
    await clearDefaultAddress(trx, customerId);
    return updateAddress(trx, customerId, id, { is_default: 1, updated_at: iso(now) });
  });
}

/** Removes an address; if it was the default, the oldest remaining one takes its place. */
export async function removeAddress(db: Db, customerId: number, id: number, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const address = await findAddress(trx, customerId, id);
    if (!address || !(await deleteAddress(trx, customerId, id))) return false;
    if (address.is_default === 1) {
      const next = (await listAddresses(trx, customerId))[0];
      if (next) await updateAddress(trx, customerId, next.id, { is_default: 1, updated_at: iso(now) });
    }
    return true;
  });
}

// ——— Orders and who has looked at them ———

export async function ordersOf(db: Db, customerId: number): Promise<CustomerOrderListRow[]> {
  return ordersOfCustomer(db, customerId);
}

/** One of the customer's own orders with its lines; null for anyone else's, so the two cannot be told apart. */
export async function orderOf(db: Db, customerId: number, number: string): Promise<{ order: OrderRow; lines: OrderLineRow[] } | null> {
  return orderOfCustomer(db, customerId, number);
}

/** How many staff accesses the Privacy page lists, newest first. */
export const ACCESSES_SHOWN = 200;

/** Staff accesses to the customer's account and orders, from the audit trail: role and time, never who. */
export async function accessesToCustomer(db: Db, customerId: number): Promise<AccessRow[]> {
  return accessesToCustomerRecords(db, customerId, await orderNumbersOfCustomer(db, customerId), ACCESSES_SHOWN);
}

// ——— Retention ———

/**
 * Ended sessions, expired links, counts of wrong passwords SIGN_IN_FAILURES_KEPT_HOURS after the
 * last one (any wait they caused is long over), and accounts never confirmed within UNVERIFIED_ACCOUNT_DAYS.
 */
export async function eraseExpiredAccountData(
  db: Db,
  now: Date,
): Promise<{ sessions: number; tokens: number; signInFailures: number; accounts: number }> {
  const sessions = await deleteSessionsEndedBefore(db, iso(now), new Date(now.getTime() - SESSION_IDLE_HOURS * HOUR).toISOString());
  // A link is kept the period the policy states after it expires (TOKEN_KEPT_DAYS), then deleted.
  const tokens = await deleteTokensExpiredBefore(db, new Date(now.getTime() - TOKEN_KEPT_DAYS * DAY).toISOString());
  const signInFailures = await deleteSignInFailuresBefore(db, new Date(now.getTime() - SIGN_IN_FAILURES_KEPT_HOURS * HOUR).toISOString());
  const accounts = await deleteUnverifiedCustomersBefore(db, new Date(now.getTime() - UNVERIFIED_ACCOUNT_DAYS * DAY).toISOString());
  return { sessions, tokens, signInFailures, accounts };
}

export type { AddressRow, CustomerOrderListRow, CustomerRow, SessionRow };

// ——— One person's copy and erasure, for the privacy feature ———

export const customersSubjects: SubjectHandlers = {
  /** The person's accounts (by id, or by any of their addresses) with their address books, sessions and links. */
  async exportSubject(trx, person) {
    const ids = await findCustomerIdsOfPerson(trx, person.customerId, emailsOf(person));
    return exportOf(await findAccountRecords(trx, ids));
  },

  /**
   * Deletes the person's accounts with everything on them, as the inventory declares. Their orders
   * are the orders feature's, erased by its own handler; counts of wrong passwords are kept (they
   * cannot be matched to an address without the shop's key) until their own end.
   */
  async eraseSubject(trx, person) {
    const ids = await findCustomerIdsOfPerson(trx, person.customerId, emailsOf(person));
    return reportOf(await deleteAccounts(trx, ids));
  },

  /** Every account, by number and address. */
  async knownPeople(trx) {
    return (await findEveryAccountAddress(trx)).map((a) => ({ email: a.email, customerId: a.id, staffId: null }));
  },
};

/** The account a privacy request is about, by its id or (in any letter case) its e-mail address. */
export async function accountForPrivacy(
  db: Db,
  by: { email: string } | { customerId: number },
): Promise<{ customerId: number; email: string } | null> {
  const ids =
    'customerId' in by
      ? await findCustomerIdsOfPerson(db, by.customerId, [])
      : await findCustomerIdsOfPerson(db, null, [by.email.trim().toLowerCase()]);
  const customer = ids[0] === undefined ? null : await findCustomerById(db, ids[0]);
  return customer ? { customerId: customer.id, email: customer.email } : null;
}

/** What a partner export can write of an account: its names and address, and the postcode and town of its default address. */
export interface PartnerExportDetails {
  firstName: string;
  surname: string;
  email: string;
  postcode: string;
  town: string;
}

/** The details of each of these accounts that still exists, for a partner export (the partners feature picks the declared fields). */
export async function partnerExportDetails(db: Db, ids: number[]): Promise<Map<number, PartnerExportDetails>> {
  const out = new Map<number, PartnerExportDetails>();
  for (const id of ids) {
    const customer = await findCustomerById(db, id);
    if (!customer) continue;
    const [address] = await listAddresses(db, id);
    out.set(id, {
      firstName: customer.first_name,
      surname: customer.surname,
      email: customer.email,
      postcode: address?.postcode ?? '',
      town: address?.city ?? '',
    });
  }
  return out;
}
