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

/** Runs restic with these arguments; resolves to what it printed on standard output. */
export async function restic(
  _target: ResticTarget,
  _args: string[],
  _options: { stdin?: NodeJS.ReadableStream | Buffer | string; cwd?: string } = {},
): Promise<string> {
  throw new Error('being built');
}

/** Makes the repository if it does not exist yet. */
export async function ensureRepository(_target: ResticTarget): Promise<'created' | 'existing'> {
  throw new Error('being built');
}

/** The repository's snapshots, oldest first; with `tag`, only those carrying it. */
export async function listSnapshots(_target: ResticTarget, _tag?: string): Promise<Snapshot[]> {
  throw new Error('being built');
}
