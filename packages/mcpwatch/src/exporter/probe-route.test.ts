import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROBE_MODULES,
  type ProbeModules,
  probeModuleSchema,
} from '../config/probe-module-schema.js';
import { type ExampleServer, startExampleServer } from '../demo/example-server.js';
import { startServer } from '../start-server.js';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { type ProbeRouteOptions, probeRoutes, runBounded } from './probe-route.js';

const modules = (inputs: Record<string, unknown>): ProbeModules =>
  Object.fromEntries(Object.entries(inputs).map(([name, m]) => [name, probeModuleSchema.parse(m)]));

/** A server that takes connections and requests and never answers: the probe can only time out. */
async function startStalling(): Promise<{ url: string; open: () => number; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer(() => {});
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    open: () => sockets.size,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let mcp: ExampleServer;
beforeAll(async () => {
  mcp = await startExampleServer();
});
afterAll(async () => {
  await mcp?.close();
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appWith(options: Partial<ProbeRouteOptions> = {}): Promise<FastifyInstance> {
  // As the service's app: closing does not wait out a test client's kept-alive connection.
  app = Fastify({ forceCloseConnections: true });
  probeRoutes(app, { modules: () => undefined, defaults: DEFAULT_PROBE_MODULES, ...options });
  await app.ready();
  return app;
}

const probe = (query: Record<string, string>) => `/probe?${new URLSearchParams(query)}`;

describe('GET /probe', () => {
  it('probes a live MCP server with the default module and answers its metrics', async () => {
    const res = await (await appWith()).inject({ url: probe({ target: mcp.url }) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('\nprobe_success 1\n');
    expect(res.body).toMatch(/\nprobe_duration_seconds \d/);
    expect(res.body).toMatch(/\nprobe_phase_duration_seconds\{phase="tools"\} \d/);
    expect(res.body).toContain(
      'probe_mcp_protocol_info{version="2026-07-28",era="modern",transport="streamable-http"} 1\n',
    );
    expect(res.body).toContain('probe_mcp_server_info{name="mcpwatch-example",version="1.0.0"} 1\n');
    expect(res.body).toContain('\nprobe_mcp_tools 3\n');
    expect(res.body).toMatch(/probe_mcp_tool_list_info\{hash="sha256:[0-9a-f]{64}"\} 1\n/);
    expect(res.body).not.toContain('probe_reason_info');
  });

  it('answers OpenMetrics when asked, as /metrics does', async () => {
    const res = await (await appWith()).inject({
      url: probe({ target: mcp.url, module: 'mcp' }),
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.body).toContain('# TYPE probe_mcp_protocol info\nprobe_mcp_protocol_info{');
    expect(res.body.endsWith('\n# EOF\n')).toBe(true);
  });

  it('reports a target nobody listens on as down, with the reason and the phase', async () => {
    const port = await freePort();
    const res = await (await appWith()).inject({
      url: probe({ target: `http://127.0.0.1:${port}/mcp` }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('\nprobe_success 0\n');
    expect(res.body).toContain('probe_reason_info{reason="connect_refused",phase="connect"} 1\n');
    expect(res.body).not.toContain('probe_mcp_tools');
  });

  it('probes with the http and tcp default modules too', async () => {
    const server = await appWith();
    const healthz = await server.inject({ url: probe({ target: mcp.healthUrl, module: 'http_2xx' }) });
    expect(healthz.body).toContain('\nprobe_success 1\n');
    expect(healthz.body).toContain('\nprobe_http_status_code 200\n');
    const hostPort = new URL(mcp.url).host;
    const tcp = await server.inject({ url: probe({ target: hostPort, module: 'tcp_connect' }) });
    expect(tcp.body).toContain('\nprobe_success 1\n');
  });

  it("keeps to Prometheus's scrape timeout: a stalled server is a timeout well before the module's 60 s", async () => {
    const stall = await startStalling();
    try {
      const server = await appWith({ modules: () => modules({ slow: { kind: 'mcp', timeoutMs: 60_000 } }) });
      const res = await server.inject({
        url: probe({ target: stall.url, module: 'slow' }),
        headers: { 'x-prometheus-scrape-timeout-seconds': '1.5' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('\nprobe_success 0\n');
      expect(res.body).toMatch(/probe_reason_info\{reason="timeout",phase="\w+"\} 1\n/);
    } finally {
      await stall.close();
    }
  }, 10_000);

  it('answers at the budget even if a probe never returns, and cancels it', async () => {
    // The probe library bounds every wait itself; this is the route's own bound, should one ever slip.
    let signal: AbortSignal | undefined;
    const never = (_target: string, _options: unknown, given?: AbortSignal) => {
      signal = given;
      return new Promise<never>(() => {});
    };
    const plan = { module: 'mcp', kind: 'mcp' as const, target: mcp.url, options: {}, budgetMs: 50 };
    const result = await runBounded(never, plan, new AbortController());
    expect(result).toMatchObject({ status: 'down', reason: 'timeout', target: mcp.url });
    expect(result.message).toBe('No verdict within the 50 ms budget');
    expect(signal?.aborted).toBe(true);
  });

  it('cancels the probe when the scraper hangs up', async () => {
    const stall = await startStalling();
    const server = await appWith({ modules: () => modules({ slow: { kind: 'mcp', timeoutMs: 60_000 } }) });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    try {
      const controller = new AbortController();
      const answer = fetch(`${base}${probe({ target: stall.url, module: 'slow' })}`, {
        signal: controller.signal,
      }).catch((error: Error) => error);
      await until('the probe to reach the stalled server', stall.open, (n) => n > 0);
      controller.abort();
      expect(await answer).toBeInstanceOf(Error);
      // The probe let go of the target: its connection closed long before the 60 s deadline.
      await until('the probe to close its connection', stall.open, (n) => n === 0, 5000);
    } finally {
      await stall.close();
    }
  }, 15_000);

  it('refuses a request without a target, saying how to give one', async () => {
    const res = await (await appWith()).inject({ url: '/probe?module=mcp' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'missing_target',
        message:
          'Give one target to probe: /probe?target=https://host/mcp&module=mcp (in Prometheus, relabel __address__ to __param_target)',
      },
    });
  });

  it('refuses an unknown module, listing the known ones', async () => {
    const res = await (await appWith()).inject({ url: probe({ target: mcp.url, module: 'http_200' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'unknown_module',
      message:
        'No probe module "http_200": use one of mcp, http_2xx, tcp_connect, or define it under probeModules in mcpwatch.yaml',
    });
  });

  it('never runs a command: stdio modules and command-line targets are refused', async () => {
    const server = await appWith();
    const stdio = await server.inject({ url: probe({ target: 'npx -y some-server', module: 'stdio' }) });
    expect(stdio.statusCode).toBe(400);
    expect(stdio.json().error.code).toBe('stdio_refused');
    expect(stdio.json().error.message).toContain('must never become a command line');
    const transport = await server.inject({
      url: probe({ target: mcp.url, module: 'mcp', transport: 'stdio' }),
    });
    expect(transport.json().error.code).toBe('stdio_refused');
    const command = await server.inject({ url: probe({ target: 'npx -y some-server' }) });
    expect(command.statusCode).toBe(400);
    expect(command.json().error).toEqual({
      code: 'invalid_target',
      message:
        'The target of a mcp module is an http(s) URL, like https://host/mcp; /probe never starts a command, so watch stdio servers with a monitor in mcpwatch.yaml',
    });
    const file = await server.inject({ url: probe({ target: 'file:///etc/passwd' }) });
    expect(file.json().error.code).toBe('invalid_target');
  });

  it("refuses targets outside a module's allowedTargets, matched whole", async () => {
    const server = await appWith({
      modules: () => modules({ local: { kind: 'mcp', allowedTargets: ['http://127\\.0\\.0\\.1:\\d+/mcp'] } }),
    });
    const ok = await server.inject({ url: probe({ target: mcp.url, module: 'local' }) });
    expect(ok.body).toContain('\nprobe_success 1\n');
    for (const target of ['http://169.254.169.254/mcp', `${mcp.url}/../admin`, `http://x/?${mcp.url}`]) {
      const res = await server.inject({ url: probe({ target, module: 'local' }) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toEqual({
        code: 'target_not_allowed',
        message: `Module "local" does not probe "${target}": add a pattern that matches it to its allowedTargets, or use another module`,
      });
    }
  });

  it('refuses a scrape timeout header that is not a number of seconds', async () => {
    const res = await (await appWith()).inject({
      url: probe({ target: mcp.url }),
      headers: { 'x-prometheus-scrape-timeout-seconds': 'soon' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_timeout');
  });

  it('needs the bearer token when one is set', async () => {
    const server = await appWith({ token: 's3cret' });
    const none = await server.inject({ url: probe({ target: mcp.url }) });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const wrong = await server.inject({
      url: probe({ target: mcp.url }),
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await server.inject({
      url: probe({ target: mcp.url }),
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(right.body).toContain('\nprobe_success 1\n');
  });
});

describe('/probe in mcpwatch serve', () => {
  let dir = '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is off without modules to offer, and says how to turn it on', async () => {
    const server = await appWith({ defaults: undefined });
    const res = await server.inject({ url: probe({ target: mcp.url }) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'probe_not_enabled' });
    expect(res.json().error.message).toContain('define probeModules in mcpwatch.yaml');
  });

  it('uses the probeModules of the config file in force, beside the monitors, with the metrics token', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-probe-'));
    const configFile = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      configFile,
      ['probeModules:', '  mcp_fast:', '    kind: mcp', '    timeoutMs: 3000', ''].join('\n'),
    );
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      database: path.join(dir, 'mcpwatch.db'),
      configFile,
      env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery', MCPWATCH_METRICS_TOKEN: 'scrape-me' },
      log: pino({ level: 'silent' }),
    });
    try {
      const headers = { authorization: 'Bearer scrape-me' };
      const ok = await fetch(`${server.url}${probe({ target: mcp.url, module: 'mcp_fast' })}`, { headers });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('\nprobe_success 1\n');
      // The configured modules replace the defaults.
      const other = await fetch(`${server.url}${probe({ target: mcp.url, module: 'mcp' })}`, { headers });
      expect(other.status).toBe(400);
      expect(((await other.json()) as { error: { message: string } }).error.message).toContain(
        'use one of mcp_fast,',
      );
      expect((await fetch(`${server.url}${probe({ target: mcp.url })}`)).status).toBe(401);
      // Without probeModules, the service's /probe is off again at the next reload.
      writeFileSync(configFile, 'monitors: []\n');
      await until(
        '/probe off after the edit',
        async () => (await fetch(`${server.url}${probe({ target: mcp.url })}`, { headers })).status,
        (status) => status === 404,
      );
    } finally {
      await server.close(1000);
    }
  }, 20_000);
});
