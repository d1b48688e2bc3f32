import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { longestBackupAgeDays } from './features/backups/backup.policy.js';
import { DEFAULT_PROCESSORS, type ProcessorRole, type ProcessorSetting, parseProcessorSetting } from './features/privacy/processors.js';

/**
 * The configuration contract: environment variables, validated once at start-up.
 * A bad value stops start-up with one line naming the variable and what is expected.
 */

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { message: 'expected development, production or test' }).default('development'),
  PORT: z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole number')
    .min(0, 'expected a port from 0 to 65535')
    .max(65535, 'expected a port from 0 to 65535')
    .default(3000),
  HOST: z.string().min(1, 'expected a listen address such as 127.0.0.1').default('127.0.0.1'),
  PUBLIC_URL: z
    .url({ message: 'expected an absolute http(s) URL such as https://shop.example' })
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
    .optional(),
  DATA_DIR: z.string().min(1, 'expected a folder path').default('./data'),
  DATABASE_URL: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\/.+/.test(u), 'expected a postgres://user:password@host:port/database URL')
    .optional(),
  SMTP_URL: z
    .string()
    .refine((u) => /^smtps?:\/\/.+/.test(u), 'expected an smtp:// or smtps:// URL')
    .optional(),
  SEED_DEMO: booleanText.default(true),
  SECRET_KEY: z.string().min(32, 'expected at least 32 characters of random text').optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected a pino level such as info' })
    .default('info'),
  /** A file the log is written to (appended) instead of standard output; the residue scan reads it too. Unset: standard output only. */
  LOG_FILE: z.string().min(1, 'expected the path of a file').optional(),
  /** The shop's own words for the staff confidentiality undertaking, a Markdown file (src/features/staff/staff.undertaking.ts). Unset: the default text. */
  STAFF_UNDERTAKING_FILE: z.string().min(1, 'expected the path of a Markdown file').optional(),
  TRUST_PROXY: booleanText.default(false),
  SEARCH_RATE_LIMIT: z.coerce
    .number({ message: 'expected a number of searches per minute' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .default(60),
  /** How often hits tallied in memory are written to the shared rate-limit counters (src/features/security/rate-limit.store.ts). */
  RATE_LIMIT_FLUSH_MS: z.coerce
    .number({ message: 'expected a number of milliseconds' })
    .int('expected a whole number')
    .min(10, 'expected at least 10')
    .max(60_000, 'expected at most 60000 (a minute)')
    .default(100),
  FORM_RATE_LIMIT: z.coerce
    .number({ message: 'expected a number of form posts per 10 minutes' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .default(10),
  OPAYO_VENDOR: z
    .string()
    .regex(/^[A-Za-z0-9]{1,15}$/, 'expected the Opayo vendor name: letters and digits, at most 15')
    .optional(),
  OPAYO_ENCRYPTION_PASSWORD: z.string().optional(),
  OPAYO_GATEWAY_URL: z
    .url({ message: 'expected the absolute URL of the Opayo Form gateway' })
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
    .optional(),
  SANDBOX_PORT: z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole number')
    .min(0, 'expected a port from 0 to 65535')
    .max(65535, 'expected a port from 0 to 65535')
    .default(3001),
  SANDBOX_ENABLED: booleanText.optional(),
  SANDBOX_URL: z
    .url({ message: 'expected the address browsers reach the sandbox at, such as https://pay-test.shop.example' })
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
    .refine(isOriginOnly, 'expected an address without a path, such as https://pay-test.shop.example:8443')
    .optional(),
  ORDER_RESERVATION_MINUTES: z.coerce
    .number({ message: 'expected a number of minutes' })
    .int('expected a whole number')
    .min(5, 'expected at least 5 minutes')
    .max(1440, 'expected at most 1440 minutes (a day)')
    .default(30),
  UNPAID_ORDERS_PER_BUYER: z.coerce
    .number({ message: 'expected a number of unpaid orders' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(1000, 'expected at most 1000')
    .default(3),
  MAX_LINE_QUANTITY: z.coerce
    .number({ message: 'expected a number of pieces' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(99, 'expected at most 99')
    .default(5),
  MARKETING_RATE_PER_MINUTE: z.coerce
    .number({ message: 'expected a number of marketing e-mails per minute' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(100000, 'expected at most 100000')
    .default(600),
  FEEDBACK_REQUEST_DAYS: z.coerce
    .number({ message: 'expected a number of days after delivery' })
    .int('expected a whole number')
    .min(1, 'expected at least 1 day')
    .max(60, 'expected at most 60 days')
    .default(5),
  FINANCIAL_YEAR_END: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'expected the last day of the financial year as month-day, such as 03-31')
    .refine(isMonthDayOfEveryYear, 'expected a day that falls in every year, such as 03-31 (for a year ending in February, use 02-28)')
    .default('03-31'),
  /** Where backups go: any restic repository (rest:http://…, s3:…, sftp:…, b2:…, or a path on another disk). Unset: no backups. */
  BACKUP_REPOSITORY: z
    .string()
    .min(1, 'expected a restic repository such as rest:http://127.0.0.1:8000/ or /mnt/backup-disk/assay')
    .optional(),
  /** The restic repository's password: it encrypts every backup. */
  BACKUP_PASSWORD: z.string().optional(),
  BACKUP_SCHEDULE: z
    .string()
    .refine(isCronPattern, 'expected a cron pattern such as "15 2 * * *" (02:15 every day, London time)')
    .default('15 2 * * *'),
  BACKUP_KEEP_DAILY: keepCount('daily backups', 7),
  BACKUP_KEEP_WEEKLY: keepCount('weekly backups', 4),
  BACKUP_KEEP_MONTHLY: keepCount('monthly backups', 3),
  /** How many app processes one `npm start` runs (node:cluster); each is stateless, sharing the database. */
  WEB_CONCURRENCY: z.coerce
    .number({ message: 'expected a number of processes' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(64, 'expected at most 64')
    .default(1),
  SHOP_NAME: z.string().min(1).max(80).default('Assay Demo Jewellers'),
  SHOP_ADDRESS: z.string().min(1).max(300).default('124 Vyse Street, Jewellery Quarter, Birmingham B18 6NF'),
  SHOP_EMAIL: z.email({ message: 'expected an e-mail address' }).default('privacy@assay.example'),
  SHOP_ICO_NUMBER: z
    .string()
    .regex(/^[A-Z0-9]{6,10}$/, 'expected an ICO registration number such as ZA123456')
    .default('ZA000000'),
  /** The processors the shop uses, each "Company name; Country; safeguard" (src/features/privacy/processors.ts). */
  PAYMENT_PROCESSOR: processorSetting(),
  MAIL_PROCESSOR: processorSetting(),
  HOSTING_PROCESSOR: processorSetting(),
  BACKUP_PROCESSOR: processorSetting(),
});

function processorSetting() {
  return z
    .string()
    .transform((text, ctx) => {
      const parsed = parseProcessorSetting(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    })
    .optional();
}

function keepCount(what: string, fallback: number) {
  return z.coerce
    .number({ message: `expected a number of ${what} to keep` })
    .int('expected a whole number')
    .min(0, 'expected 0 or more')
    .max(120, 'expected at most 120')
    .default(fallback);
}

function isCronPattern(text: string): boolean {
  try {
    new Cron(text, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

export type Env = z.input<typeof schema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  secureCookies: boolean;
  dataDir: string;
  database: { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };
  smtpUrl: string | undefined;
  outboxDir: string;
  seedDemo: boolean;
  secretKey: string;
  logLevel: string;
  /** LOG_FILE: where the log goes instead of standard output, when set. */
  logFile: string | null;
  /** STAFF_UNDERTAKING_FILE: the shop's own confidentiality undertaking for staff, if not the default text. */
  staffUndertakingFile: string | null;
  trustProxy: boolean;
  rateLimits: { searchPerMinute: number; formsPer10Minutes: number; flushMs: number };
  shop: { name: string; address: string; email: string; icoNumber: string };
  /** Who handles personal data for the shop in each role (PAYMENT_PROCESSOR, MAIL_PROCESSOR, HOSTING_PROCESSOR, BACKUP_PROCESSOR). */
  processors: Record<ProcessorRole, ProcessorSetting>;
  payments: {
    vendor: string;
    /** The vendor's 16-byte Opayo encryption password: AES-128 key and IV of the crypt. */
    encryptionPassword: string;
    /** Where the checkout page posts the crypt from the customer's browser. */
    gatewayUrl: string;
    /** Minutes stock stays reserved for an order whose payment has not come back. */
    reservationMinutes: number;
  };
  /** What unpaid orders may hold, so that nobody can take the stock off sale without paying. */
  orders: {
    /** Unpaid orders holding stock at once from one network, and from one e-mail address. */
    unpaidPerBuyer: number;
    /** The most of one piece in a bag line and in an order. */
    maxLineQuantity: number;
  };
  /** How many campaign e-mails the outbox is given to send per minute (MARKETING_RATE_PER_MINUTE), so order and account e-mails never wait behind a campaign. */
  marketingRatePerMinute: number;
  /** How many days after an order is marked delivered its buyer is asked for feedback, if they agreed to be (FEEDBACK_REQUEST_DAYS). */
  feedbackRequestDays: number;
  /** The last day of the shop's financial year (FINANCIAL_YEAR_END): tax records are kept 6 years from the end of theirs. */
  financialYearEnd: { month: number; day: number };
  /** Backups to a restic repository (src/features/backups); repository null when BACKUP_REPOSITORY is unset. */
  backups: {
    repository: string | null;
    password: string | null;
    /** When the shop backs itself up: a cron pattern, in London time. */
    schedule: string;
    /** How many snapshots are kept: the last of each of this many days, weeks and months. */
    keep: { daily: number; weekly: number; monthly: number };
  };
  /** WEB_CONCURRENCY: app processes started by one `npm start`. */
  webConcurrency: number;
  /** The built-in imitation of Opayo's hosted page, on a listener of its own. */
  sandbox: {
    enabled: boolean;
    /** The port it listens on (on HOST, plain http). */
    port: number;
    /** The origin browsers reach it at: SANDBOX_URL, or the shop's scheme and host with this port. */
    url: string;
  };
}

export const SANDBOX_GATEWAY_PATH = '/gateway/service/vspform-register.vsp';

export class ConfigError extends Error {}

/** The longest backups may be kept: less than the erasure journal's 120 days, with a margin for a late restore. */
export const MAX_BACKUP_AGE_DAYS = 110;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'configuration');
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(clean[name] ?? '')}: ${issue?.message ?? 'invalid value'}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  let secretKey = e.SECRET_KEY;
  if (!secretKey) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigError('Missing SECRET_KEY: required when NODE_ENV=production (at least 32 characters of random text)');
    }
    secretKey = developmentSecret(dataDir);
  }
  const production = e.NODE_ENV === 'production';
  // Staff and customer sessions, set-up links and e-mailed links travel in the clear over http.
  if (production && !e.PUBLIC_URL)
    throw new ConfigError("Missing PUBLIC_URL: required when NODE_ENV=production (the shop's https:// address)");
  if (production && publicUrl.startsWith('http://') && !isLoopbackUrl(publicUrl)) {
    throw new ConfigError(`Invalid PUBLIC_URL=${JSON.stringify(e.PUBLIC_URL)}: expected an https:// address when NODE_ENV=production`);
  }
  const sandboxEnabled = e.SANDBOX_ENABLED ?? !production;
  const secureShop = publicUrl.startsWith('https://');
  // The sandbox keeps the shop's scheme: an https shop's pages cannot post to a plain-http page
  // (browsers upgrade the address), so its sandbox is reached over https too, through the same kind
  // of TLS proxy as the shop itself, unless SANDBOX_URL says where.
  const sandboxUrl = new URL(e.SANDBOX_URL ?? publicUrl);
  if (!e.SANDBOX_URL) sandboxUrl.port = String(e.SANDBOX_PORT);
  const sandboxOrigin = new URL(asPostedFrom(sandboxUrl.origin, secureShop)).origin;
  if (production && !e.OPAYO_VENDOR)
    throw new ConfigError('Missing OPAYO_VENDOR: required when NODE_ENV=production (your Opayo vendor name)');
  if (production && e.OPAYO_ENCRYPTION_PASSWORD === undefined) {
    throw new ConfigError('Missing OPAYO_ENCRYPTION_PASSWORD: required when NODE_ENV=production (from MyOpayo, exactly 16 characters)');
  }
  const encryptionPassword = e.OPAYO_ENCRYPTION_PASSWORD ?? developmentOpayoPassword(secretKey);
  const passwordBytes = Buffer.byteLength(encryptionPassword, 'latin1');
  if (passwordBytes !== 16 || /[^\x20-\x7e]/.test(encryptionPassword)) {
    // The value is a secret, so the message never repeats it.
    throw new ConfigError(
      `Invalid OPAYO_ENCRYPTION_PASSWORD: expected exactly 16 bytes of plain ASCII (the value given has ${Buffer.byteLength(encryptionPassword, 'utf8')})`,
    );
  }
  if (production && !e.OPAYO_GATEWAY_URL && !sandboxEnabled) {
    throw new ConfigError('Missing OPAYO_GATEWAY_URL: required when NODE_ENV=production (the Opayo live or test gateway URL)');
  }
  if (e.BACKUP_REPOSITORY && !e.BACKUP_PASSWORD) {
    throw new ConfigError(
      'Missing BACKUP_PASSWORD: required when BACKUP_REPOSITORY is set (it encrypts every backup; keep a copy away from the shop)',
    );
  }
  if (e.BACKUP_KEEP_DAILY + e.BACKUP_KEEP_WEEKLY + e.BACKUP_KEEP_MONTHLY === 0) {
    throw new ConfigError('Invalid BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY and BACKUP_KEEP_MONTHLY: at least one backup must be kept');
  }
  // The published policy names the processors: in production it must name the real ones.
  if (production && e.SMTP_URL && !e.MAIL_PROCESSOR) {
    throw new ConfigError(
      'Missing MAIL_PROCESSOR: required when NODE_ENV=production and SMTP_URL is set (who delivers the mail: "Company name; Country; safeguard")',
    );
  }
  if (production && e.BACKUP_REPOSITORY && !e.BACKUP_PROCESSOR) {
    throw new ConfigError(
      'Missing BACKUP_PROCESSOR: required when NODE_ENV=production and BACKUP_REPOSITORY is set (who keeps the backups: "Company name; Country; safeguard")',
    );
  }
  const keep = { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY, monthly: e.BACKUP_KEEP_MONTHLY };
  // The erasure journal is kept 120 days (src/features/privacy/erasure.journal.ts): every backup
  // must expire before it does, or a restore could bring an erased person back.
  if (longestBackupAgeDays(keep) > MAX_BACKUP_AGE_DAYS) {
    throw new ConfigError(
      `Invalid BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY or BACKUP_KEEP_MONTHLY: backups would be kept ${longestBackupAgeDays(keep)} days, and at most ${MAX_BACKUP_AGE_DAYS} are allowed (erased people must never come back from a backup)`,
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    dataDir,
    database: e.DATABASE_URL ? { dialect: 'postgres', url: e.DATABASE_URL } : { dialect: 'sqlite', file: join(dataDir, 'assay.db') },
    smtpUrl: e.SMTP_URL,
    outboxDir: join(dataDir, 'outbox'),
    seedDemo: e.SEED_DEMO,
    secretKey,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE ?? null,
    staffUndertakingFile: e.STAFF_UNDERTAKING_FILE ? resolve(e.STAFF_UNDERTAKING_FILE) : null,
    trustProxy: e.TRUST_PROXY,
    rateLimits: { searchPerMinute: e.SEARCH_RATE_LIMIT, formsPer10Minutes: e.FORM_RATE_LIMIT, flushMs: e.RATE_LIMIT_FLUSH_MS },
    shop: { name: e.SHOP_NAME, address: e.SHOP_ADDRESS, email: e.SHOP_EMAIL, icoNumber: e.SHOP_ICO_NUMBER },
    processors: {
      payments: e.PAYMENT_PROCESSOR ?? DEFAULT_PROCESSORS.payments,
      email: e.MAIL_PROCESSOR ?? DEFAULT_PROCESSORS.email,
      hosting: e.HOSTING_PROCESSOR ?? DEFAULT_PROCESSORS.hosting,
      backups: e.BACKUP_PROCESSOR ?? DEFAULT_PROCESSORS.backups,
    },
    payments: {
      vendor: e.OPAYO_VENDOR ?? 'assaydemo',
      encryptionPassword,
      gatewayUrl: asPostedFrom(e.OPAYO_GATEWAY_URL ?? `${sandboxOrigin}${SANDBOX_GATEWAY_PATH}`, secureShop),
      reservationMinutes: e.ORDER_RESERVATION_MINUTES,
    },
    orders: { unpaidPerBuyer: e.UNPAID_ORDERS_PER_BUYER, maxLineQuantity: e.MAX_LINE_QUANTITY },
    marketingRatePerMinute: e.MARKETING_RATE_PER_MINUTE,
    feedbackRequestDays: e.FEEDBACK_REQUEST_DAYS,
    financialYearEnd: monthDay(e.FINANCIAL_YEAR_END),
    backups: {
      repository: e.BACKUP_REPOSITORY ?? null,
      password: e.BACKUP_REPOSITORY ? (e.BACKUP_PASSWORD ?? null) : null,
      schedule: e.BACKUP_SCHEDULE,
      keep,
    },
    webConcurrency: e.WEB_CONCURRENCY,
    sandbox: { enabled: sandboxEnabled, port: e.SANDBOX_PORT, url: sandboxOrigin },
  };
}

/** The configuration of a process being started, or its plain message on standard error and exit 1 when the environment is wrong. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

function monthDay(text: string): { month: number; day: number } {
  const [month, day] = text.split('-').map(Number);
  return { month: month ?? 0, day: day ?? 0 };
}

/** "03-31" is; "02-29" is not (a year end must come every year), nor "04-31" or "13-01". */
function isMonthDayOfEveryYear(text: string): boolean {
  const { month, day } = monthDay(text);
  // 2027 is not a leap year, so February has its 28 days.
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(2027, month, 0)).getUTCDate();
}

/** An address only this machine can reach, where trying production mode over http exposes nothing. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The address a form on the shop's pages is really sent to. An https shop's pages carry
 * `upgrade-insecure-requests`, so browsers send a form aimed at http:// to https:// instead (port
 * 80 becoming 443), except on a loopback address, which they already treat as secure. The Pay form
 * posts to this address and the CSP allows exactly it, so the two cannot disagree.
 */
function asPostedFrom(url: string, secureShop: boolean): string {
  const target = new URL(url);
  if (!secureShop || target.protocol !== 'http:' || isLoopbackUrl(target.href)) return target.href;
  target.protocol = 'https:';
  return target.href;
}

function isOriginOnly(url: string): boolean {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Outside production, with no password configured, shop and sandbox share one made from SECRET_KEY. */
function developmentOpayoPassword(secretKey: string): string {
  return createHash('sha256').update(`opayo:${secretKey}`).digest('hex').slice(0, 16);
}

/** In development the key is made once and kept in DATA_DIR, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
