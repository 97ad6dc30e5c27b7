/**
 * The harness itself: Debian's Chromium starts from playwright-core (no downloaded browser) and reaches a
 * fresh `mcpwatch serve` child; the loopback MCP fixture answers, fails and changes its tools as told.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Dashboard, describeBrowser, launchBrowser, startDashboard } from './harness.js';
import { McpFixture } from './mcp-fixture.js';

describeBrowser('the browser harness', () => {
  let dash: Dashboard;
  let mcp: McpFixture;

  beforeAll(async () => {
    [dash, mcp] = await Promise.all([startDashboard(), McpFixture.start()]);
  });

  afterAll(async () => {
    await Promise.all([dash?.close(), mcp?.close()]);
  });

  it('launches Chromium from its path and loads a page of the service', async () => {
    const browser = await launchBrowser();
    try {
      expect(browser.version()).toMatch(/^\d+\./);
      const page = await browser.newPage();
      const response = await page.goto(`${dash.url}/live`);
      expect(response?.status()).toBe(200);
    } finally {
      await browser.close();
    }
  });

  it('the MCP fixture lists the tools it is given and fails when told', async () => {
    const listed = async () => {
      const client = new Client({ name: 'harness-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
      try {
        return (await client.listTools()).tools.map((t) => t.name).sort();
      } finally {
        await client.close();
      }
    };
    expect(await listed()).toEqual(['add', 'echo', 'time']);
    mcp.tools = [{ name: 'forecast', description: 'Tells the weather.' }];
    expect(await listed()).toEqual(['forecast']);
    mcp.failing = true;
    const response = await fetch(mcp.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(503);
    mcp.failing = false;
  });
});
