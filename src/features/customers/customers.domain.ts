import { lazy, loadBowser } from '../../shared/lazy.js';

/**
 * Customer accounts: the rules in one place. Passwords follow current UK (NCSC) advice: long
 * rather than complicated, no composition rules, and never one of the most common passwords.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
/** A session without "remember me" ends after this long idle, or this long after sign-in. */
export const SESSION_IDLE_HOURS = 2;
export const SESSION_MAX_HOURS = 12;
/** "Remember me" keeps a session for this long. */
export const REMEMBER_DAYS = 30;
export const VERIFY_LINK_HOURS = 48;
export const RESET_LINK_MINUTES = 60;
/** An account whose address was never confirmed is deleted after this many days. */
export const UNVERIFIED_ACCOUNT_DAYS = 7;

/** A count of wrong passwords for an address is forgotten this long after the last one. */
export const SIGN_IN_FAILURES_KEPT_HOURS = 24;
/** What a customer is told while an address waits after too many wrong passwords. */
export function tooManyAttempts(minutes: number): string {
  return `Too many attempts: try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, or reset your password.`;
}

/** An address book holds at most this many addresses. */
export const MAX_ADDRESSES = 20;

export const SESSION_COOKIE = 'assay_session';
/** At most this many devices stay signed in to one account; a new sign-in ends the oldest. */
export const MAX_SESSIONS = 20;

export type TokenPurpose = 'verify-email' | 'reset-password' | 'change-email';

// The 49,000 most common passwords from the zxcvbn-ts project's list, checked case-insensitively;
// read at the first password chosen, so that a shop at rest does not hold the list.
const loadDictionary = lazy<typeof import('@zxcvbn-ts/language-common')>('@zxcvbn-ts/language-common');
let common: Set<string> | null = null;
const commonPasswords = () => (common ??= new Set(loadDictionary().dictionary['passwords-common'].map((p) => p.toLowerCase())));

export function passwordProblem(password: string, context: string[] = []): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Please use at least ${PASSWORD_MIN_LENGTH} characters — a few words together work well.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Please use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'That password is one of the most common, so it is easy to guess. Please choose another.';
  if (/^(.)\1+$/.test(password)) return 'Please choose a password that is not one character repeated.';
  if (context.some((c) => c.length >= 4 && lower.includes(c.toLowerCase()))) {
    return 'Please choose a password that does not contain your name or e-mail address.';
  }
  return null;
}

/** "Chrome on macOS": enough to recognise a session, without keeping the full user agent. */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = loadBowser().parse(userAgent);
  const browser = parsed.browser.name ?? 'Unknown browser';
  const os = parsed.os.name;
  const kind = parsed.platform.type === 'mobile' ? 'phone' : parsed.platform.type === 'tablet' ? 'tablet' : null;
  return [browser, os ? `on ${os}` : null, kind ? `(${kind})` : null].filter(Boolean).join(' ').slice(0, 80);
}
