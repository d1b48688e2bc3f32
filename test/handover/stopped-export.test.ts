import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportStopped, exportShop } from '../../src/features/handover/handover.export.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';

/** A download closed half-way stops the export: it settles as stopped and holds nothing open (the shop keeps writing). */
describe(`a whole-shop export whose download is closed (${testDialect})`, () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await buildTestShop();
  });
  afterAll(async () => shop?.close());

  it('stops when told, and leaves the database free', async () => {
    const stop = new AbortController();
    const made = exportShop({ db: shop.app.db, dialect: shop.app.dialect, dataDir: shop.dataDir }, { name: 'Test' }, new Date(), {
      signal: stop.signal,
      pageRows: 5,
    });
    made.done.catch(() => undefined);
    const first = await new Promise<Buffer>((resolve) => made.stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    made.stream.pause();
    stop.abort();
    await expect(made.done).rejects.toBeInstanceOf(ExportStopped);
    const moved = await shop.app.db.updateTable('categories').set({ position: 99 }).where('id', '=', 1).executeTakeFirst();
    expect(Number(moved.numUpdatedRows)).toBe(1);
  });
});
