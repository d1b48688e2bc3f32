/**
 * How long backups are kept: restic keeps the last snapshot of each of the last `daily` days,
 * `weekly` weeks and `monthly` months (`restic forget --keep-daily … --keep-weekly …
 * --keep-monthly …`), and the shop also forgets any snapshot older than the policy's longest age
 * however few there are, so that figure is a promise: it is what /privacy tells people about
 * backups holding erased data, and the erasure journal is kept longer than it.
 */
export interface KeepPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_KEEP: KeepPolicy = { daily: 7, weekly: 4, monthly: 3 };

/** The oldest a kept snapshot can be, in days: a month counted as 31 days. */
export function longestBackupAgeDays(keep: KeepPolicy): number {
  return Math.max(keep.daily, keep.weekly * 7, keep.monthly * 31);
}

/** The policy in words: "the last 7 daily, 4 weekly and 3 monthly backups". */
export function keepPolicyText(keep: KeepPolicy): string {
  const parts = (
    [
      [keep.daily, 'daily'],
      [keep.weekly, 'weekly'],
      [keep.monthly, 'monthly'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  return `the last ${list} backups`;
}

/** How long a backup holding erased data can last, in words for people: "within 93 days". */
export function backupRetentionText(keep: KeepPolicy): string {
  return `within ${longestBackupAgeDays(keep)} days`;
}
