import { backupRetentionText, keepPolicyText, type KeepPolicy, longestBackupAgeDays } from './backup.policy.js';
import type { FeatureInventory, TransientProcessing } from '../privacy/inventory.js';

/**
 * The backups feature's privacy contract. Its one table, backup_runs, records runs and names no
 * one. What it holds about people is elsewhere: encrypted copies of the whole database (every
 * other inventory's columns) in the backup repository, a second location standing for another
 * data centre. Those copies are declared here as processing outside the database, with the keep
 * policy's longest age as their period (backupCopies), and /privacy states it; the erasure journal
 * outlives every copy, so a restore can apply each erasure again before the shop serves.
 */
export const backupsInventory: FeatureInventory = {
  feature: 'backups',
  subjects: [],
  tables: [],
  personal: [],
  notPersonal: [
    {
      table: 'backup_runs',
      column: 'actor',
      reason: "Who started a run: 'schedule', 'command line' or a staff member's number, never a name or address",
    },
    {
      table: 'backup_runs',
      column: 'error',
      reason: 'A failure in our own words (the first line of the message), never a row or a name from the database',
    },
    {
      table: 'backup_runs',
      column: 'detail',
      reason: 'Counts only (rows, tables, differences, journal entries), as JSON',
    },
    { table: 'backup_runs', column: 'snapshot_id', reason: "restic's identifier of a snapshot: a hash of its contents" },
  ],
  cookies: [],
  transient: [],
};

/** What the policy says about the backups, from the keep policy in force (config.backups.keep). */
export function backupCopies(keep: KeepPolicy): TransientProcessing {
  return {
    label: 'Encrypted copies of the database (backups), holding the data above',
    category: 'technical',
    purpose:
      'To bring the shop back, with your orders and account, if its database were lost: a copy is taken every day, encrypted before it leaves the shop',
    lawfulBasis: 'legitimate-interests',
    retention: {
      kind: 'period',
      days: longestBackupAgeDays(keep),
      from: 'the backup is taken',
      text: `Each expires ${backupRetentionText(keep)} (we keep ${keepPolicyText(keep)}); until then it is never used, and never restored without your erasure applied again first`,
      job: 'backup.run',
    },
    where: 'Encrypted, in a second location in another data centre, away from the shop',
  };
}
