import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { buildSandboxApp } from './features/payments/sandbox/sandbox.app.js';
import { createDemoOwner } from './features/staff/staff.service.js';
import { allJobs } from './jobs/registry.js';
import { startJobs } from './jobs/runner.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const app = await buildApp(config).catch((err: Error) => {
  console.error(`The shop could not start: ${err.message}`);
  process.exit(1);
});
// Every scheduled job, through the one runner: on PostgreSQL each runs once per scheduled time
// however many processes share the database (src/jobs/runner.ts).
const jobs = startJobs(app, allJobs);
// The imitation of Opayo's hosted page listens on a port of its own, so card fields are only ever posted to it.
const sandbox = config.sandbox.enabled ? await buildSandboxApp(config) : null;
if (config.env === 'development') {
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
  app.log.info({ signal }, 'shutting down');
  // Timers stop first and runs in progress finish, before the database they use is closed.
  await jobs.stop();
  await sandbox?.close();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
  const where = config.database.dialect === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL';
  app.log.info(`${config.shop.name} is open at ${config.publicUrl} (${where})`);
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
