/**
 * Real servers for the instrumentation tests, built with both official SDKs: the v2 McpServer (also
 * behind createMcpHandler), the v1 McpServer and the v1 low-level Server. Each has the same tools: one
 * that works, one that returns `isError: true`, one that throws, one that takes a secret argument.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as V1Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport as V1HttpServer } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

type Text = { content: { type: 'text'; text: string }[]; isError?: boolean };
const text = (t: string, isError?: boolean): Text => ({
  content: [{ type: 'text', text: t }],
  ...(isError ? { isError } : {}),
});

export function v2Server(name = 'v2-demo'): McpServer {
  const server = new McpServer({ name, version: '2.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes', inputSchema: z.object({ text: z.string() }) },
    async (a) => text(a.text),
  );
  server.registerTool('fail', { description: 'Reports failure' }, async () =>
    text('database unreachable', true),
  );
  server.registerTool('throws', { description: 'Throws' }, async () => {
    throw new Error('kaboom');
  });
  server.registerTool(
    'login',
    { description: 'Takes a secret', inputSchema: z.object({ user: z.string(), password: z.string() }) },
    async (a) => text(`hello ${a.user}`),
  );
  server.registerResource('config', 'config://app', { description: 'App config' }, async (uri) => ({
    contents: [{ uri: uri.href, text: '{}' }],
  }));
  return server;
}

export function v1Server(name = 'v1-demo'): V1McpServer {
  const server = new V1McpServer({ name, version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes', inputSchema: { text: z.string() } }, async (a) =>
    text(a.text),
  );
  server.registerTool('fail', { description: 'Reports failure' }, async () =>
    text('database unreachable', true),
  );
  server.registerTool('throws', { description: 'Throws' }, async () => {
    throw new Error('kaboom');
  });
  server.registerResource('config', 'config://app', { description: 'App config' }, async (uri) => ({
    contents: [{ uri: uri.href, text: '{}' }],
  }));
  return server;
}

/** The v1 low-level Server: tools/call is the user's own handler, and an unknown tool is a thrown error. */
export function v1LowLevel(): V1Server {
  const server = new V1Server({ name: 'v1-low', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'echo', inputSchema: { type: 'object' as const } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name === 'echo') return text(String(request.params.arguments?.text));
    if (request.params.name === 'fail') return text('nope', true);
    throw new Error(`unknown tool ${request.params.name}`);
  });
  return server;
}

export interface Listening {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, port 0. */
export async function listen(handler: http.RequestListener): Promise<Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a JSON body, as Express's json() would, for the transports that take a parsed body. */
export function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      try {
        resolve(body ? JSON.parse(body) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** The value of one sample in a Prometheus text exposition, 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const set = rest[0] === '{' ? rest.slice(1, rest.lastIndexOf('}')) : '';
    if (Object.entries(labels).every(([k, v]) => set.split(',').includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return 0;
}

/** Collects JSON log lines written by the instrumentation. */
export function logSink(): { write(line: string): void; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write(line: string) {
      for (const l of line.split('\n')) if (l) lines.push(JSON.parse(l));
    },
  };
}

/**
 * A v1 Streamable HTTP endpoint with sessions, as a stateful v1 server is deployed: each new session gets its
 * own v1 McpServer, instrumented by `obs`, and later requests are routed by their Mcp-Session-Id.
 */
export function v1SessionEndpoint(obs: { instrument<T extends object>(server: T): T }): Promise<Listening> {
  const sessions = new Map<string, V1HttpServer>();
  return listen(async (req, res) => {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      const created = new V1HttpServer({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, created),
      });
      transport = created;
      await obs.instrument(v1Server()).connect(created);
    }
    await transport.handleRequest(req, res, body);
  });
}
