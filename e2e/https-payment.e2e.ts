import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningShop, startShop } from '../bench/shop.js';
import { CHROMIUM, screenshot } from './browser.js';

/**
 * An https shop paying in the built-in sandbox, in Chromium, under the shop's real CSP (with
 * upgrade-insecure-requests). As in a real https deployment, TLS is ended by a proxy in front of
 * the shop's port and of the sandbox's port (here a small Node one with a self-signed certificate
 * for shop.test, which Chromium resolves to 127.0.0.2); the sandbox's address is the default one,
 * https://shop.test:SANDBOX_PORT.
 */

const HOST = 'shop.test';
const PROXY_ADDRESS = '127.0.0.2';

let certDir: string;
let shop: RunningShop;
let browser: Browser;
const proxies: Server[] = [];
let shopUrl: string;
let sandboxUrl: string;

/** A TLS proxy on PROXY_ADDRESS:port to a plain-http listener on 127.0.0.1 (set once the shop is up). */
async function tlsProxy(port: number, target: () => number): Promise<number> {
  const server = createServer(
    { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
    (req, res) => {
      const upstream = httpRequest(
        { host: '127.0.0.1', port: target(), method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    },
  );
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(port, PROXY_ADDRESS, resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'assay-e2e-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const sandboxPort = await freePort();
  let shopPort = 0;
  const shopProxyPort = await tlsProxy(0, () => shopPort);
  // The sandbox's proxy takes the sandbox's own port number, on the other loopback address.
  await tlsProxy(sandboxPort, () => sandboxPort);
  shopUrl = `https://${HOST}:${shopProxyPort}`;
  sandboxUrl = `https://${HOST}:${sandboxPort}`;
  shop = await startShop({
    SECRET_KEY: 'e2e-https-pay-e2e-https-pay-e2e-https-pay-0',
    NODE_ENV: 'development',
    PUBLIC_URL: shopUrl,
    SANDBOX_PORT: String(sandboxPort),
  });
  shopPort = Number(new URL(shop.url).port);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--host-resolver-rules=MAP ${HOST} ${PROXY_ADDRESS}`],
  });
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
  for (const server of proxies) server.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const EXPIRY = `12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`;

async function buyARing(page: Page): Promise<void> {
  await page.goto(`${shopUrl}/rings`);
  const href = await page.locator('.product-card a').first().getAttribute('href');
  await page.goto(`${shopUrl}${href}`);
  if ((await page.locator('#size').count()) > 0) {
    const sizes = await page
      .locator('#size option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
    const inStock = sizes.find((s) => s.value !== '' && !/sold out/i.test(s.text));
    await page.selectOption('#size', inStock!.value);
  }
  await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
  await page.waitForURL(/\/bag(\?|$)/);
  await page.getByRole('link', { name: 'Checkout securely' }).click();
  await page.waitForURL(/\/checkout(\?|$)/);
  await page.getByLabel('First name', { exact: true }).fill('Ada');
  await page.getByLabel('Surname', { exact: true }).fill('Lovelace');
  await page.getByLabel('E-mail address').fill('ada.https@example.com');
  await page.getByLabel('Phone number').fill('07700 900123');
  await page.getByLabel('Address line 1', { exact: true }).fill('88 Vyse Street');
  await page.getByLabel('Town or city', { exact: true }).fill('Birmingham');
  await page.getByLabel('Postcode', { exact: true }).fill('B18 6NF');
  await page.getByLabel(/Royal Mail Tracked 48/).check();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/orders\/AS-[0-9A-Z]+\?key=/);
}

describe('an https shop with the built-in sandbox', () => {
  it('takes a payment: Pay posts to the https sandbox under the shop’s CSP, and the card page sends the shopper back', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused|violates/.test(m.text())) cspErrors.push(m.text());
    });
    let csp = '';
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.url().startsWith(`${shopUrl}/orders/`)) csp = r.headers()['content-security-policy'] ?? '';
    });
    await buyARing(page);
    expect(await page.locator('h1').textContent()).toBe('Almost there — payment');
    expect(csp).toContain('upgrade-insecure-requests');

    const pay = page.getByRole('button', { name: /^Pay £[\d,]+\.\d\d securely$/ });
    const amount = ((await pay.textContent()) ?? '').match(/£[\d,]+\.\d\d/)?.[0] ?? '';
    const reached = page
      .waitForURL((u) => u.origin === sandboxUrl, { timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    await pay.click({ timeout: 15_000 }).catch(() => {});
    expect(await reached, `Pay did not reach the sandbox at ${sandboxUrl}: ${cspErrors.join(' | ')}`).toBe(true);
    expect(await page.locator('.amount strong').textContent()).toBe(amount);
    await screenshot(page, '60-https-sandbox-card');
    await page.getByLabel('Card number').fill('4929000000006');
    await page.getByLabel('Expiry date').fill(EXPIRY);
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: `Pay now ${amount}` }).click();
    await page.waitForURL((u) => u.origin === shopUrl && u.pathname.startsWith('/orders/'));
    expect(await page.locator('h1').textContent()).toBe('Thank you — your order is confirmed');
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});
