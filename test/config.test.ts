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
    ['UNPAID_ORDERS_PER_BUYER', 'three', /^Invalid UNPAID_ORDERS_PER_BUYER="three": expected a number of unpaid orders$/],
    ['UNPAID_ORDERS_PER_BUYER', '0', /^Invalid UNPAID_ORDERS_PER_BUYER="0": expected at least 1$/],
    ['UNPAID_ORDERS_PER_BUYER', '2.5', /^Invalid UNPAID_ORDERS_PER_BUYER="2.5": expected a whole number$/],
    ['UNPAID_ORDERS_PER_BUYER', '5000', /^Invalid UNPAID_ORDERS_PER_BUYER="5000": expected at most 1000$/],
    ['MAX_LINE_QUANTITY', 'lots', /^Invalid MAX_LINE_QUANTITY="lots": expected a number of pieces$/],
    ['MAX_LINE_QUANTITY', '-1', /^Invalid MAX_LINE_QUANTITY="-1": expected at least 1$/],
    ['MAX_LINE_QUANTITY', '100', /^Invalid MAX_LINE_QUANTITY="100": expected at most 99$/],
    ['MARKETING_RATE_PER_MINUTE', 'fast', /^Invalid MARKETING_RATE_PER_MINUTE="fast": expected a number of marketing e-mails per minute$/],
    ['MARKETING_RATE_PER_MINUTE', '0', /^Invalid MARKETING_RATE_PER_MINUTE="0": expected at least 1$/],
    ['MARKETING_RATE_PER_MINUTE', '1.5', /^Invalid MARKETING_RATE_PER_MINUTE="1.5": expected a whole number$/],
    ['MARKETING_RATE_PER_MINUTE', '100001', /^Invalid MARKETING_RATE_PER_MINUTE="100001": expected at most 100000$/],
    ['FEEDBACK_REQUEST_DAYS', 'soon', /^Invalid FEEDBACK_REQUEST_DAYS="soon": expected a number of days after delivery$/],
    ['FEEDBACK_REQUEST_DAYS', '0', /^Invalid FEEDBACK_REQUEST_DAYS="0": expected at least 1 day$/],
    ['FEEDBACK_REQUEST_DAYS', '2.5', /^Invalid FEEDBACK_REQUEST_DAYS="2.5": expected a whole number$/],
    ['FEEDBACK_REQUEST_DAYS', '61', /^Invalid FEEDBACK_REQUEST_DAYS="61": expected at most 60 days$/],
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

  it('requires an https:// PUBLIC_URL in production, except on this machine alone', () => {
    const production = {
      DATA_DIR: dir(),
      NODE_ENV: 'production',
      SECRET_KEY: 's'.repeat(40),
      OPAYO_VENDOR: 'jeweller',
      OPAYO_ENCRYPTION_PASSWORD: 'abcdefghijklmnop',
      SANDBOX_ENABLED: 'true',
    };
    const attempt = (url?: string) => () => loadConfig({ ...production, PUBLIC_URL: url });
    expect(attempt()).toThrow(/^Missing PUBLIC_URL: required when NODE_ENV=production \(the shop's https:\/\/ address\)$/);
    expect(attempt('http://shop.example')).toThrow(ConfigError);
    expect(attempt('http://shop.example')).toThrow(
      /^Invalid PUBLIC_URL="http:\/\/shop.example": expected an https:\/\/ address when NODE_ENV=production$/,
    );
    expect(attempt('https://shop.example')().publicUrl).toBe('https://shop.example');
    // A loopback address cannot be reached from another machine: trying production mode locally stays possible.
    expect(attempt('http://127.0.0.1:8080')().publicUrl).toBe('http://127.0.0.1:8080');
    expect(attempt('http://localhost:8080')().publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ DATA_DIR: dir(), PUBLIC_URL: 'http://shop.example' }).publicUrl).toBe('http://shop.example');
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

describe('payment settings', () => {
  const secret = 's'.repeat(40);
  const production = { NODE_ENV: 'production', SECRET_KEY: secret, PUBLIC_URL: 'https://shop.example' };

  it('uses the built-in sandbox outside production, with a 16-byte password made from the secret key', () => {
    const c = loadConfig({ DATA_DIR: dir(), SECRET_KEY: secret, PORT: '8080' });
    expect(c.sandbox).toEqual({ enabled: true, port: 3001, url: 'http://localhost:3001' });
    expect(c.payments.gatewayUrl).toBe('http://localhost:3001/gateway/service/vspform-register.vsp');
    expect(Buffer.byteLength(c.payments.encryptionPassword, 'latin1')).toBe(16);
    expect(loadConfig({ DATA_DIR: dir(), SECRET_KEY: secret }).payments.encryptionPassword).toBe(c.payments.encryptionPassword);
    expect(c.payments.reservationMinutes).toBe(30);
  });

  it('stops with a clear message, never repeating the secret, when the password is not exactly 16 bytes', () => {
    for (const password of ['fifteen-bytes!!', 'seventeen-bytes!!', 'sixteen-bytes-£1']) {
      const attempt = () => loadConfig({ DATA_DIR: dir(), SECRET_KEY: secret, OPAYO_ENCRYPTION_PASSWORD: password });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^Invalid OPAYO_ENCRYPTION_PASSWORD: expected exactly 16 bytes/);
      expect(attempt).not.toThrow(password);
    }
    expect(
      loadConfig({ DATA_DIR: dir(), SECRET_KEY: secret, OPAYO_ENCRYPTION_PASSWORD: '55a51621a6648525' }).payments.encryptionPassword,
    ).toBe('55a51621a6648525');
  });

  it('requires the Opayo vendor, password and gateway in production, and turns the sandbox off there', () => {
    expect(() => loadConfig({ DATA_DIR: dir(), ...production })).toThrow(/^Missing OPAYO_VENDOR/);
    expect(() => loadConfig({ DATA_DIR: dir(), ...production, OPAYO_VENDOR: 'jeweller' })).toThrow(/^Missing OPAYO_ENCRYPTION_PASSWORD/);
    const real = { ...production, OPAYO_VENDOR: 'jeweller', OPAYO_ENCRYPTION_PASSWORD: 'abcdefghijklmnop' };
    expect(() => loadConfig({ DATA_DIR: dir(), ...real })).toThrow(/^Missing OPAYO_GATEWAY_URL/);
    const live = loadConfig({
      DATA_DIR: dir(),
      ...real,
      OPAYO_GATEWAY_URL: 'https://live.opayo.eu.elavon.com/gateway/service/vspform-register.vsp',
    });
    expect(live.sandbox.enabled).toBe(false);
    expect(live.payments.gatewayUrl).toBe('https://live.opayo.eu.elavon.com/gateway/service/vspform-register.vsp');
    expect(loadConfig({ DATA_DIR: dir(), ...real, SANDBOX_ENABLED: 'true' }).sandbox.enabled).toBe(true);
    expect(() => loadConfig({ DATA_DIR: dir(), ...real, OPAYO_VENDOR: 'not a vendor!' })).toThrow(/^Invalid OPAYO_VENDOR/);
  });
});

describe('configuration of what unpaid orders may hold', () => {
  it('has the documented defaults: 3 unpaid orders per network and per e-mail address, 5 of one piece a line', () => {
    expect(loadConfig({ DATA_DIR: dir() }).orders).toEqual({ unpaidPerBuyer: 3, maxLineQuantity: 5 });
  });

  it('takes UNPAID_ORDERS_PER_BUYER and MAX_LINE_QUANTITY', () => {
    const c = loadConfig({ DATA_DIR: dir(), UNPAID_ORDERS_PER_BUYER: '8', MAX_LINE_QUANTITY: '2' });
    expect(c.orders).toEqual({ unpaidPerBuyer: 8, maxLineQuantity: 2 });
  });

  it('sends marketing at 600 e-mails a minute unless MARKETING_RATE_PER_MINUTE says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dir() }).marketingRatePerMinute).toBe(600);
    expect(loadConfig({ DATA_DIR: dir(), MARKETING_RATE_PER_MINUTE: '120' }).marketingRatePerMinute).toBe(120);
  });

  it('asks for feedback 5 days after delivery unless FEEDBACK_REQUEST_DAYS says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dir() }).feedbackRequestDays).toBe(5);
    expect(loadConfig({ DATA_DIR: dir(), FEEDBACK_REQUEST_DAYS: '14' }).feedbackRequestDays).toBe(14);
  });
});

