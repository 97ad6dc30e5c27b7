/**
 * Real-browser tests: the built `mcpwatch serve` as a child process (test/e2e/serve-process.ts) and
 * Debian's Chromium driven by playwright-core. Never a downloaded browser: without /usr/bin/chromium (or
 * CHROMIUM_PATH) the suite is skipped with the reason printed, except under CI, where it runs and fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { ADMIN_PASSWORD, Api, assertBuilt, type ServeProcess, serve, WAIT_MS } from '../e2e/serve-process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return `no Chromium at ${CHROMIUM}: install Debian's (\`apt-get install -y chromium\`) or set CHROMIUM_PATH`;
}

const missing = browserMissing();
if (missing && process.env.CI !== 'true') {
  console.warn(`Skipping the browser tests: ${missing}`);
}

/** `describe`, skipped on a machine without Chromium, but never under CI (where launching then fails). */
export const describeBrowser: typeof describe =
  missing && process.env.CI !== 'true' ? (describe.skip as typeof describe) : describe;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A running service on a fresh data folder, with its URL and a signed-in API client. */
export interface Dashboard {
  url: string;
  service: ServeProcess;
  api: Api;
  dir: string;
  close(): Promise<void>;
}

/** Starts `mcpwatch serve` on a fresh --data folder, with `config` (YAML) as its --config when given. */
export async function startDashboard(config?: string): Promise<Dashboard> {
  assertBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-browser-'));
  const flags = ['--data', path.join(dir, 'data')];
  if (config !== undefined) {
    const file = path.join(dir, 'mcpwatch.yaml');
    await writeFile(file, config);
    flags.push('--config', file);
  }
  const service = serve(flags);
  const url = await service.url();
  const api = await Api.login(url);
  return {
    url,
    service,
    api,
    dir,
    async close() {
      await service.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a person does, and waits for the overview's first render. */
export async function signIn(page: Page, url: string): Promise<void> {
  const response = await page.goto(`${url}/`);
  if (response?.status() !== 200) {
    // 503 when packages/web was not built (or was being rebuilt) as the service started.
    throw new Error(`GET / answered ${response?.status()}: ${await response?.text()}`);
  }
  await page.locator('input[name=name]').fill('admin');
  await page.locator('input[name=password]').fill(ADMIN_PASSWORD);
  await page.locator('button[type=submit]').click();
  await waitReady(page, 'overview');
}

/** Waits for the dashboard to say a view has rendered (`document.body.dataset.ready`). */
export async function waitReady(page: Page, view: string, timeout = WAIT_MS): Promise<void> {
  try {
    await page.waitForFunction((v) => document.body.dataset.ready === v, view, { timeout });
  } catch (error) {
    // Say what the page showed instead: a sign-in error, a "not built" page, an error box.
    const text = await page
      .locator('body')
      .textContent({ timeout: 1000 })
      .catch(() => '(no body)');
    throw new Error(
      `The ${view} view did not render at ${page.url()} (${(error as Error).message.split('\n')[0]}); the page shows:\n${(text ?? '').slice(0, 800)}`,
    );
  }
}

/** The status a monitor's row on the overview shows. */
export function rowStatus(page: Page, name: string): Promise<string | null> {
  return page.locator(`[data-testid=monitor-row][data-name="${name}"]`).getAttribute('data-status');
}

/** Waits until a monitor's row on the overview shows `status`, with no reload. */
export async function waitRowStatus(page: Page, name: string, status: string, timeout = WAIT_MS) {
  await page.waitForSelector(`[data-testid=monitor-row][data-name="${name}"][data-status="${status}"]`, {
    timeout,
  });
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Screenshots go to a temporary folder (printed), or, with MCPWATCH_UPDATE_SCREENSHOTS=1, to docs/images
 * where the README shows them: a test run does not touch the repository unless asked to.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } } = {},
): Promise<string> {
  const dir =
    process.env.MCPWATCH_UPDATE_SCREENSHOTS === '1'
      ? path.join(repoRoot, 'docs', 'images')
      : path.join(os.tmpdir(), 'mcpwatch-browser-screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

export { WAIT_MS };
