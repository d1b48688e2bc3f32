import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { freshDatabase, testDialect } from '../support/build-app.js';

describe(`migrations on ${testDialect}`, () => {
  it('apply to an empty database once, in date order, and then find nothing to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-mig-'));
    const fresh = await freshDatabase(dir);
    const handle = openDatabase(
      fresh.env.DATABASE_URL ? { dialect: 'postgres', url: fresh.env.DATABASE_URL } : { dialect: 'sqlite', file: join(dir, 'a.db') },
    );
    try {
      expect(handle.dialect).toBe(testDialect);
      const names = Object.keys(migrations);
      expect(names).toEqual([...names].sort());
      for (const n of names) expect(n).toMatch(/^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$/);
      expect(await migrateToLatest(handle.db)).toEqual(names);
      expect(await migrateToLatest(handle.db)).toEqual([]);
      const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['products', 'variants', 'product_search', 'contact_messages', 'policy_versions']));
    } finally {
      await handle.close();
      await fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never import application code', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = join(import.meta.dirname, '../../src/db/migrations');
    for (const f of readdirSync(dir).filter((x) => x !== 'index.ts')) {
      const imports = [...readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.every((i) => i === 'kysely'),
        f,
      ).toBe(true);
    }
  });
});
