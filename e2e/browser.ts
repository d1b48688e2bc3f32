import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const outputDir = join(import.meta.dirname, 'output');

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install chromium"`);
  mkdirSync(outputDir, { recursive: true });
}

export async function launchBrowser(): Promise<Browser> {
  checkChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export type CookielessOptions = Omit<
  NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
  'executablePath' | 'headless' | 'args'
>;

/**
 * A Chromium that refuses every cookie, as when a shopper sets "Block all cookies" in the
 * browser's settings: a fresh profile whose cookies content setting is "block" (2). Chromium then
 * neither stores a Set-Cookie nor sends a Cookie header, and document.cookie stays empty.
 * (Stripping cookie headers in a Playwright route does not do this: route.fetch() goes through the
 * context's own cookie jar, which stores the Set-Cookie and sends it on the next request.)
 * close() shuts the browser and deletes the profile.
 */
export async function launchCookielessContext(
  options: CookielessOptions = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  checkChromium();
  const profile = mkdtempSync(join(tmpdir(), 'assay-e2e-nocookies-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page and returns serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(outputDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Saves a screenshot of the page and fails on any serious or critical accessibility violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

/**
 * Makes a member of staff with the command line, as a real shop's first owner is made, on the data
 * folder (and secret key) the shop will run with; returns the path of their one-time set-up link.
 */
export function createStaffWithCli(
  env: { DATA_DIR: string; SECRET_KEY: string },
  member: { email: string; role: string; name: string },
): string {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/features/staff/staff.cli.ts', 'create', '--email', member.email, '--role', member.role, '--name', member.name],
    { cwd: join(import.meta.dirname, '..'), env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  const path = out.match(/(\/admin\/setup\/[\w-]+)/)?.[1];
  if (!path) throw new Error(`no set-up link in: ${out}`);
  return path;
}
