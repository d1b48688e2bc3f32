import { defineJob } from '../../jobs/job.js';

/**
 * backup.run — at BACKUP_SCHEDULE (02:15 London by default): takes a backup and prunes old
 * snapshots; a failure e-mails the owners. Does nothing (counts { skipped: 1 }) when backups are
 * not set up.
 *
 * backup.journal — every 5 minutes: pushes the erasure journal to the repository when it changed,
 * and e-mails the owners once a day while no backup has succeeded for BACKUP_OVERDUE_HOURS.
 */
export const backupRunJob = defineJob({
  name: 'backup.run',
  cron: '15 2 * * *',
  timezone: 'Europe/London',
  run: async () => {
    throw new Error('being built');
  },
});

export const backupJournalJob = defineJob({
  name: 'backup.journal',
  cron: '*/5 * * * *',
  run: async () => {
    throw new Error('being built');
  },
});
