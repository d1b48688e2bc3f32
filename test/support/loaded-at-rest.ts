/**
 * Builds the shop on a fresh data folder and its embedded database, waits until it is
 * ready, and prints (as JSON) the packages under node_modules it has loaded by then: what a shop
 * at rest holds. Run in a process of its own by test/project/lazy-libraries.test.ts, so that
 * nothing else has loaded anything first; it leaves the test helpers (which load pg) aside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const require = createRequire(import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'assay-at-rest-'));
try {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
  });
  const app = await buildApp(config, { logger: false });
  await app.ready();
  const packages = new Set(
    Object.keys(require.cache).flatMap((file) => {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      return m ? [m[1]!] : [];
    }),
  );
  await app.close();
  process.stdout.write(JSON.stringify([...packages].sort()));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
