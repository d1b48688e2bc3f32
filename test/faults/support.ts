/**
 * What the fault tests share: the real shop in processes of its own (started as CI starts it,
 * killed with SIGKILL, restarted on the same database and ports), a guest checkout over HTTP in
 * steps (so a test can kill the shop between any two of them), a private PostgreSQL cluster a test
 * may restart, and nginx in front of several shops.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { freePort } from '../support/ports.js';
import { GUEST, bagItemFields } from '../support/shopper.js';
import { type StockedPiece, stockPieces } from '../support/stock.js';

const root = join(import.meta.dirname, '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { freePort };

/** The settings every shop process of a fault test runs with, as in production. */
export const SHOP_ENV = {
  NODE_ENV: 'production',
  SECRET_KEY: 'fault-secret-fault-secret-fault-secret-0000',
  OPAYO_VENDOR: 'assayfaults',
  OPAYO_ENCRYPTION_PASSWORD: 'Fault16BytesPass',
  SANDBOX_ENABLED: 'true',
  SEED_DEMO: 'true',
  LOG_LEVEL: 'warn',
  FORM_RATE_LIMIT: '100000000',
  SEARCH_RATE_LIMIT: '100000000',
  UNPAID_ORDERS_PER_BUYER: '1000',
  MAIL_PROCESSOR: 'A test mail server on loopback; United Kingdom',
} as const;

/** One shop process: its ports and data folder outlive it, so a restart comes back at the same address on the same database. */
export class ShopProcess {
  child: ChildProcess | null = null;
  /** Everything the process wrote to stderr and stdout, for a failing test's message. */
  output = '';

