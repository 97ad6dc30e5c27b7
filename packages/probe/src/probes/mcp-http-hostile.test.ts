/**
 * Hostile Streamable HTTP and HTTP+SSE servers: each misbehaviour on the wire must end the probe with its
 * own reason, within the deadline, and leave no connection open behind it.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { McpOptionsInput } from '../mcp/options.js';
import {
  allClosed,
  expectVerdict,
  type Handler,
  legacyServer,
  type Running,
  serve,
  settle,
} from '../test-fixtures/servers.js';
import { probeMcp } from './mcp.js';

const TIMEOUT = 1500;
let server: Running | undefined;
const timers = new Set<NodeJS.Timeout>();

afterEach(async () => {
  for (const t of timers) clearInterval(t);
  timers.clear();
  await server?.close();
  server = undefined;
});

async function probe(handler: Handler, options: McpOptionsInput = {}) {
  server = await serve(handler);
  const result = await settle(
    probeMcp(`${server.origin}/mcp`, { timeoutMs: TIMEOUT, ...options }),
    options.timeoutMs ?? TIMEOUT,
  );
  // Whatever the server did, the probe let go of every connection it opened.
  await allClosed(server);
  return result;
}

/** Writes `chunk` every `ms` until the response or the test ends. */
function drip(res: ServerResponse, chunk: string, ms: number): void {
  const timer = setInterval(() => res.write(chunk), ms);
  timers.add(timer);
  res.once('close', () => clearInterval(timer));
}

/** Answers the first POST (server/discover) with `answer`; a legacy server with `legacyServer`. */
function onDiscover(answer: Handler): Handler {
  return (req, res) => {
    req.resume();
    answer(req, res);
  };
}

describe('a server that never finishes', () => {
  test('hangs after sending headers: timeout in the handshake', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
      }),
    );
    expectVerdict(result, 'down', 'timeout', 'handshake');
  });

  test('never sends even the headers: timeout in the handshake', async () => {
    const result = await probe(onDiscover(() => {}));
    expectVerdict(result, 'down', 'timeout', 'handshake');
  });

  test('hangs on tools/list after a good handshake: timeout in the tools phase', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return true;
      }),
    );
    expectVerdict(result, 'down', 'timeout', 'tools');
    expect(result.mcp?.era).toBe('legacy');
  });

  test('answers a POST with an SSE stream that never carries the reply: timeout', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
        drip(res, 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n', 50);
      }),
    );
    expectVerdict(result, 'down', 'timeout', 'handshake');
  });

  test('an SSE answer that carries the reply but never closes does not hold the probe', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const reply = { jsonrpc: '2.0', id: msg.id, result: { tools: [{ name: 'echo' }] } };
        res.write(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
        drip(res, ': still here\n\n', 20);
        return true;
      }),
    );
    expectVerdict(result, 'up', undefined);
    expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
  });

  test('a legacy SSE GET stream that never sends its endpoint event: timeout over sse', async () => {
    const result = await probe((req, res) => {
      req.resume();
      if (req.method !== 'GET') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      drip(res, ': keep-alive\n\n', 50);
    });
    expectVerdict(result, 'down', 'timeout', 'handshake');
    expect(result.mcp?.transport).toBe('sse');
  });

  test('a legacy SSE endpoint event naming another origin: invalid_response, nothing posted there', async () => {
    const result = await probe(
      (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: endpoint\ndata: http://attacker.invalid/steal\n\n');
      },
      { transport: 'sse' },
    );
    expectVerdict(result, 'down', 'invalid_response', 'handshake');
    expect(result.message).toContain('another origin');
  });

  test('trickles a body slower than the deadline: timeout', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"jsonrpc":"2.0",');
        drip(res, ' ', 50);
      }),
    );
    expectVerdict(result, 'down', 'timeout', 'handshake');
  });
});

describe('a server that answers badly', () => {
  test('a body that is not JSON: invalid_json', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc": "2.0", "id": 1, "res');
      }),
    );
    expectVerdict(result, 'down', 'invalid_json', 'handshake');
  });

  test('a tools/list body that is not JSON: invalid_json in the tools phase', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        res.writeHead(200, { 'content-type': 'application/json' }).end('<<garbage>>');
        return true;
      }),
    );
    expectVerdict(result, 'down', 'invalid_json', 'tools');
  });

  test('an HTML page with 200: invalid_response', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome</body></html>');
      }),
    );
    expectVerdict(result, 'down', 'invalid_response', 'handshake');
    expect(result.message).toContain('text/html');
  });

  test('HTTP 500 to every request: http_status', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      }),
    );
    expectVerdict(result, 'down', 'http_status', 'handshake');
    expect(result.message).toContain('500');
  });

  test('HTTP 500 to tools/list after a good handshake: http_status in the tools phase', async () => {
    const result = await probe(
      legacyServer((msg, _req, res) => {
        if (msg.method !== 'tools/list') return false;
        res.writeHead(500).end('oops');
        return true;
      }),
    );
    expectVerdict(result, 'down', 'http_status', 'tools');
  });

  test('the connection is reset mid-response: connect_reset', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"jsonrpc":"2.0","id":1,', () => res.socket?.destroy());
      }),
    );
    expectVerdict(result, 'down', 'connect_reset', 'handshake');
  });

  test('the connection is reset before any answer: connect_reset', async () => {
    const result = await probe(
      legacyServer((msg, req) => {
        if (msg.method !== 'tools/list') return false;
        req.socket.destroy();
        return true;
      }),
    );
    expectVerdict(result, 'down', 'connect_reset', 'tools');
  });
});

describe('a server that answers too much', () => {
  const maxBytes = 4096;
  const big = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { pad: 'x'.repeat(3 * maxBytes) } });

  test('a body over maxBytes with content-length: response_too_large', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
        res.end(big);
      }),
      { maxBytes },
    );
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });

  test('a chunked body over maxBytes: response_too_large', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        // Chunked and never ending: only the byte limit can stop it before the deadline.
        drip(res, 'x'.repeat(1024), 5);
      }),
      { maxBytes },
    );
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });

  test('an SSE stream over maxBytes, in small events: response_too_large', async () => {
    const result = await probe(
      onDiscover((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const note = JSON.stringify({
          jsonrpc: '2.0',
          method: 'notifications/message',
          params: { data: 'x' },
        });
        drip(res, `event: message\ndata: ${note}\n\n`, 2);
      }),
      { maxBytes },
    );
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });

  test('a legacy SSE GET stream over maxBytes: response_too_large', async () => {
    const result = await probe(
      (req, res) => {
        req.resume();
        if (req.method !== 'GET') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        drip(res, `: ${'x'.repeat(1000)}\n\n`, 5);
      },
      { maxBytes, transport: 'sse' },
    );
    expectVerdict(result, 'down', 'response_too_large', 'handshake');
  });
});

test('a server request on the SSE answer is refused and the probe goes on', async () => {
  const refusals: unknown[] = [];
  const result = await probe(
    legacyServer((msg, _req, res) => {
      if (msg.method === undefined && msg.id === 'roots-1') {
        refusals.push(msg.error);
        res.writeHead(202).end();
        return true;
      }
      if (msg.method !== 'tools/list') return false;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 'roots-1', method: 'roots/list' })}\n\n`,
      );
      setTimeout(() => {
        const reply = { jsonrpc: '2.0', id: msg.id, result: { tools: [{ name: 'echo' }] } };
        res.end(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
      }, 100);
      return true;
    }),
  );
  expectVerdict(result, 'up', undefined);
  expect(refusals).toEqual([expect.objectContaining({ code: -32601 })]);
});
