/**
 * The start of the backup commands that run the shop's own code (`npm run backup`,
 * `npm run backup:drill`): the configuration with backups set up, or a plain message and exit 1;
 * then the app (no demo seed, no log) for one piece of work, closed after it, and the exit code.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.js';
import { fail, loadConfigOrExit } from '../../cli.js';
import type { Config } from '../../config.js';
import { BackupsNotSetUp, safeErrorText } from './backup.service.js';

/** The configuration, or exit 1 when it is wrong or names no backup repository. */
export function backupConfigOrExit(): Config {
  const config = loadConfigOrExit(safeErrorText);
  if (!config.backups.repository) fail(new BackupsNotSetUp().message);
  return config;
}

/**
 * Runs `work` on the app and exits with the code it returns; when it throws, prints
 * "backups not set up" as is, any other error through `failure`, and exits 1.
 */
export async function runWithAppAndExit(
  config: Config,
  work: (app: FastifyInstance) => Promise<number>,
  failure: (errorText: string) => string,
): Promise<never> {
  const app = await buildApp({ ...config, seedDemo: false }, { logger: false });
  let code = 0;
  try {
    code = await work(app);
  } catch (err) {
    console.error(err instanceof BackupsNotSetUp ? err.message : failure(safeErrorText(err)));
    code = 1;
  } finally {
    await app.close();
  }
  process.exit(code);
}