  private constructor(
    readonly port: number,
    readonly sandboxPort: number,
    readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {}

  /** A shop on fresh ports and a data folder of its own (DATA_DIR in `env` shares one). */
  static async create(env: Record<string, string>): Promise<ShopProcess> {
    const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'assay-fault-'));
    return new ShopProcess(await freePort(), await freePort(), dataDir, env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get sandboxUrl(): string {
    return `http://127.0.0.1:${this.sandboxPort}`;
  }
  /** The address the shop's links and the sandbox's return go to: a proxy in front, when there is one. */
  get publicUrl(): string {
    return this.env.PUBLIC_URL ?? this.url;
  }

  /** Starts `node --import tsx src/main.ts` and waits until it is ready. */
  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) throw new Error('already running');
    // The runner's DATABASE_URL names the server to make databases on, never the shop's database:
    // a shop is on PostgreSQL only when its own env says so.
    const { DATABASE_URL: _server, ...inherited } = process.env;
    void _server;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...inherited,
        ...SHOP_ENV,
        PORT: String(this.port),
        SANDBOX_PORT: String(this.sandboxPort),
        PUBLIC_URL: this.url,
        HOST: '127.0.0.1',
        ...this.env,
        DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the shop exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.output}`);
      }
      if (await isReady(this.url)) return;
      if (Date.now() > deadline) throw new Error(`the shop was not ready within 90 s:\n${this.output}`);
      await sleep(150);
    }
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(child.pid as number, 'SIGKILL');
    await gone;
  }

  /** Stops the process (if still running) and removes its data folder. */
  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** GET /readyz answering 200; before /readyz exists (404), the home page answering 200. */
export async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    if (res.status === 200) return true;
    if (res.status !== 404) return false;
    const home = await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) });
    await home.arrayBuffer();
    return home.status === 200;
  } catch {
    return false;
  }
}

// ——— A guest checkout over HTTP, in steps ———

/** A variant as the product form names it, with its id. */
export type Piece = StockedPiece;

const hidden = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replace(/&amp;/g, '&') ?? '';

/** Where a guest's purchase has got to; each step is one or two requests, as a browser makes them. */
export class Checkout {
  cookies = '';
  orderPath = '';
  /** The card page's sandbox session. */
  session = '';
  /** The return address with the encrypted result, as the sandbox sent the browser to it. */
  returnUrl = '';

  constructor(
    private shopUrl: string,
    private sandboxUrl: string,
    readonly email: string = GUEST.email,
  ) {}

  /** Another way in to the same shop (a restarted process, or the proxy). */
  via(shopUrl: string, sandboxUrl = this.sandboxUrl): this {
    this.shopUrl = shopUrl;
    this.sandboxUrl = sandboxUrl;
    return this;
  }

  private form() {
    return {
      'content-type': 'application/x-www-form-urlencoded',
      origin: this.shopUrl,
      'sec-fetch-site': 'same-origin',
      cookie: this.cookies,
    };
  }

  /** Adds the piece to a new bag and places the order; returns the order's page path. */
  async placeOrder(piece: Piece): Promise<string> {
    const add = await fetch(`${this.shopUrl}/bag/items`, {
      method: 'POST',
      headers: this.form(),
      redirect: 'manual',
      body: new URLSearchParams(bagItemFields(piece)),
    });
    await add.arrayBuffer();
    if (add.status !== 303) throw new Error(`add to bag: ${add.status}`);
    this.cookies = (add.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await fetch(`${this.shopUrl}/checkout`, { headers: { cookie: this.cookies } });
    const checkoutPage = await page.text();
    if (page.status !== 200) throw new Error(`checkout page: ${page.status}`);
    const placed = await fetch(`${this.shopUrl}/checkout`, {
      method: 'POST',
      headers: this.form(),
      redirect: 'manual',
      body: new URLSearchParams({ bag: hidden(checkoutPage, 'bag'), ...GUEST, email: this.email }),
    });
    await placed.arrayBuffer();
    if (placed.status !== 303) throw new Error(`place the order: ${placed.status}`);
    this.orderPath = String(placed.headers.get('location'));
    return this.orderPath;
  }

  /** Opens the order's page and posts its crypt to the sandbox: the card page is open. */
  async openPaymentPage(): Promise<void> {
    const res = await fetch(`${this.shopUrl}${this.orderPath}`, { headers: { cookie: this.cookies } });
    const orderPage = await res.text();
    if (res.status !== 200) throw new Error(`order page: ${res.status}`);
    const crypt = hidden(orderPage, 'Crypt');
    if (!crypt) throw new Error('the order page has no payment form');
    const gateway = await fetch(`${this.sandboxUrl}/gateway/service/vspform-register.vsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ VPSProtocol: '4.00', TxType: 'PAYMENT', Vendor: hidden(orderPage, 'Vendor'), Crypt: crypt }),
    });
    const cardPage = await gateway.text();
    if (gateway.status !== 200) throw new Error(`sandbox payment page: ${gateway.status}`);
    this.session = hidden(cardPage, 'session');
  }

  /** Pays with a test Visa: the sandbox answers with the return address, which is not followed yet. */
  async payByCard(): Promise<string> {
    const paid = await fetch(`${this.sandboxUrl}/gateway/service/card`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
      body: new URLSearchParams({ session: this.session, cardNumber: '4929000000006', expiry: '12/30', cv2: '123' }),
    });
    await paid.arrayBuffer();
    if (paid.status !== 302) throw new Error(`sandbox payment: ${paid.status}`);
    // The return goes to the shop's public address; a test may reach the shop another way.
    this.returnUrl = String(paid.headers.get('location'));
    return this.returnUrl;
  }

  /** The return URL as this checkout now reaches the shop. */
  private returnAddress(): string {
    const u = new URL(this.returnUrl);
    return `${this.shopUrl}${u.pathname}${u.search}`;
  }

  /** Sends the browser back to the shop with the result, without waiting for the answer. */
  sendReturn(): Promise<Response> {
    return fetch(this.returnAddress(), { headers: { cookie: this.cookies }, redirect: 'manual' });
  }

  /** Follows the return with the result and then the order page; true when the page says the order is confirmed. */
  async completeReturn(): Promise<{ status: number; confirmed: boolean }> {
    const back = await this.sendReturn();
    await back.arrayBuffer();
    if (back.status !== 303) return { status: back.status, confirmed: false };
    const page = await fetch(`${this.shopUrl}${back.headers.get('location')}`, { headers: { cookie: this.cookies } });
    const html = await page.text();
    return { status: back.status, confirmed: html.includes('your order is confirmed') };
  }

  /** The whole purchase; true when the shop confirmed it to the buyer. */
  async buy(piece: Piece): Promise<boolean> {
    await this.placeOrder(piece);
    await this.openPaymentPage();
    await this.payByCard();
    return (await this.completeReturn()).confirmed;
  }

  /** The order number, from the order page's path (/orders/AS-…?…). */
  get orderNumber(): string {
    return /\/orders\/([^/?]+)/.exec(this.orderPath)?.[1] ?? '';
  }
}

// ——— Looking at the database the shops share ———

