/**
 * MCP endpoints that speak HTTP well enough but get the protocol wrong, ask for authorization, or are not
 * there at all: each gets its own reason.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { McpOptionsInput } from '../mcp/options.js';
import {
  closedPort,
  expectVerdict,
  type Handler,
  initializeResult,
  legacyServer,
  type Running,
  sdkHandler,
  sendJson,
  serve,
  settle,
} from '../test-fixtures/servers.js';
import { probeMcp } from './mcp.js';

const TIMEOUT = 2000;
let server: Running | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function probe(handler: Handler, options: McpOptionsInput = {}) {
  server = await serve(handler);
  return settle(probeMcp(`${server.origin}/mcp`, { timeoutMs: TIMEOUT, ...options }), TIMEOUT);
}

describe('protocol errors', () => {
  test('a JSON-RPC error answering initialize: jsonrpc_error', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'initialize') return false;
        sendJson(res, { jsonrpc: '2.0', id: msg.id, error: { code: -32603, message: 'database is down' } });
        return true;
      }),
    );
    expectVerdict(result, 'down', 'jsonrpc_error', 'handshake');
    expect(result.message).toContain('database is down');
  });

  test('a reply carrying another JSON-RPC id: invalid_response', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        sendJson(res, { jsonrpc: '2.0', id: 9999, result: { tools: [] } });
        return true;
      }),
    );
    expectVerdict(result, 'down', 'invalid_response', 'tools');
  });

  test('initialize negotiating a revision the probe does not know: protocol_unsupported', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'initialize') return false;
        sendJson(res, { jsonrpc: '2.0', id: msg.id, result: initializeResult('2099-01-01') });
        return true;
      }),
    );
    expectVerdict(result, 'down', 'protocol_unsupported', 'handshake');
    expect(result.message).toContain('2099-01-01');
  });

  test('tools/list handing back the same cursor forever: invalid_response, not a loop', async () => {
    let pages = 0;
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        pages++;
        sendJson(res, {
          jsonrpc: '2.0',
          id: msg.id,
          result: { tools: [{ name: `t${pages}` }], nextCursor: 'again' },
        });
        return true;
      }),
    );
    expectVerdict(result, 'down', 'invalid_response', 'tools');
    expect(result.message).toContain('"again"');
    expect(pages).toBe(2);
  });

  test('a tool result without the value a jsonPath check needs: assertion_failed', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/call') return false;
        const content = [{ type: 'text', text: '{"count":1}' }];
        sendJson(res, { jsonrpc: '2.0', id: msg.id, result: { content, structuredContent: { count: 1 } } });
        return true;
      }),
      { call: { tool: 'echo', arguments: { text: 'hi' }, jsonPath: '$.total' } },
    );
    expectVerdict(result, 'down', 'assertion_failed', 'call');
    expect(result.message).toContain('$.total is nothing, expected a value');
  });

  test('a server slower than slowMs but within the deadline: degraded, slow', async () => {
    const sdk = sdkHandler();
    const result = await probe(
      (req, res) => {
        setTimeout(() => sdk(req, res), 150);
      },
      { slowMs: 100 },
    );
    expectVerdict(result, 'degraded', 'slow');
    expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
    expect(result.checks).toContainEqual(expect.objectContaining({ name: 'fast', ok: false, soft: 'slow' }));
  });
});

describe('an authorization wall', () => {
  const metadata = (origin: string) => ({
    resource: `${origin}/mcp`,
    authorization_servers: ['https://auth.example.com'],
    scopes_supported: ['mcp:read'],
  });

  test('401 with resource_metadata in WWW-Authenticate: auth_required with the metadata', async () => {
    const result = await probe((req, res) => {
      req.resume();
      const origin = `http://${req.headers.host}`;
      if (req.url === '/meta/prm.json') return sendJson(res, metadata(origin));
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="mcp", resource_metadata="${origin}/meta/prm.json"`,
      });
      res.end();
    });
    expectVerdict(result, 'down', 'auth_required', 'handshake');
    const origin = (server as Running).origin;
    expect(result.auth).toMatchObject({
      status: 401,
      resourceMetadataUrl: `${origin}/meta/prm.json`,
      resourceMetadata: metadata(origin),
      authorizationServers: ['https://auth.example.com'],
      scopes: ['mcp:read'],
    });
    expect(result.auth?.wwwAuthenticate).toContain('resource_metadata=');
  });

  test('401 without the header, metadata at the well-known path for the endpoint: found', async () => {
    const result = await probe((req, res) => {
      req.resume();
      if (req.url === '/.well-known/oauth-protected-resource/mcp') {
        return sendJson(res, metadata(`http://${req.headers.host}`));
      }
      res.writeHead(401).end();
    });
    expectVerdict(result, 'down', 'auth_required', 'handshake');
    expect(result.auth).toMatchObject({
      status: 401,
      resourceMetadataUrl: `${(server as Running).origin}/.well-known/oauth-protected-resource/mcp`,
      authorizationServers: ['https://auth.example.com'],
    });
    expect(result.auth?.wwwAuthenticate).toBeUndefined();
  });

  test('401 whose metadata document never comes: still auth_required, by the deadline', async () => {
    const result = await probe((req, res) => {
      req.resume();
      if (req.url?.startsWith('/.well-known/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      }
      res.writeHead(401, { 'www-authenticate': 'Bearer scope="mcp:read mcp:write"' }).end();
    });
    expectVerdict(result, 'down', 'auth_required', 'handshake');
    expect(result.auth).toMatchObject({ status: 401, scopes: ['mcp:read', 'mcp:write'] });
    expect(result.auth?.resourceMetadata).toBeUndefined();
  });

  test('403: auth_required, not down for another reason, and no metadata to be found', async () => {
    const result = await probe((req, res) => {
      req.resume();
      res.writeHead(req.url?.startsWith('/.well-known/') ? 404 : 403).end();
    });
    expectVerdict(result, 'down', 'auth_required', 'handshake');
    expect(result.auth?.status).toBe(403);
    expect(result.auth?.resourceMetadata).toBeUndefined();
  });
});

describe('nothing there', () => {
  test('a closed port: connect_refused', async () => {
    const port = await closedPort();
    const result = await settle(probeMcp(`http://127.0.0.1:${port}/mcp`, { timeoutMs: TIMEOUT }), TIMEOUT);
    expectVerdict(result, 'down', 'connect_refused', 'connect');
  });

  test('a name that cannot resolve: dns', async () => {
    const result = await settle(
      probeMcp('http://mcp.nonexistent.invalid/mcp', { timeoutMs: TIMEOUT }),
      TIMEOUT,
    );
    expectVerdict(result, 'down', 'dns', 'dns');
  });
});
