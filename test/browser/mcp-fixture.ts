/**
 * A loopback MCP server (the official v2 SDK, both eras) that a browser test steers: `failing` makes /mcp
 * answer 503, and `tools` is the tool list the next check sees, so a test can make a monitor go down and
 * come back, and change the server's tools under it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

export interface ToolSpec {
  name: string;
  description: string;
}

export const DEFAULT_TOOLS: readonly ToolSpec[] = [
  { name: 'echo', description: 'Echoes the text back.' },
  { name: 'add', description: 'Adds two numbers.' },
  { name: 'time', description: "Returns the server's current time." },
];

export class McpFixture {
  failing = false;
  tools: ToolSpec[] = [...DEFAULT_TOOLS];

  private constructor(
    private readonly server: http.Server,
    private readonly onClose: () => Promise<void>,
  ) {}

  static async start(): Promise<McpFixture> {
    let fixture: McpFixture | undefined;
    const handler = createMcpHandler(() => {
      const server = new McpServer({ name: 'browser-fixture', version: '1.0.0' });
      for (const tool of fixture?.tools ?? []) {
        server.registerTool(
          tool.name,
          { description: tool.description, inputSchema: z.object({ text: z.string().optional() }) },
          async () => ({ content: [{ type: 'text', text: tool.name }] }),
        );
      }
      return server;
    });
    const mcp = toNodeHandler(handler);
    const server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/mcp') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      } else if (fixture?.failing) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for the test\n');
      } else {
        void mcp(req, res);
      }
    });
    fixture = new McpFixture(server, () => handler.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fixture;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
  }

  async close(): Promise<void> {
    await this.onClose();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
