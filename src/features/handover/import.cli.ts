/**
 * `npm run import-shop -- <export.zip>`: loads a whole-shop export into this shop, which must be
 * empty (same settings as `npm start`: DATA_DIR, DATABASE_URL). The database is migrated to the
 * latest schema first. Exit 0 when imported, 1 with a plain message when refused or failed
 * (nothing is then imported); never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { buildApp } from '../../app.js';
import { fail, loadConfigOrExit } from '../../cli.js';
import { importShop } from './handover.import.js';

const path = process.argv.slice(2).find((a) => a !== '--');
if (!path) fail('Usage: npm run import-shop -- <export.zip>  (the zip from Back office > Whole-shop export)');
const config = loadConfigOrExit();

let zip: Buffer;
try {
  zip = await readFile(path);
} catch {
  fail(`Cannot read ${path}: no such file, or it cannot be opened.`);
}

const app = await buildApp({ ...config, seedDemo: false }, { logger: false });
let code = 0;
try {
  const result = await importShop(app.db, config.dataDir, zip);
  if (!result.ok) {
    console.error(result.message);
    code = 1;
  } else {
    const width = Math.max(...result.rows.map((r) => r.table.length), 'photo files'.length);
    console.log(`Imported ${path}:`);
    for (const r of result.rows) console.log(`  ${r.table.padEnd(width)}  ${String(r.rows).padStart(9)}`);
    console.log(`  ${'photo files'.padEnd(width)}  ${String(result.photos).padStart(9)}`);
    console.log('Customers sign in after choosing a new password ("Forgotten your password?"): passwords are not part of an export.');
  }
} catch (err) {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  console.error(`The import failed, and nothing was imported: ${reason}`);
  code = 1;
} finally {
  await app.close();
}
process.exit(code);
