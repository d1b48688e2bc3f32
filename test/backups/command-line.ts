import { resolve } from 'node:path';
import type { TestShop } from '../support/build-app.js';

/** The checkout's root, where `npx tsx src/…cli.ts` runs. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The environment for running a backup command (`npm run backup`, `restore`) against `shop` in a
 * child process: only PATH and HOME of this process, the shop's data folder and database, and the
 * backup repository when given.
 */
export function commandLineEnv(shop: TestShop, backups?: { repository: string; password: string }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    DATA_DIR: shop.dataDir,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    ...(backups ? { BACKUP_REPOSITORY: backups.repository, BACKUP_PASSWORD: backups.password } : {}),
    ...(shop.config.database.dialect === 'postgres' ? { DATABASE_URL: shop.config.database.url } : {}),
  };
}
