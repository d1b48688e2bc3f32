import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RUNS_KEPT_DAYS, deleteOldBackupRuns } from '../../src/features/backups/backup.service.js';
import { finishRun, insertRun, recentRuns } from '../../src/features/backups/backups.repository.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';

/** The history of backup runs is kept BACKUP_RUNS_KEPT_DAYS, then deleted by backup.run. */
const DAY = 86_400_000;
const now = new Date('2026-09-01T02:15:00Z');
let shop: TestShop;
beforeAll(async () => {
  shop = await buildTestShop({ clock: () => now, env: { SEED_DEMO: 'false' } });
});
afterAll(async () => shop?.close());

describe(`the history of backup runs (${testDialect})`, () => {
  it(`keeps runs ${BACKUP_RUNS_KEPT_DAYS} days, then deletes them`, async () => {
    const at = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
    for (const [days, kind] of [
      [BACKUP_RUNS_KEPT_DAYS + 30, 'backup'],
      [BACKUP_RUNS_KEPT_DAYS + 1, 'drill'],
      [BACKUP_RUNS_KEPT_DAYS - 1, 'backup'],
      [2, 'journal'],
    ] as const) {
      const id = await insertRun(shop.app.db, { kind, startedAt: at(days), actor: 'schedule' });
      await finishRun(shop.app.db, id, { finishedAt: at(days), outcome: 'done', ms: 10 });
    }
    expect(await deleteOldBackupRuns(shop.app.db, now)).toBe(2);
    const left = await recentRuns(shop.app.db, 10);
    expect(left.map((r) => r.started_at).sort()).toEqual([at(BACKUP_RUNS_KEPT_DAYS - 1), at(2)]);
    expect(await deleteOldBackupRuns(shop.app.db, now)).toBe(0);
  });
});
