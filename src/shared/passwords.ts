import { hash, verify } from '@node-rs/argon2';

/**
 * Password checks shared by staff and customer sign-in: Argon2id hashes, the same time spent
 * whether or not an account exists, and one rule for the wait after repeated failures.
 */

/** After this many wrong passwords in a row, an account waits before the next try. */
export const LOCK_AFTER_FAILURES = 5;

/** Minutes an account waits after the nth wrong password in a row: 1, 2, 4 … at most 60. */
export function lockMinutes(failures: number): number {
  if (failures < LOCK_AFTER_FAILURES) return 0;
  return Math.min(60, 2 ** (failures - LOCK_AFTER_FAILURES));
}

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash; with no hash (no such account) it still spends one
 * Argon2 verification, so the answer's timing does not tell whether the account exists.
 */
export async function passwordMatches(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hash('not a real password, used only to spend the same time');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
