import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_OWNERS } from '../../src/db/owners.js';

/**
 * Each area has a CONTEXT.md naming its words and the tables it owns. The tables it names must be
 * exactly those `TABLE_OWNERS` gives it, so the glossary cannot drift from the code.
 */
const src = join(import.meta.dirname, '../../src');
const areas = [
  ...readdirSync(join(src, 'features'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: join(src, 'features', d.name) })),
  { name: 'jobs', dir: join(src, 'jobs') },
];
const tables = Object.keys(TABLE_OWNERS);

function ownedIn(markdown: string): string[] {
  const section = markdown.split(/^## Tables owned\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string).filter((t) => tables.includes(t));
}

describe('every area explains itself in a CONTEXT.md', () => {
  it('finds the areas', () => {
    expect(areas.map((a) => a.name)).toEqual(expect.arrayContaining(['orders', 'catalog', 'privacy', 'jobs']));
  });

  for (const area of areas) {
    it(`${area.name}: has one, with its words and exactly the tables it owns`, () => {
      const file = join(area.dir, 'CONTEXT.md');
      expect(existsSync(file), `${file} is missing`).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^## Tables owned$/m);
      const owned = Object.entries(TABLE_OWNERS)
        .filter(([, owner]) => owner === area.name)
        .map(([table]) => table)
        .sort();
      expect([...new Set(ownedIn(text))].sort()).toEqual(owned);
    });
  }
});
