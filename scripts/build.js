#!/usr/bin/env node
/**
 * Compiles the shop's TypeScript (src/) into plain JavaScript (dist/) for `npm start`: each module
 * stays its own file at the same place, so paths relative to a module (the stylesheets and scripts
 * under src/http/assets/, the sandbox's stylesheet) hold in dist/ as in src/, and those files are
 * copied beside the compiled code. esbuild only strips types and compiles JSX (`npm run typecheck`
 * checks them), which takes well under a second, so `npm start` builds every time and never runs
 * stale code. Usage: node scripts/build.js [--outdir DIR]
 */
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(root, 'dist');

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

const started = performance.now();
const files = await filesUnder(src);
const modules = files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
// What a module reads at run time beside itself; the CONTEXT.md glossaries are for people.
const assets = files.filter((f) => !/\.tsx?$/.test(f) && !f.endsWith('.md'));

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: modules.map((f) => join(src, f)),
  outbase: src,
  outdir,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
for (const f of assets) {
  await mkdir(dirname(join(outdir, f)), { recursive: true });
  await cp(join(src, f), join(outdir, f));
}
console.log(
  `Compiled ${modules.length} modules and copied ${assets.length} assets into ${relative(root, outdir) || outdir}/ in ${Math.round(performance.now() - started)} ms.`,
);
