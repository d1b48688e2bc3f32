/**
 * Restoring a backup from the command line:
 *   npm run restore -- --list                      the backup snapshots in the repository
 *   npm run restore -- --snapshot ID [--force]     restore one into the configured database
 * into the database DATA_DIR or DATABASE_URL names, which must be empty unless --force; the
 * erasure journal (of the live database, read first, and of the repository) is applied again
 * before the shop can serve from it. The shop must be stopped while it runs.
 * Exit 0 when done; 1 when refused or failed; 2 for arguments it does not understand.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../cli.js';
import { BACKUP_TAG, safeErrorText } from './backup.service.js';
import { listSnapshots, resticTargetOf } from './restic.js';
import { RestoreRefused, peopleText, restoreSnapshot } from './restore.service.js';

const usage = `Usage:
  npm run restore -- --list
  npm run restore -- --snapshot <ID|latest> [--force]`;

let args;
try {
  args = parseArgs({
    options: { snapshot: { type: 'string' }, force: { type: 'boolean', default: false }, list: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  console.error(`${(err as Error).message.split('\n')[0]}\n${usage}`);
  process.exit(2);
}
if (!args.list && !args.snapshot) {
  console.error(`Say which snapshot to restore (--snapshot), or --list them.\n${usage}`);
  process.exit(2);
}

const config = loadConfigOrExit(safeErrorText);
const target = resticTargetOf(config.backups);
if (!target) {
  console.error('Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD to the repository to restore from');
  process.exit(1);
}

try {
  if (args.list) {
    const snapshots = await listSnapshots(target, BACKUP_TAG);
    if (snapshots.length === 0) console.log('The repository holds no backup yet.');
    for (const s of snapshots) console.log(`${s.shortId}  ${s.time}  ${s.id}`);
    process.exit(0);
  }
  const database = config.database;
  const r = await restoreSnapshot(
    config,
    {
      snapshot: args.snapshot!,
      target: database.dialect === 'sqlite' ? { dialect: 'sqlite', file: database.file } : { dialect: 'postgres', url: database.url },
      imagesDir: join(config.dataDir, 'images'),
      force: args.force ?? false,
      live: database,
      actor: { kind: 'command line' },
    },
    new Date(),
  );
  console.log(
    `Restored snapshot ${r.snapshotId.slice(0, 8)} of ${r.snapshotTime}: ${r.tables} tables, ${r.rows} rows, ${r.images} image files.`,
  );
  console.log('Erasure journal applied again:');
  for (const s of r.journal.sources) console.log(`  ${s.from}: ${s.entries} entries${s.note ? ` (${s.note})` : ''}`);
  console.log(
    `  ${r.journal.distinct} distinct erasures; ${r.journal.matched} found someone; ${peopleText(r.journal.people)} erased again.`,
  );
  console.log(`Done in ${(r.ms / 1000).toFixed(1)} s. The shop can be started.`);
  process.exit(0);
} catch (err) {
  console.error(err instanceof RestoreRefused ? err.message : `The restore failed: ${safeErrorText(err)}`);
  process.exit(1);
}
