/**
 * Real MCP servers for tests, built with the official SDKs: v2 (both eras, or modern only), v1 Streamable
 * HTTP (stateful and stateless), v1 HTTP+SSE, and the reference server-everything in its three modes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

export interface Running {
  url: string;
  /** Requests seen, as "POST initialize", "GET", "DELETE": proves what a probe sends. */
  requests: string[];
  close(): Promise<void>;
}

const echoInput = { text: z.string() };
const addOutput = { sum: z.number() };

/** The same three tools on every SDK: a plain one, one with an outputSchema, one that fails. */
function registerTools(server: {
  registerTool: (name: string, config: Record<string, unknown>, cb: (args: never) => unknown) => unknown;
}): void {
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: z.object(echoInput) },
    (async ({ text }: { text: string }) => ({ content: [{ type: 'text', text }] })) as never,
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object(addOutput),
    },
    (async ({ a, b }: { a: number; b: number }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    })) as never,
  );
  server.registerTool('fail', { description: 'Always fails' }, (async () => ({
    isError: true,
    content: [{ type: 'text', text: 'database unreachable' }],
  })) as never);
}

function v1Tools(server: V1McpServer): void {
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: echoInput },
    async ({ text }) => ({
      content: [{ type: 'text', text }],
    }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: addOutput,
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool('fail', { description: 'Always fails' }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'database unreachable' }],
  }));
}

async function listen(handler: http.RequestListener, requests: string[]): Promise<Running> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      requests.push(req.method ?? '?');
      return handler(req, res);
    }
    // Peek at the JSON-RPC method for the request log, then hand the parsed body on.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      requests.push(`POST ${(parsed as { method?: string } | undefined)?.method ?? 'response'}`);
      (req as http.IncomingMessage & { body?: unknown }).body = parsed;
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A v2 SDK server: `legacy: 'stateless'` serves both eras; `'reject'` is modern only. */
export async function startV2(
  options: { legacy?: 'stateless' | 'reject'; name?: string } = {},
): Promise<Running> {
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: options.name ?? 'v2-server', version: '2.0.0' });
      registerTools(server as never);
      return server;
    },
    { legacy: options.legacy ?? 'stateless' },
  );
  const node = toNodeHandler(handler);
  return listen((req, res) => node(req, res, (req as { body?: unknown }).body), []);
}

/** A v1 SDK Streamable HTTP server, stateful (sessions) or stateless. */
export async function startV1Streamable(options: { stateful: boolean }): Promise<Running> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return listen(async (req, res) => {
    const body = (req as { body?: unknown }).body;
    if (!options.stateful) {
      const server = new V1McpServer({ name: 'v1-stateless', version: '1.0.0' });
      v1Tools(server);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        transport.close();
        server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => {
          sessions.set(sid, transport as StreamableHTTPServerTransport);
        },
      });
      transport.onclose = () => {
        if (transport?.sessionId) sessions.delete(transport.sessionId);
      };
      const server = new V1McpServer({ name: 'v1-stateful', version: '1.0.0' });
      v1Tools(server);
      await server.connect(transport);
    }
    await transport.handleRequest(req, res, body);
  }, []);
}

/** A v1 SDK HTTP+SSE server (2024-11-05): GET /sse, then POST to /messages?sessionId=…. */
export async function startV1Sse(): Promise<Running> {
  const transports = new Map<string, SSEServerTransport>();
  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      const server = new V1McpServer({ name: 'v1-sse', version: '1.0.0' });
      v1Tools(server);
      await server.connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/messages') {
      const transport = transports.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        res.writeHead(404).end('unknown session');
        return;
      }
      await transport.handlePostMessage(req, res, (req as { body?: unknown }).body);
      return;
    }
    res.writeHead(404).end('not found');
  }, []);
  return { ...running, url: running.url.replace(/\/mcp$/, '/sse') };
}

const require = createRequire(import.meta.url);
const everythingMain = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const loopbackOnly = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));

export function everythingStdio(): { command: string; args: string[] } {
  return { command: process.execPath, args: [everythingMain, 'stdio'] };
}

export function filesystemStdio(root: string): { command: string; args: string[] } {
  const main = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
  return { command: process.execPath, args: [main, root] };
}

/** server-everything over HTTP, on a free loopback port, in 'streamableHttp' or 'sse' mode. */
export async function startEverything(mode: 'streamableHttp' | 'sse'): Promise<Running> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', loopbackOnly, everythingMain, mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`server-everything ${mode} did not start: ${log}`)),
      20_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/listening|running/i.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything ${mode} exited with ${code}: ${log}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`,
    requests: [],
    close: async () => {
      child.kill('SIGKILL');
    },
  };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
