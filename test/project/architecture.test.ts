import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Rules of the layout that a type checker cannot see: route handlers open no transactions (their
 * services do, through inTransaction or auditedRead), and the shop has one way to send mail (the
 * outbox worker, so that nothing waits on a mail server inside a request or a transaction).
 */

const root = new URL('../../', import.meta.url).pathname;
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

interface Call {
  file: string;
  line: number;
  text: string;
}

/** Every call in a file, with the text of what is called ("inTransaction", "app.db.transaction", "mailer.send"). */
function callsIn(file: string, code: string): Call[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const calls: Call[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      calls.push({
        file,
        line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        text: node.expression.getText(sf).replace(/\s+/g, ''),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}

/** Every import of a file: the module it names. */
function importsIn(file: string, code: string): string[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  return sf.statements.filter(ts.isImportDeclaration).map((d) => (d.moduleSpecifier as ts.StringLiteral).text);
}

const opensTransaction = (c: Call) => /(^|\.)inTransaction$/.test(c.text) || /\.transaction$/.test(c.text);
const sendsMail = (c: Call) => /(^|\.)mailer\.send$/i.test(c.text) || /\.sendMail$/.test(c.text);
const where = (c: Call) => `${relative(root, c.file)}:${c.line} ${c.text}(…)`;

const files = sourceFiles(src).map((file) => ({ file, code: readFileSync(file, 'utf8') }));
const allCalls = files.flatMap(({ file, code }) => callsIn(file, code));
const isRouteFile = (file: string) => /\.(routes|admin)\.tsx$/.test(file);

describe('the checks themselves', () => {
  it('see a transaction opened and a mailer sending, written either way', () => {
    const snippet = `
      await app.db.transaction().execute(async (trx) => trx);
      await inTransaction(app.db, async (trx) => trx);
      await app.db
        .transaction()
        .execute(work);
      await app.mailer.send({ to: 'a@example.com' });
      await transport.sendMail({});
      // inTransaction( in a comment is not a call
      const s = 'db.transaction()';
    `;
    const calls = callsIn('snippet.admin.tsx', snippet);
    expect(calls.filter(opensTransaction).map((c) => c.line)).toEqual([2, 3, 4]);
    expect(calls.filter(sendsMail).map((c) => c.text)).toEqual(['app.mailer.send', 'transport.sendMail']);
  });

  it('find the route files and the one real sender', () => {
    expect(files.filter((f) => isRouteFile(f.file)).length).toBeGreaterThan(10);
    expect(allCalls.filter(sendsMail).map(where).length).toBeGreaterThan(0);
  });
});

describe('transactions', () => {
  it('are never opened in a route handler: routes ask a service, which opens one with inTransaction or auditedRead', () => {
    const inRoutes = allCalls.filter((c) => isRouteFile(c.file) && opensTransaction(c)).map(where);
    expect(inRoutes).toEqual([]);
  });

  it('are opened through inTransaction from db/, so one given is joined rather than nested', () => {
    const direct = allCalls
      .filter((c) => /\.transaction$/.test(c.text))
      .filter((c) => !relative(src, c.file).startsWith('db/'))
      // The demo seed writes its catalogue in one go, outside the running shop.
      .filter((c) => !relative(src, c.file).startsWith('features/catalog/demo/'))
      .map(where);
    expect(direct).toEqual([]);
  });
});

describe('mail', () => {
  it('is sent only by the outbox worker: nothing else calls the mailer', () => {
    const senders = allCalls.filter(sendsMail).map((c) => relative(src, c.file));
    // mailer.ts holds the transports themselves; outbox.service.ts's deliverDueMail is the worker's one send.
    expect([...new Set(senders)].sort()).toEqual(['features/mail/mailer.ts', 'features/mail/outbox.service.ts']);
    const delivering = allCalls.filter((c) => /(^|\.)deliverDueMail$/.test(c.text)).map((c) => relative(src, c.file));
    expect([...new Set(delivering)]).toEqual(['features/mail/outbox.job.ts']);
  });

  it('reaches the mailer module only from where the app builds it and from the outbox', () => {
    const importers = files
      .filter(({ file, code }) => importsIn(file, code).some((m) => /(^|\/)mailer\.js$/.test(m)))
      .map(({ file }) => relative(src, file))
      .sort();
    expect(importers).toEqual(['app.tsx', 'features/mail/outbox.service.ts']);
  });
});

describe('route files', () => {
  it('import no other route file: what two share lives in http/, a view or a service', () => {
    const crossings = files
      .filter(({ file }) => isRouteFile(file))
      .flatMap(({ file, code }) =>
        importsIn(file, code)
          .filter((m) => /\.(routes|admin)\.js$/.test(m))
          .map((m) => `${relative(src, file)} imports ${m}`),
      );
    expect(crossings).toEqual([]);
  });
});
