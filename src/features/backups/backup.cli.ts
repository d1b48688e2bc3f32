/**
 * A backup now, from the command line (`npm run backup`): the same as the shop's daily one
 * (backup.service.ts), recorded and audited as taken from the command line, then pruned.
 * Exit 0 when the snapshot is stored; 1, with a plain message, when backups are not set up or it failed.
 */
import { takeBackup } from './backup.service.js';
import { backupConfigOrExit, runWithAppAndExit } from './cli.js';

const config = backupConfigOrExit();

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
await runWithAppAndExit(
  config,
  async (app) => {
    const r = await takeBackup(app, new Date(), { kind: 'command line' });
    console.log(`Backed up to snapshot ${r.snapshotId} at ${r.time}.`);
    console.log(
      `  ${megabytes(r.bytes)} (database ${megabytes(r.databaseBytes)}, ${r.images} image files), in ${(r.ms / 1000).toFixed(1)} s.`,
    );
    console.log(`  ${r.forgotten} old snapshot(s) forgotten by the keep policy.`);
    return 0;
  },
  (error) => `The backup failed: ${error}`,
);
