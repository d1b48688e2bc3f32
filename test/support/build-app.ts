import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';

/** The dialect under test: PostgreSQL when DATABASE_URL is set, otherwise SQLite. */
export const testDialect: 'sqlite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/** What production requires of the Opayo settings, for tests that run the shop as in production. */
export const PRODUCTION_PAYMENTS = {
  OPAYO_VENDOR: 'assaytest',
  OPAYO_ENCRYPTION_PASSWORD: 'Test16BytesPassw',
  OPAYO_GATEWAY_URL: 'http://127.0.0.1:3001/gateway/service/vspform-register.vsp',
} as const;

export interface TestShop {
  app: FastifyInstance;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A fresh database of its own: a temporary SQLite file, or a throwaway PostgreSQL database made
 * on the server DATABASE_URL points at (and dropped afterwards).
 */
export async function freshDatabase(dataDir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { env: {}, drop: async () => {} };
  const name = `assay_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  void dataDir;
  return {
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        // A pool that has just been ended may still be closing its sockets: wait for them rather
        // than have the server kill them (which a closing client reports as an uncaught error).
        for (let tries = 0; ; tries++) {
          try {
            await c.query(`drop database if exists ${name}`);
            break;
          } catch (err) {
            if ((err as { code?: string }).code !== '55006' || tries >= 40) throw err;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } catch {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function buildTestShop(
  options: {
    env?: Record<string, string>;
    clock?: () => Date;
    logger?: boolean;
    logStream?: NodeJS.WritableStream;
    /** Another process of the same shop: built on that shop's database (and data folder), which it leaves for that shop to remove. */
    sharingDatabaseOf?: TestShop;
    /** Adds routes before the app is ready, for a test that needs one the shop does not have. */
    routes?: (app: FastifyInstance) => void;
  } = {},
): Promise<TestShop> {
  const shared = options.sharingDatabaseOf;
  const dataDir = shared ? shared.dataDir : mkdtempSync(join(tmpdir(), 'assay-test-'));
  const database = shared
    ? { env: shared.config.database.dialect === 'postgres' ? { DATABASE_URL: shared.config.database.url } : {}, drop: async () => {} }
    : await freshDatabase(dataDir);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    ...database.env,
    ...options.env,
  });
  const app = await buildApp(config, { clock: options.clock, logger: options.logger ?? false, logStream: options.logStream });
  options.routes?.(app);
  await app.ready();
  return {
    app,
    config,
    dataDir,
    async close() {
      await app.close();
      if (shared) return;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