describe('the financial year end (FINANCIAL_YEAR_END)', () => {
  it('is 31 March by default, and takes another month and day', () => {
    expect(loadConfig({ DATA_DIR: dir() }).financialYearEnd).toEqual({ month: 3, day: 31 });
    expect(loadConfig({ DATA_DIR: dir(), FINANCIAL_YEAR_END: '12-31' }).financialYearEnd).toEqual({ month: 12, day: 31 });
    expect(loadConfig({ DATA_DIR: dir(), FINANCIAL_YEAR_END: '02-28' }).financialYearEnd).toEqual({ month: 2, day: 28 });
  });

  it.each([
    ['31/03', /^Invalid FINANCIAL_YEAR_END="31\/03": expected the last day of the financial year as month-day, such as 03-31$/],
    ['3-31', /^Invalid FINANCIAL_YEAR_END="3-31": expected the last day of the financial year as month-day, such as 03-31$/],
    ['13-01', /^Invalid FINANCIAL_YEAR_END="13-01": expected a day that falls in every year, such as 03-31/],
    ['04-31', /^Invalid FINANCIAL_YEAR_END="04-31": expected a day that falls in every year, such as 03-31/],
    [
      '02-29',
      /^Invalid FINANCIAL_YEAR_END="02-29": expected a day that falls in every year, such as 03-31 \(for a year ending in February, use 02-28\)$/,
    ],
    ['00-10', /^Invalid FINANCIAL_YEAR_END="00-10": expected a day that falls in every year/],
  ])('stops with one plain line when it is %s', (value, message) => {
    expect(() => loadConfig({ DATA_DIR: dir(), FINANCIAL_YEAR_END: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir(), FINANCIAL_YEAR_END: value })).toThrow(message);
  });
});

