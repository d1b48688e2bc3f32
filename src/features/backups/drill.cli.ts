/**
 * The restore drill from the command line (`npm run backup:drill`): backs up, restores that
 * snapshot into a scratch database with the erasure journal applied again, compares every table
 * row by row with the live database, prints the report (each table: rows, differences) and drops
 * the scratch database. Exit 0 when the restored copy matches; 1 when it does not, or the drill
 * could not run (backups not set up, a role without CREATEDB on PostgreSQL, restic failing).
 */
import { backupConfigOrExit, runWithAppAndExit } from './cli.js';
import { type DrillReport, runDrill } from './drill.service.js';

const config = backupConfigOrExit();

/** The report as the terminal shows it: a heading, then one line per table. */
export function drillReportText(r: DrillReport): string[] {
  const width = Math.max(...r.tables.map((t) => t.table.length), 10);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `Restore drill: ${r.ok ? 'passed' : 'FAILED'} — ${plural(r.differences, 'row')} differ${r.differences === 1 ? 's' : ''}, in ${(r.ms / 1000).toFixed(1)} s.`,
    `  Backed up to snapshot ${r.backup.snapshotId} (${(r.backup.bytes / 1_000_000).toFixed(1)} MB, ${plural(r.backup.images, 'image')}); restored ${plural(r.restore.tables, 'table')}, ${plural(r.restore.rows, 'row')} and ${plural(r.restore.images, 'image')}.`,
    `  Erasure journal applied again: ${r.restore.journal.sources.map((s) => `${s.entries} from the ${s.from}${s.note ? ` (${s.note})` : ''}`).join(', ')}; ${r.restore.journal.distinct} distinct.`,
    '',
  ];
  for (const t of r.tables) {
    const differences = t.changed + t.onlyLive + t.onlyRestored;
    let line = `  ${t.table.padEnd(width)}  ${plural(t.liveRows, 'row').padStart(12)}  `;
    if (t.explained !== undefined) line += t.explained;
    else {
      line += plural(differences, 'difference');
      if (differences > 0) line += ` (${t.changed} changed, ${t.onlyLive} only live, ${t.onlyRestored} only restored)`;
      if (t.afterSnapshot) line += `; ${plural(t.afterSnapshot, 'row')} written after the snapshot set aside`;
      if (t.examples?.length) line += ` — ${t.examples.join('; ')}`;
    }
    lines.push(line);
  }
  return lines;
}

await runWithAppAndExit(
  config,
  async (app) => {
    const report = await runDrill(app, new Date(), { kind: 'command line' });
    for (const line of drillReportText(report)) console.log(line);
    return report.ok ? 0 : 1;
  },
  (error) => `The restore drill could not run: ${error}`,
);
