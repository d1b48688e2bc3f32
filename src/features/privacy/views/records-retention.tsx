import type { JobName } from '../../../jobs/names.js';
import type { LastJobRun } from '../../../jobs/runs.js';
import { type RetentionSchedule, countsInWords } from '../retention.schedule.js';

/**
 * Back office > Records of processing > Retention: each job that enforces a retention rule, when
 * it runs, its last run (when, how it ended) and what that run removed, from job_runs.
 */

const longTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const when = (iso: string) => longTime.format(new Date(iso));

const OUTCOME_TEXT: Record<LastJobRun['outcome'], string> = {
  done: 'Done',
  failed: 'Failed (the log has the error)',
  running: 'Running',
};

export interface JobWithRun {
  name: JobName;
  schedule: string;
  last: LastJobRun | null;
}

export function RecordsRetentionPage({ schedule, jobs }: { schedule: RetentionSchedule; jobs: JobWithRun[] }) {
  const what = (name: JobName) => [
    ...new Set([
      ...schedule.areas.flatMap((a) => a.rules.filter((r) => r.job === name).flatMap((r) => r.what)),
      ...schedule.transient.filter((t) => t.job === name).map((t) => t.label),
    ]),
  ];
  return (
    <section>
      <h1>Retention schedule: the last runs</h1>
      <p>
        Each job below keeps to a retention period of the <a href="/privacy/retention">published retention schedule</a>. Here is when each
        runs, how its last run went and what it removed. Back to the <a href="/admin/records">records of processing</a>.
      </p>
      <table class="admin-table retention-runs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Keeps to the period of</th>
            <th scope="col">Runs</th>
            <th scope="col">Last run</th>
            <th scope="col">Outcome</th>
            <th scope="col">What it did</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.name} id={`job-${j.name}`}>
              <td>
                <code>{j.name}</code>
              </td>
              <td>{what(j.name).join('; ')}</td>
              <td>{j.schedule}</td>
              {j.last === null ? (
                <td colSpan={3}>Never run yet</td>
              ) : (
                <>
                  <td>
                    {when(j.last.startedAt)}
                    {j.last.finishedAt && <> (ended {when(j.last.finishedAt)})</>}
                  </td>
                  <td>{OUTCOME_TEXT[j.last.outcome]}</td>
                  <td>{j.last.counts ? countsInWords(j.last.counts) : '—'}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
