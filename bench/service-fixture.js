// The MCP servers the service bench monitors: a minimal modern-era (2026-07-28) Streamable HTTP server on raw
// `node:http`, listening on a few loopback ports and answering on any path (/mcp/<n>), so each monitor has its
// own URL. It answers `server/discover` and `tools/list` with JSON and nothing else, as cheaply as it can: it
// runs in its own process so its CPU is never counted as mcpwatch's, and it must stay light enough that
// mcpwatch, not the fixture, sets the pace. Forked by bench/service.js; argv[2] is the number of ports.
// It reports { op: 'ready', ports } over IPC and answers { op: 'counts' } and { op: 'cpu' }.
import http from 'node:http';

const PORTS = Number(process.argv[2] ?? 4);
const VERSION = '2026-07-28';

const DISCOVER = {
  supportedVersions: [VERSION],
  capabilities: { tools: {} },
  serverInfo: { name: 'bench-fixture', version: '1.0.0' },
};
const TOOLS = {
  tools: [
    {
      name: 'echo',
      description: 'Echo',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    },
  ],
};

const counts = { requests: 0, discover: 0, tools: 0, other: 0, connections: 0 };

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'mcp-protocol-version': VERSION,
  });
  res.end(text);
}

function handle(req, res) {
  counts.requests++;
  if (req.method !== 'POST') {
    counts.other++;
    res.writeHead(405, { allow: 'POST', 'content-length': 0 }).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let msg;
    try {
      msg = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      counts.other++;
      return reply(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    const { id, method } = msg;
    if (method === 'server/discover') {
      counts.discover++;
      return reply(res, 200, { jsonrpc: '2.0', id, result: DISCOVER });
    }
    if (method === 'tools/list') {
      counts.tools++;
      return reply(res, 200, { jsonrpc: '2.0', id, result: TOOLS });
    }
    counts.other++;
    if (id === undefined) {
      res.writeHead(202, { 'content-length': 0 }).end();
      return;
    }
    reply(res, 404, { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
  });
}

const ports = [];
for (let i = 0; i < PORTS; i++) {
  const server = http.createServer({ keepAliveTimeout: 5000 }, handle);
  server.on('connection', (socket) => {
    counts.connections++;
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}

process.on('message', (msg) => {
  if (msg.op === 'counts') process.send({ op: 'counts', counts: { ...counts } });
  if (msg.op === 'cpu') process.send({ op: 'cpu', cpu: process.cpuUsage() });
  if (msg.op === 'exit') process.exit(0);
});
// The parent went away: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send({ op: 'ready', ports });
