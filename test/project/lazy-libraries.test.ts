import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildTestShop } from '../support/build-app.js';

/**
 * The libraries only some requests need are loaded the first time they are used, through
 * `lazy('package')` (src/shared/lazy.ts), so that a shop at rest does not hold them in memory
 * (README, "Compiled start"). Those packages are read from the source itself: a new `lazy(…)` is
 * covered as soon as it is written.
 */
const root = join(import.meta.dirname, '..', '..');
const src = join(root, 'src');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

interface Found {
  lazy: Set<string>;
  /** Value imports (not `import type`) of packages: "file:line package". */
  imports: { at: string; pkg: string }[];
}

function scan(): Found {
  const found: Found = { lazy: new Set(), imports: [] };
  for (const file of sourceFiles(src)) {
    const code = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const at = (n: ts.Node) => `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.expression.getText(sf) === 'lazy' &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        found.lazy.add(packageOf(node.arguments[0].text));
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const typeOnly =
          clause?.isTypeOnly === true ||
          (clause !== undefined &&
            clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly));
        if (!typeOnly) found.imports.push({ at: at(node), pkg: packageOf(node.moduleSpecifier.text) });
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const arg = node.arguments[0];
        if (arg && ts.isStringLiteral(arg)) found.imports.push({ at: `${at(node)} (dynamic)`, pkg: packageOf(arg.text) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

describe('libraries loaded when first used', () => {
  const found = scan();

  it('finds the lazily loaded packages in the source', () => {
    // The ones the README names; more may be added, none of these dropped silently.
    for (const pkg of ['sharp', 'qrcode', 'yazl', 'csv-stringify', 'nodemailer', 'pg', 'marked', 'diff', 'otpauth', 'bowser', 'isbot']) {
      expect(found.lazy, pkg).toContain(pkg);
    }
  });

  it('never imports a lazily loaded package at the top of a module, where it would load at start', () => {
    const eager = found.imports.filter((i) => found.lazy.has(i.pkg) && !i.at.includes('(dynamic)')).map((i) => `${i.at} ${i.pkg}`);
    expect(eager).toEqual([]);
  });

  it('holds none of them, nor the JSON Schema compilers, once the shop is ready and before any request', () => {
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'test/support/loaded-at-rest.ts'], {
        cwd: root,
        encoding: 'utf8',
        env: process.env,
      }),
    ) as string[];
    // Fastify's packages load as it starts; the shop is the one that loaded them when this list is long.
    expect(loaded).toContain('fastify');
    // On the embedded database, which is what the helper builds the shop on, pg is one of them.
    const atRest = [...found.lazy, 'ajv', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];
    expect(loaded.filter((pkg) => atRest.includes(pkg))).toEqual([]);
  });
});

describe("Fastify's JSON Schema compilers, made when first asked for", () => {
  it('still validate and serialise a route that has a schema', async () => {
    const shop = await buildTestShop({
      env: { SEED_DEMO: 'false' },
      routes: (app) =>
        app.get(
          '/schema-check',
          {
            schema: {
              querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
              response: { 200: { type: 'object', properties: { twice: { type: 'integer' } } } },
            },
          },
          async (req) => ({ twice: (req.query as { n: number }).n * 2, dropped: 'not in the schema' }),
        ),
    });
    try {
      const ok = await shop.app.inject({ method: 'GET', url: '/schema-check?n=21' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ twice: 42 });
      expect((await shop.app.inject({ method: 'GET', url: '/schema-check?n=many' })).statusCode).toBe(400);
    } finally {
      await shop.close();
    }
  });
});