describe('the processors (PAYMENT_PROCESSOR, MAIL_PROCESSOR, HOSTING_PROCESSOR, BACKUP_PROCESSOR)', () => {
  it('reads "Company; Country; safeguard", the safeguard following for the UK and adequate countries', () => {
    const c = loadConfig({
      DATA_DIR: dir(),
      MAIL_PROCESSOR: 'Postmark; United States; uk-us-data-bridge',
      HOSTING_PROCESSOR: 'Hetzner Online GmbH; Germany',
      PAYMENT_PROCESSOR: 'Opayo; UK',
    });
    expect(c.processors.email).toEqual({ name: 'Postmark', country: 'United States', safeguard: 'uk-us-data-bridge' });
    expect(c.processors.hosting).toEqual({ name: 'Hetzner Online GmbH', country: 'Germany', safeguard: 'adequacy' });
    expect(c.processors.payments).toEqual({ name: 'Opayo', country: 'United Kingdom', safeguard: 'uk' });
    expect(loadConfig({ DATA_DIR: dir() }).processors.backups.safeguard).toBe('uk');
  });

  it('stops at start-up naming the setting when a transfer has no safeguard, or a wrong one', () => {
    expect(() => loadConfig({ DATA_DIR: dir(), MAIL_PROCESSOR: 'Acme; India' })).toThrow(
      /^Invalid MAIL_PROCESSOR="Acme; India": India has no UK adequacy: name the safeguard/,
    );
    expect(() => loadConfig({ DATA_DIR: dir(), MAIL_PROCESSOR: 'Acme; India' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir(), HOSTING_PROCESSOR: 'Acme; India; trust-us' })).toThrow(
      /^Invalid HOSTING_PROCESSOR=.*expected the safeguard to be one of uk, adequacy, uk-us-data-bridge, idta, addendum/,
    );
    expect(() => loadConfig({ DATA_DIR: dir(), PAYMENT_PROCESSOR: 'Acme; India; uk-us-data-bridge' })).toThrow(
      /^Invalid PAYMENT_PROCESSOR=.*only for a company in the United States/,
    );
    expect(() => loadConfig({ DATA_DIR: dir(), BACKUP_PROCESSOR: 'Acme' })).toThrow(
      /^Invalid BACKUP_PROCESSOR=.*expected "Company name; Country"/,
    );
    expect(loadConfig({ DATA_DIR: dir(), MAIL_PROCESSOR: 'Acme; India; idta' }).processors.email.safeguard).toBe('idta');
  });

  it('requires MAIL_PROCESSOR in production when SMTP_URL is set', () => {
    const real = {
      NODE_ENV: 'production',
      SECRET_KEY: 's'.repeat(40),
      PUBLIC_URL: 'https://shop.example',
      OPAYO_VENDOR: 'jeweller',
      OPAYO_ENCRYPTION_PASSWORD: 'abcdefghijklmnop',
      OPAYO_GATEWAY_URL: 'https://live.opayo.eu.elavon.com/gateway/service/vspform-register.vsp',
    };
    expect(() => loadConfig({ DATA_DIR: dir(), ...real, SMTP_URL: 'smtp://mail.example:587' })).toThrow(/^Missing MAIL_PROCESSOR/);
    expect(
      loadConfig({ DATA_DIR: dir(), ...real, SMTP_URL: 'smtp://mail.example:587', MAIL_PROCESSOR: 'Mailgun Technologies; Germany' })
        .processors.email.name,
    ).toBe('Mailgun Technologies');
    // Without SMTP_URL mail is written to files on the shop's own server: no mail company to name.
    expect(loadConfig({ DATA_DIR: dir(), ...real }).processors.email).toEqual(loadConfig({ DATA_DIR: dir() }).processors.email);
  });
});
