// An instrumented stdio server for the tests, run as a child process: the v2 SDK through serveStdio, or
// with --v1 the v1 McpServer on its StdioServerTransport. It pings the heartbeat URL in HB_URL, serves
// /metrics and the health endpoints on 127.0.0.1 (port printed on stderr), and shuts down gracefully on
// SIGTERM or when stdin ends. It imports the built package: `npm run build` first.
import http from 'node:http';
import { createInstrumentation, gracefulShutdown } from '../../dist/index.js';

const v1 = process.argv.includes('--v1');
const obs = createInstrumentation({
  name: v1 ? 'stdio-v1' : 'stdio-v2',
  version: '3.1.4',
  heartbeat: process.env.HB_URL ? { url: process.env.HB_URL, intervalMs: 50 } : false,
});

function tools(server, z) {
  const text = (t, isError) => ({ content: [{ type: 'text', text: t }], ...(isError ? { isError } : {}) });
  server.registerTool(
    'echo',
    { description: 'Echoes', inputSchema: v1 ? { text: z.string() } : z.object({ text: z.string() }) },
    async (a) => text(a.text),
  );
  server.registerTool('fail', { description: 'Reports failure' }, async () =>
    text('database unreachable', true),
  );
  return server;
}

const z = await import('zod');
if (v1) {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = obs.instrument(tools(new McpServer({ name: 'stdio-v1', version: '3.1.4' }), z));
  await server.connect(new StdioServerTransport());
} else {
  const { McpServer } = await import('@modelcontextprotocol/server');
  const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
  serveStdio(() => obs.instrument(tools(new McpServer({ name: 'stdio-v2', version: '3.1.4' }), z)));
}

const health = http.createServer(obs.healthHandler());
health.listen(0, '127.0.0.1', () => {
  process.stderr.write(`health on http://127.0.0.1:${health.address().port}\n`);
});
gracefulShutdown({ instrumentation: obs, servers: [health], stdinEnd: true, timeoutMs: 5_000 });
