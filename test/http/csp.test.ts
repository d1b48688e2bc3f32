import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestShop, type TestShop } from '../support/build-app.js';
import { checkout } from '../support/customer.js';
import { GUEST, Shopper } from '../support/shopper.js';

/**
 * The Pay button must work under the shop's own Content Security Policy: the order page's form
 * posts the crypt to Opayo (or the built-in sandbox), and the browser checks that address, after
 * `upgrade-insecure-requests` has turned any http:// into https://, against `form-action`. These
 * tests read the Pay form and the CSP header of the same response and decide as Chromium does.
 */

const OPAYO_TEST = 'https://sandbox.opayo.eu.elavon.com/gateway/service/vspform-register.vsp';
const OPAYO_LIVE = 'https://live.opayo.eu.elavon.com/gateway/service/vspform-register.vsp';

const shops: TestShop[] = [];
afterAll(async () => {
  for (const shop of shops) await shop.close();
});

async function openShop(env: Record<string, string>): Promise<TestShop> {
  const shop = await buildTestShop({ env: { FORM_RATE_LIMIT: '1000', ...env } });
  shops.push(shop);
  return shop;
}

/** Places an order and returns its page's Pay form address and the CSP sent with that page. */
async function payForm(shop: TestShop): Promise<{ action: string; csp: string; pageUrl: string }> {
  const shopper = new Shopper(shop.app);
  const { orderUrl } = await checkout(shop.app, shopper, GUEST);
  const page = await shopper.get(orderUrl);
  expect(page.statusCode).toBe(200);
  const form = [...page.body.matchAll(/<form\b[^>]*\baction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) =>
    (m[2] as string).includes('name="Crypt"'),
  );
  if (!form) throw new Error('no Pay form on the order page');
  const action = (form[1] as string).replace(/&amp;/g, '&');
  return { action, csp: String(page.headers['content-security-policy']), pageUrl: `${shop.config.publicUrl}${orderUrl}` };
}

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !map.has(name.toLowerCase())) map.set(name.toLowerCase(), values);
  }
  return map;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Where the browser sends the form: `upgrade-insecure-requests` makes an http:// address https://
 * (port 80 becoming 443), except for loopback addresses, which Chromium leaves alone.
 */
function browserTarget(action: string, csp: string, pageUrl: string): URL {
  const url = new URL(action, pageUrl);
  if (directives(csp).has('upgrade-insecure-requests') && url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    const port = url.port;
    url.protocol = 'https:';
    if (port && port !== '80') url.port = port;
  }
  return url;
}

const defaultPort = (scheme: string) => (scheme === 'https' ? 443 : scheme === 'http' ? 80 : -1);

/**
 * Whether `form-action` lets a form post to the URL, by Chromium's rules for host sources: the
 * scheme may be upgraded from http to https only together with the default port (80 to 443); an
 * explicit port must be the URL's; a path ending in "/" is a prefix, any other path must match
 * exactly.
 */
function formActionAllows(csp: string, target: URL, pageUrl: string): boolean {
  const sources = directives(csp).get('form-action');
  if (!sources) return true;
  const self = new URL(pageUrl);
  const scheme = target.protocol.slice(0, -1);
  const port = target.port ? Number(target.port) : defaultPort(scheme);
  return sources.some((source) => {
    if (source === "'none'") return false;
    if (source === "'self'")
      return target.origin === self.origin || (self.protocol === 'http:' && scheme === 'https' && target.host === self.host);
    const m = source.match(/^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^:/]+)(?::(\d+|\*))?(\/.*)?$/i);
    if (!m) return false;
    const [, sourceScheme, wildcard, host, sourcePort, path] = m;
    let upgraded = false;
    if (sourceScheme) {
      if (sourceScheme.toLowerCase() === scheme) upgraded = false;
      else if (sourceScheme.toLowerCase() === 'http' && scheme === 'https') upgraded = true;
      else return false;
    }
    const hostname = target.hostname.toLowerCase();
    const wanted = (host as string).toLowerCase();
    if (wildcard ? !hostname.endsWith(`.${wanted}`) : hostname !== wanted) return false;
    if (sourcePort === '*') {
      // any port
    } else if (sourcePort) {
      if (Number(sourcePort) === port) {
        if (upgraded) return false;
      } else if (!(Number(sourcePort) === 80 && port === 443)) return false;
    } else if (port !== defaultPort(sourceScheme?.toLowerCase() ?? scheme) && port !== defaultPort(scheme)) return false;
    if (path) {
      const decoded = decodeURIComponent(path);
      if (decoded.endsWith('/') ? !target.pathname.startsWith(decoded) : target.pathname !== decoded) return false;
    }
    return true;
  });
}

