/**
 * A backup now, from the command line (`npm run backup`): the same as the shop's daily one
 * (backup.service.ts), recorded and audited as taken from the command line, then pruned.
 * Exit 0 when the snapshot is stored; 1, with a plain message, when backups are not set up or it failed.
 */
import { buildApp } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { BackupsNotSetUp, safeErrorText, takeBackup } from './backup.service.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  fail(err instanceof ConfigError ? err.message : safeErrorText(err));
}
if (!config.backups.repository) fail(new BackupsNotSetUp().message);

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const app = await buildApp({ ...config, seedDemo: false }, { logger: false });
let code = 0;
try {
  const r = await takeBackup(app, new Date(), { kind: 'command line' });
  console.log(`Backed up to snapshot ${r.snapshotId} at ${r.time}.`);
  console.log(
    `  ${megabytes(r.bytes)} (database ${megabytes(r.databaseBytes)}, ${r.images} image files), in ${(r.ms / 1000).toFixed(1)} s.`,
  );
  console.log(`  ${r.forgotten} old snapshot(s) forgotten by the keep policy.`);
} catch (err) {
  console.error(err instanceof BackupsNotSetUp ? err.message : `The backup failed: ${safeErrorText(err)}`);
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
