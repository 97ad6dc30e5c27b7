import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

export interface ExampleServer {
  /** The MCP endpoint, answering both eras: 2026-07-28 (stateless) and 2025-era initialize. */
  url: string;
  /** A plain health endpoint beside it, for the http probe. */
  healthUrl: string;
  close(): Promise<void>;
}

const NAME = 'mcpwatch-example';
const VERSION = '1.0.0';

/** A fresh server per request, as the stateless handler wants: the same three tools in both eras. */
function exampleServer(): McpServer {
  const server = new McpServer({ name: NAME, version: VERSION });
  server.registerTool(
    'echo',
    {
      description: 'Echoes the text back.\nHandy to check that arguments reach the server intact.',
      inputSchema: z.object({ text: z.string().describe('What to echo') }),
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers and returns the sum as structured content.',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object({ sum: z.number() }),
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    'time',
    { description: "Returns the server's current time in ISO 8601." },
    async () => ({ content: [{ type: 'text', text: new Date().toISOString() }] }),
  );
  return server;
}

/**
 * Starts the example MCP server on 127.0.0.1 with a port the OS picks, serving /mcp and /healthz.
 * Loopback only: it is a demo and a test fixture, never something to expose.
 */
export async function startExampleServer(): Promise<ExampleServer> {
  const handler = createMcpHandler(() => exampleServer());
  const mcp = toNodeHandler(handler);
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/mcp') {
      void mcp(req, res);
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', server: NAME, version: VERSION }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found: the MCP endpoint is /mcp\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/mcp`,
    healthUrl: `${base}/healthz`,
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
