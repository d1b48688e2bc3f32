import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupRunJob } from '../../src/features/backups/backup.job.js';
import { alertReference } from '../../src/features/backups/backups.mail.js';
import { latestRun } from '../../src/features/backups/backups.repository.js';
import { runJob } from '../../src/jobs/runner.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { adminPost, signInAs } from '../support/staff.js';

/**
 * The scheduled backup failing for real — its repository is a port nobody listens on — is
 * recorded as failed and e-mails the owners, once that day however often it is retried, and
 * nobody else; the shop itself goes on. Pressed on the Backups page, where it runs in the
 * background, it is recorded, e-mailed and shown there the same way.
 */
let shop: TestShop;
let now = new Date('2026-08-03T01:15:00Z');
/** The owner the first test signs in. */
let firstOwner = '';

/** A loopback port that was free a moment ago and is closed again: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads until `done` holds, for work going on in the background; throws after a minute. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, failure: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  shop = await buildTestShop({
    clock: () => now,
    env: { SEED_DEMO: 'false', BACKUP_REPOSITORY: `rest:http://127.0.0.1:${await closedPort()}/`, BACKUP_PASSWORD: 'a passphrase' },
  });
});
afterAll(async () => shop?.close());

describe(`a scheduled backup that fails (${testDialect})`, () => {
  it('is recorded as failed and e-mails every owner once that day', async () => {
    const owner = await signInAs(shop.app, 'owner');
    firstOwner = owner.email;
    const manager = await signInAs(shop.app, 'manager');
    expect(await runJob(shop.app, backupRunJob)).toMatchObject({ status: 'failed' });
    const run = await latestRun(shop.app.db, 'backup');
    expect(run).toMatchObject({ outcome: 'failed' });
    expect(run?.error).toBeTruthy();
    expect(run?.error).not.toContain('a passphrase');

    // Tried again later that day (as "Back up now" would): it fails again, and no second e-mail goes.
    now = new Date('2026-08-03T09:00:00Z');
    await expect(backupRunJob.run(shop.app, now)).rejects.toThrow();
    const mails = () =>
      shop.app.db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('kind', '=', 'backup-alert').execute();
    expect(await mails()).toEqual([{ to_address: owner.email, subject: expect.stringContaining('the backup failed') }]);
    expect((await mails()).map((m) => m.to_address)).not.toContain(manager.email);
    expect((await shop.app.inject('/')).statusCode).toBe(200);
  });

  it('pressed on the Backups page the next day, fails in the background, e-mails the owners and shows why', async () => {
    now = new Date('2026-08-04T10:00:00Z');
    const owner = await signInAs(shop.app, 'owner');
    const before = (await latestRun(shop.app.db, 'backup'))!.id;
    const res = await adminPost(shop.app, owner.cookie, '/admin/backups', '/admin/backups/backup', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/backups?done=backup-started');
    // The page says the backup is running until all of its work, the alert too, has been done.
    const page = await until(
      () => shop.app.inject({ method: 'GET', url: '/admin/backups', headers: { cookie: owner.cookie } }),
      (p) => !p.body.includes('A backup started from this page is running'),
      'the backup did not end',
    );
    const run = await latestRun(shop.app.db, 'backup');
    expect(run).toMatchObject({ outcome: 'failed', actor: `staff:${owner.staffId}` });
    expect(run!.id).toBeGreaterThan(before);
    expect(run!.error).toBeTruthy();
    const alerts = await shop.app.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject'])
      .where('kind', '=', 'backup-alert')
      .where('reference', '=', alertReference('failed', now))
      .execute();
    // That day's alert, to each active owner: the first test's and this one (not the manager).
    expect(alerts).toHaveLength(2);
    expect(alerts.every((m) => m.subject.includes('the backup failed'))).toBe(true);
    expect(new Set(alerts.map((m) => m.to_address))).toEqual(new Set([firstOwner, owner.email]));
    expect(page.body).toContain(`The latest backup failed (4 Aug 2026, 11:00): ${run!.error}.`);
    expect(page.body).toContain(`<td>Failed: ${run!.error}</td>`);
    expect(page.body).toContain('Back up now');
  });
});
