import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { scheduleAuditRetention } from './features/audit/audit.job.js';
import { scheduleContactRetention } from './features/contact/contact.job.js';
import { scheduleStaffHousekeeping } from './features/staff/staff.job.js';
import { createDemoOwner } from './features/staff/staff.service.js';

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
const jobs = [scheduleContactRetention(app), scheduleStaffHousekeeping(app), scheduleAuditRetention(app)];
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
  for (const job of jobs) job.stop();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
  const where = config.database.dialect === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL';
  app.log.info(`${config.shop.name} is open at ${config.publicUrl} (${where})`);
} catch (err) {
  console.error(`The shop could not listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  process.exit(1);
}
