import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'assay-config-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('configuration contract', () => {
  it('has the documented defaults', () => {
    const d = dir();
    const c = loadConfig({ DATA_DIR: d });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.database).toEqual({ dialect: 'sqlite', file: join(d, 'assay.db') });
    expect(c.smtpUrl).toBeUndefined();
    expect(c.outboxDir).toBe(join(d, 'outbox'));
    expect(c.seedDemo).toBe(true);
    expect(c.secureCookies).toBe(false);
  });

  it('derives PUBLIC_URL from PORT and chooses PostgreSQL from DATABASE_URL', () => {
    const c = loadConfig({ DATA_DIR: dir(), PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/shop', SEED_DEMO: 'false' });
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.database).toEqual({ dialect: 'postgres', url: 'postgres://u:p@db:5432/shop' });
    expect(c.seedDemo).toBe(false);
  });

  it('marks cookies Secure when the public URL is https', () => {
    expect(loadConfig({ DATA_DIR: dir(), PUBLIC_URL: 'https://shop.example/' }).secureCookies).toBe(true);
  });

  it.each([
    ['PORT', 'eighty', /^Invalid PORT="eighty": expected a port number$/],
    ['PORT', '70000', /^Invalid PORT="70000": expected a port from 0 to 65535$/],
    ['PUBLIC_URL', 'shop.example', /^Invalid PUBLIC_URL="shop.example": expected an absolute/],
    ['DATABASE_URL', 'mysql://x', /^Invalid DATABASE_URL="mysql:\/\/x": expected a postgres:\/\//],
    ['SMTP_URL', 'mail.example', /^Invalid SMTP_URL="mail.example": expected an smtp:\/\//],
    ['SEED_DEMO', 'maybe', /^Invalid SEED_DEMO="maybe": expected true or false$/],
    ['SECRET_KEY', 'short', /^Invalid SECRET_KEY="short": expected at least 32 characters/],
  ])('stops with one line naming %s when it is %s', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dir(), [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('requires SECRET_KEY in production', () => {
    expect(() => loadConfig({ DATA_DIR: dir(), NODE_ENV: 'production' })).toThrow(/^Missing SECRET_KEY: required when NODE_ENV=production/);
  });

  it('generates a development secret once and keeps it in DATA_DIR', () => {
    const d = dir();
    const first = loadConfig({ DATA_DIR: d }).secretKey;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(join(d, 'secret.key'))).toBe(true);
    expect(readFileSync(join(d, 'secret.key'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: d }).secretKey).toBe(first);
  });
});
