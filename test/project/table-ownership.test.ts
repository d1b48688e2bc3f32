import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { type FeatureName, TABLE_OWNERS, UNTYPED_TABLE_OWNERS, ownerOf } from '../../src/db/owners.js';

/**
 * One owner per table, held by lint and by this test: only a feature's repositories query its
 * tables (src/db/owners.ts says whose each is), only repositories and src/db/ build queries or
 * import the database packages, and no file of src/ imports itself round a cycle.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const repositories = files.filter((f) => f.endsWith('.repository.ts'));
const rel = (f: string) => relative(ROOT, f);

/** The area a repository belongs to: its feature folder, or the top folder of src/ (the job runner's `jobs`). */
function areaOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts[0] === 'features' ? (parts[1] ?? '') : (parts[0] ?? '');
}

const lineOf = (source: string, index: number) => source.slice(0, index).split('\n').length;

/**
 * Every table a source names in a query: the first argument of Kysely's selectFrom, insertInto,
 * updateTable, deleteFrom, mergeInto and joins ('table', 'table as t', or an array of them, split
 * over lines or not), a qualified reference ('table.column'), and what follows from, join, into,
 * update or table in raw sql`…` text (but not a table-valued function there: `from json_each(…)`,
 * nor a name the same text defines with `with name as (…)`).
 */
