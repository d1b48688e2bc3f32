import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig, SANDBOX_GATEWAY_PATH } from '../../src/config.js';
import {
  buildCryptPlaintext,
  encryptCrypt,
  type OpayoParty,
  type OpayoRequest,
  type OpayoResult,
  parseResult,
} from '../../src/features/payments/opayo.js';
import { buildSandboxApp } from '../../src/features/payments/sandbox/sandbox.app.js';

let dataDir: string;
let config: Config;
let app: FastifyInstance;
let now: Date;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'assay-sandbox-'));
  config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SECRET_KEY: 'x'.repeat(40) });
  app = await buildSandboxApp(config, { clock: () => now });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  now = new Date('2026-11-25T12:00:00Z');
});

const party: OpayoParty = {
  firstnames: 'Ada',
  surname: 'Lovelace',
  address1: '12 Vyse Street',
  city: 'Birmingham',
  postCode: 'B18 6NF',
  country: 'GB',
};

function paymentRequest(overrides: Partial<OpayoRequest> = {}): OpayoRequest {
  return {
    vendorTxCode: 'AS-1001-0000000000001',
    amountPence: 123450,
    description: 'Sapphire halo ring, 18ct gold',
    successUrl: `${config.publicUrl}/checkout/paid`,
    failureUrl: `${config.publicUrl}/checkout/not-paid`,
    billing: party,
    delivery: party,
    ...overrides,
  };
}

function cryptFor(req: OpayoRequest, password = config.payments.encryptionPassword): string {
  return encryptCrypt(buildCryptPlaintext(req), password);
}

function register(form: Record<string, string>) {
  return app.inject({ method: 'POST', url: SANDBOX_GATEWAY_PATH, payload: form });
}

/** Posts the shop's form to the gateway and returns the card page's session id. */
async function openPayment(req: OpayoRequest = paymentRequest()): Promise<{ session: string; html: string }> {
  const res = await register({ VPSProtocol: '4.00', TxType: 'PAYMENT', Vendor: config.payments.vendor, Crypt: cryptFor(req) });
  expect(res.statusCode).toBe(200);
  const session = /name="session" value="([^"]+)"/.exec(res.body)?.[1];
  expect(session).toBeTruthy();
  return { session: session!, html: res.body };
}

function payWith(session: string, card: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/gateway/service/card', payload: { session, expiry: '12/28', cv2: '123', ...card } });
}

/** The result carried back on the redirect, read as the shop reads it. */
function resultOf(location: string): OpayoResult {
  const crypt = new URL(location).searchParams.get('crypt');
  const parsed = parseResult(crypt ?? '', config.payments.encryptionPassword);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.result;
}

