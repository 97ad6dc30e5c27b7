/**
 * Loopback servers for probe tests: a real MCP server (the official v2 SDK, both eras) and the pieces
 * hostile hand-written servers are made of. Every server listens on 127.0.0.1 on a free port and is
 * closed with every connection it holds, so a test that leaves a stream hanging still ends cleanly.
 */
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type Server as NetServer, type Socket } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { expect } from 'vitest';
import * as z from 'zod';
import type { ProbeResult } from '../result.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Running {
  /** http(s)://127.0.0.1:<port> with no trailing slash. */
  origin: string;
  port: number;
  /** Sockets accepted so far; a test can wait for the probe to have closed them. */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** The official SDK's handler with one `echo` tool; it answers both `server/discover` and `initialize`. */
export function sdkHandler(): Handler {
  const handler = toNodeHandler(
    createMcpHandler(() => {
      const server = new McpServer({ name: 'fixture', version: '1.0.0' });
      server.registerTool(
        'echo',
        { description: 'Echo', inputSchema: z.object({ text: z.string() }) },
        async ({ text }) => ({ content: [{ type: 'text', text }] }),
      );
      return server;
    }),
  );
  return (req, res) => void handler(req, res);
}

/** Serves `handler` over HTTP, or over HTTPS when a key and certificate are given. */
export async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<Running> {
  const server = tls ? createHttps({ key: tls.key, cert: tls.cert }, handler) : createHttp(handler);
  // A TLS handshake the probe abandons surfaces here; it must not crash the test process.
  server.on('tlsClientError', () => {});
  return listen(server, tls ? 'https' : 'http');
}

/** A raw TCP server: `onSocket` gets each connection. */
export function serveTcp(onSocket: (socket: Socket) => void): Promise<Running> {
  return listen(createNet(onSocket), 'tcp');
}

async function listen(server: Server | NetServer, scheme: string): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = createNet();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once every connection the probe opened to `server` is closed: the probe let go of them. */
export async function allClosed(server: Running): Promise<void> {
  while (server.sockets.size > 0) {
    await Promise.all([...server.sockets].map((s) => new Promise((r) => s.once('close', r))));
  }
}

/**
 * Awaits a probe and fails, naming the case, if it has not resolved by its deadline plus a grace for
 * cleanup (closing sockets, ending a child process group). A hang shows up as this message, not as a
 * test timeout; nothing here measures how fast the probe was.
 */
export async function settle(probe: Promise<ProbeResult>, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the probe did not resolve within its ${timeoutMs} ms deadline (+ grace)`)),
      timeoutMs + 6000,
    );
  });
  try {
    return await Promise.race([probe, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts the verdict fields together, so a failure prints the whole result. */
export function expectVerdict(
  result: ProbeResult,
  status: ProbeResult['status'],
  reason: ProbeResult['reason'],
  phase?: ProbeResult['phase'],
): void {
  const seen = { status: result.status, reason: result.reason, phase: result.phase };
  const want = phase === undefined ? { status, reason } : { status, reason, phase };
  expect(phase === undefined ? { status: seen.status, reason: seen.reason } : seen, result.message).toEqual(
    want,
  );
}

/** Reads a request body as parsed JSON (or undefined when there is none). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

export const LEGACY_VERSION = '2025-11-25';
export const MODERN_VERSION = '2026-07-28';

/** The result a well-behaved legacy server gives to initialize. */
export function initializeResult(protocolVersion = LEGACY_VERSION): Record<string, unknown> {
  return { protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1' } };
}

export const ECHO_TOOL = {
  name: 'echo',
  description: 'Echo',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
};

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A legacy Streamable HTTP server that answers `server/discover` with 404 (so the probe falls back to
 * initialize) and otherwise behaves, except for the methods `override` takes over. `override` gets the
 * parsed message and returns true when it answered.
 */
export function legacyServer(
  override: (msg: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => boolean = () =>
    false,
): Handler {
  return (req, res) => {
    readJson(req).then(
      (msg) => {
        if (!msg) return sendJson(res, { error: 'no body' }, 400);
        if (override(msg, req, res)) return;
        const { id, method } = msg;
        if (method === 'server/discover') return sendJson(res, { error: 'not found' }, 404);
        if (id === undefined) {
          res.writeHead(202).end();
          return;
        }
        if (method === 'initialize') return sendJson(res, { jsonrpc: '2.0', id, result: initializeResult() });
        if (method === 'tools/list')
          return sendJson(res, { jsonrpc: '2.0', id, result: { tools: [ECHO_TOOL] } });
        if (method === 'ping') return sendJson(res, { jsonrpc: '2.0', id, result: {} });
        sendJson(res, { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
      },
      () => res.destroy(),
    );
  };
}
