import cluster from 'node:cluster';
import { buildApp } from './app.js';
import { runPrimary, workerCatalogueRelay, workerNumber } from './cluster.js';
import { type Config, loadConfigOrExit } from './config.js';
import { buildSandboxApp } from './features/payments/sandbox/sandbox.app.js';
import { createDemoOwner } from './features/staff/staff.service.js';
import { allJobs } from './jobs/registry.js';
import { startJobs } from './jobs/runner.js';

/**
 * Starts the shop: one process (WEB_CONCURRENCY=1), or a node:cluster primary and its workers
 * (src/cluster.ts), each worker a whole shop on the same port and database.
 *
 * SIGTERM (or SIGINT): /readyz answers 503 at once, the server stops accepting, in-flight requests
 * are answered, the job timers stop and a running job (the outbox's current send) finishes, the
 * statistics buffer is written, the database is closed, and the process exits 0 — or 1 if all
 * that has not happened within STOP_LIMIT_MS.
 */
const STOP_LIMIT_MS = 25_000;

const config = loadConfigOrExit();

if (config.webConcurrency > 1 && cluster.isPrimary) {
  runPrimary(config.webConcurrency);
} else {
  await runShop(config);
}

async function runShop(config: Config): Promise<void> {
  const worker = workerNumber();
  // What only one process may do: worker 1, or the process running alone. On PostgreSQL every
  // worker runs the jobs (advisory locks and slots make each run once); SQLite has no advisory
  // locks, so there only worker 1 does.
  const first = worker === null || worker === 1;
  const runsJobs = config.database.dialect === 'postgres' || first;

  const app = await buildApp(config, { catalogueRelay: workerCatalogueRelay() ?? undefined }).catch((err: Error) => {
    console.error(`The shop could not start: ${err.message}`);
    process.exit(1);
  });
  // Every scheduled job, through the one runner: on PostgreSQL each runs once per scheduled time
  // however many processes share the database (src/jobs/runner.ts).
  const jobs = runsJobs ? startJobs(app, allJobs) : null;
  if (jobs) app.health.beforeClose.push(() => jobs.stop());
  // The imitation of Opayo's hosted page listens on a port of its own, so card fields are only
  // ever posted to it; its state is in memory, so one process holds it.
  const sandbox = config.sandbox.enabled && first ? await buildSandboxApp(config) : null;
  if (config.env === 'development' && first) {
    const demo = await createDemoOwner(app.db, app.clock());
    if (demo) {
      app.log.info(
        `Back office: ${config.publicUrl}/admin — sign in as ${demo.email} with password ${demo.password} (development only; shown once).`,
      );
    }
  }

  let closing = false;
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    app.health.draining = true;
    app.log.info({ signal, worker }, 'shutting down: finishing requests in progress');
    const limit = setTimeout(() => {
      app.log.error({ worker }, `shutdown did not finish within ${STOP_LIMIT_MS / 1000} s; stopping now`);
      process.exit(1);
    }, STOP_LIMIT_MS);
    limit.unref();
    try {
      await sandbox?.close();
      // Stops accepting, answers the requests in flight (later ones on open connections get 503),
      // then stops the jobs, writes the statistics buffer and closes the database (src/http/health.ts).
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
    const where = config.database.dialect === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL';
    app.log.info(
      worker === null
        ? `${config.shop.name} is open at ${config.publicUrl} (${where})`
        : `${config.shop.name} worker ${worker} (pid ${process.pid}) is open at ${config.publicUrl} (${where})`,
    );
    if (first && !config.backups.repository) {
      // Said once at start, as the dashboard says it: a shop without backups should know.
      app.log[config.env === 'production' ? 'warn' : 'info'](
        'Backups are not set up: set BACKUP_REPOSITORY and BACKUP_PASSWORD to back the shop up, encrypted, to a second place (README, "Backups").',
      );
    }
    if (sandbox) {
      await sandbox.listen({ port: config.sandbox.port, host: config.host });
      app.log.info(
        `Test payment page (Opayo sandbox) listening on ${config.host}:${config.sandbox.port}, reached at ${config.sandbox.url} — payments go to ${config.payments.gatewayUrl}`,
      );
    }
  } catch (err) {
    console.error(`The shop could not listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    process.exit(1);
  }
}