describe('the card page', () => {
  it('shows the amount, the description and the vendor, with the test banner and test cards', async () => {
    const { html } = await openPayment();
    expect(html).toContain('£1,234.50');
    expect(html).toContain('Sapphire halo ring, 18ct gold');
    expect(html).toContain(config.payments.vendor);
    expect(html).toContain('Test payment page — no real card is charged');
    expect(html).toContain('4929000000006');
    expect(html).toContain('autocomplete="cc-number"');
    expect(html).toContain('inputmode="numeric"');
    expect(html).toContain('<label for="cardNumber">');
    expect(html).toContain('action="/gateway/service/cancel"');
  });

  it('runs no script and no inline style, and lets its forms redirect back to the shop only', async () => {
    const res = await register({
      VPSProtocol: '4.00',
      TxType: 'PAYMENT',
      Vendor: config.payments.vendor,
      Crypt: cryptFor(paymentRequest()),
    });
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).not.toMatch(/ style=|<style/i);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain(`form-action 'self' ${new URL(config.publicUrl).origin}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const css = await app.inject({ method: 'GET', url: '/sandbox.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });
});

describe('paying', () => {
  const cases: { number: string; status: string; cardType: string }[] = [
    { number: '4929000000006', status: 'OK', cardType: 'VISA' },
    { number: '5404000000000001', status: 'OK', cardType: 'MC' },
    { number: '374200000000004', status: 'OK', cardType: 'AMEX' },
    { number: '4462000000000003', status: 'OK', cardType: 'DELTA' },
    { number: '4929602110085639', status: 'NOTAUTHED', cardType: 'VISA' },
    { number: '5403814948608092', status: 'NOTAUTHED', cardType: 'MC' },
    { number: '4111111111111111', status: 'NOTAUTHED', cardType: 'VISA' },
  ];
  for (const { number, status, cardType } of cases) {
    it(`answers ${status} for ${number}`, async () => {
      const req = paymentRequest();
      const { session } = await openPayment(req);
      const res = await payWith(session, { cardNumber: number.replace(/(\d{4})/g, '$1 ').trim() });
      expect(res.statusCode).toBe(302);
      const location = String(res.headers.location);
      expect(location.startsWith(`${status === 'OK' ? req.successUrl : req.failureUrl}?crypt=@`)).toBe(true);
      const result = resultOf(location);
      expect(result).toMatchObject({ status, amountPence: 123450, vendorTxCode: req.vendorTxCode, cardType });
      expect(result.vpsTxId).toMatch(/^\{[0-9A-F-]{36}\}$/);
      expect(result.fields.get('Amount')).toBe('1234.50');
      expect(result.fields.get('Last4Digits')).toBe(number.slice(-4));
      expect(result.fields.get('ExpiryDate')).toBe('1228');
      expect(result.fields.get('VPSProtocol')).toBe('4.00');
      expect(result.fields.get('TxType')).toBe('PAYMENT');
      expect(result.fields.get('3DSecureStatus')).toBe('NOTCHECKED');
      if (status === 'OK') {
        expect(result.statusDetail).toBe('0000 : The Authorisation was Successful.');
        expect(result.txAuthNo).toMatch(/^\d+$/);
        expect(result.fields.get('BankAuthCode')).toMatch(/^\d{6}$/);
        expect(result.fields.get('CV2Result')).toBe('MATCHED');
      } else {
        expect(result.statusDetail).toBe('2000 : The Authorisation was Declined by the bank.');
        expect(result.txAuthNo).toBeNull();
      }
    });
  }

  it('rejects an authorised card with the wrong security code', async () => {
    const { session } = await openPayment();
    const res = await payWith(session, { cardNumber: '4929000000006', cv2: '999' });
    expect(res.statusCode).toBe(302);
    const result = resultOf(String(res.headers.location));
    expect(result.status).toBe('REJECTED');
    expect(result.fields.get('CV2Result')).toBe('NOTMATCHED');
    expect(result.fields.get('AVSCV2')).toBe('NO DATA MATCHES');
    expect(result.txAuthNo).toBeNull();
  });

  it('matches the address checks for billing address 88 and post code 412 only', async () => {
    const plain = resultOf(String((await payWith((await openPayment()).session, { cardNumber: '4929000000006' })).headers.location));
    expect(plain.fields.get('AddressResult')).toBe('NOTMATCHED');
    expect(plain.fields.get('PostCodeResult')).toBe('NOTMATCHED');
    expect(plain.fields.get('AVSCV2')).toBe('SECURITY CODE MATCH ONLY');
    const matching = { ...party, address1: '88 Test Road', postCode: '412' };
    const { session } = await openPayment(paymentRequest({ billing: matching }));
    const matched = resultOf(String((await payWith(session, { cardNumber: '4929000000006' })).headers.location));
    expect(matched.fields.get('AddressResult')).toBe('MATCHED');
    expect(matched.fields.get('PostCodeResult')).toBe('MATCHED');
    expect(matched.fields.get('AVSCV2')).toBe('ALL MATCH');
  });

  it('appends the crypt with & when the return URL has a query already', async () => {
    const req = paymentRequest({ failureUrl: `${config.publicUrl}/checkout/return?result=failure` });
    const { session } = await openPayment(req);
    const res = await payWith(session, { cardNumber: '4929602110085639' });
    expect(String(res.headers.location)).toMatch(/\/checkout\/return\?result=failure&crypt=@[0-9A-F]+$/);
  });

  it('sends a cancelled payment back as ABORT', async () => {
    const req = paymentRequest();
    const { session } = await openPayment(req);
    const res = await app.inject({ method: 'POST', url: '/gateway/service/cancel', payload: { session } });
    expect(res.statusCode).toBe(302);
    expect(String(res.headers.location).startsWith(`${req.failureUrl}?crypt=@`)).toBe(true);
    expect(resultOf(String(res.headers.location))).toMatchObject({
      status: 'ABORT',
      statusDetail: '2001 : The Transaction was cancelled by the customer.',
      amountPence: 123450,
      vendorTxCode: req.vendorTxCode,
    });
  });

  it('uses each payment page once', async () => {
    const paid = await openPayment();
    expect((await payWith(paid.session, { cardNumber: '4929000000006' })).statusCode).toBe(302);
    const again = await payWith(paid.session, { cardNumber: '4929000000006' });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('This payment page has expired');
    expect((await app.inject({ method: 'POST', url: '/gateway/service/cancel', payload: { session: paid.session } })).statusCode).toBe(410);

    const cancelled = await openPayment();
    expect((await app.inject({ method: 'POST', url: '/gateway/service/cancel', payload: { session: cancelled.session } })).statusCode).toBe(
      302,
    );
    expect((await payWith(cancelled.session, { cardNumber: '4929000000006' })).statusCode).toBe(410);
    expect((await payWith('made-up', { cardNumber: '4929000000006' })).statusCode).toBe(410);
  });

  it('expires a payment page after 15 minutes', async () => {
    const { session } = await openPayment();
    now = new Date(now.getTime() + 15 * 60_000);
    expect((await payWith(session, { cardNumber: '4929000000006' })).statusCode).toBe(410);
  });
});

describe('the card form', () => {
  const invalid: [string, Record<string, string>, string, string][] = [
    ['a missing card number', { cardNumber: '' }, 'cardNumber', 'Please enter the card number.'],
    ['a card number failing the Luhn check', { cardNumber: '4929000000007' }, 'cardNumber', 'it is not a valid card number'],
    ['a card number with letters', { cardNumber: '4929 abcd 0000 6' }, 'cardNumber', 'it should be 12 to 19 digits'],
    ['a malformed expiry date', { cardNumber: '4929000000006', expiry: '13/28' }, 'expiry', 'as MM/YY'],
    ['an expired card', { cardNumber: '4929000000006', expiry: '10/26' }, 'expiry', 'This card has expired'],
    ['a short security code', { cardNumber: '4929000000006', cv2: '12' }, 'cv2', '3 or 4 digit security code'],
    ['a security code with letters', { cardNumber: '4929000000006', cv2: '12a' }, 'cv2', '3 or 4 digit security code'],
  ];
  for (const [what, card, field, message] of invalid) {
    it(`shows the form again for ${what}`, async () => {
      const { session } = await openPayment();
      const res = await payWith(session, card);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(message);
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).toContain('£1,234.50');
      // The page stays usable: the same session pays once corrected.
      expect((await payWith(session, { cardNumber: '4929000000006' })).statusCode).toBe(302);
    });
  }

  it('takes a card valid until the end of this month, and never shows a card number or security code again', async () => {
    const { session } = await openPayment();
    const rejected = await payWith(session, { cardNumber: '4111 1111 1111 1111', expiry: '11/26', cv2: '98765', cardholder: 'A Lovelace' });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.body).not.toMatch(/4111.?1111|98765/);
    expect(rejected.body).toContain('value="11/26"');
    expect(rejected.body).toContain('value="A Lovelace"');
    expect((await payWith(session, { cardNumber: '5404000000000001', expiry: '11/26' })).statusCode).toBe(302);
  });
});

describe('refusing a payment request', () => {
  const good = () => ({ VPSProtocol: '4.00', TxType: 'PAYMENT', Vendor: config.payments.vendor, Crypt: cryptFor(paymentRequest()) });
  const cases: [string, () => Record<string, string>, string][] = [
    ['another vendor', () => ({ ...good(), Vendor: 'someoneelse' }), 'the Vendor field does not name this vendor'],
    ['another protocol', () => ({ ...good(), VPSProtocol: '3.00' }), 'the VPSProtocol field must be 4.00'],
    ['another transaction type', () => ({ ...good(), TxType: 'DEFERRED' }), 'the TxType field must be PAYMENT'],
    ['no crypt', () => ({ ...good(), Crypt: '' }), 'the Crypt field is missing'],
    ['a garbage crypt', () => ({ ...good(), Crypt: 'hello' }), "the crypt does not start with '@'"],
    [
      'a crypt of another password',
      () => ({ ...good(), Crypt: cryptFor(paymentRequest(), 'AnotherPassword!') }),
      'the crypt has invalid padding',
    ],
    [
      'a crypt with an unknown field',
      () => ({
        ...good(),
        Crypt: encryptCrypt(`${buildCryptPlaintext(paymentRequest())}&Colour=gold`, config.payments.encryptionPassword),
      }),
      'unknown field &quot;Colour&quot;',
    ],
  ];
  for (const [what, form, reason] of cases) {
    it(`refuses ${what} with a plain message`, async () => {
      const res = await register(form());
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('This payment could not be started');
      expect(res.body).toContain('The payment request could not be read (');
      expect(res.body).toContain(reason);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    });
  }

  it('refuses a request with no form at all, and a body over 16 kB, without a server error', async () => {
    expect((await app.inject({ method: 'POST', url: SANDBOX_GATEWAY_PATH })).statusCode).toBe(400);
    const json = await app.inject({ method: 'POST', url: SANDBOX_GATEWAY_PATH, payload: { Crypt: 1 } });
    expect(json.statusCode).toBe(400);
    const big = await register({ ...good(), Crypt: `@${'A'.repeat(20_000)}` });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Too much to send');
  });
});

describe('other pages', () => {
  it('explains itself at /', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Payment sandbox');
    expect(res.body).toContain('No real card is ever charged');
  });

  it('answers unknown pages with a friendly 404 and other methods with 405', async () => {
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Page not found');
    expect((await app.inject({ method: 'PUT', url: '/gateway/service/card' })).statusCode).toBe(405);
  });
});

describe('privacy', () => {
  it('logs no card number, security code or crypt', async () => {
    const stream = new PassThrough();
    let logs = '';
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    const logged = await buildSandboxApp({ ...config, logLevel: 'trace' }, { logger: true, logStream: stream, clock: () => now });
    const crypt = cryptFor(paymentRequest());
    const page = await logged.inject({
      method: 'POST',
      url: SANDBOX_GATEWAY_PATH,
      payload: { VPSProtocol: '4.00', TxType: 'PAYMENT', Vendor: config.payments.vendor, Crypt: crypt },
    });
    const session = /name="session" value="([^"]+)"/.exec(page.body)![1]!;
    const retry = await logged.inject({
      method: 'POST',
      url: '/gateway/service/card',
      payload: { session, cardNumber: '374200000000004', expiry: '1/28', cv2: '123' },
    });
    expect(retry.statusCode).toBe(400);
    const paid = await logged.inject({
      method: 'POST',
      url: '/gateway/service/card',
      payload: { session, cardNumber: '4929 6021 1008 5639', expiry: '12/28', cv2: '4321' },
    });
    expect(paid.statusCode).toBe(302);
    await logged.close();
    expect(logs).toContain('/gateway/service/card');
    for (const secret of ['4929 6021 1008 5639', '4929602110085639', '374200000000004', '4321', crypt.slice(1, 40), 'Lovelace']) {
      expect(logs).not.toContain(secret);
    }
  });

  it('refuses to run in production while the shop sends payments to Opayo', async () => {
    const production = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://shop.example',
      DATA_DIR: dataDir,
      SECRET_KEY: 'x'.repeat(40),
      OPAYO_VENDOR: 'assaylive',
      OPAYO_ENCRYPTION_PASSWORD: 'Live16BytesPassw',
      OPAYO_GATEWAY_URL: 'https://live.opayo.eu.elavon.com/gateway/service/vspform-register.vsp',
      SANDBOX_ENABLED: 'true',
    });
    await expect(buildSandboxApp(production)).rejects.toThrow(/cannot run while the shop sends payments to Opayo/);
  });
});
