import type { Config } from '../../config.js';
import type { ReapplyReport } from '../privacy/erasure.journal.js';

/**
 * Restoring a snapshot into an empty database (never over one holding tables, unless `force`),
 * then applying the erasure journal again before the shop can serve from it: the entries of the
 * restored database, of the newest journal pushed to the repository, and of the live database when
 * it can still be read, together, so that a person erased after the backup stays erased.
 */

export type RestoreTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface RestoreOptions {
  /** A snapshot ID (or its short form), or 'latest'. */
  snapshot: string;
  target: RestoreTarget;
  /** Where the images go (a DATA_DIR's images folder); null leaves them out. */
  imagesDir: string | null;
  /** Replace a database that already holds tables. */
  force: boolean;
  /** The live database, to read its erasure journal from too (skipped, and said so, when it cannot be opened). */
  live?: Config['database'] | null;
}

export interface RestoreReport {
  snapshotId: string;
  snapshotTime: string;
  tables: number;
  rows: number;
  images: number;
  /** The journal entries applied, by where they came from, and what applying them did. */
  journal: { sources: { from: 'restored database' | 'backup repository' | 'live database'; entries: number }[] } & ReapplyReport;
  ms: number;
}

/** Thrown for a restore refused before anything was changed (a database not empty, an unknown snapshot): the message says why. */
export class RestoreRefused extends Error {}

/** Restores and re-applies the journal; `config` gives the repository, password and secret key. */
export async function restoreSnapshot(_config: Config, _options: RestoreOptions, _now: Date): Promise<RestoreReport> {
  throw new Error('being built');
}
