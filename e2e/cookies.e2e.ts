import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { inventories } from '../src/features/privacy/inventory.registry.js';
import { launchBrowser, screenshot } from './browser.js';

/**
 * Cookies in a real browser, on the real shop: before any choice, every kind of page leaves only
 * strictly necessary cookies and nothing in the browser's storage; after "Yes" to the question
 * that follows choosing a size, the next product page has that size chosen already.
 * (Buying with every cookie refused is e2e/checkout.e2e.ts's "a shopper whose browser blocks cookies".)
 */
let shop: RunningShop;
let browser: Browser;

const strictlyNecessary = new Set(
  inventories
    .flatMap((i) => i.cookies)
    .filter((c) => c.kind === 'strictly-necessary')
    .map((c) => c.name),
);
const declared = new Set(inventories.flatMap((i) => i.cookies).map((c) => c.name));

beforeAll(async () => {
  shop = await startShop();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

async function storageKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
}

async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((c) => c.name).sort();
}

/** The in-stock sizes of the product page open in `page`. */
async function sizesInStock(page: Page): Promise<string[]> {
  const sizes = await page
    .locator('#size option')
    .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
  return sizes.filter((s) => s.value !== '' && !/sold out/i.test(s.text)).map((s) => s.value);
}

/** The product pages linked from /rings that have a choice of ring size. */
async function ringsWithSizes(page: Page): Promise<string[]> {
  await page.goto(`${shop.url}/rings`);
  const links = await page.locator('.product-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const rings: string[] = [];
  for (const href of [...new Set(links.filter((h) => h.startsWith('/products/')))]) {
    await page.goto(`${shop.url}${href}`);
    if ((await page.locator('#size').count()) > 0 && (await sizesInStock(page)).length > 1) rings.push(href);
    if (rings.length === 2) break;
  }
  return rings;
}

describe('cookies in Chromium', () => {
  it('before any choice, every kind of page leaves only strictly necessary cookies and no storage keys', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const [ring] = await ringsWithSizes(page);
      expect(ring).toBeDefined();
      const pages = [
        '/',
        '/rings',
        ring!,
        '/search?q=gold',
        '/privacy',
        '/cookies',
        '/contact',
        '/account/sign-in',
        '/account/register',
        '/bag',
      ];
      for (const path of pages) {
        const res = await page.goto(`${shop.url}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(await storageKeys(page), path).toEqual([]);
        for (const name of await cookieNames(context)) expect(strictlyNecessary.has(name), `${name} after ${path}`).toBe(true);
      }
      // Putting a piece in the bag and starting checkout: still only what the purchase needs.
      await page.goto(`${shop.url}${ring}`);
      await page.selectOption('#size', (await sizesInStock(page))[0]!);
      await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
      await page.waitForURL(/\/bag(\?|$)/);
      await page.getByRole('link', { name: 'Checkout securely' }).click();
      await page.waitForURL(/\/checkout(\?|$)/);
      expect(await storageKeys(page)).toEqual([]);
      const names = await cookieNames(context);
      expect(names).toContain('assay_bag');
      for (const name of names) expect(strictlyNecessary.has(name), `${name} at checkout`).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('after "Yes" to remembering a ring size, the next product page has it chosen already', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const rings = await ringsWithSizes(page);
      expect(rings.length).toBe(2);
      await page.goto(`${shop.url}${rings[0]}`);
      const size = (await sizesInStock(page)).at(-1)!;
      await page.selectOption('#size', size);
      await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
      await page.waitForURL(/\/bag(\?|$)/);
      const prompt = page.locator('.remember-prompt');
      await expect.poll(() => prompt.count()).toBe(1);
      expect(await prompt.locator('h2').textContent()).toMatch(/^Remember .+ on this device\?$/);
      // Equal weight: the same element and class for both answers.
      expect(await prompt.locator('button').evaluateAll((bs) => bs.map((b) => `${b.tagName}.${b.className}`))).toEqual([
        'BUTTON.button',
        'BUTTON.button',
      ]);
      await screenshot(page, '70-remember-prompt');
      await prompt.getByRole('button', { name: 'Yes', exact: true }).click();
      await page.waitForURL(/\/bag(\?|$)/);
      const names = await cookieNames(context);
      expect(names).toEqual(expect.arrayContaining(['assay_choice', 'assay_prefs']));
      for (const name of names) expect(declared.has(name), `${name} is declared`).toBe(true);
      expect(await page.locator('.remember-prompt').count()).toBe(0);

      // Another ring: the size is chosen already, and the first ring is among the recently viewed.
      await page.goto(`${shop.url}${rings[1]}`);
      if ((await sizesInStock(page)).includes(size)) expect(await page.locator('#size').inputValue()).toBe(size);
      await page.goto(`${shop.url}${rings[0]}`);
      expect(await page.locator('#size').inputValue()).toBe(size);
      await page.goto(`${shop.url}/`);
      expect(await page.locator('.recently-viewed a[href^="/products/"]').count()).toBeGreaterThan(0);
      await screenshot(page, '71-recently-viewed');
      expect(await storageKeys(page)).toEqual([]);

      // Saying no in Cookie settings deletes the preferences cookie.
      await page.goto(`${shop.url}/cookies#choices`);
      await page.locator('.preferences-choice').getByRole('button', { name: /^No/ }).click();
      await page.waitForLoadState('load');
      expect(await cookieNames(context)).not.toContain('assay_prefs');
    } finally {
      await context.close();
    }
  });
});
