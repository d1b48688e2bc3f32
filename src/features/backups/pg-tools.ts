import { spawn } from 'node:child_process';

/**
 * PostgreSQL's own tools (pg_dump, pg_restore) for backups and restores. The connection is given
 * through libpq's environment (PGHOST, PGPASSWORD, …), never on the command line, where any user
 * of the machine could read the password.
 */

/** libpq's environment for a postgres:// URL. */
export function libpqEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname) || 'localhost',
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** A PostgreSQL tool failed; the message names the tool and never the connection. */
export class PostgresToolError extends Error {}

/** Runs pg_dump or pg_restore against the database at `url`. */
export async function runPostgresTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  const child = spawn(tool, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...libpqEnvironment(url) },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new PostgresToolError(
          e.code === 'ENOENT' ? `${tool} is not installed (apt-get install postgresql-client)` : `${tool} could not be started`,
        ),
      ),
    );
    child.once('close', resolve);
  });
  if (code !== 0) {
    // Its messages can quote rows or names: only the kind of failure is kept.
    const s = stderr.toLowerCase();
    const why = s.includes('password authentication failed')
      ? 'the database refused the password'
      : s.includes('could not connect') || s.includes('connection refused')
        ? 'the database cannot be reached'
        : s.includes('does not exist')
          ? 'the database or an object in it does not exist'
          : s.includes('server version mismatch')
            ? `${tool} is older than the database server`
            : `exit code ${code ?? 'none'}`;
    throw new PostgresToolError(`${tool} failed: ${why}`);
  }
}
