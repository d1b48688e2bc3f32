/**
 * What the scale benchmark starts and must stop: shop processes (each in a process group of its
 * own, so a cluster's workers go with their primary), rclone's REST server, throwaway PostgreSQL
 * databases and temporary folders. Everything is registered as it is made and undone in reverse
 * order at the end, on an error, and on Ctrl-C or SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, shopProcessEnv, untilHealthy } from './shop.js';

type Undo = { what: string; run: () => Promise<void> | void; sync?: () => void };
const undos: Undo[] = [];

/** Registers something to undo; returns a function that undoes it now (and forgets it). */
export function onCleanup(what: string, run: () => Promise<void> | void, sync?: () => void): () => Promise<void> {
  const undo: Undo = { what, run, sync };
  undos.push(undo);
  return async () => {
    const i = undos.indexOf(undo);
    if (i < 0) return;
    undos.splice(i, 1);
    await undo.run();
  };
}

/** Undoes everything still registered, newest first; a failure is reported and the rest still run. */
export async function cleanUp(): Promise<void> {
  while (undos.length > 0) {
    const undo = undos.pop() as Undo;
    try {
      await undo.run();
    } catch (err) {
      console.error(`could not clean up ${undo.what}: ${(err as Error).message}`);
    }
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the shops and servers, dropping the databases…`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// Last resort when the process ends without the async clean-up (process.exit elsewhere): kill what is still running.
process.on('exit', () => {
  for (const undo of undos) undo.sync?.();
});

/** A temporary folder, removed at the end. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(`folder ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A new empty database on the PostgreSQL server `serverUrl` points at, dropped at the end; its URL. */
export async function postgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `assay_bench_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dropNow = onCleanup(`database ${name}`, async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`drop database if exists ${name} with (force)`);
    } finally {
      await c.end();
    }
  });
  return { url: url.toString(), drop: dropNow };
}

/** Sends a signal to a detached child's whole process group; true when there was one. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops a detached child and its group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL'); // workers a dead primary left behind
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Anything of the group that outlived its leader.
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/** The node processes of a process group (a cluster's primary and its workers; not tsx's esbuild helper). */
export function nodeProcessesInGroup(pgid: number): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces, so read after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && comm.startsWith('node')) n++;
    } catch {}
  }
  return n;
}

export interface ScaleShop {
  url: string;
  sandboxUrl: string;
  dataDir: string;
  /** Node processes the shop runs: with WEB_CONCURRENCY=N and node:cluster, a primary and N workers. */
  processes: number;
  /** The primary (or only) process, leader of the shop's process group. */
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real shop (`node --import tsx src/main.ts`) in a process group of its own on `dataDir`,
 * its output in a log file there, and waits until /healthz answers and, with WEB_CONCURRENCY=N > 1,
 * until N workers are running (or 30 s have passed: a shop without node:cluster runs one process).
 */
export async function startScaleShop(env: Record<string, string>, dataDir: string): Promise<ScaleShop> {
  const port = await freePort();
  const sandboxPort = await freePort();
  const logFile = join(dataDir, 'shop.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: shopProcessEnv(port, sandboxPort, env, dataDir),
    stdio: ['ignore', out, out],
    detached: true,
  });
  const stop = onCleanup(
    `shop on port ${port}`,
    () => stopGroup(child),
    () => void signalGroup(child, 'SIGKILL'),
  );
  const url = `http://127.0.0.1:${port}`;
  const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
  const wanted = Number(env.WEB_CONCURRENCY ?? '1');
  await untilHealthy(child, url, { withinMs: 90_000, everyMs: 250, detail: () => `:\n${tail()}` });
  const pgid = child.pid as number;
  const workersBy = Date.now() + 30_000;
  while (wanted > 1 && nodeProcessesInGroup(pgid) < wanted + 1 && Date.now() < workersBy) await new Promise((r) => setTimeout(r, 250));
  // Every worker has had time to listen once the count is reached; give the last one a moment to finish start-up.
  if (wanted > 1) await new Promise((r) => setTimeout(r, 1500));
  return { url, sandboxUrl: `http://127.0.0.1:${sandboxPort}`, dataDir, processes: nodeProcessesInGroup(pgid), process: child, stop };
}

/**
 * `rclone serve restic` on loopback with `dir` as the repository's storage: the second location,
 * standing for the other data centre. Resolves to the restic repository address once it answers.
 */
export async function startRcloneRestic(dir: string): Promise<{ repository: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let errors = '';
  child.stderr?.on('data', (b: Buffer) => (errors = (errors + b.toString()).slice(-2000)));
  const stop = onCleanup(
    `rclone on port ${port}`,
    () => stopGroup(child, 3000),
    () => void signalGroup(child, 'SIGKILL'),
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rclone serve restic exited with code ${child.exitCode}: ${errors}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`rclone serve restic did not answer within 15 s: ${errors}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { repository: `rest:http://127.0.0.1:${port}/`, stop };
}
