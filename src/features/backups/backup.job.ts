import type { FastifyInstance } from 'fastify';
import { type JobCounts, defineJob } from '../../jobs/job.js';
import { BackupsNotSetUp, deleteOldBackupRuns, pushJournal, safeErrorText, takeBackup } from './backup.service.js';
import { alertOwners } from './backups.mail.js';
import { backupStatus } from './backups.status.js';

/**
 * backup.run — at BACKUP_SCHEDULE (02:15 London by default): takes a backup and prunes old
 * snapshots; a failure e-mails the owners. Does nothing (counts { skipped: 1 }) when backups are
 * not set up. Runs recorded over BACKUP_RUNS_KEPT_DAYS ago are deleted. Also at start-up, which catches up a scheduled backup missed while the shop was down.
 *
 * backup.journal — every 5 minutes: pushes the erasure journal to the repository when it changed,
 * and e-mails the owners once a day while no backup has succeeded for BACKUP_OVERDUE_HOURS.
 */

/** An alert that cannot be sent is logged, never allowed to hide the failure it was about. */
async function alertSafely(app: FastifyInstance, alert: Parameters<typeof alertOwners>[1], now: Date): Promise<number> {
  try {
    return await alertOwners(app, alert, now);
  } catch (err) {
    app.log.error({ err, alert: alert.kind }, 'the backup alert could not be sent');
    return 0;
  }
}

export const backupRunJob = defineJob({
  name: 'backup.run',
  cron: '15 2 * * *',
  cronFrom: (config) => config.backups.schedule,
  timezone: 'Europe/London',
  // A backup missed while the shop was down is taken when it starts again (once across processes).
  runAtStart: true,
  warnWhen: (counts) => (counts.failed ?? 0) > 0,
  run: async (app, now): Promise<JobCounts> => {
    if (!app.config.backups.repository) return { skipped: 1 };
    try {
      const result = await takeBackup(app, now, { kind: 'schedule' });
      const history = await deleteOldBackupRuns(app.db, now);
      return { backups: 1, bytes: result.bytes, images: result.images, forgotten: result.forgotten, history };
    } catch (err) {
      if (err instanceof BackupsNotSetUp) return { skipped: 1 };
      await alertSafely(app, { kind: 'failed', detail: safeErrorText(err) }, now);
      throw err;
    }
  },
});

export const backupJournalJob = defineJob({
  name: 'backup.journal',
  cron: '*/5 * * * *',
  run: async (app, now): Promise<JobCounts> => {
    if (!app.config.backups.repository) return { skipped: 1 };
    const pushed = await pushJournal(app, now);
    let alerted = 0;
    try {
      if ((await backupStatus(app, now)).overdue)
        alerted = await alertSafely(app, { kind: 'overdue', detail: 'no backup has succeeded lately' }, now);
    } catch (err) {
      app.log.error({ err }, 'the backup status could not be read');
    }
    // An unchanged journal is an idle run: counts of zero, logged at debug.
    return pushed.pushed ? { pushed: 1, entries: pushed.entries, alerted } : { pushed: 0, alerted };
  },
});
