import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';

/**
 * `npm start` runs the compiled JavaScript that `scripts/build.js` writes: every module compiled,
 * the files modules read beside themselves copied, and the compiled shop serving pages, its
 * stylesheet and the payment sandbox's page as the TypeScript one does.
 */
const root = join(import.meta.dirname, '..', '..');
// Inside the project, so that the compiled modules find its node_modules as dist/ does.
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules', '.cache', 'assay-build-'));
const outdir = join(work, 'dist');
let child: ChildProcess | null = null;
let url = '';
let sandboxUrl = '';
let output = '';

const filesUnder = (dir: string) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.js', '--outdir', outdir], { cwd: root, stdio: 'pipe' });
  const port = await freePort();
  const sandboxPort = await freePort();
  url = `http://127.0.0.1:${port}`;
  sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const flags = start.split(/\s+/).slice(1, -1);
  child = spawn(process.execPath, [...flags, join(outdir, 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      NODE_ENV: 'development',
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      PUBLIC_URL: url,
      HOST: '127.0.0.1',
      DATA_DIR: join(work, 'data'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the compiled shop exited: ${output}`);
    const ok = await fetch(`${url}/livez`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the compiled shop did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the compiled shop (npm start)', () => {
  it('has a compiled module for every TypeScript module, and every file a module reads beside it', () => {
    const src = filesUnder(join(root, 'src'));
    const built = new Set(filesUnder(outdir));
    const modules = src.filter((f) => /\.tsx?$/.test(f));
    expect(modules.length).toBeGreaterThan(100);
    for (const f of modules) expect(built, f).toContain(f.replace(/\.tsx?$/, '.js'));
    for (const f of src.filter((f) => !/\.(tsx?|md)$/.test(f))) expect(built, f).toContain(f);
    expect([...built].filter((f) => f.endsWith('.ts') || f.endsWith('.tsx'))).toEqual([]);
  });

  it('serves the storefront, a product page, its stylesheet and the payment sandbox', async () => {
    const home = await fetch(`${url}/rings`);
    expect(home.status).toBe(200);
    const html = await home.text();
    const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)?.[1];
    expect(product).toBeDefined();
    expect((await fetch(`${url}${product}`)).status).toBe(200);
    const css = await fetch(`${url}/assets/site.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toBe(readFileSync(join(root, 'src/http/assets/site.css'), 'utf8'));
    expect(existsSync(join(outdir, 'features/payments/sandbox/sandbox.css'))).toBe(true);
    expect((await fetch(`${sandboxUrl}/`)).status).toBeLessThan(500);
  });

  it('writes one line per request to standard output', async () => {
    await fetch(`${url}/cookies`);
    await expect.poll(() => output.includes('"route":"/cookies"'), { timeout: 5_000 }).toBe(true);
  });
});
