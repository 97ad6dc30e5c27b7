/**
 * The import page in Chromium: an mcp.json pasted into it is previewed server by server, then imported as
 * monitors the service checks, under the names the file gives them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../e2e/serve-process.js';
import {
  type Dashboard,
  describeBrowser,
  launchBrowser,
  rowStatus,
  signIn,
  startDashboard,
  waitReady,
  waitRowStatus,
} from './harness.js';
import { McpFixture } from './mcp-fixture.js';

interface Monitor {
  id: number;
  name: string;
}

const STEP_MS = 60_000;

describeBrowser('importing an mcp.json in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let mcp: McpFixture;
  let dash: Dashboard;

  beforeAll(async () => {
    [mcp, dash, browser] = await Promise.all([McpFixture.start(), startDashboard(), launchBrowser()]);
    page = await browser.newPage();
    await signIn(page, dash.url);
  });

  const monitorNamed = async (name: string) => {
    const { monitors } = await dash.api.get<{ monitors: Monitor[] }>('/api/v1/monitors');
    const found = monitors.find((m) => m.name === name);
    if (!found) throw new Error(`no monitor named ${name}`);
    return found;
  };

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await mcp?.close();
  });

  it(
    'imports a pasted mcp.json, previewing the servers first',
    async () => {
      const mcpJson = {
        mcpServers: {
          'imported-http': { url: mcp.url },
          'imported-stdio': { command: 'node', args: ['server.js'] },
        },
      };
      await page.goto(`${dash.url}/import`);
      await page.locator('textarea[name=mcpjson]').fill(JSON.stringify(mcpJson, null, 2));
      const rows = page.locator('[data-testid=import-preview] [data-testid=import-row]');
      await expect
        .poll(() => rows.evaluateAll((r) => r.map((e) => (e as HTMLElement).dataset.name).sort()))
        .toEqual(['imported-http', 'imported-stdio']);
      expect(await rows.nth(0).textContent()).toContain(mcp.url);
      // Nothing is created before the submit.
      const before = await dash.api.get<{ monitors: Monitor[] }>('/api/v1/monitors');
      expect(before.monitors).toEqual([]);
      await page.locator('button[data-testid=import-submit]').click();
      await page
        .locator('[data-testid=import-result][data-state=created]')
        .nth(1)
        .waitFor({ timeout: STEP_MS / 2 });

      const imported = await waitFor('the imported monitors', async () => {
        const { monitors } = await dash.api.get<{ monitors: Monitor[] }>('/api/v1/monitors');
        const names = monitors.map((m) => m.name).filter((n) => n.startsWith('imported-'));
        return names.length === 2 && names.sort();
      });
      expect(imported).toEqual(['imported-http', 'imported-stdio']);
      const http = await monitorNamed('imported-http');
      const { config } = await dash.api.get<{ config: { target: unknown } }>(`/api/v1/monitors/${http.id}`);
      expect(config.target).toBe(mcp.url);

      // Checked now rather than within its first 60 s interval: the overview shows the server up.
      await page.goto(`${dash.url}/`);
      await waitReady(page, 'overview');
      await dash.api.post(`/api/v1/monitors/${http.id}/check`, {});
      await waitRowStatus(page, 'imported-http', 'up', STEP_MS - 30_000);
      expect(await rowStatus(page, 'imported-stdio')).not.toBeNull();
    },
    STEP_MS,
  );
});
