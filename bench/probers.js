// The clients under test. Each `make(url, era)` returns one probe: a fresh connection, the same steps
// (modern: server/discover, tools/list; legacy: initialize, notifications/initialized, tools/list, ping,
// DELETE when the server gave a session), resolving to { ok, durationMs }. durationMs stops before
// the polite close, as the probe's own durationMs does.
// Each client's library is imported only when that client is made, so a prober process holds only the
// code it measures.
import http from 'node:http';

/** Every client gets the same deadline; see docs/benchmarks.md for why it is short. */
export const TIMEOUT_MS = 2000;

const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';

async function mcpwatch(url, era, timeoutMs = TIMEOUT_MS) {
  const { prepareMcpOptions, probeMcp } = await import('@mcpwatch/probe');
  // Validated once, as a monitor does for options it reuses every interval.
  const options = prepareMcpOptions({ era, transport: 'streamable-http', ping: true, timeoutMs });
  return async () => {
    const r = await probeMcp(url, options);
    return { ok: r.status === 'up', durationMs: r.durationMs, detail: r.message };
  };
}

/** The official v2 client, one undici Agent (so one fresh connection pool) per probe. */
async function sdk(url, era, timeoutMs = TIMEOUT_MS) {
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const { Agent, fetch } = await import('undici');
  const target = new URL(url);
  const mode = era === 'modern' ? { pin: MODERN } : 'legacy';
  return async () => {
    const agent = new Agent();
    const transport = new StreamableHTTPClientTransport(target, {
      fetch: (u, init) => fetch(u, { ...init, dispatcher: agent }),
    });
    const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode } });
    const t0 = performance.now();
    try {
      const request = { timeout: timeoutMs };
      await client.connect(transport, request);
      const { tools } = await client.listTools(undefined, request);
      if (era === 'legacy') await client.ping(request);
      const durationMs = performance.now() - t0;
      if (transport.sessionId) await transport.terminateSession();
      return { ok: tools.length > 0, durationMs };
    } catch (error) {
      return { ok: false, durationMs: performance.now() - t0, detail: String(error) };
    } finally {
      await client.close().catch(() => {});
      await agent.close().catch(() => {});
    }
  };
}

/**
 * The floor: the same requests written by hand on node:http, one keep-alive socket per probe, no
 * validation beyond finding the reply. Used for the overhead figure and as a CPU reference.
 */
async function raw(url, era) {
  const target = new URL(url);
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  return async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const t0 = performance.now();
    try {
      const send = (method, body, headers) => request(target, agent, method, body, headers);
      let durationMs;
      let ok;
      if (era === 'modern') {
        const h = { 'mcp-protocol-version': MODERN };
        const discover = await send('POST', rpc(1, 'server/discover', { _meta: meta }), {
          ...h,
          'mcp-method': 'server/discover',
        });
        ok = Array.isArray(reply(discover).result?.supportedVersions);
        const list = await send('POST', rpc(2, 'tools/list', { _meta: meta }), {
          ...h,
          'mcp-method': 'tools/list',
        });
        ok &&= Array.isArray(reply(list).result?.tools);
        durationMs = performance.now() - t0;
      } else {
        const init = await send(
          'POST',
          rpc(1, 'initialize', {
            protocolVersion: LEGACY,
            capabilities: {},
            clientInfo: { name: 'raw', version: '1' },
          }),
          {},
        );
        ok = typeof reply(init).result?.protocolVersion === 'string';
        const sid = init.headers['mcp-session-id'];
        const h = { 'mcp-protocol-version': LEGACY, ...(sid ? { 'mcp-session-id': sid } : {}) };
        await send('POST', JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), h);
        ok &&= Array.isArray(reply(await send('POST', rpc(2, 'tools/list'), h)).result?.tools);
        ok &&= reply(await send('POST', rpc(3, 'ping'), h)).result !== undefined;
        durationMs = performance.now() - t0;
        if (sid) await send('DELETE', undefined, h);
      }
      return { ok, durationMs };
    } catch (error) {
      return { ok: false, durationMs: performance.now() - t0, detail: String(error) };
    } finally {
      agent.destroy();
    }
  };
}

function rpc(id, method, params) {
  return JSON.stringify(params ? { jsonrpc: '2.0', id, method, params } : { jsonrpc: '2.0', id, method });
}

function request(url, agent, method, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(body
            ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON-RPC reply in a JSON body or in the first SSE `data:` line. */
function reply(res) {
  if (res.status !== 200) return {};
  if (!res.headers['content-type']?.includes('event-stream')) return JSON.parse(res.text);
  const line = res.text.split('\n').find((l) => l.startsWith('data:'));
  return line ? JSON.parse(line.slice(5)) : {};
}

const MAKERS = { mcpwatch, sdk, raw };
export const CLIENT_NAMES = Object.keys(MAKERS);

/** One probe function for `client` against `url` in `era`; each call is one probe on a fresh connection. */
export function makeProbe(client, url, era, timeoutMs) {
  return MAKERS[client](url, era, timeoutMs);
}
