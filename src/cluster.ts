import cluster, { type Worker } from 'node:cluster';

/**
 * WEB_CONCURRENCY=N: one `npm start` runs N app processes on one port (node:cluster). The primary
 * only forks, restarts and stops workers and relays messages; each worker is a whole shop,
 * stateless apart from its caches, sharing the database with the others.
 *
 * - A worker that dies unexpectedly is started again after RESTART_BACKOFF_MS, doubling for each
 *   death in a row up to MAX_RESTART_BACKOFF_MS (a worker that lived a minute starts the count again).
 * - SIGTERM or SIGINT to the primary: each worker is told to drain (SIGTERM), and the primary waits
 *   for every one to end; it exits 0 when all did so cleanly, 1 otherwise or after the hard limit.
 * - On SQLite there is no LISTEN/NOTIFY: a worker that changes the catalogue tells the primary,
 *   which tells every other worker (CatalogueRelay).
 */

export const RESTART_BACKOFF_MS = 500;
export const MAX_RESTART_BACKOFF_MS = 30_000;
/** How long the primary waits for its workers to drain; a little over a worker's own limit. */
export const PRIMARY_STOP_LIMIT_MS = 28_000;

/** Worker numbers are 1…N and kept across restarts: worker 1 runs what only one process may run on SQLite. */
export const WORKER_NUMBER_ENV = 'ASSAY_WORKER_NUMBER';

const CATALOGUE_CHANGED = 'assay:catalogue-changed';

/** Catalogue changes between the processes of one cluster. */
export interface CatalogueRelay {
  announce(): void;
  /** Calls onChange for a change announced by another worker; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
}

/** This process's place: null when it runs alone (WEB_CONCURRENCY=1), else its worker number. */
export function workerNumber(): number | null {
  if (!cluster.isWorker) return null;
  const n = Number.parseInt(process.env[WORKER_NUMBER_ENV] ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The relay through the primary, in a worker; null in a process running alone. */
export function workerCatalogueRelay(): CatalogueRelay | null {
  if (!cluster.isWorker || !process.send) return null;
  return {
    announce() {
      process.send?.({ type: CATALOGUE_CHANGED });
    },
    subscribe(onChange) {
      const onMessage = (msg: unknown) => {
        if ((msg as { type?: unknown } | null)?.type === CATALOGUE_CHANGED) onChange();
      };
      process.on('message', onMessage);
      return () => process.off('message', onMessage);
    },
  };
}

export interface PrimaryLog {
  info(msg: string): void;
  error(msg: string): void;
}

/** Runs the primary: forks `count` workers and keeps them running until told to stop. */
export function runPrimary(count: number, log: PrimaryLog = consoleLog): void {
  const numbers = new Map<Worker, number>();
  const deathsInARow = new Map<number, number>();
  let stopping = false;
  let othersStarted = false;

  const fork = (n: number): Worker => {
    const startedAt = Date.now();
    const worker = cluster.fork({ [WORKER_NUMBER_ENV]: String(n) });
    numbers.set(worker, n);
    if (n === 1 && !othersStarted) {
      worker.once('listening', () => {
        if (othersStarted || stopping) return;
        othersStarted = true;
        for (let m = 2; m <= count; m++) fork(m);
        log.info(`Started ${count} worker processes (WEB_CONCURRENCY=${count})`);
      });
    }
    worker.on('message', (msg: unknown) => {
      if ((msg as { type?: unknown } | null)?.type !== CATALOGUE_CHANGED) return;
      for (const other of numbers.keys()) if (other !== worker && other.isConnected()) other.send({ type: CATALOGUE_CHANGED });
    });
    worker.on('exit', (code, signal) => {
      numbers.delete(worker);
      if (stopping) return;
      const lived = Date.now() - startedAt;
      const deaths = lived > 60_000 ? 1 : (deathsInARow.get(n) ?? 0) + 1;
      deathsInARow.set(n, deaths);
      const wait = Math.min(MAX_RESTART_BACKOFF_MS, RESTART_BACKOFF_MS * 2 ** (deaths - 1));
      log.error(
        `Worker ${n} (pid ${worker.process.pid}) stopped unexpectedly (${signal ?? `exit code ${code}`}); starting it again in ${wait} ms`,
      );
      setTimeout(() => {
        if (!stopping) fork(n);
      }, wait);
    });
    return worker;
  };
  // Worker 1 first, alone until it listens: it migrates the database and adds the demo catalogue,
  // which two processes must not do at once on one SQLite file. Then the others, together.
  fork(1);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: asking ${numbers.size} workers to finish their requests and stop`);
    let clean = true;
    const exits = [...numbers.keys()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', (code) => {
            if (code !== 0) clean = false;
            resolve();
          });
          worker.process.kill('SIGTERM');
        }),
    );
    const limit = setTimeout(() => {
      log.error(`Workers did not stop within ${PRIMARY_STOP_LIMIT_MS / 1000} s; stopping them now`);
      for (const worker of numbers.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, PRIMARY_STOP_LIMIT_MS);
    limit.unref();
    void Promise.all(exits).then(() => process.exit(clean ? 0 : 1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const consoleLog: PrimaryLog = {
  info: (msg) => console.log(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, msg })),
  error: (msg) => console.error(JSON.stringify({ level: 50, time: Date.now(), pid: process.pid, msg })),
};
