// One MCP server on loopback, in its own process so its CPU never counts against a prober.
// argv[2] is the kind: 'v2' (createMcpHandler, both eras) or 'v1' (the v1 SDK, stateful legacy sessions).
// It reports its port over IPC and answers { op: 'counts' | 'reset' | 'hold' | 'held' | 'release' }.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { z } from 'zod';

const kind = process.argv[2];
const counts = new Map();
/** While set, every tools/list waits here: the in-flight memory figure holds probes mid-run. */
let hold;
let held = 0;

function count(key) {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The same tool set on every server: one echo tool. */
function echo(text) {
  return { content: [{ type: 'text', text }] };
}

async function v2Handler() {
  const { McpServer, createMcpHandler } = await import('@modelcontextprotocol/server');
  const { toNodeHandler } = await import('@modelcontextprotocol/node');
  const handler = toNodeHandler(
    createMcpHandler(() => {
      const server = new McpServer({ name: 'bench', version: '1' });
      server.registerTool(
        'echo',
        { description: 'Echo', inputSchema: z.object({ text: z.string() }) },
        async ({ text }) => echo(text),
      );
      return server;
    }),
  );
  return (req, res, body) => handler(req, res, body);
}

async function v1Handler() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StreamableHTTPServerTransport } = await import(
    '@modelcontextprotocol/sdk/server/streamableHttp.js'
  );
  const sessions = new Map();
  return async (req, res, body) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      if (req.method !== 'POST' || body?.method !== 'initialize') {
        res.writeHead(id ? 404 : 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'No session' } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => sessions.set(sid, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const server = new McpServer({ name: 'bench', version: '1' });
      server.registerTool(
        'echo',
        { description: 'Echo', inputSchema: { text: z.string() } },
        async ({ text }) => echo(text),
      );
      await server.connect(transport);
    }
    await transport.handleRequest(req, res, body);
  };
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });
}

const handle = kind === 'v1' ? await v1Handler() : await v2Handler();
const server = http.createServer(async (req, res) => {
  try {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const method = body?.method ?? (body && 'id' in body ? '(response)' : '');
    count(`${req.method} ${method}`.trim());
    if (method === 'tools/list' && hold) {
      held++;
      await hold.promise;
      held--;
    }
    await handle(req, res, body);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  }
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.send({ op: 'ready', port: server.address().port }));

process.on('message', (msg) => {
  if (msg.op === 'counts') process.send({ op: 'counts', counts: Object.fromEntries(counts) });
  else if (msg.op === 'reset') {
    counts.clear();
    process.send({ op: 'reset' });
  } else if (msg.op === 'hold') {
    let release;
    hold = { promise: new Promise((r) => (release = r)), release };
    process.send({ op: 'hold' });
  } else if (msg.op === 'held') process.send({ op: 'held', held });
  else if (msg.op === 'release') {
    hold?.release();
    hold = undefined;
    process.send({ op: 'release' });
  }
});
process.on('disconnect', () => process.exit(0));