/** The database of a shop's settings, opened by the test itself to check what the shop stored. */
export function openShopDatabase(env: Record<string, string>, dataDir: string): { db: Db; close(): Promise<void> } {
  const config = loadConfig({ ...SHOP_ENV, NODE_ENV: 'test', ...env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  return openDatabase(config.database);
}

export { stockPieces };

/** For each piece: its stock now plus what orders holding stock (reserved or sold) have of it. */
export async function stockAccount(db: Db, pieces: Piece[]): Promise<Map<number, { stock: number; held: number }>> {
  const ids = pieces.map((p) => p.id);
  const stocks = await db.selectFrom('variants').select(['id', 'stock']).where('id', 'in', ids).execute();
  const held = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select(['l.variant_id', (eb) => eb.fn.sum<number>('l.quantity').as('n')])
    .where('o.stock_reserved', '=', 1)
    .where('l.variant_id', 'in', ids)
    .groupBy('l.variant_id')
    .execute();
  return new Map(stocks.map((s) => [s.id, { stock: Number(s.stock), held: Number(held.find((h) => h.variant_id === s.id)?.n ?? 0) }]));
}

/** An order as the checks need it: status, how many 'paid' events and settled attempts it has. */
export async function orderFacts(db: Db, number: string) {
  const orders = await db.selectFrom('orders').select(['id', 'status', 'stock_reserved']).where('number', '=', number).execute();
  const order = orders[0];
  if (!order) return { copies: 0, status: null, paidEvents: 0, okAttempts: 0, lines: 0 };
  const events = await db.selectFrom('order_events').select('kind').where('order_id', '=', order.id).execute();
  const attempts = await db.selectFrom('payment_attempts').select('status').where('order_id', '=', order.id).execute();
  const lines = await db.selectFrom('order_lines').select('id').where('order_id', '=', order.id).execute();
  return {
    copies: orders.length,
    status: order.status,
    stockReserved: order.stock_reserved,
    paidEvents: events.filter((e) => e.kind === 'paid').length,
    events: events.length,
    okAttempts: attempts.filter((a) => a.status === 'OK').length,
    lines: lines.length,
  };
}

// ——— Databases: a throwaway one on the shared server, or a private cluster ———

/** A private PostgreSQL 15 cluster on a port of its own, owned by this test, which may restart it. */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static readonly bin = '/usr/lib/postgresql/15/bin';
  static available(): boolean {
    return existsSync(join(PrivatePostgres.bin, 'initdb'));
  }

  /** The command line running a PostgreSQL program as the postgres user (the server refuses to run as root). */
  private static commandAsPostgres(args: string[]): [string, string[]] {
    const command = [join(PrivatePostgres.bin, args[0] as string), ...args.slice(1)];
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...command]] : [command[0] as string, command.slice(1)];
  }

  private static asPostgres(args: string[]): string {
    const [file, rest] = PrivatePostgres.commandAsPostgres(args);
    return execFileSync(file, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'assay-pg-'));
    chmodSync(dir, 0o777);
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
    const data = join(dir, 'data');
    PrivatePostgres.asPostgres(['initdb', '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const server = new PrivatePostgres(dir, port);
    server.ctl(['start']);
    return server;
  }

  private ctlArgs(args: string[]): string[] {
    return [
      'pg_ctl',
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`,
      '-w',
      ...args,
    ];
  }

  private ctl(args: string[]): void {
    PrivatePostgres.asPostgres(this.ctlArgs(args));
  }

  /** `pg_ctl restart -m fast`, without blocking this process: every connection is cut, the server comes back. */
  async restart(): Promise<void> {
    const [file, rest] = PrivatePostgres.commandAsPostgres(this.ctlArgs(['restart', '-m', 'fast']));
    await promisify(execFile)(file, rest);
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  stop(): void {
    try {
      this.ctl(['stop', '-m', 'immediate']);
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway database on a server (the admin URL's), dropped by `drop`. */
export async function throwawayDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `assay_fault_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The shared server when DATABASE_URL is set, else a private cluster (null when PostgreSQL is not installed). */
export async function postgresServer(): Promise<{ adminUrl: string; close(): void } | null> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, close: () => {} };
  if (!PrivatePostgres.available()) return null;
  const server = await PrivatePostgres.start();
  return { adminUrl: server.adminUrl, close: () => server.stop() };
}

// ——— nginx in front of several shops ———

export class Nginx {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static available(): boolean {
    return existsSync('/usr/sbin/nginx');
  }

  /**
   * Round robin over the upstream ports; a failed upstream is skipped (proxy_next_upstream) and
   * rested (max_fails). Start it once the upstreams are ready: its probe would rest them otherwise.
   */
  static async start(upstreams: number[], port: number): Promise<Nginx> {
    const dir = mkdtempSync(join(tmpdir(), 'assay-nginx-'));
    mkdirSync(join(dir, 'logs'));
    const conf = `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream shop {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://shop;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
    }
  }
}
`;
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, conf);
    const child = spawn('/usr/sbin/nginx', ['-c', file, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    const nginx = new Nginx(dir, port, child);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
      try {
        await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
        return nginx;
      } catch {}
      if (Date.now() > deadline) throw new Error('nginx did not start within 10 s');
      await sleep(100);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const gone = new Promise((r) => this.child.once('exit', r));
      process.kill(this.child.pid as number, 'SIGKILL');
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ——— Load: buyers and readers at once, every answer recorded ———

/** One answer the load saw: when (ms from the start), what status (0: no answer), and whether it was the 503 page. */
export interface Answer {
  at: number;
  status: number;
  method: string;
  path: string;
  unavailablePage: boolean;
  /** The page's title (or the start of its body), for an answer of 400 or more. */
  title?: string;
}

export interface LoadResult {
  answers: Answer[];
  /** Orders whose page told the buyer they were confirmed. */
  confirmed: string[];
  /** Checkouts given up (a step answered other than expected even after retries). */
  abandoned: number;
}

/**
 * Runs `buyers` checkout loops and `readers` product-page loops for `seconds` against `shopUrl`,
 * recording every answer. A step answered 503 (or not at all) is tried again shortly, as a
 * shopper reloads; the payment return is tried again until the shop takes it.
 */
export async function runLoad(options: {
  shopUrl: string;
  sandboxUrl: string;
  pieces: Piece[];
  buyers: number;
  readers: number;
  seconds: number;
  /** Called once, `atSecond` seconds in, while the load goes on. */
  fault?: { atSecond: number; run: () => Promise<void> };
}): Promise<LoadResult & { faultAt: number | null }> {
  const started = performance.now();
  const answers: Answer[] = [];
  const confirmed: string[] = [];
  let abandoned = 0;
  const realFetch = globalThis.fetch;
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const at = performance.now() - started;
    const method = init?.method ?? 'GET';
    try {
      const res = await realFetch(input, init);
      let unavailablePage = false;
      let title: string | undefined;
      if (res.status >= 400) {
        const body = await res.clone().text();
        title = /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? body.slice(0, 120);
        unavailablePage = res.status === 503 && body.includes('briefly unavailable');
      }
      answers.push({ at, status: res.status, method, path: url.pathname, unavailablePage, ...(title ? { title } : {}) });
      return res;
    } catch (err) {
      answers.push({ at, status: 0, method, path: url.pathname, unavailablePage: false });
      throw err;
    }
  };
  const until = started + options.seconds * 1000;
  let faultAt: number | null = null;
  globalThis.fetch = recording;
  try {
    const retrying = async <T>(step: () => Promise<T>): Promise<T> => {
      for (let tries = 0; ; tries++) {
        try {
          return await step();
        } catch (err) {
          if (tries >= 20) throw err;
          await sleep(250);
        }
      }
    };
    const buyer = async (b: number) => {
      for (let n = 0; performance.now() < until; n++) {
        const c = new Checkout(options.shopUrl, options.sandboxUrl, `load-${b}-${n}@example.com`);
        const piece = options.pieces[(b + n) % options.pieces.length] as Piece;
        try {
          await retrying(() => c.placeOrder(piece));
          await retrying(async () => {
            await c.openPaymentPage();
            await c.payByCard();
          });
          const done = await retrying(async () => {
            const r = await c.completeReturn();
            if (!r.confirmed) throw new Error(`return answered ${r.status}`);
            return r;
          });
          if (done.confirmed) confirmed.push(c.orderNumber);
        } catch {
          abandoned++;
        }
      }
    };
    const reader = async (r: number) => {
      while (performance.now() < until) {
        const piece = options.pieces[r % options.pieces.length] as Piece;
        try {
          const res = await fetch(`${options.shopUrl}/products/${piece.slug}`);
          await res.arrayBuffer();
        } catch {
          await sleep(50);
        }
      }
    };
    const fault = options.fault
      ? (async () => {
          await sleep((options.fault?.atSecond ?? 0) * 1000);
          faultAt = performance.now() - started;
          await options.fault?.run();
        })()
      : Promise.resolve();
    await Promise.all([
      ...Array.from({ length: options.buyers }, (_, b) => buyer(b)),
      ...Array.from({ length: options.readers }, (_, r) => reader(r)),
      fault,
    ]);
  } finally {
    globalThis.fetch = realFetch;
  }
  return { answers, confirmed, abandoned, faultAt };
}

/** Counts of answers by status, for the summary line: "200×812 303×120 503×4". */
export function statusSummary(answers: Answer[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s || 'no answer'}×${n}`)
    .join(' ');
}
