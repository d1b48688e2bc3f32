import { sql } from 'kysely';
import type pg from 'pg';
import { type Db, postgresDriver } from './database.js';

/**
 * Change announcements between app processes that share one PostgreSQL database (LISTEN/NOTIFY),
 * so that every process drops its caches when any of them writes. SQLite has no such thing: the
 * workers of a WEB_CONCURRENCY cluster pass changes through the cluster's primary (src/cluster.ts).
 */
export async function announce(db: Db, channel: string, instanceId: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${instanceId})`.execute(db);
}

export interface Listener {
  close(): Promise<void>;
}

/** The wait before the listener's first reconnection attempt, doubled after each failed one up to MAX_RECONNECT_MS. */
export const RECONNECT_MS = 250;
export const MAX_RECONNECT_MS = 10_000;

/**
 * Calls onChange for every announcement from another instance. If the connection drops (the
 * server restarted, or ended the session), it reconnects, retrying with a growing wait until the
 * server answers again, and treats the reconnection as a change: announcements made meanwhile
 * were missed.
 */
export async function listen(
  url: string,
  channel: string,
  instanceId: string,
  onChange: () => void,
  onError: (err: Error) => void,
): Promise<Listener> {
  if (!/^[a-z_]+$/.test(channel)) throw new Error('channel names are lowercase words');
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;

  const scheduleReconnect = () => {
    if (closed || retry) return;
    const wait = Math.min(MAX_RECONNECT_MS, RECONNECT_MS * 2 ** failures);
    failures++;
    retry = setTimeout(() => {
      retry = null;
      connect().catch((err: Error) => {
        onError(err);
        scheduleReconnect();
      });
    }, wait);
    retry.unref();
  };

  const connect = async (): Promise<void> => {
    const c = new (postgresDriver().Client)({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let lost = false;
    const drop = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (client === c) client = null;
      c.end().catch(() => {});
      if (closed) return;
      if (err) onError(err);
      scheduleReconnect();
    };
    c.on('notification', (msg) => {
      if (msg.payload !== instanceId) onChange();
    });
    c.on('error', (err) => drop(err));
    c.on('end', () => drop());
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
    } catch (err) {
      lost = true;
      c.removeAllListeners('end');
      c.on('error', () => {});
      await c.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    failures = 0;
    // Changes made while we were disconnected are unknown: treat a (re)connection as a change.
    onChange();
  };
  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
