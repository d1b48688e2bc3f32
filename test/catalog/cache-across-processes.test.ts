import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type TestShop, buildTestShop, testDialect } from '../support/build-app.js';

// Scaling out means several app processes on one PostgreSQL; SQLite is the single-process embedded mode.
describe(`the page cache with more than one app on ${testDialect}`, () => {
  let a: TestShop;
  let b: Awaited<ReturnType<typeof buildApp>> | null = null;
  beforeAll(async () => {
    a = await buildTestShop();
    if (testDialect === 'postgres') b = await buildApp(a.config, { logger: false });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a change written through one app shows at once on the others (PostgreSQL), or needs no announcing (SQLite)', async () => {
    if (!b) {
      expect(a.app.catalog.announceChange).toBeNull();
      return;
    }
    const other = b;
    const p = await a.app.db.selectFrom('products').select(['slug', 'name']).orderBy('id').executeTakeFirstOrThrow();
    expect((await other.inject({ method: 'GET', url: `/products/${p.slug}` })).body).toContain(p.name);
    await a.app.db.updateTable('products').set({ name: 'Renamed Across Processes' }).where('slug', '=', p.slug).execute();
    await a.app.catalog.invalidate();
    await expect
      .poll(async () => (await other.inject({ method: 'GET', url: `/products/${p.slug}` })).body, { timeout: 5000 })
      .toContain('Renamed Across Processes');
  });
});
