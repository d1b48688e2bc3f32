import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

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
  TRUST_PROXY: booleanText.default(false),
  SEARCH_RATE_LIMIT: z.coerce
    .number({ message: 'expected a number of searches per minute' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .default(60),
  FORM_RATE_LIMIT: z.coerce
    .number({ message: 'expected a number of form posts per 10 minutes' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .default(10),
  SHOP_NAME: z.string().min(1).max(80).default('Assay Demo Jewellers'),
  SHOP_ADDRESS: z.string().min(1).max(300).default('124 Vyse Street, Jewellery Quarter, Birmingham B18 6NF'),
  SHOP_EMAIL: z.email({ message: 'expected an e-mail address' }).default('privacy@assay.example'),
  SHOP_ICO_NUMBER: z
    .string()
    .regex(/^[A-Z0-9]{6,10}$/, 'expected an ICO registration number such as ZA123456')
    .default('ZA000000'),
});

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
  trustProxy: boolean;
  rateLimits: { searchPerMinute: number; formsPer10Minutes: number };
  shop: { name: string; address: string; email: string; icoNumber: string };
}

export class ConfigError extends Error {}

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
    trustProxy: e.TRUST_PROXY,
    rateLimits: { searchPerMinute: e.SEARCH_RATE_LIMIT, formsPer10Minutes: e.FORM_RATE_LIMIT },
    shop: { name: e.SHOP_NAME, address: e.SHOP_ADDRESS, email: e.SHOP_EMAIL, icoNumber: e.SHOP_ICO_NUMBER },
  };
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
