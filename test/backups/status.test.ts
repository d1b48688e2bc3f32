import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertOwners } from '../../src/features/backups/backups.mail.js';
import { BACKUP_TAG } from '../../src/features/backups/backup.service.js';
import { type BackupRunKind, type BackupRunRow, finishRun, insertRun, latestRun } from '../../src/features/backups/backups.repository.js';
import { BACKUP_OVERDUE_HOURS, backupStatus } from '../../src/features/backups/backups.status.js';
import { listSnapshots, resticTargetOf } from '../../src/features/backups/restic.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';
import { type ResticServer, startResticServer } from './restic-server.js';

/**
 * What the shop says about its backups, on a fixed clock: the status read from backup_runs (last
 * backup, its age and size, a failure after it, overdue, the last drill), the owners' alert at most
 * once a day per kind, the dashboard's Backups panel for owner and manager, the owner's Backups
 * page and its buttons (against a real restic repository: each run starts in the background, one
 * at a time, and shutdown waits for it), and what /privacy says about backups under the keep
 * policy in force.
 */
const HOUR = 3_600_000;
let now = new Date('2026-06-10T12:00:00Z');
const clock = () => now;
const shops: TestShop[] = [];
let server: ResticServer;

async function shop(env: Record<string, string> = {}): Promise<TestShop> {
  const s = await buildTestShop({ clock, env: { SEED_DEMO: 'false', ...env } });
  shops.push(s);
  return s;
}

const configured = () => ({ BACKUP_REPOSITORY: server.repository, BACKUP_PASSWORD: 'correct horse battery staple for status' });

async function recordRun(
  s: TestShop,
  kind: 'backup' | 'drill',
  at: Date,
  outcome: 'done' | 'failed',
  extra: { bytes?: number; detail?: unknown; error?: string } = {},
) {
  const id = await insertRun(s.app.db, { kind, startedAt: at.toISOString(), actor: 'schedule' });
  await finishRun(s.app.db, id, {
    finishedAt: new Date(at.getTime() + 1000).toISOString(),
    outcome,
    snapshotId: outcome === 'done' ? 'abcdef0123456789' : null,
    bytes: extra.bytes ?? null,
    ms: 1000,
    detail: extra.detail,
    error: extra.error ?? null,
  });
}

/** The Backups page's line while a run started from it goes on (its buttons are back once it has ended). */
const RUNNING_LINE = /A (backup|restore drill) started from this page is running: reload the page to see when it has ended\./;

/**
 * Waits until the run started from the Backups page in the background has ended, as the owner
 * sees it there (the line goes once all of its work, the audit entry too, is done), and returns
 * the newest run of the kind.
 */
