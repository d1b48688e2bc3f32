import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { postgresDriver } from '../../db/database.js';
import type { RestoreTarget } from './restore.service.js';

/**
 * The restore drill's scratch database: a new SQLite file in a private folder of DATA_DIR, or a new
 * PostgreSQL database on the live database's server (the role needs CREATEDB). It holds a full copy
 * of the shop's data while the drill runs, so it is always dropped afterwards.
 */
export interface ScratchDatabase {
  target: RestoreTarget;
  database: Config['database'];
  /** A private folder for what the drill restores beside the database (the images). */
  dir: string;
  drop(): Promise<void>;
}

/** The drill cannot make its scratch database: `message` says why and what to do. */
export class ScratchRefused extends Error {}

export async function createScratchDatabase(live: Config['database'], dataDir: string): Promise<ScratchDatabase> {
  const dir = await mkdtemp(join(dataDir, '.drill-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  if (live.dialect === 'sqlite') {
    const file = join(dir, 'scratch.sqlite');
    return { target: { dialect: 'sqlite', file }, database: { dialect: 'sqlite', file }, dir, drop: removeDir };
  }
  const name = `assay_drill_${randomBytes(6).toString('hex')}`;
  const client = new (postgresDriver().Client)({ connectionString: live.url });
  try {
    await client.connect();
    await client.query(`create database ${name}`);
  } catch (err) {
    await removeDir();
    if ((err as { code?: string }).code === '42501') {
      throw new ScratchRefused(
        'The database role cannot create databases, and the drill restores into a scratch database of its own: grant it CREATEDB (ALTER ROLE <role> CREATEDB) or run the drill with a DATABASE_URL whose role has it',
      );
    }
    throw new ScratchRefused('The scratch database for the drill could not be made on the PostgreSQL server');
  } finally {
    await client.end().catch(() => {});
  }
  const url = new URL(live.url);
  url.pathname = `/${name}`;
  return {
    target: { dialect: 'postgres', url: url.toString() },
    database: { dialect: 'postgres', url: url.toString() },
    dir,
    async drop() {
      const c = new (postgresDriver().Client)({ connectionString: live.url });
      try {
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end().catch(() => {});
        await removeDir();
      }
    },
  };
}
