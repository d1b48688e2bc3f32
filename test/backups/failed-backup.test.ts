import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupRunJob } from '../../src/features/backups/backup.job.js';
import { latestRun } from '../../src/features/backups/backups.repository.js';
import { runJob } from '../../src/jobs/runner.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';
import { signInAs } from '../support/staff.js';

/**
 * The scheduled backup failing for real — its repository is a port nobody listens on — is
 * recorded as failed and e-mails the owners, once that day however often it is retried, and
 * nobody else; the shop itself goes on.
 */
let shop: TestShop;
let now = new Date('2026-08-03T01:15:00Z');

/** A loopback port that was free a moment ago and is closed again: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
});
