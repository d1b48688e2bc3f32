import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningShop, startShop } from '../bench/shop.js';
import { expectAccessible, launchBrowser } from './browser.js';

let shop: RunningShop;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requestedHosts = new Set<string>();
const consoleErrors: string[] = [];

beforeAll(async () => {
  shop = await startShop();
  browser = await launchBrowser();
  // bypassCSP only lets the test inject axe-core; the shop's own pages are checked against their CSP below.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  page.on('request', (r) => requestedHosts.add(new URL(r.url()).host));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

describe('a shopper browses the storefront in Chromium', () => {
  it('home', async () => {
    await page.goto(`${shop.url}/`);
    await expect(page.locator('h1')).toBeDefined();
    expect(await page.locator('h1').first().textContent()).toContain('Fine jewellery');
    expect(await page.locator('.product-card').count()).toBeGreaterThanOrEqual(4);
    await expectAccessible(page, '01-home');
  });

  it('home → category', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rings', exact: true }).click();
    await page.waitForURL(/\/rings$/);
    expect(await page.locator('h1').textContent()).toBe('Rings');
    await expectAccessible(page, '02-category');
  });

  it('category → filter by metal and price', async () => {
    const before = await page.locator('.results-count').textContent();
    await page.getByLabel('18ct yellow gold').check();
    await page.getByLabel('To', { exact: true }).fill('2500');
    await page.getByRole('button', { name: 'Show results' }).click();
    await page.waitForURL(/metal=18ct-yellow-gold/);
    const after = await page.locator('.results-count').textContent();
    expect(after).not.toBe(before);
    const prices = await page.locator('.card-price').allTextContents();
    expect(prices.length).toBeGreaterThan(0);
    for (const p of prices) expect(Number(p.replace(/[^\d.]/g, ''))).toBeLessThanOrEqual(2500);
    await expectAccessible(page, '03-filtered');
  });

  it('filter → product, choosing a size updates price and stock (with the enhancement script)', async () => {
    await page.locator('.product-card a').first().click();
    await page.waitForURL(/\/products\//);
    expect(await page.locator('#product-title').textContent()).toBeTruthy();
    await page.selectOption('#size', 'N');
    await expect.poll(() => page.locator('[data-stock]').textContent()).toMatch(/In stock|Only \d left|Sold out/);
    expect(await page.locator('script[type="application/ld+json"]').count()).toBe(1);
    await expectAccessible(page, '04-product');
  });

  it('product → search', async () => {
    await page.getByLabel('Search the shop').fill('sapphire');
    await page.getByLabel('Search the shop').press('Enter');
    await page.waitForURL(/\/search\?q=sapphire/);
    expect(await page.locator('.product-card').count()).toBeGreaterThan(0);
    await expectAccessible(page, '05-search');
  });

  it('the privacy policy and cookies pages are accessible', async () => {
    await page.goto(`${shop.url}/privacy`);
    // A layered notice: its summary is on the first screen, and the full table is folded away until asked for.
    const summary = await page.locator('#summary').boundingBox();
    expect(summary?.y).toBeLessThan(900);
    expect(await page.locator('.policy-full-table').getAttribute('open')).toBeNull();
    await expectAccessible(page, '06-privacy');
    await page.goto(`${shop.url}/cookies`);
    await expectAccessible(page, '07-cookies');
  });

  it('loaded nothing from another host and broke no CSP rule', () => {
    expect([...requestedHosts]).toEqual([new URL(shop.url).host]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });
});

describe('pages look finished at phone and desktop widths', () => {
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 900 },
  ]) {
    it(`at ${viewport.width} px: the footer ends the page on a short one, the bag shows its count, the totals' divider is unbroken`, async () => {
      const ctx = await browser.newContext({ viewport, bypassCSP: true });
      const p = await ctx.newPage();
      await p.goto(`${shop.url}/no-such-page`);
      const footer = await p.evaluate(() => {
        const rect = document.querySelector('.site-footer')?.getBoundingClientRect();
        return { bottom: (rect?.bottom ?? 0) + scrollY, page: document.documentElement.scrollHeight, window: innerHeight };
      });
      expect(Math.abs(footer.bottom - footer.page)).toBeLessThan(1);
      expect(footer.bottom).toBeGreaterThanOrEqual(footer.window);
      await p.screenshot({ path: `e2e/output/09-not-found-${viewport.width}.png`, fullPage: true });

      await p.goto(`${shop.url}/earrings`);
      await p.locator('.product-card a').first().click();
      await p.waitForURL(/\/products\//);
      await p.getByRole('button', { name: 'Add to bag' }).click();
      await p.waitForURL(/\/bag/);
      expect(await p.locator('.bag-link .bag-count').textContent()).toBe('1 piece');
      expect(await p.getByRole('link', { name: 'Bag 1 piece', exact: true }).count()).toBe(1);
      const [label, amount] = await Promise.all(
        ['.totals dt.total', '.totals dd.total'].map((s) => p.locator(s).evaluate((e) => e.getBoundingClientRect().toJSON())),
      );
      expect(label?.right).toBe(amount?.left);
      await expectAccessible(p, `10-bag-${viewport.width}`);
      // A cached catalogue page shows the count too.
      await p.goto(`${shop.url}/`);
      expect(await p.getByRole('link', { name: 'Bag 1 piece', exact: true }).count()).toBe(1);
      await ctx.close();
    });
  }
});

describe('without JavaScript', () => {
  it('browsing, filtering, choosing a variant and searching all work', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const p = await noJs.newPage();
    await p.goto(`${shop.url}/necklaces`);
    await p.getByLabel('Sterling silver').check();
    await p.getByRole('button', { name: 'Show results' }).click();
    await p.waitForURL(/metal=sterling-silver/);
    await p.locator('.product-card a').first().click();
    await p.waitForURL(/\/products\//);
    await p.getByRole('button', { name: /Check price/ }).click();
    await p.waitForURL(/length=/);
    expect(await p.locator('[data-stock]').textContent()).toMatch(/In stock|Only \d left|Sold out/);
    await p.getByLabel('Search the shop').fill('hoop');
    await p.getByRole('button', { name: 'Search', exact: true }).click();
    await p.waitForURL(/\/search\?q=hoop/);
    expect(await p.locator('.product-card').count()).toBeGreaterThan(0);
    await p.screenshot({ path: 'e2e/output/08-mobile-no-js-search.png', fullPage: true });
    await noJs.close();
  });
});
