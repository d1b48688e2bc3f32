import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Notice } from '../../http/views/components.js';
import { actorOf } from '../backoffice/backoffice.plugin.js';
import { keepPolicyText, longestBackupAgeDays } from './backup.policy.js';
import { type BackupActor, safeErrorText, takeBackup } from './backup.service.js';
import { alertOwners } from './backups.mail.js';
import type { BackupRunRow } from './backups.repository.js';
import { backupStatus, megabytes, recentBackupRuns } from './backups.status.js';
import { runDrill } from './drill.service.js';
import { BackupStatusLines, NOT_SET_UP_TEXT, londonTime } from './views/backup-status.js';

/**
 * /admin/backups, for the owner: the state of the backups, the recent runs, the keep policy in
 * words, and "Back up now" and "Run the restore drill". Both start in the background and the
 * request answers at once: on a big shop a drill takes longer than the server lets a connection
 * sit idle (IDLE_TIMEOUT_MS). The services record (the runs table shows it running, then how it
 * ended) and audit each run; one runs at a time per process, and shutdown waits for it.
 */

type RunKind = 'backup' | 'drill';

const DONE: Record<string, { kind: 'info'; text: string }> = {
  'backup-started': { kind: 'info', text: 'The backup has started; this page shows it when it ends.' },
  'drill-started': { kind: 'info', text: 'The restore drill has started; this page shows it when it ends.' },
};

const RUN_TEXT: Record<RunKind, string> = { backup: 'A backup', drill: 'A restore drill' };

const KIND_TEXT: Record<BackupRunRow['kind'], string> = {
  backup: 'Backup',
  restore: 'Restore',
  drill: 'Restore drill',
  journal: 'Erasure journal pushed',
};

/** The staff member who pressed the button: the routes are guarded, so there is always a session. */
function backupActorOf(req: FastifyRequest): BackupActor {
  const a = actorOf(req);
  return { kind: 'staff', staffId: req.staffSession!.staff.id, role: a.role, network: a.network ?? null };
}

function runsActorText(actor: string): string {
  return actor.startsWith('staff:') ? 'Staff member' : actor === 'schedule' ? 'The schedule' : 'Command line';
}

export async function backupsAdminRoutes(app: FastifyInstance): Promise<void> {
  const manage = { config: { access: 'backups.manage' as const } };

  /** The backup or drill started from this page that has not ended yet: one at a time in this process. */
  let running: { kind: RunKind; ended: Promise<void> } | null = null;
  // Shutdown waits for it, so a run is never cut off with its staged copy left on disk and its row 'running'.
  app.addHook('onClose', async () => {
    await running?.ended;
  });

  function startRun(kind: RunKind, work: () => Promise<unknown>): void {
    const ended = work()
      .then(
        () => undefined,
        (err: unknown) => {
          // Recorded in backup_runs and audited by the service; the runs table shows the reason.
          app.log.error({ err: { message: safeErrorText(err) } }, `the ${kind} started from the back office failed`);
        },
      )
      .finally(() => {
        running = null;
      });
    running = { kind, ended };
  }

  /** Takes the backup; a failure e-mails the owners, as the schedule's does (a drill alerts them itself). */
  async function backUp(now: Date, actor: BackupActor): Promise<void> {
    try {
      await takeBackup(app, now, actor);
    } catch (err) {
      await alertOwners(app, { kind: 'failed', detail: safeErrorText(err) }, now).catch((alertErr: unknown) =>
        app.log.error({ err: { message: safeErrorText(alertErr) } }, 'the backup alert could not be sent'),
      );
      throw err;
    }
  }

  async function page(req: FastifyRequest, reply: FastifyReply, notice?: { kind: 'success' | 'error' | 'info'; text: string }, code = 200) {
    const now = app.clock();
    const [status, runs] = await Promise.all([backupStatus(app, now), recentBackupRuns(app, 20)]);
    const keep = app.config.backups.keep;
    const done = (req.query as Record<string, unknown>).done;
    const shown = notice ?? (typeof done === 'string' ? DONE[done] : undefined);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Backups', section: 'backups', csrfToken: csrf },
      <section>
        <h1>Backups</h1>
        {shown && <Notice kind={shown.kind}>{shown.text}</Notice>}
        <BackupStatusLines status={status} />
        <p>
          Kept: {keepPolicyText(keep)}, so no backup is older than {longestBackupAgeDays(keep)} days. Each is encrypted with BACKUP_PASSWORD
          before it leaves the shop, and is never restored without the erasure journal applied again.
        </p>
        {status.configured && running && (
          <p class="backup-running">
            {RUN_TEXT[running.kind]} started from this page is running: reload the page to see when it has ended.
          </p>
        )}
        {status.configured && !running && (
          <div class="actions">
            <form method="post" action="/admin/backups/backup">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">Back up now</button>
            </form>
            <form method="post" action="/admin/backups/drill">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">Run the restore drill</button>
            </form>
          </div>
        )}
        <h2>Recent runs</h2>
        {runs.length === 0 ? (
          <p>Nothing has run yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Started</th>
                <th scope="col">Outcome</th>
                <th scope="col">Size</th>
                <th scope="col">Started by</th>
                <th scope="col">Snapshot</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>{KIND_TEXT[r.kind]}</td>
                  <td>{londonTime(r.started_at)}</td>
                  <td>
                    {r.outcome === 'done' ? 'Done' : r.outcome === 'failed' ? 'Failed' : 'Running'}
                    {r.error ? `: ${r.error}` : ''}
                  </td>
                  <td>{r.bytes === null ? '' : megabytes(Number(r.bytes))}</td>
                  <td>{runsActorText(r.actor)}</td>
                  <td>{r.snapshot_id ? <code>{r.snapshot_id.slice(0, 8)}</code> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>,
      code,
    );
  }

  app.get('/admin/backups', manage, async (req, reply) => page(req, reply));

  const notSetUp = (req: FastifyRequest, reply: FastifyReply) => page(req, reply, { kind: 'error', text: NOT_SET_UP_TEXT }, 409);

  const busy = (req: FastifyRequest, reply: FastifyReply, kind: RunKind) =>
    page(
      req,
      reply,
      {
        kind: 'error',
        text: `${RUN_TEXT[kind]} started from this page is still running. Press again once it has ended: the runs below show it.`,
      },
      409,
    );

  app.post('/admin/backups/backup', manage, async (req, reply) => {
    if (app.config.backups.repository === null) return notSetUp(req, reply);
    if (running) return busy(req, reply, running.kind);
    const now = app.clock();
    const actor = backupActorOf(req);
    startRun('backup', () => backUp(now, actor));
    return reply.redirect('/admin/backups?done=backup-started', 303);
  });

  app.post('/admin/backups/drill', manage, async (req, reply) => {
    if (app.config.backups.repository === null) return notSetUp(req, reply);
    if (running) return busy(req, reply, running.kind);
    const now = app.clock();
    const actor = backupActorOf(req);
    startRun('drill', () => runDrill(app, now, actor));
    return reply.redirect('/admin/backups?done=drill-started', 303);
  });
}
