import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './database.js';

/**
 * Change announcements between app processes that share one PostgreSQL database (LISTEN/NOTIFY),
 * so that every process drops its caches when any of them writes. SQLite runs in one process and
 * needs none of this.
 */
export async function announce(db: Db, channel: string, instanceId: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${instanceId})`.execute(db);
}

export interface Listener {
  close(): Promise<void>;
}

/** Calls onChange for every announcement from another instance; reconnects if the connection drops. */
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
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (msg.payload !== instanceId) onChange();
    });
    c.on('error', (err) => {
      onError(err);
      if (!closed) setTimeout(() => void connect().catch(onError), 1000).unref();
    });
    await c.connect();
    await c.query(`listen ${channel}`);
    client = c;
    // Changes made while we were disconnected are unknown: treat a (re)connection as a change.
    onChange();
  };
  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => {});
    },
  };
}