async function runEnded(s: TestShop, cookie: string, kind: BackupRunKind, timeoutMs = 90_000): Promise<BackupRunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await s.app.inject({ method: 'GET', url: '/admin/backups', headers: { cookie } });
    if (!RUNNING_LINE.test(page.body)) break;
    if (Date.now() > deadline) throw new Error(`the ${kind} did not end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = await latestRun(s.app.db, kind);
  expect(run).toBeDefined();
  return run!;
}

beforeAll(async () => {
  server = await startResticServer();
});

afterAll(async () => {
  for (const s of shops) await s.close();
  await server?.stop();
});

describe(`backup status (${testDialect})`, () => {
  it('reads the last backup, a failure after it, overdue and the last drill from the runs', async () => {
    const s = await shop(configured());
    expect(await backupStatus(s.app, now)).toEqual({ configured: true, last: null, lastFailed: null, drill: null, overdue: true });

    await recordRun(s, 'backup', new Date(now.getTime() - 5 * HOUR), 'done', { bytes: 12_345_678 });
    let status = await backupStatus(s.app, now);
    expect(status.last).toMatchObject({ bytes: 12_345_678, snapshotId: 'abcdef0123456789' });
    expect(status.last!.ageHours).toBeCloseTo(5, 2);
    expect(status.overdue).toBe(false);
    expect(status.lastFailed).toBeNull();

    await recordRun(s, 'backup', new Date(now.getTime() - HOUR), 'failed', { error: 'the backup repository cannot be reached' });
    await recordRun(s, 'drill', new Date(now.getTime() - HOUR), 'done', { detail: { differences: 0, tables: 50, rows: 900 } });
    status = await backupStatus(s.app, now);
    expect(status.lastFailed).toMatchObject({ error: 'the backup repository cannot be reached' });
    expect(status.drill).toMatchObject({ ok: true, differences: 0 });

    now = new Date(now.getTime() + BACKUP_OVERDUE_HOURS * HOUR);
    status = await backupStatus(s.app, now);
    expect(status.overdue).toBe(true);

    await recordRun(s, 'drill', now, 'failed', { detail: { differences: 3, tables: 50, rows: 900 }, error: '3 rows differ, in orders' });
    expect((await backupStatus(s.app, now)).drill).toMatchObject({ ok: false, differences: 3 });
  });

  it('says plainly that backups are not set up, and is never overdue then', async () => {
    const s = await shop();
    expect(await backupStatus(s.app, now)).toMatchObject({ configured: false, overdue: false });
  });
});

describe(`alerting the owners (${testDialect})`, () => {
  it('e-mails each active owner once a day per kind of alert, naming no customer', async () => {
    const s = await shop(configured());
    const owners = [await signInAs(s.app, 'owner'), await signInAs(s.app, 'owner')];
    await signInAs(s.app, 'manager');
    const day = new Date('2026-07-01T03:00:00Z');
    expect(await alertOwners(s.app, { kind: 'failed', detail: 'the backup repository cannot be reached' }, day)).toBe(2);
    expect(await alertOwners(s.app, { kind: 'failed', detail: 'again' }, new Date(day.getTime() + 6 * HOUR))).toBe(0);
    expect(await alertOwners(s.app, { kind: 'overdue', detail: 'no backup for 27 hours' }, new Date(day.getTime() + 6 * HOUR))).toBe(2);
    expect(await alertOwners(s.app, { kind: 'failed', detail: 'next day' }, new Date(day.getTime() + 24 * HOUR))).toBe(2);
    const mail = await s.app.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body', 'purpose'])
      .where('kind', '=', 'backup-alert')
      .orderBy('id')
      .execute();
    expect(mail).toHaveLength(6);
    expect(new Set(mail.map((m) => m.to_address))).toEqual(new Set(owners.map((o) => o.email)));
    expect(mail[0]!.subject).toContain('the backup failed');
    expect(mail[0]!.text_body).toContain('What happened: the backup repository cannot be reached');
    expect(mail.every((m) => m.purpose === null)).toBe(true);
  });
});

describe(`the dashboard and the Backups page (${testDialect})`, () => {
  it('tells owner and manager that backups are not set up, and nobody else', async () => {
    const s = await shop();
    for (const role of ['owner', 'manager'] as const) {
      const { cookie } = await signInAs(s.app, role);
      const res = await s.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Backups are not set up — set BACKUP_REPOSITORY and BACKUP_PASSWORD (see README, Backups).');
    }
    const { cookie } = await signInAs(s.app, 'fulfilment');
    const res = await s.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Backups');
  });

  it("shows the last backup's time, age and size, a failure and the last drill", async () => {
    const s = await shop(configured());
    now = new Date('2026-08-03T12:00:00Z');
    await recordRun(s, 'backup', new Date(now.getTime() - 50 * HOUR), 'done', { bytes: 5_500_000 });
    await recordRun(s, 'backup', new Date(now.getTime() - 2 * HOUR), 'failed', { error: 'restic failed: the repository is locked' });
    await recordRun(s, 'drill', new Date(now.getTime() - 49 * HOUR), 'done', { detail: { differences: 0, tables: 50, rows: 10 } });
    const { cookie } = await signInAs(s.app, 'manager');
    const res = await s.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(res.body).toContain('Last backup: 1 Aug 2026, 11:00 (2 days ago), 5.5 MB.');
    expect(res.body).toContain('The latest backup failed (3 Aug 2026, 11:00): restic failed: the repository is locked.');
    expect(res.body).toContain(`Overdue: no backup has succeeded in the last ${BACKUP_OVERDUE_HOURS} hours.`);
    expect(res.body).toContain('Last restore drill: 1 Aug 2026, 12:00, passed');
    // The manager sees the panel, but the page with its buttons is the owner's.
    expect(res.body).not.toContain('href="/admin/backups"');
    expect((await s.app.inject({ method: 'GET', url: '/admin/backups', headers: { cookie } })).statusCode).toBe(403);
  });

  it('lets the owner back up and run the drill from the Backups page, audited, with the keep policy in words', async () => {
    const s = await shop(configured());
    now = new Date('2026-09-01T12:00:00Z');
    const owner = await signInAs(s.app, 'owner');
    const page = await s.app.inject({ method: 'GET', url: '/admin/backups', headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Kept: the last 7 daily, 4 weekly and 3 monthly backups, so no backup is older than 93 days.');
    expect(page.body).toContain('Back up now');

    // Both buttons answer at once and the run goes on in the background: the page says it started.
    const backedUp = await adminPost(s.app, owner.cookie, '/admin/backups', '/admin/backups/backup', {});
    expect(backedUp.statusCode).toBe(303);
    expect(backedUp.headers.location).toBe('/admin/backups?done=backup-started');
    const started = await s.app.inject({ method: 'GET', url: '/admin/backups?done=backup-started', headers: { cookie: owner.cookie } });
    expect(started.body).toContain('The backup has started; this page shows it when it ends.');
    expect(started.body).toContain('A backup started from this page is running: reload the page to see when it has ended.');
    expect(started.body).not.toContain('Back up now');
    expect(await runEnded(s, owner.cookie, 'backup')).toMatchObject({ outcome: 'done', actor: `staff:${owner.staffId}`, error: null });
    now = new Date(now.getTime() + HOUR);
    // A back-office session ends after an idle hour: signed in again, the same owner.
    const again = await signInAs(s.app, 'owner');
    const drilled = await adminPost(s.app, again.cookie, '/admin/backups', '/admin/backups/drill', {});
    expect(drilled.statusCode).toBe(303);
    expect(drilled.headers.location).toBe('/admin/backups?done=drill-started');
    const drilling = await s.app.inject({ method: 'GET', url: '/admin/backups?done=drill-started', headers: { cookie: again.cookie } });
    expect(drilling.body).toContain('The restore drill has started; this page shows it when it ends.');
    expect(drilling.body).toContain('A restore drill started from this page is running: reload the page to see when it has ended.');
    expect(await runEnded(s, again.cookie, 'drill')).toMatchObject({ outcome: 'done', actor: `staff:${again.staffId}`, error: null });
    const after = await s.app.inject({ method: 'GET', url: '/admin/backups', headers: { cookie: again.cookie } });
    expect(after.body).toMatch(/Last restore drill: 1 Sept? 2026, 14:0\d, passed — the restored copy matched the live database\./);
    expect(after.body).toMatch(/<td>Restore drill<\/td><td>[^<]+<\/td><td>Done<\/td>/);
    expect(after.body).not.toContain('has started');
    expect(after.body).not.toMatch(RUNNING_LINE);
    expect(after.body).toContain('Back up now');
    const audited = await s.app.db
      .selectFrom('audit_log')
      .select(['subject_type', 'actor_staff_id'])
      .where('subject_type', 'in', ['backup', 'backup drill'])
      .orderBy('id')
      .execute();
    expect(audited.filter((a) => a.subject_type === 'backup drill')).toEqual([
      { subject_type: 'backup drill', actor_staff_id: again.staffId },
    ]);
    // The backup pressed by the first owner, and the drill's own backup by the second.
    expect(audited.filter((a) => a.subject_type === 'backup').map((a) => a.actor_staff_id)).toEqual([owner.staffId, again.staffId]);
    // Without the form's token, nothing runs.
    const forged = await s.app.inject({ method: 'POST', url: '/admin/backups/backup', headers: { cookie: again.cookie } });
    expect(forged.statusCode).toBe(403);
  }, 120_000);

  it('runs one backup or drill at a time: a press while one runs is refused in plain words, and nothing more runs', async () => {
    const s = await shop(configured());
    now = new Date('2026-09-20T12:00:00Z');
    const owner = await signInAs(s.app, 'owner');
    const first = await adminPost(s.app, owner.cookie, '/admin/backups', '/admin/backups/backup', {});
    expect(first.statusCode).toBe(303);
    // Pressed again straight away, while restic is still at work: refused, with the page and why.
    for (const button of ['backup', 'drill']) {
      const res = await adminPost(s.app, owner.cookie, '/admin/backups', `/admin/backups/${button}`, {});
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(
        'A backup started from this page is still running. Press again once it has ended: the runs below show it.',
      );
      expect(res.body).toContain('<h1>Backups</h1>');
    }
    expect(await runEnded(s, owner.cookie, 'backup')).toMatchObject({ outcome: 'done' });
    const runs = await s.app.db.selectFrom('backup_runs').select(['kind', 'outcome']).execute();
    expect(runs).toEqual([{ kind: 'backup', outcome: 'done' }]);
    const audited = await s.app.db
      .selectFrom('audit_log')
      .select(['subject_type', 'actor_staff_id'])
      .where('subject_type', 'in', ['backup', 'backup drill'])
      .execute();
    expect(audited).toEqual([{ subject_type: 'backup', actor_staff_id: owner.staffId }]);
  }, 120_000);

  it('lets a backup started from the page finish before the shop shuts down', async () => {
    const s = await shop(configured());
    now = new Date('2026-09-25T12:00:00Z');
    const owner = await signInAs(s.app, 'owner');
    const res = await adminPost(s.app, owner.cookie, '/admin/backups', '/admin/backups/backup', {});
    expect(res.statusCode).toBe(303);
    shops.splice(shops.indexOf(s), 1);
    await s.close();
    // Closed at once, the snapshot of this press is already in the repository.
    const snapshots = await listSnapshots(resticTargetOf(s.app.config.backups)!, BACKUP_TAG);
    expect(snapshots.filter((snap) => Date.parse(snap.time) === now.getTime())).toHaveLength(1);
  }, 120_000);

  it('answers the buttons with a clear message, not an error, when backups are not set up', async () => {
    const s = await shop();
    const owner = await signInAs(s.app, 'owner');
    const res = await adminPost(s.app, owner.cookie, '/admin/backups', '/admin/backups/drill', {});
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Backups are not set up — set BACKUP_REPOSITORY and BACKUP_PASSWORD (see README, Backups).');
  });
});

describe(`what /privacy says about backups (${testDialect})`, () => {
  it("states the keep policy's longest age, another data centre, and the erasure applied again, changing with BACKUP_KEEP_MONTHLY", async () => {
    const standard = await shop(configured());
    const a = await standard.app.inject({ method: 'GET', url: '/privacy' });
    expect(a.statusCode).toBe(200);
    expect(a.body).toContain('Encrypted copies of the database (backups) are kept in a second location, in another data centre');
    expect(a.body).toContain('expires within 93 days (we keep the last 7 daily, 4 weekly and 3 monthly backups)');
    expect(a.body).toContain('Encrypted copies of the database (backups), holding the data above');
    expect(a.body).toContain('each expires within 93 days.');

    const shorter = await shop({ ...configured(), BACKUP_KEEP_MONTHLY: '2' });
    const b = await shorter.app.inject({ method: 'GET', url: '/privacy' });
    expect(b.body).toContain('expires within 62 days (we keep the last 7 daily, 4 weekly and 2 monthly backups)');
    expect(b.body).not.toContain('93 days');
    // A different promise is a different policy version.
    expect((await shorter.app.privacy.policy(now)).version).not.toBe((await standard.app.privacy.policy(now)).version);
  });

  it('claims no backups when none are set up', async () => {
    const s = await shop();
    const res = await s.app.inject({ method: 'GET', url: '/privacy' });
    expect(res.body).not.toContain('Encrypted copies of the database');
  });
});