export function tableReferences(source: string): { table: string; line: number; how: string }[] {
  const found: { table: string; line: number; how: string }[] = [];
  const builder =
    /\.\s*(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin|innerJoinLateral|leftJoinLateral|using)\s*\(\s*(\[[^\]]*\]|['"`][^'"`]*['"`])/g;
  for (const m of source.matchAll(builder)) {
    for (const name of (m[2] ?? '').matchAll(/['"`]\s*([A-Za-z_][\w]*)(?:\s+as\s+\w+)?\s*['"`]/g)) {
      found.push({ table: name[1] ?? '', line: lineOf(source, m.index), how: m[1] ?? '' });
    }
  }
  for (const m of source.matchAll(/['"`]([a-z_][a-z0-9_]*)\.(?:[a-z_][a-z0-9_]*|\*)['"`]/g)) {
    if (ownerOf(m[1] ?? '') !== undefined) found.push({ table: m[1] ?? '', line: lineOf(source, m.index), how: 'qualified reference' });
  }
  for (const m of source.matchAll(/\bsql\s*(?:<[^`]*?>)?\s*`([^`]*)`/g)) {
    const text = m[1] ?? '';
    const defined = new Set([...text.matchAll(/(?:\bwith|,)\s+([a-z_][a-z0-9_]*)\s+as\s*\(/gi)].map((d) => (d[1] ?? '').toLowerCase()));
    for (const t of text.matchAll(/\b(?:from|join|into|update|table)\s+([a-z_][a-z0-9_]*)\b(?!\()/gi)) {
      if (defined.has((t[1] ?? '').toLowerCase())) continue;
      found.push({ table: t[1] ?? '', line: lineOf(source, m.index), how: 'raw sql' });
    }
  }
  return found;
}

describe('table references (the scanner this test relies on)', () => {
  it('finds tables in builder calls across lines, aliases, arrays, qualified references and raw sql', () => {
    const source = [
      'db',
      '  .selectFrom(',
      "    'orders as o',",
      '  )',
      "  .innerJoin('variants as v', 'v.id', 'o.id')",
      "  .leftJoin(\"staff\", 'staff.id', 'o.staff_id');",
      "db.deleteFrom(['bags', 'bag_items as b']);",
      "eb.ref('customers.email');",
      'sql<{ n: number }>`select count(*) from product_search s',
      '  join products p on p.id = s.product_id`;',
      "db.insertInto('mail_outbox').values(row);",
    ].join('\n');
    const tables = tableReferences(source).map((r) => `${r.table}@${r.line}`);
    expect(tables).toEqual(
      expect.arrayContaining([
        'orders@2',
        'variants@5',
        'staff@6',
        'staff@6',
        'bags@7',
        'bag_items@7',
        'customers@8',
        'product_search@9',
        'products@9',
        'mail_outbox@11',
      ]),
    );
    expect(tables.filter((t) => /^(o|v|s|p|b)@/.test(t))).toEqual([]);
  });

  it('finds nothing in code that names no table', () => {
    expect(tableReferences("const a = 'order'; sql`select pg_advisory_xact_lock(${1})`; x.where('p.id', '=', 1);")).toEqual([]);
    // A table-valued function is not a table; the table it fills is.
    expect(tableReferences('sql`insert into mail_outbox (a) select o.value from json_each(${json}) as o`;').map((r) => r.table)).toEqual([
      'mail_outbox',
    ]);
    // A name the statement defines in its with clause is not a table; the tables inside it are.
    expect(
      tableReferences('sql`with page as (${inner}), more as (select 1 from orders) select * from page join more on true join bags b`;').map(
        (r) => r.table,
      ),
    ).toEqual(['orders', 'bags']);
  });
});

describe('one owner per table', () => {
  it('knows an owner for every table the migrations create', () => {
    const migrations = sourceFiles(join(SRC, 'db', 'migrations'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const created = [...migrations.matchAll(/createTable\(\s*'([a-z_]+)'|create virtual table (?:if not exists )?([a-z_]+)/gi)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    expect(created.length).toBeGreaterThan(20);
    expect(created.filter((t) => ownerOf(t) === undefined)).toEqual([]);
  });

  it('names as owners only the feature folders and the job runner', () => {
    const areas = new Set([...readdirSync(join(SRC, 'features')), 'jobs']);
    const owners: FeatureName[] = [...Object.values(TABLE_OWNERS), ...Object.values(UNTYPED_TABLE_OWNERS)];
    expect(owners.filter((o) => !areas.has(o))).toEqual([]);
  });

  it('lets a repository query only the tables its feature owns', () => {
    expect(repositories.length).toBeGreaterThan(8);
    const trespasses = repositories.flatMap((file) => {
      const area = areaOf(file);
      return tableReferences(readFileSync(file, 'utf8'))
        .filter((r) => ownerOf(r.table) !== area)
        .map((r) => `${rel(file)}:${r.line} ${r.how} '${r.table}' is ${ownerOf(r.table) ?? 'no known table'}'s, not ${area}'s`);
    });
    expect(trespasses).toEqual([]);
  });

  it('builds queries only in repositories and src/db/', () => {
    const query = /\.\s*(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\s*\(|\bsql\s*(<[^`]*?>)?\s*`/;
    const outside = files
      .filter((f) => !f.endsWith('.repository.ts') && !rel(f).startsWith(join('src', 'db')))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((text, i) => (query.test(text) ? [`${rel(f)}:${i + 1}`] : [])),
      );
    expect(outside).toEqual([]);
  });
});

describe('the lint rules that hold it', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const restrictions = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath }))[0]?.messages.filter((m) => m.ruleId === 'no-restricted-imports') ?? [];

  it("refuse another feature's repository, and say to ask its service", async () => {
    const errors = await restrictions(
      "import { findOrderLines } from '../orders/orders.repository.js';\nexport const lines = findOrderLines;\n",
      'src/features/bag/x.ts',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("owning feature's service");
  });

  it("refuse another feature's routes and back-office pages from a views folder", async () => {
    const code = [
      "import type { X } from '../../orders/orders.admin.js';",
      "import { y } from '../../catalog/catalog.routes.js';",
      'export type Z = X;',
      'export const w = y;',
      '',
    ].join('\n');
    expect(await restrictions(code, 'src/features/customers/views/x.tsx')).toHaveLength(2);
  });

  it('refuse Kysely and the drivers in a service', async () => {
    const code = "import { sql } from 'kysely';\nimport pg from 'pg';\nexport const q = [sql, pg];\n";
    const errors = await restrictions(code, 'src/features/bag/bag.service.ts');
    expect(errors).toHaveLength(2);
    expect(errors[0]?.message).toContain('Only repositories');
  });

  it('allow a repository its Kysely and a feature its own repository', async () => {
    expect(await restrictions("import { sql } from 'kysely';\nexport const q = sql;\n", 'src/features/bag/bag.repository.ts')).toEqual([]);
    expect(
      await restrictions(
        "import type { X } from '../customers.repository.js';\nexport type Y = X;\n",
        'src/features/customers/views/x.tsx',
      ),
    ).toEqual([]);
  });

  it("refuse a repository another feature's repository", async () => {
    const code = "import { findOrderLines } from '../orders/orders.repository.js';\nexport const lines = findOrderLines;\n";
    expect(await restrictions(code, 'src/features/bag/bag.repository.ts')).toHaveLength(1);
  });
});

describe('imports', () => {
  /** Each file's relative imports (type-only ones included: a cycle of types still ties two files together). */
  function importsOf(file: string): string[] {
    const source = readFileSync(file, 'utf8');
    return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?['"](\.{1,2}\/[^'"]+)['"]/g)].flatMap((m) => {
      const target = resolve(dirname(file), (m[1] ?? '').replace(/\.js$/, ''));
      return [`${target}.ts`, `${target}.tsx`].filter((candidate) => files.includes(candidate));
    });
  }

  function cycles(graph: Map<string, string[]>): string[] {
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const found: string[] = [];
    const visit = (node: string) => {
      state.set(node, 'open');
      path.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].map(rel).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    return found;
  }

  it('finds a cycle when there is one (the search this test relies on)', () => {
    const [a, b, c] = ['/a.ts', '/b.ts', '/c.ts'];
    expect(
      cycles(
        new Map([
          [a!, [b!]],
          [b!, [c!]],
          [c!, [a!]],
        ]),
      ),
    ).toHaveLength(1);
    expect(
      cycles(
        new Map([
          [a!, [b!]],
          [b!, [c!]],
          [c!, []],
        ]),
      ),
    ).toEqual([]);
  });

  it('form no cycle among the files of src/', () => {
    expect(cycles(new Map(files.map((f) => [f, importsOf(f)])))).toEqual([]);
  });

  it('never reach the demo seed from production code', () => {
    const seed = files.filter((f) => rel(f).includes(join('catalog', 'demo')));
    const importers = files
      .filter((f) => !seed.includes(f) && !rel(f).startsWith(join('src', 'app')) && !rel(f).startsWith(join('src', 'main')))
      .filter((f) => importsOf(f).some((target) => seed.includes(target)));
    expect(importers.map(rel)).toEqual([]);
  });
});
