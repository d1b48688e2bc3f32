import { ageInWords, type BackupStatus, BACKUP_OVERDUE_HOURS, megabytes } from '../backups.status.js';

/** What to do when backups are not set up, in the words the dashboard and the Backups page use. */
export const NOT_SET_UP_TEXT = 'Backups are not set up — set BACKUP_REPOSITORY and BACKUP_PASSWORD (see README, Backups).';

const longTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export function londonTime(iso: string): string {
  return longTime.format(new Date(iso));
}

/** The state of the backups in a few lines: the last backup (when, how old, how big), a warning when overdue or failed, the last drill. */
export function BackupStatusLines({ status }: { status: BackupStatus }) {
  if (!status.configured) return <p class="backup-status backup-not-set-up">{NOT_SET_UP_TEXT}</p>;
  const { last, lastFailed, drill } = status;
  return (
    <div class="backup-status">
      {last ? (
        <p>
          Last backup: {londonTime(last.at)} ({ageInWords(last.ageHours)} ago)
          {last.bytes !== null && <>, {megabytes(last.bytes)}</>}.
        </p>
      ) : (
        <p>No backup has been taken yet.</p>
      )}
      {lastFailed && (
        <p class="backup-warning">
          The latest backup failed ({londonTime(lastFailed.at)}){lastFailed.error ? `: ${lastFailed.error}` : ''}.
        </p>
      )}
      {status.overdue && <p class="backup-warning">Overdue: no backup has succeeded in the last {BACKUP_OVERDUE_HOURS} hours.</p>}
      {drill ? (
        <p class={drill.ok ? undefined : 'backup-warning'}>
          Last restore drill: {londonTime(drill.at)},{' '}
          {drill.ok
            ? 'passed — the restored copy matched the live database.'
            : drill.differences !== null && drill.differences > 0
              ? `failed — ${drill.differences} row${drill.differences === 1 ? '' : 's'} differed.`
              : `failed${drill.error ? `: ${drill.error}` : '.'}`}
        </p>
      ) : (
        <p>No restore drill has been run yet.</p>
      )}
    </div>
  );
}

/** Whether the status calls for attention. */
export function backupsNeedAttention(status: BackupStatus): boolean {
  return !status.configured || status.overdue || status.lastFailed !== null || (status.drill !== null && !status.drill.ok);
}