async function expectPayable(shop: TestShop): Promise<URL> {
  const { action, csp, pageUrl } = await payForm(shop);
  const target = browserTarget(action, csp, pageUrl);
  expect(formActionAllows(csp, target, pageUrl), `form-action of "${csp}" must allow ${target.href}`).toBe(true);
  // Exactly that address: not another page of the same host, nor another host.
  const elsewhere = new URL(target);
  elsewhere.pathname = '/gateway/service/something-else';
  expect(formActionAllows(csp, elsewhere, pageUrl), elsewhere.href).toBe(false);
  expect(formActionAllows(csp, new URL('https://evil.example/gateway/service/vspform-register.vsp'), pageUrl)).toBe(false);
  // The shop's own forms still post.
  expect(formActionAllows(csp, new URL('/bag/items', pageUrl), pageUrl)).toBe(true);
  return target;
}

describe('the Pay form and the CSP', () => {
  it('an http shop with the built-in sandbox posts to the sandbox over http', async () => {
    const shop = await openShop({});
    const target = await expectPayable(shop);
    expect(target.href).toBe('http://localhost:3001/gateway/service/vspform-register.vsp');
    expect(target.href).toBe(shop.config.payments.gatewayUrl);
  });

  it('an https shop with the built-in sandbox posts to the sandbox over https, on its port', async () => {
    const shop = await openShop({ PUBLIC_URL: 'https://shop.example' });
    const target = await expectPayable(shop);
    expect(target.href).toBe('https://shop.example:3001/gateway/service/vspform-register.vsp');
    expect(shop.config.sandbox.url).toBe('https://shop.example:3001');
    expect(target.href).toBe(shop.config.payments.gatewayUrl);
  });

  it('an https shop can name the address its sandbox is reached at, behind a proxy', async () => {
    const shop = await openShop({ PUBLIC_URL: 'https://shop.example', SANDBOX_URL: 'https://pay-test.shop.example:8443' });
    const target = await expectPayable(shop);
    expect(target.href).toBe('https://pay-test.shop.example:8443/gateway/service/vspform-register.vsp');
    expect(shop.config.sandbox).toMatchObject({ url: 'https://pay-test.shop.example:8443', port: 3001 });
  });

  it("an https shop posts to Opayo's test and live gateways", async () => {
    for (const gateway of [OPAYO_TEST, OPAYO_LIVE]) {
      const shop = await openShop({ PUBLIC_URL: 'https://shop.example', OPAYO_GATEWAY_URL: gateway, SANDBOX_ENABLED: 'false' });
      expect((await expectPayable(shop)).href).toBe(gateway);
    }
  });

  it("an http shop posts to Opayo's test gateway", async () => {
    const shop = await openShop({ OPAYO_GATEWAY_URL: OPAYO_TEST, SANDBOX_ENABLED: 'false' });
    expect((await expectPayable(shop)).href).toBe(OPAYO_TEST);
  });

  it('an https shop given an http gateway posts where the browser will send it: upgraded, unless on loopback', async () => {
    const upgraded = await openShop({ PUBLIC_URL: 'https://shop.example', OPAYO_GATEWAY_URL: 'http://pay.example:8080/register.vsp' });
    expect((await expectPayable(upgraded)).href).toBe('https://pay.example:8080/register.vsp');
    const loopback = await openShop({ PUBLIC_URL: 'https://shop.example', OPAYO_GATEWAY_URL: 'http://127.0.0.1:3001/register.vsp' });
    expect((await expectPayable(loopback)).href).toBe('http://127.0.0.1:3001/register.vsp');
  });
});

describe('SANDBOX_URL', () => {
  it('must be an http(s) address without a path', () => {
    const base = { DATA_DIR: '/tmp/assay-config-test', SECRET_KEY: 's'.repeat(40) };
    expect(() => loadConfig({ ...base, SANDBOX_URL: 'ftp://pay.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SANDBOX_URL: 'https://pay.example/sandbox' })).toThrow(
      /^Invalid SANDBOX_URL="https:\/\/pay.example\/sandbox"/,
    );
    expect(loadConfig({ ...base, SANDBOX_URL: 'https://pay.example/' }).sandbox.url).toBe('https://pay.example');
  });
});
