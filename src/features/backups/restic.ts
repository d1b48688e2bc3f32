import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * restic, the backup program (Debian's `restic` package), run as a child process: every backup is
 * encrypted with BACKUP_PASSWORD before it leaves the shop, to any restic back end (a REST server,
 * S3, SFTP, B2 or a path on another disk). The password reaches restic through its environment
 * (RESTIC_PASSWORD), never its arguments, and restic's messages are reduced to words naming no one.
 */
export interface ResticTarget {
  repository: string;
  password: string;
}

/** restic failed: `message` is safe to show to staff and to log. */
export class ResticError extends Error {}

export interface Snapshot {
  id: string;
  shortId: string;
  /** ISO 8601. */
  time: string;
  tags: string[];
  paths: string[];
}

/** Debian's restic, or whatever `restic` is on the PATH. */
const RESTIC = existsSync('/usr/bin/restic') ? '/usr/bin/restic' : 'restic';

/** restic's cache, apart from the shop's data: it holds only encrypted pack indexes. */
const CACHE_DIR = join(tmpdir(), 'assay-restic-cache');

/**
 * What restic said went wrong, kept only where it matches a known kind of failure: its own text
 * can quote file names and paths, and a repository URL can carry a user name and password.
 */
function safeReason(stderr: string, code: number | null): string {
  const s = stderr.toLowerCase();
  if (s.includes('wrong password') || s.includes('no key found')) return 'the backup password does not open the repository';
  if (s.includes('is there a repository at the following location') || s.includes('repository does not exist'))
    return 'there is no restic repository at BACKUP_REPOSITORY';
  if (s.includes('connection refused') || s.includes('no such host') || s.includes('timeout') || s.includes('network is unreachable'))
    return 'the backup repository cannot be reached';
  if (s.includes('no matching id') || s.includes('no snapshot matched') || s.includes('no matching snapshot'))
    return 'no snapshot has that ID';
  if (s.includes('unable to create lock') || s.includes('repository is already locked'))
    return 'the repository is locked by another restic';
  if (s.includes('no space left')) return 'there is no space left on a disk';
  if (s.includes('permission denied')) return 'permission was refused to a file or the repository';
  return `restic exited with code ${code ?? 'none'}`;
}

/** Runs restic with these arguments; resolves to what it printed on standard output. */
export async function restic(
  target: ResticTarget,
  args: string[],
  options: { stdin?: NodeJS.ReadableStream | Buffer | string; cwd?: string } = {},
): Promise<string> {
  const child = spawn(RESTIC, [...args, '--cache-dir', CACHE_DIR], {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      TMPDIR: tmpdir(),
      // --time is read in local time: UTC, as the shop gives it.
      TZ: 'UTC',
      RESTIC_REPOSITORY: target.repository,
      RESTIC_PASSWORD: target.password,
      // Cloud back ends read their credentials from the environment (AWS_*, B2_*, …): pass them on.
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => /^(AWS_|B2_|AZURE_|GOOGLE_|OS_|ST_|RCLONE_|SSH_AUTH_SOCK$)/.test(k)),
      ),
    },
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => {
    // Only the start is kept: enough to tell the kind of failure.
    if (err.length < 8192) err += c.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ResticError(e.code === 'ENOENT' ? 'restic is not installed (apt-get install restic)' : 'restic could not be started')),
    );
    child.once('close', (code) => resolve(code));
  });
  child.stdin.on('error', () => {});
  const input = options.stdin;
  if (input === undefined) child.stdin.end();
  else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
  else (input instanceof Readable ? input : Readable.from(input as AsyncIterable<Buffer>)).pipe(child.stdin);
  const code = await exited;
  if (code !== 0) throw new ResticError(`restic ${args[0] ?? ''} failed: ${safeReason(err, code)}`);
  return Buffer.concat(out).toString('utf8');
}

/** Makes the repository if it does not exist yet. */
export async function ensureRepository(target: ResticTarget): Promise<'created' | 'existing'> {
  try {
    await restic(target, ['cat', 'config']);
    return 'existing';
  } catch (err) {
    // A wrong password or an unreachable server is not a missing repository: never init over it.
    if (!(err instanceof ResticError) || !err.message.includes('there is no restic repository')) throw err;
  }
  await restic(target, ['init']);
  return 'created';
}

interface SnapshotJson {
  id: string;
  short_id?: string;
  time: string;
  tags?: string[] | null;
  paths?: string[] | null;
}

/** The repository's snapshots, oldest first; with `tag`, only those carrying it. */
export async function listSnapshots(target: ResticTarget, tag?: string): Promise<Snapshot[]> {
  const out = await restic(target, ['snapshots', '--json', ...(tag ? ['--tag', tag] : [])]);
  const parsed = JSON.parse(out || '[]') as SnapshotJson[] | null;
  return (parsed ?? [])
    .map((s) => ({
      id: s.id,
      shortId: s.short_id ?? s.id.slice(0, 8),
      time: new Date(s.time).toISOString(),
      tags: s.tags ?? [],
      paths: s.paths ?? [],
    }))
    .sort((a, b) => a.time.localeCompare(b.time));
}

/** The target of the shop's configuration, or null when backups are not set up. */
export function resticTargetOf(backups: { repository: string | null; password: string | null }): ResticTarget | null {
  return backups.repository && backups.password ? { repository: backups.repository, password: backups.password } : null;
}
