/**
 * A public status page, opened signed out in Chromium: it shows the services the config puts on it under
 * their public names and their state, renders without JavaScript (server-side), and reveals nothing else:
 * no monitor names behind a public name, no other monitors, no targets, headers, passwords or reasons.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FlipServer, waitFor } from '../e2e/serve-process.js';
import {
  type Dashboard,
  describeBrowser,
  launchBrowser,
  screenshot,
  startDashboard,
  WAIT_MS,
} from './harness.js';
import { McpFixture } from './mcp-fixture.js';

const TOKEN = 'tok-s3cret-value';
const PASSWORD = 'pa55-in-url';

describeBrowser('a public status page in Chromium', () => {
  let browser: Browser;
  let mcp: McpFixture;
  let broken: FlipServer;
  let dash: Dashboard;
  let secrets: string[];

  beforeAll(async () => {
    mcp = await McpFixture.start();
    broken = await FlipServer.start();
    broken.status = 500;
    const withPassword = mcp.url.replace('http://', `http://probe:${PASSWORD}@`);
    dash = await startDashboard(`monitors:
  - name: public-mcp-internal-name
    kind: mcp
    target: "${withPassword}"
    headers: { Authorization: "Bearer ${TOKEN}" }
    intervalSec: 1
  - { name: search-backend, group: backend, kind: mcp, target: "${mcp.url}", intervalSec: 1 }
  - { name: queue-backend, group: backend, kind: http, target: "${broken.url}", intervalSec: 1, consecutiveFails: 1 }
  - { name: internal-db, kind: http, target: "${broken.url}", intervalSec: 1, consecutiveFails: 1 }
statusPages:
  - slug: acme-customers
    title: Acme MCP status
    description: The MCP servers Acme runs for its customers.
    items:
      - { monitor: public-mcp-internal-name, publicName: Assistant tools }
      - { group: backend, publicName: Backend }
`);
    secrets = [
      'public-mcp-internal-name',
      'search-backend',
      'queue-backend',
      'internal-db',
      TOKEN,
      PASSWORD,
      String(new URL(mcp.url).port),
      String(new URL(broken.url).port),
      'http_status',
    ];
    browser = await launchBrowser();
    // Every monitor has been checked, and the backend group is down, before the page is read.
    await waitFor('the monitors to be checked', async () => {
      const { monitors } = await dash.api.get<{ monitors: Array<{ name: string; status: string }> }>(
        '/api/v1/monitors',
      );
      const status = Object.fromEntries(monitors.map((m) => [m.name, m.status]));
      return (
        status['public-mcp-internal-name'] === 'up' &&
        status['search-backend'] === 'up' &&
        status['queue-backend'] === 'down'
      );
    });
    // A page is rebuilt in the background after an event, the previous one served meanwhile: wait for it.
    await waitFor('the status page to show the checks', async () => {
      const html = await (await fetch(`${dash.url}/status/acme-customers`)).text();
      return html.includes('Partial outage') && html.includes('Operational');
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await Promise.all([mcp?.close(), broken?.close()]);
  });

  it('shows the chosen services under their public names, server-rendered, to a visitor with no session', async () => {
    // No cookie, and no JavaScript: what shows is what the server sent.
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1024, height: 700 },
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${dash.url}/status/acme-customers`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).toContain('Acme MCP status');
      expect(text).toContain('The MCP servers Acme runs for its customers.');
      expect(text).toContain('Assistant tools');
      expect(text).toContain('Backend');
      // Two services, each with its state; the group shows its worst member, and the page its overall state.
      const services = page.locator('li', { has: page.locator('strong') });
      expect(await services.count()).toBe(2);
      expect(await services.nth(0).textContent()).toMatch(/Assistant tools\s*Operational/);
      expect(await services.nth(1).textContent()).toMatch(/Backend\s*Outage/);
      expect(text).toContain('Partial outage');
      await screenshot(page, 'status-page');

      // The visitor has no way into the dashboard's data.
      expect(await page.locator('[data-testid=sign-out]').count()).toBe(0);
      expect((await context.request.get(`${dash.url}/api/v1/monitors`)).status()).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('hides monitor names, other monitors, targets, credentials and reasons, in the HTML and the feed', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${dash.url}/status/acme-customers`);
      const html = await page.content();
      for (const secret of secrets) expect(html, `the page must not show ${secret}`).not.toContain(secret);

      // Whatever else the page links to on the service, and its JSON, feed and badges, hide them too.
      const links = await page
        .locator('a[href], link[href]')
        .evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href));
      const base = `${dash.url}/status/acme-customers`;
      const others = [
        `${base}.json`,
        `${base}/feed.atom`,
        `${base}/badge.svg`,
        `${base}/badge/Backend/status.svg`,
        `${base}/badge/Assistant%20tools/uptime.svg?window=90d`,
        `${base}/badge/Backend/shields.json?metric=status`,
      ];
      for (const link of [...links.filter((l) => l.startsWith(dash.url)), ...others]) {
        const response = await context.request.get(link);
        expect(response.status(), link).toBe(200);
        const body = await response.text();
        for (const secret of secrets) expect(body, `${link} must not show ${secret}`).not.toContain(secret);
      }

      // A badge answers for a public name only, and latency only where the page shows it.
      for (const hidden of [
        'public-mcp-internal-name/status.svg',
        'internal-db/status.svg',
        'Backend/latency.svg',
      ]) {
        expect((await context.request.get(`${base}/badge/${hidden}`)).status(), hidden).toBe(404);
      }
    } finally {
      await context.close();
    }
  });

  it('answers 404 for a slug no page has, without naming the pages there are', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${dash.url}/status/internal`, { timeout: WAIT_MS });
      expect(response?.status()).toBe(404);
      expect(await page.content()).not.toContain('acme-customers');
    } finally {
      await context.close();
    }
  });
});
