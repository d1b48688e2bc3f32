import { loadConfigOrExit } from './config.js';
import { buildSandboxApp } from './features/payments/sandbox/sandbox.app.js';

/**
 * The test payment page (the imitation of Opayo's hosted page) in a process of its own, for a shop
 * started with SANDBOX_ENABLED=false and the same settings (DATA_DIR, or OPAYO_ENCRYPTION_PASSWORD,
 * so both hold the same key; SANDBOX_PORT): its requests then take none of the shop's event loop,
 * as Opayo's own pages take none of a real shop's. `npm start` runs it inside the shop unless told not to.
 * SIGTERM or SIGINT: answers what is in flight, then exits 0.
 */
const config = loadConfigOrExit();

const sandbox = await buildSandboxApp(config);
const stop = () =>
  void sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  await sandbox.listen({ port: config.sandbox.port, host: config.host });
  console.log(`Test payment page (Opayo sandbox) listening on ${config.host}:${config.sandbox.port}, reached at ${config.sandbox.url}`);
} catch (err) {
  console.error(`The test payment page could not listen on ${config.host}:${config.sandbox.port}: ${(err as Error).message}`);
  process.exit(1);
}
